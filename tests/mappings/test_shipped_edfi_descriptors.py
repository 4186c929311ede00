"""The Ed-Fi descriptor crosswalks: assessments, discipline, programs, exits."""

from __future__ import annotations

import pytest

from successplan.mappings import Mapper, default_mappings, edfi_descriptor_system
from successplan.schemas import DataCategory, Domain, FindingKind

MAPPINGS = default_mappings()


def _translate(crosswalk: str, descriptor: str, code: str):  # type: ignore[no-untyped-def]
    return MAPPINGS.get(crosswalk).translate(edfi_descriptor_system(descriptor), code)


@pytest.mark.parametrize(
    ("code", "method"),
    [
        ("Scale score", "scale-score"),
        ("ScaleScore", "scale-score"),
        ("Vertical Scale Score", "scale-score"),
        ("Lexile Measure", "scale-score"),
        ("Raw score", "raw-score"),
        ("Percentile rank", "percentile"),
        ("Z-score", "standard-score"),
        ("Achievement/proficiency level", "proficiency-level"),
        ("Pass-fail", "pass-fail"),
        ("Standard error measurement", "standard-error"),
        ("Composition Score", "other"),
    ],
)
def test_edfi_reporting_methods(code: str, method: str) -> None:
    found = _translate(
        "edfi-assessment-reporting-method", "AssessmentReportingMethodDescriptor", code
    )

    assert found.matched
    assert found.code("method") == method


@pytest.mark.parametrize(
    ("code", "reading"),
    [
        ("Advanced", "proficient"),
        ("Proficient", "proficient"),
        ("Met Standard", "proficient"),
        ("Pass", "proficient"),
        ("Basic", "not-proficient"),
        ("Below Basic", "not-proficient"),
        ("Well Below Basic", "not-proficient"),
        ("Did Not Meet Standard", "not-proficient"),
        ("Fail", "not-proficient"),
    ],
)
def test_edfi_performance_levels(code: str, reading: str) -> None:
    found = _translate("edfi-performance-level", "PerformanceLevelDescriptor", code)

    coding = found.coding("interpretation")
    assert coding is not None and coding.code == reading
    assert (
        coding.system == "https://successplan.org/CodeSystem/assessment-interpretation"
    )
    assert found.get(DataCategory) == DataCategory.EDUCATION


def test_performance_level_of_unclear_meaning_is_left_out() -> None:
    found = _translate(
        "edfi-performance-level", "PerformanceLevelDescriptor", "Minimum"
    )

    assert found.outcome == "ignored"


@pytest.mark.parametrize(
    ("code", "action", "exclusion"),
    [
        ("Removal from Classroom", "removal-from-classroom", "in-school"),
        ("In School Suspension", "in-school-suspension", "in-school"),
        ("Out of School Suspension", "out-of-school-suspension", "out-of-school"),
        ("Expulsion", "expulsion", "out-of-school"),
        ("Expulsion under Guns Free School Act", "expulsion", "out-of-school"),
        ("Expulsion with Services", "expulsion-with-services", "out-of-school"),
        ("Community Service", "community-service", "none"),
        ("No action for incident", "no-action", "none"),
        ("Other", "other", None),
    ],
)
def test_edfi_discipline_actions(code: str, action: str, exclusion: str | None) -> None:
    found = _translate("edfi-discipline", "DisciplineDescriptor", code)

    assert (found.code("action"), found.code("exclusion")) == (action, exclusion)
    assert (found.get(Domain), found.get(DataCategory)) == (
        Domain.BEHAVIOR,
        DataCategory.EDUCATION,
    )


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("Referred", "referred"),
        ("Eligible", "eligible"),
        ("Not Eligible", "not-eligible"),
        ("Active in Program", "active"),
        ("Refused", "refused"),
    ],
)
def test_edfi_participation_statuses(code: str, status: str) -> None:
    found = _translate(
        "edfi-participation-status", "ParticipationStatusDescriptor", code
    )

    assert found.code("status") == status


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("Graduated", "graduated"),
        ("Dropout", "dropped-out"),
        ("Transferred", "transferred"),
        ("Involuntarily Removed", "expelled"),
        ("Died or is permanently incapacitated", "died"),
        ("Enrolled in a high school diploma program", "alternative-diploma-program"),
    ],
)
def test_edfi_exit_withdraw_types(code: str, reason: str) -> None:
    found = _translate("edfi-exit-withdraw-type", "ExitWithdrawTypeDescriptor", code)

    assert found.code("exit") == reason


@pytest.mark.parametrize(
    ("code", "proficiency", "kind"),
    [
        ("Limited", "limited", FindingKind.NEED),
        ("Limited Monitored 1", "monitored-year-1", None),
        ("Limited Monitored 2", "monitored-year-2", None),
        ("NotLimited", "not-limited", None),
    ],
)
def test_edfi_english_proficiency(
    code: str, proficiency: str, kind: FindingKind | None
) -> None:
    found = _translate(
        "edfi-limited-english-proficiency", "LimitedEnglishProficiencyDescriptor", code
    )

    assert (found.code("proficiency"), found.get(FindingKind)) == (proficiency, kind)


@pytest.mark.parametrize(
    ("code", "residence"),
    [
        ("Doubled-up", "doubled-up"),
        ("Hotels/motels", "hotel-motel"),
        ("Shelters", "shelter"),
        ("Unsheltered", "unsheltered"),
    ],
)
def test_edfi_nighttime_residences_are_economic_housing(
    code: str, residence: str
) -> None:
    found = _translate(
        "edfi-homeless-nighttime-residence",
        "HomelessPrimaryNighttimeResidenceDescriptor",
        code,
    )

    assert found.code("residence") == residence
    assert (found.get(Domain), found.get(DataCategory)) == (
        Domain.HOUSING,
        DataCategory.ECONOMIC,
    )


@pytest.mark.parametrize(
    ("crosswalk", "descriptor", "code", "domain", "category"),
    [
        (
            "edfi-special-education-program-service",
            "SpecialEducationProgramServiceDescriptor",
            "Counseling Services",
            Domain.BEHAVIORAL_HEALTH,
            DataCategory.EDUCATION_SPECIAL,
        ),
        (
            "edfi-special-education-program-service",
            "SpecialEducationProgramServiceDescriptor",
            "School Health and/or School Nurse Services",
            Domain.HEALTH,
            DataCategory.EDUCATION_SPECIAL,
        ),
        (
            "edfi-homeless-program-service",
            "HomelessProgramServiceDescriptor",
            "Transportation Services",
            Domain.TRANSPORTATION,
            DataCategory.ECONOMIC,
        ),
        (
            "edfi-language-instruction-program-service",
            "LanguageInstructionProgramServiceDescriptor",
            "Dual Language or Two-way Immersion",
            Domain.ACADEMIC,
            DataCategory.EDUCATION,
        ),
        (
            "edfi-school-food-service",
            "SchoolFoodServiceProgramServiceDescriptor",
            "Reduced Price Lunch",
            Domain.FOOD,
            DataCategory.ECONOMIC,
        ),
        (
            "edfi-school-food-service",
            "SchoolFoodServiceProgramServiceDescriptor",
            "Full Price Milk",
            Domain.FOOD,
            DataCategory.ECONOMIC,
        ),
        (
            "edfi-diagnosis",
            "DiagnosisDescriptor",
            "Low Attendance",
            Domain.ATTENDANCE,
            DataCategory.EDUCATION,
        ),
    ],
)
def test_edfi_program_services_and_diagnoses(
    crosswalk: str, descriptor: str, code: str, domain: Domain, category: DataCategory
) -> None:
    found = _translate(crosswalk, descriptor, code)

    assert found.matched
    assert (found.get(Domain), found.get(DataCategory)) == (domain, category)


def test_language_instruction_missing_maps_to_nothing() -> None:
    found = _translate(
        "edfi-language-instruction-program-service",
        "LanguageInstructionProgramServiceDescriptor",
        "Missing",
    )

    assert found.outcome == "ignored"


def test_district_namespace_reporting_method_reaches_the_crosswalk() -> None:
    mapper = Mapper.default()
    system = edfi_descriptor_system("AssessmentReportingMethodDescriptor")

    found = mapper.lookup(system, "ScaleScore")

    assert found is not None and found.attributes["method"] == "scale-score"
    assert found.trace.source_code == "ScaleScore"
