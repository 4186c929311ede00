"""Condition, AllergyIntolerance and Immunization: needs and immunization doses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from successplan.adapters._stream import stable_id
from successplan.schemas import (
    Coding,
    DataCategory,
    Domain,
    Evidence,
    Finding,
    FindingKind,
    FindingStatus,
    Record,
)

from ._sensitivity import GRAVITY, sensitivity_floor
from ._values import (
    ResourceContext,
    as_list,
    cc_codings,
    cc_text,
    fhir_date,
    to_coding,
)

if TYPE_CHECKING:
    from ._convert import FhirConverter

__all__ = [
    "convert_allergy",
    "convert_condition",
    "convert_immunization",
]

_CLINICAL_STATUS = {
    "active": FindingStatus.ACTIVE,
    "recurrence": FindingStatus.ACTIVE,
    "relapse": FindingStatus.ACTIVE,
    "inactive": FindingStatus.INACTIVE,
    "remission": FindingStatus.RESOLVED,
    "resolved": FindingStatus.RESOLVED,
}


def _finding_parts(
    conv: FhirConverter,
    codings: list[dict[str, Any]],
    extra: list[dict[str, Any]],
    fallback: Domain,
) -> tuple[Coding | None, Domain, DataCategory | None, FindingKind | None]:
    result = conv.lookup(codings)
    context = conv.lookup(extra) if extra else None
    code = (
        result.coding
        if result is not None
        else (to_coding(codings[0]) if codings else None)
    )
    domain = (
        (result.domain if result else None)
        or (context.domain if context else None)
        or fallback
    )
    category = (result.category if result else None) or (
        context.category if context else None
    )
    kind = (result.kind if result else None) or (context.kind if context else None)
    return code, domain, category, kind


def _clinical_status(
    conv: FhirConverter,
    res: dict[str, Any],
    ctx: ResourceContext,
    resource: str,
    expected: str,
) -> FindingStatus | None:
    """Read the clinical and verification status; ``None`` for a refuted one.

    Raises:
        ConversionError: The clinical status is not one of ``expected``
            (code ``fhir-bad-code``).
    """
    verification = {c["code"] for c in cc_codings(res.get("verificationStatus"))}
    if "refuted" in verification:
        conv.summary.skipped[f"{resource} (refuted)"] += 1
        return None
    clinical = next(
        iter(c["code"] for c in cc_codings(res.get("clinicalStatus"))), "active"
    )
    status = (
        FindingStatus.ENTERED_IN_ERROR
        if "entered-in-error" in verification
        else _CLINICAL_STATUS.get(clinical)
    )
    if status is None:
        raise ctx.error(
            field="clinicalStatus",
            problem=f"is `{clinical}`, not {expected}",
            code="fhir-bad-code",
        )
    return status


def convert_condition(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Convert a Condition to a need, its domain and category from its codes."""
    status = _clinical_status(conv, res, ctx, "Condition", "an R4 clinical status")
    if status is None:
        return []

    codings = list(cc_codings(res.get("code")))
    sdoh = [c for c in cc_codings(res.get("category")) if c["system"] == GRAVITY]
    code, domain, category, kind = _finding_parts(conv, codings, sdoh, Domain.HEALTH)
    description = cc_text(res.get("code"))
    if code is None and not description:
        raise ctx.error(
            field="code",
            problem="is missing, so the need says nothing",
            code="fhir-missing-element",
        )
    onset = res.get("onsetDateTime") or (res.get("onsetPeriod") or {}).get("start")
    evidence = [
        Evidence(system=conv.source, record=target)
        for e in as_list(res.get("evidence"))
        if isinstance(e, dict)
        for i, d in enumerate(as_list(e.get("detail")))
        if (target := conv.resolve(d, ctx, f"evidence.detail[{i}]"))
    ]
    return [
        Finding(
            id=stable_id("Finding", conv.source, key),
            provenance=conv.provenance(key, ctx.location),
            subject=conv.subject(res, ctx, "subject", "patient"),
            kind=kind or FindingKind.NEED,
            domain=domain,
            category=sensitivity_floor(category, codings, res),
            code=code,
            description=description,
            status=status,
            identified_on=fhir_date(
                res.get("recordedDate") or onset,
                ctx,
                "recordedDate" if res.get("recordedDate") else "onset[x]",
            ),
            method="screening" if sdoh else "record",
            evidence=evidence,
        )
    ]


def convert_allergy(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Convert an AllergyIntolerance to a health need a school nurse must know."""
    status = _clinical_status(
        conv, res, ctx, "AllergyIntolerance", "an allergy clinical status"
    )
    if status is None:
        return []
    codings = list(cc_codings(res.get("code")))
    code, domain, category, kind = _finding_parts(conv, codings, [], Domain.HEALTH)
    what = cc_text(res.get("code")) or "unspecified substance"
    kind_text = "Intolerance" if res.get("type") == "intolerance" else "Allergy"
    return [
        Finding(
            id=stable_id("Finding", conv.source, key),
            provenance=conv.provenance(key, ctx.location),
            subject=conv.subject(res, ctx, "patient"),
            kind=kind or FindingKind.NEED,
            domain=domain,
            category=sensitivity_floor(category, codings, res),
            code=code,
            description=f"{kind_text}: {what}",
            status=status,
            priority="high" if res.get("criticality") == "high" else None,
            identified_on=fhir_date(
                res.get("recordedDate") or res.get("onsetDateTime"), ctx, "recordedDate"
            ),
            method="record",
        )
    ]


def convert_immunization(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Count a dose into the immunization indicator; a dose not given is a need.

    The ``fhir-cvx`` crosswalk names the vaccine groups a CVX code counts
    toward (every group of a combination vaccine); an unmapped code counts
    under itself.
    """
    status = res.get("status")
    if status == "entered-in-error":
        conv.summary.skipped["Immunization (entered-in-error)"] += 1
        return []
    if status not in ("completed", "not-done"):
        raise ctx.error(
            field="status",
            problem=f"is `{status}`, expected completed, not-done or entered-in-error",
            code="fhir-bad-code",
        )
    codings = list(cc_codings(res.get("vaccineCode")))
    if not codings:
        raise ctx.error(
            field="vaccineCode", problem="has no coding", code="fhir-missing-element"
        )
    subject = conv.subject(res, ctx, "patient")
    when = fhir_date(res.get("occurrenceDateTime"), ctx, "occurrenceDateTime")
    result = conv.lookup(codings)
    groups = conv.all_codings(result) if result is not None else [to_coding(codings[0])]
    vaccine = groups[0]
    if status == "not-done":
        reason = cc_text(res.get("statusReason"))
        return [
            Finding(
                id=stable_id("Finding", conv.source, key),
                provenance=conv.provenance(key, ctx.location),
                subject=subject,
                kind=FindingKind.NEED,
                domain=Domain.HEALTH,
                category=DataCategory.HEALTH,
                code=vaccine,
                description=f"Vaccine not given: {cc_text(res.get('vaccineCode'))}"
                + (f" ({reason})" if reason else ""),
                identified_on=when,
                method="record",
            )
        ]
    if when is None:
        raise ctx.error(
            field="occurrence[x]",
            problem="has no date; a dose needs one to count",
            code="fhir-missing-element",
        )
    conv.series.add_dose(subject, groups, when)
    return []
