from __future__ import annotations

import pytest

from successplan.errors import ConversionError
from successplan.mappings import (
    AIRS_TAXONOMY,
    CEDS_GRADE_LEVEL,
    GRAVITY_SDOH_CATEGORY,
    ICD10CM,
    ONEROSTER_GRADE,
    ONEROSTER_ROLE,
    SNOMED,
    Translation,
    default_mappings,
    edfi_descriptor_system,
    load_mappings,
    shipped_crosswalk_names,
)
from successplan.schemas import (
    DataCategory,
    Domain,
    FindingKind,
    GoalStatus,
    ProgramType,
    TaskStatus,
    TeamRole,
)

MAPPINGS = default_mappings()


def test_every_shipped_crosswalk_compiles() -> None:
    names = shipped_crosswalk_names()

    assert names == MAPPINGS.names()
    assert len(names) >= 30
    assert load_mappings() is MAPPINGS


def _edfi(crosswalk: str, descriptor: str, code: str) -> Translation:
    system = edfi_descriptor_system(descriptor)
    return MAPPINGS.get(crosswalk).translate(system, code)


# Every ProgramTypeDescriptor code value of the Ed-Fi Data Standard 5.2 that
# is not a plain `other`.
@pytest.mark.parametrize(
    ("code", "program"),
    [
        ("Special Education", ProgramType.SPECIAL_EDUCATION),
        ("IDEA", ProgramType.SPECIAL_EDUCATION),
        ("Preschool Special Education", ProgramType.SPECIAL_EDUCATION),
        ("Early Intervention Services Part C", ProgramType.SPECIAL_EDUCATION),
        ("Section 504 Placement", ProgramType.SECTION_504),
        ("English as a Second Language (ESL)", ProgramType.ENGLISH_LEARNER),
        ("Bilingual", ProgramType.ENGLISH_LEARNER),
        ("Bilingual Summer", ProgramType.ENGLISH_LEARNER),
        ("Homeless", ProgramType.HOMELESS),
        ("Student School Food Service", ProgramType.SCHOOL_MEALS),
        ("Migrant Education", ProgramType.MIGRANT),
        ("Neglected and Delinquent Program", ProgramType.NEGLECTED_DELINQUENT),
        ("Title I Part D Subpart 1", ProgramType.NEGLECTED_DELINQUENT),
        ("Title I Part D Subpart 2", ProgramType.NEGLECTED_DELINQUENT),
        ("Gifted and Talented", ProgramType.GIFTED_TALENTED),
        ("Title I Part A", ProgramType.TITLE_I),
        ("Compensatory Services for Disadvantaged Students", ProgramType.TITLE_I),
        ("Career and Technical Education", ProgramType.CAREER_TECHNICAL),
        ("Vocational Education", ProgramType.CAREER_TECHNICAL),
        ("Technical Preparatory", ProgramType.CAREER_TECHNICAL),
        ("Athletics", ProgramType.OTHER),
        ("Some Local Program", ProgramType.OTHER),
    ],
)
def test_edfi_program_types(code: str, program: ProgramType) -> None:
    found = _edfi("edfi-program-type", "ProgramTypeDescriptor", code)

    assert found.get(ProgramType) == program


def test_substance_abuse_program_is_labelled_sud() -> None:
    found = _edfi(
        "edfi-program-type",
        "ProgramTypeDescriptor",
        "Substance Abuse Education/Prevention",
    )

    assert found.get(DataCategory) == DataCategory.HEALTH_SUD


@pytest.mark.parametrize(
    ("code", "domain", "category"),
    [
        ("F90.0", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL),
        ("F32.A", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL),
        ("F10.20", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_SUD),
        ("F11.90", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_SUD),
        ("F19.10", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_SUD),
        ("F17.210", Domain.HEALTH, DataCategory.HEALTH),
        ("O99.320", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_SUD),
        ("Z71.41", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_SUD),
        ("R45.851", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL),
        ("O09.90", Domain.HEALTH, DataCategory.HEALTH_SENSITIVE),
        ("Z33.1", Domain.HEALTH, DataCategory.HEALTH_SENSITIVE),
        ("Z38.00", Domain.HEALTH, DataCategory.HEALTH),
        ("A54.00", Domain.HEALTH, DataCategory.HEALTH_SENSITIVE),
        ("B20", Domain.HEALTH, DataCategory.HEALTH_SENSITIVE),
        ("T74.12XA", Domain.SAFETY, DataCategory.WELFARE),
        ("Z59.4", Domain.FOOD, DataCategory.HEALTH),
        ("Z59.41", Domain.FOOD, DataCategory.HEALTH),
        ("Z59.00", Domain.HOUSING, DataCategory.HEALTH),
        ("Z59.12", Domain.UTILITIES, DataCategory.HEALTH),
        ("Z59.82", Domain.TRANSPORTATION, DataCategory.HEALTH),
        ("Z55.6", Domain.ACADEMIC, DataCategory.HEALTH),
        ("Z62.21", Domain.FAMILY, DataCategory.WELFARE),
        ("Z65.1", Domain.LEGAL, DataCategory.JUSTICE),
        ("J45.909", Domain.HEALTH, DataCategory.HEALTH),
    ],
)
def test_icd10_conditions(code: str, domain: Domain, category: DataCategory) -> None:
    found = MAPPINGS.get("fhir-condition").translate(ICD10CM, code)

    assert (found.get(Domain), found.get(DataCategory)) == (domain, category)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("192127007", DataCategory.HEALTH_MENTAL),
        ("66214007", DataCategory.HEALTH_SUD),
        ("7200002", DataCategory.HEALTH_SUD),
        ("233678006", DataCategory.HEALTH),
        ("65363002", DataCategory.HEALTH),
    ],
)
def test_snomed_conditions(code: str, category: DataCategory) -> None:
    found = MAPPINGS.get("fhir-condition").translate(SNOMED, code)

    assert found.get(DataCategory) == category


@pytest.mark.parametrize(
    ("code", "domain", "kind"),
    [
        ("food-insecurity", Domain.FOOD, FindingKind.NEED),
        ("homelessness", Domain.HOUSING, FindingKind.NEED),
        ("digital-access", Domain.DIGITAL, FindingKind.NEED),
        ("protective-factor", Domain.SOCIAL_EMOTIONAL, FindingKind.STRENGTH),
    ],
)
def test_sdoh_categories(code: str, domain: Domain, kind: FindingKind) -> None:
    found = MAPPINGS.get("fhir-sdoh-category").translate(GRAVITY_SDOH_CATEGORY, code)

    assert (found.get(Domain), found.get(FindingKind)) == (domain, kind)


@pytest.mark.parametrize(
    ("code", "domain", "category"),
    [
        ("BD-1800.2000", Domain.FOOD, DataCategory.SERVICES),
        ("BH-1800.1500", Domain.HOUSING, DataCategory.SERVICES),
        ("RP-1400.8000", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL),
        ("RX-8450.8000", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_SUD),
        ("LH-5000.6300", Domain.HEALTH, DataCategory.HEALTH),
        ("HD-1800.6500", Domain.ACADEMIC, DataCategory.SERVICES),
        ("FN-1900", Domain.LEGAL, DataCategory.JUSTICE),
    ],
)
def test_airs_taxonomy(code: str, domain: Domain, category: DataCategory) -> None:
    found = MAPPINGS.get("airs-taxonomy").translate(AIRS_TAXONOMY, code)

    assert (found.get(Domain), found.get(DataCategory)) == (domain, category)


@pytest.mark.parametrize("code", ["YB-9500.0500", "TJ-4400.8100", "{what:'ADVOCACY'}"])
def test_airs_codes_that_are_not_services(code: str) -> None:
    assert MAPPINGS.get("airs-taxonomy").translate(AIRS_TAXONOMY, code).ignored


@pytest.mark.parametrize(
    ("code", "role"),
    [
        ("student", TeamRole.STUDENT),
        ("Teacher", TeamRole.TEACHER),
        ("districtAdministrator", TeamRole.ADMINISTRATOR),
        ("guardian", TeamRole.GUARDIAN),
        ("aide", TeamRole.OTHER),
    ],
)
def test_oneroster_roles(code: str, role: TeamRole) -> None:
    assert (
        MAPPINGS.get("oneroster-role").translate(ONEROSTER_ROLE, code).get(TeamRole)
        == role
    )


@pytest.mark.parametrize(("code", "grade"), [("9", "09"), ("09", "09"), ("K", "KG")])
def test_oneroster_grades(code: str, grade: str) -> None:
    coding = MAPPINGS.get("oneroster-grade").translate(ONEROSTER_GRADE, code).coding()

    assert coding is not None
    assert (coding.system, coding.code) == (CEDS_GRADE_LEVEL, grade)


def test_edfi_and_oneroster_grades_meet() -> None:
    edfi = _edfi("edfi-grade-level", "GradeLevelDescriptor", "Ninth grade")
    oneroster = MAPPINGS.get("oneroster-grade").translate(ONEROSTER_GRADE, "9")

    assert edfi.code() == oneroster.code() == "09"


def test_relation_gives_role_and_relationship() -> None:
    found = _edfi("edfi-relation", "RelationDescriptor", "Father, step")
    coding = found.coding("relationship")

    assert found.get(TeamRole) == TeamRole.PARENT
    assert coding is not None and (coding.code, coding.display) == (
        "STPFTH",
        "stepfather",
    )


@pytest.mark.parametrize(
    ("code", "tag"),
    [("eng", "en"), ("spa", "es"), ("chi", "zh"), ("zho", "zh"), ("hmn", "hmn")],
)
def test_edfi_languages_become_bcp47(code: str, tag: str) -> None:
    assert _edfi("edfi-language", "LanguageDescriptor", code).code() == tag


def test_fhir_statuses_map_code_for_code() -> None:
    tasks = MAPPINGS.get("fhir-task-status")
    goals = MAPPINGS.get("fhir-goal-status")

    for status in TaskStatus:
        assert (
            tasks.translate("http://hl7.org/fhir/task-status", status.value).get(
                TaskStatus
            )
            == status
        )
    for goal in GoalStatus:
        assert (
            goals.translate("http://hl7.org/fhir/goal-status", goal.value).get(
                GoalStatus
            )
            == goal
        )


def test_unknown_attendance_event_is_rejected() -> None:
    with pytest.raises(ConversionError) as caught:
        _edfi("edfi-attendance-event", "AttendanceEventCategoryDescriptor", "Nap")

    assert caught.value.code == "mapping-unknown-code"
