"""Names of the source code systems crosswalks and connectors agree on.

A connector looks a source code up as ``(system, code)``; these constants keep
the system half identical on both sides.
"""

from __future__ import annotations

__all__ = [
    "AIRS_TAXONOMY",
    "CVX",
    "EDFI_DESCRIPTOR_PREFIX",
    "GRAVITY_SDOH_CATEGORY",
    "ICD10CM",
    "LOINC",
    "ONEROSTER_GRADE",
    "ONEROSTER_ROLE",
    "ONEROSTER_SEX",
    "ONEROSTER_STATUS",
    "OPEN_ELIGIBILITY",
    "SNOMED",
    "edfi_descriptor_system",
]

#: Ed-Fi descriptors are URIs such as
#: ``uri://ed-fi.org/AttendanceEventCategoryDescriptor#Excused Absence``: the
#: system is the part before ``#`` and the code the part after it.
EDFI_DESCRIPTOR_PREFIX = "uri://ed-fi.org/"

ONEROSTER_ROLE = "urn:oneroster:role"
ONEROSTER_GRADE = "urn:oneroster:grade"
ONEROSTER_STATUS = "urn:oneroster:status"
ONEROSTER_SEX = "urn:oneroster:sex"

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
CVX = "http://hl7.org/fhir/sid/cvx"
GRAVITY_SDOH_CATEGORY = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"

AIRS_TAXONOMY = "https://211taxonomy.org"
OPEN_ELIGIBILITY = "https://openeligibility.org"


def edfi_descriptor_system(descriptor: str) -> str:
    """Return the code system of an Ed-Fi descriptor type.

    ``edfi_descriptor_system("SexDescriptor")`` gives
    ``uri://ed-fi.org/SexDescriptor``.
    """
    return f"{EDFI_DESCRIPTOR_PREFIX}{descriptor}"
