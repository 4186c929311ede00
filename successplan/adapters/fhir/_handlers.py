"""Which function converts which FHIR resource type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._convert import consent_handler
from ._convert_clinical import (
    convert_allergy,
    convert_condition,
    convert_immunization,
    convert_observation,
)
from ._convert_person import convert_patient
from ._convert_plan import (
    convert_care_plan,
    convert_goal,
    convert_service_request,
    convert_task,
)

if TYPE_CHECKING:
    from ._convert import Handler

__all__ = ["HANDLERS"]

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
