"""The Ed-Fi resources the connector reads, by data standard.

Lists are in dependency order (what others refer to comes first), which is
the order a sync reads them in. Data Standard 3 and 4 name contacts
``parents``; Data Standard 5 renamed them; Data Standard 6 adds the Section
504 association as a resource of its own.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "PROGRAM_ASSOCIATIONS",
    "guess_resource",
    "resource_from_name",
    "resources_for",
]

#: Every program association endpoint: each is a separate resource.
PROGRAM_ASSOCIATIONS = (
    "studentProgramAssociations",
    "studentSpecialEducationProgramAssociations",
    "studentSection504ProgramAssociations",
    "studentHomelessProgramAssociations",
    "studentLanguageInstructionProgramAssociations",
    "studentSchoolFoodServiceProgramAssociations",
    "studentTitleIPartAProgramAssociations",
    "studentMigrantEducationProgramAssociations",
    "studentNeglectedOrDelinquentProgramAssociations",
    "studentCTEProgramAssociations",
)

_BEFORE = (
    "students",
    "{contacts}",
    "staffs",
    "programs",
    "interventions",
    "disciplineIncidents",
    "studentSchoolAssociations",
    "studentEducationOrganizationAssociations",
    "{studentContactAssociations}",
    "staffEducationOrganizationAssignmentAssociations",
)
_AFTER = (
    "studentInterventionAssociations",
    "studentSchoolAttendanceEvents",
    "studentSectionAttendanceEvents",
    "grades",
    "studentAssessments",
    "studentDisciplineIncidentBehaviorAssociations",
    "disciplineActions",
)

_ALL = frozenset(
    {name for name in _BEFORE + _AFTER if not name.startswith("{")}
    | set(PROGRAM_ASSOCIATIONS)
    | {
        "contacts",
        "parents",
        "studentContactAssociations",
        "studentParentAssociations",
        "studentDisciplineIncidentAssociations",
        "studentDemographics",
        "studentDirectories",
    }
)


def resources_for(data_standard_major: int) -> list[str]:
    """Return the resources to read from an API of a data standard version."""
    old = data_standard_major <= 4
    names: list[str] = []
    for name in _BEFORE:
        if name == "{contacts}":
            name = "parents" if old else "contacts"
        elif name == "{studentContactAssociations}":
            name = "studentParentAssociations" if old else "studentContactAssociations"
        names.append(name)
        if (
            name == "studentEducationOrganizationAssociations"
            and data_standard_major >= 6
        ):
            names.extend(("studentDemographics", "studentDirectories"))
    for name in PROGRAM_ASSOCIATIONS:
        if name == "studentSection504ProgramAssociations" and data_standard_major < 6:
            continue
        names.append(name)
    names.extend(_AFTER)
    if old:
        names.append("studentDisciplineIncidentAssociations")
    return names


def resource_from_name(stem: str) -> str | None:
    """Find the resource a file is named after, such as ``x_students.ndjson``.

    The longest resource name the file name ends with wins, so
    ``studentSchoolAssociations`` beats ``schoolAssociations``; singular
    names match too.
    """
    lowered = stem.lower()
    best: str | None = None
    for name in _ALL:
        for form in (name.lower(), name.lower()[:-1]):
            if lowered.endswith(form) and (best is None or len(name) > len(best)):
                best = name
    return best


_SIGNATURES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("studentAssessmentIdentifier",), "studentAssessments"),
    (("entryGradeLevelDescriptor",), "studentSchoolAssociations"),
    (
        ("sectionReference", "attendanceEventCategoryDescriptor"),
        "studentSectionAttendanceEvents",
    ),
    (("attendanceEventCategoryDescriptor",), "studentSchoolAttendanceEvents"),
    (("gradeTypeDescriptor",), "grades"),
    (("contactReference",), "studentContactAssociations"),
    (("parentReference",), "studentParentAssociations"),
    (("contactUniqueId",), "contacts"),
    (("parentUniqueId",), "parents"),
    (
        ("staffClassificationDescriptor",),
        "staffEducationOrganizationAssignmentAssociations",
    ),
    (("staffUniqueId",), "staffs"),
    (("interventionReference",), "studentInterventionAssociations"),
    (("interventionClassDescriptor",), "interventions"),
    (("disciplineActionIdentifier",), "disciplineActions"),
    (("disciplineIncidentReference",), "studentDisciplineIncidentBehaviorAssociations"),
    (("incidentIdentifier",), "disciplineIncidents"),
    (("ideaEligibility",), "studentSpecialEducationProgramAssociations"),
    (("section504Eligibility",), "studentSection504ProgramAssociations"),
    (
        ("homelessPrimaryNighttimeResidenceDescriptor",),
        "studentHomelessProgramAssociations",
    ),
    (
        ("schoolFoodServiceProgramServices",),
        "studentSchoolFoodServiceProgramAssociations",
    ),
    (("programReference",), "studentProgramAssociations"),
    (("programName", "programTypeDescriptor"), "programs"),
    (("studentUniqueId", "birthDate"), "students"),
    (
        ("studentReference", "educationOrganizationReference"),
        "studentEducationOrganizationAssociations",
    ),
)


def guess_resource(item: Any) -> str | None:
    """Guess an item's resource from the keys only that resource has."""
    if not isinstance(item, dict):
        return None
    for keys, resource in _SIGNATURES:
        if all(key in item for key in keys):
            return resource
    return None
