"""Names of the source code systems crosswalks and connectors agree on.

A connector looks a source code up as ``(system, code)``; these constants keep
the system half identical on both sides.
"""

from __future__ import annotations

from enum import StrEnum

from successplan.errors import ConversionError

__all__ = [
    "ADMINISTRATIVE_GENDER",
    "AIRS_PHONE_TYPE",
    "AIRS_TAXONOMY",
    "BCP47",
    "CANONICAL_SYSTEM_PREFIX",
    "CDC_RACE_ETHNICITY",
    "CEDS_GRADE_LEVEL",
    "CVX",
    "EDFI_DESCRIPTOR_PREFIX",
    "IMMUNIZATION_GROUP",
    "FHIR_CONDITION_CLINICAL",
    "FHIR_GOAL_ACHIEVEMENT",
    "FHIR_GOAL_STATUS",
    "FHIR_ORGANIZATION_TYPE",
    "FHIR_REQUEST_STATUS",
    "FHIR_TASK_STATUS",
    "GRAVITY_SDOH_CATEGORY",
    "HSDS_SERVICE_STATUS",
    "ICD10CM",
    "LOINC",
    "ONEROSTER_DEMOGRAPHICS",
    "ONEROSTER_GRADE",
    "ONEROSTER_ORG_TYPE",
    "ONEROSTER_ROLE",
    "ONEROSTER_SEX",
    "ONEROSTER_STATUS",
    "OPEN_ELIGIBILITY",
    "SNOMED",
    "V2_CONTACT_ROLE",
    "V3_ROLE_CODE",
    "canonical_system",
    "edfi_descriptor_system",
    "split_edfi_descriptor",
]

#: Ed-Fi descriptors are URIs such as
#: ``uri://ed-fi.org/AttendanceEventCategoryDescriptor#Excused Absence``: the
#: system is the part before ``#`` and the code the part after it.
EDFI_DESCRIPTOR_PREFIX = "uri://ed-fi.org/"

ONEROSTER_ROLE = "urn:oneroster:role"
ONEROSTER_GRADE = "urn:oneroster:grade"
ONEROSTER_STATUS = "urn:oneroster:status"
ONEROSTER_SEX = "urn:oneroster:sex"
ONEROSTER_ORG_TYPE = "urn:oneroster:org-type"
#: The race and ethnicity columns of demographics.csv, by column name: a
#: connector looks up each column whose value is ``true``.
ONEROSTER_DEMOGRAPHICS = "urn:oneroster:demographics"

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
CVX = "http://hl7.org/fhir/sid/cvx"
GRAVITY_SDOH_CATEGORY = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"

FHIR_TASK_STATUS = "http://hl7.org/fhir/task-status"
FHIR_REQUEST_STATUS = "http://hl7.org/fhir/request-status"
FHIR_GOAL_STATUS = "http://hl7.org/fhir/goal-status"
FHIR_GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
FHIR_CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
FHIR_ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V2_CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"

AIRS_TAXONOMY = "https://211taxonomy.org"
AIRS_PHONE_TYPE = "urn:airs:phone-type"
OPEN_ELIGIBILITY = "https://openeligibility.org"
HSDS_SERVICE_STATUS = "urn:hsds:service-status"

# Code systems that crosswalks map onto (besides the canonical code sets).

#: FHIR administrative gender: male, female, other, unknown.
ADMINISTRATIVE_GENDER = "http://hl7.org/fhir/administrative-gender"
#: CDC Race & Ethnicity codes (the OMB categories are 1002-5, 2028-9, ...).
CDC_RACE_ETHNICITY = "urn:oid:2.16.840.1.113883.6.238"
#: CEDS Grade Level (000100): IT, PR, PK, TK, KG, 01-13, PS, UG, Other.
CEDS_GRADE_LEVEL = "https://ceds.ed.gov/element/000100"
#: BCP 47 language tags (``en``, ``es``, ``hmn``).
BCP47 = "urn:ietf:bcp:47"

#: Vaccine groups that immunization indicators count doses of (``dtap-tdap``,
#: ``polio``, ``mmr``, ...); the codes and their displays are listed by the
#: ``fhir-cvx`` crosswalk.
IMMUNIZATION_GROUP = "https://successplan.org/CodeSystem/immunization-group"

#: Canonical code sets are published as code systems under this prefix.
CANONICAL_SYSTEM_PREFIX = "https://successplan.org/CodeSystem/"


def edfi_descriptor_system(descriptor: str) -> str:
    """Return the code system of an Ed-Fi descriptor type.

    ``edfi_descriptor_system("SexDescriptor")`` gives
    ``uri://ed-fi.org/SexDescriptor``.
    """
    return f"{EDFI_DESCRIPTOR_PREFIX}{descriptor}"


def split_edfi_descriptor(value: str, *, field: str | None = None) -> tuple[str, str]:
    """Split an Ed-Fi descriptor URI into its code system and code value.

    ``uri://ed-fi.org/SexDescriptor#Female`` gives
    ``("uri://ed-fi.org/SexDescriptor", "Female")``. A code value may hold any
    character but ``#``, spaces included.

    Args:
        value: The descriptor as the source sent it.
        field: The source field, for the error message.

    Raises:
        ConversionError: ``mapping-bad-descriptor`` when the value is not
            ``<namespace>#<code value>`` with both parts present.
    """
    system, sep, code = value.strip().partition("#")
    if not sep or not system or not code.strip():
        where = f"field `{field}`" if field else "descriptor"
        msg = (
            f"{where}: `{value}` is not an Ed-Fi descriptor; expected "
            "`uri://<namespace>/<Name>Descriptor#<code value>`"
        )
        raise ConversionError(msg, code="mapping-bad-descriptor", field=field)
    return system, code.strip()


def canonical_system(code_set: type[StrEnum]) -> str:
    """Return the code system URI of a canonical code set.

    ``canonical_system(ProgramType)`` gives
    ``https://successplan.org/CodeSystem/ProgramType``.
    """
    return f"{CANONICAL_SYSTEM_PREFIX}{code_set.__name__}"
