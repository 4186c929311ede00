"""Telling R4 from other FHIR releases, and the strict R4B check.

The default path trusts the JSON it is given, except for the marks of another
release: an R5-only resource type, or an element only R5 has, rejects the
resource as ``fhir-version-mismatch`` rather than reading it wrongly.
``strict`` adds a full structural check with the fhir.resources R4B models.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ._types import R4_TYPES, R5_ONLY_TYPES
from ._values import ResourceContext

__all__ = ["check_release", "check_type", "validate_strict"]

#: Elements that only R5 has, per type: their presence means an R5 resource.
_R5_MARKS: dict[str, tuple[str, ...]] = {
    "AllergyIntolerance": ("participant",),
    "CarePlan": ("custodian",),
    "Condition": ("participant",),
    "Consent": ("decision", "grantor", "grantee", "regulatoryBasis", "subject"),
    "Encounter": ("virtualService", "careTeam"),
    "Immunization": ("reason", "basedOn", "administeredProduct"),
    "Observation": ("triggeredBy", "instantiatesCanonical"),
    "ServiceRequest": ("reason", "focus", "bodyStructure"),
    "Task": ("requestedPerformer", "reason", "performer"),
}


def check_type(kind: str, res: Mapping[str, Any], location: str) -> None:
    """Reject a resource type that is R5 only, or that no FHIR release has.

    Raises:
        ConversionError: ``fhir-version-mismatch`` or ``fhir-unknown-type``.
    """
    if kind in R5_ONLY_TYPES:
        raise ResourceContext(res, location).error(
            field="resourceType",
            problem="is an R5 resource type; this input is read as R4",
            code="fhir-version-mismatch",
        )
    if kind not in R4_TYPES:
        raise ResourceContext(res, location).error(
            field="resourceType",
            problem=f"is `{kind}`, not a FHIR R4 resource type",
            code="fhir-unknown-type",
        )


def check_release(res: Mapping[str, Any], ctx: ResourceContext) -> None:
    """Reject a resource that carries an element only R5 has.

    Raises:
        ConversionError: ``fhir-version-mismatch``, naming the element.
    """
    for mark in _R5_MARKS.get(ctx.type, ()):
        if mark in res:
            raise ctx.error(
                mark,
                "is an R5 element; this resource looks like R5, read as R4",
                code="fhir-version-mismatch",
            )
    if ctx.type == "Encounter" and isinstance(res.get("class"), list):
        raise ctx.error(
            field="class",
            problem="is a list (R5); R4 has one Coding",
            code="fhir-version-mismatch",
        )


def validate_strict(res: dict[str, Any], ctx: ResourceContext) -> None:
    """Validate a resource with its fhir.resources R4B model.

    Raises:
        ConversionError: ``fhir-invalid``, naming the first element at fault.
    """
    from fhir.resources.R4B import get_fhir_model_class

    try:
        get_fhir_model_class(ctx.type).model_validate(res)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(resource)"
        raise ctx.error(
            where,
            f"fails R4 validation: {first['msg']} ({exc.error_count()} errors in all)",
            code="fhir-invalid",
        ) from exc
