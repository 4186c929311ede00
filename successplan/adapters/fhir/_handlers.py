"""Which function converts which FHIR resource type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from successplan.adapters._stream import stable_id
from successplan.schemas import Record

from ._consent import consent_from_fhir
from ._convert_clinical import (
    convert_allergy,
    convert_condition,
    convert_immunization,
)
from ._convert_observation import convert_observation
from ._convert_person import convert_patient
from ._convert_plan import convert_care_plan, convert_goal
from ._convert_referral import convert_service_request, convert_task
from ._values import ResourceContext

if TYPE_CHECKING:
    from ._convert import FhirConverter, Handler

__all__ = ["HANDLERS", "consent_handler"]


def consent_handler(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Convert a Consent (R4, or R5 when the converter reads R5 consents)."""
    release: Literal["R4", "R5"] = (
        "R5" if conv.r5_consents and ("decision" in res or "subject" in res) else "R4"
    )
    consent = consent_from_fhir(
        res,
        record_id=stable_id("Consent", conv.source, key),
        patient_system=conv.patient_system,
        location=ctx.location,
        release=release,
    )
    consent.provenance = conv.provenance(key, ctx.location)
    return [consent]


HANDLERS: dict[str, Handler] = {
    "AllergyIntolerance": convert_allergy,
    "CarePlan": convert_care_plan,
    "Condition": convert_condition,
    "Consent": consent_handler,
    "Goal": convert_goal,
    "Immunization": convert_immunization,
    "Observation": convert_observation,
    "Patient": convert_patient,
    "ServiceRequest": convert_service_request,
    "Task": convert_task,
}
