"""Canonical Consent to FHIR R4 Consent.

A canonical consent is written as an R4 Consent whose root provision denies
and whose nested provisions are the canonical ones, so FHIR's reading
(exceptions to a deny) is the canonical reading. Purposes and categories carry
successplan's own codes beside the v3 codes FHIR readers know; anything FHIR
cannot hold travels in ``canonical-field`` extensions, so reading the result
back gives the same consent.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from successplan.errors import ConversionError
from successplan.schemas import (
    Consent,
    ConsentProvision,
    ConsentStatus,
    DataCategory,
    PurposeOfUse,
)

from ._consent import (
    SP_CATEGORY,
    SP_PURPOSE,
    V3_ACT_CODE,
    V3_ACT_REASON,
    V3_PARTICIPATION,
    consent_from_fhir,
)
from ._extras import CANONICAL_ID, coding_out, write_extras

__all__ = ["consent_to_fhir", "fhir_id"]

_PURPOSE_TO_V3 = {
    PurposeOfUse.TREATMENT: "TREAT",
    PurposeOfUse.EMERGENCY: "ETREAT",
    PurposeOfUse.CARE_COORDINATION: "COC",
    PurposeOfUse.FAMILY_ACCESS: "FAMRQT",
}
_LABEL_TO_V3 = {DataCategory.HEALTH_SUD: "ETH", DataCategory.HEALTH_MENTAL: "PSY"}

#: Canonical fields written as FHIR elements; the rest travel as extensions.
_NATIVE = {
    "id", "type", "subject", "status", "discloser", "provisions", "period",
    "signed_on", "legal_basis", "document_url",
}  # fmt: skip

_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def consent_to_fhir(consent: Consent) -> dict[str, Any]:
    """Write a canonical Consent as an R4 Consent resource.

    The root provision denies; each canonical provision is a nested exception,
    so the FHIR reading (exceptions to a deny) is the canonical one.
    """
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": fhir_id(consent.id),
        "identifier": [{"system": CANONICAL_ID, "value": consent.id}],
        "status": "inactive"
        if consent.status is ConsentStatus.REVOKED
        else consent.status.value,
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [{"coding": [{"system": V3_ACT_CODE, "code": "IDSCL"}]}],
        "patient": {
            "identifier": {
                "system": consent.subject.system,
                "value": consent.subject.value,
            }
        },
    }
    if consent.signed_on is not None:
        resource["dateTime"] = consent.signed_on.isoformat()
    performer: dict[str, Any] = {
        "type": "Patient" if consent.grantor.relationship == "self" else "RelatedPerson"
    }
    if consent.grantor.identifier is not None:
        performer["identifier"] = consent.grantor.identifier.model_dump(
            include={"system", "value"}
        )
    if consent.grantor.name is not None and consent.grantor.name.text:
        performer["display"] = consent.grantor.name.text
    resource["performer"] = [performer]
    if consent.discloser:
        resource["organization"] = [{"reference": f"Organization/{consent.discloser}"}]
    if consent.document_url:
        resource["sourceAttachment"] = {"url": consent.document_url}
    if consent.legal_basis:
        resource["policyRule"] = {
            "coding": [
                coding_out(c.model_dump(mode="json", exclude_none=True))
                for c in consent.legal_basis
            ]
        }

    root: dict[str, Any] = {"type": "deny"}
    if consent.period is not None:
        root["period"] = _period_json(consent.period)
    root["provision"] = [_provision_to_fhir(p) for p in consent.provisions]
    resource["provision"] = root
    try:
        again = consent_from_fhir(resource, record_id=consent.id, patient_system="-")
        native = again.model_dump(mode="json", exclude_none=True, include=_NATIVE)
    except ConversionError:
        native = {}
    write_extras(consent, native, resource)
    return resource


def fhir_id(record_id: str) -> str:
    """Return ``record_id`` if FHIR allows it as an id, else a hash of it."""
    if _FHIR_ID.fullmatch(record_id):
        return record_id
    return hashlib.sha256(record_id.encode()).hexdigest()[:64]


def _provision_to_fhir(provision: ConsentProvision) -> dict[str, Any]:
    out: dict[str, Any] = {"type": provision.decision}
    if provision.period is not None:
        out["period"] = _period_json(provision.period)
    if provision.recipients:
        out["actor"] = [
            {
                "role": {"coding": [{"system": V3_PARTICIPATION, "code": "IRCP"}]},
                "reference": {"reference": f"Organization/{rid}"},
            }
            for rid in provision.recipients
        ]
    labels: list[dict[str, str]] = []
    for category in provision.categories:
        labels.append({"system": SP_CATEGORY, "code": category.value})
        if category in _LABEL_TO_V3:
            labels.append({"system": V3_ACT_CODE, "code": _LABEL_TO_V3[category]})
    if labels:
        out["securityLabel"] = labels
    purposes: list[dict[str, str]] = []
    for purpose in provision.purposes:
        purposes.append({"system": SP_PURPOSE, "code": purpose.value})
        if purpose in _PURPOSE_TO_V3:
            purposes.append({"system": V3_ACT_REASON, "code": _PURPOSE_TO_V3[purpose]})
    if purposes:
        out["purpose"] = purposes
    return out


def _period_json(period: Any) -> dict[str, str]:
    out = {}
    if period.start is not None:
        out["start"] = period.start.isoformat()
    if period.end is not None:
        out["end"] = period.end.isoformat()
    return out
