"""What the converter takes from the Ed-Fi descriptor crosswalks."""

from __future__ import annotations

from typing import Any

import pytest

from successplan.adapters.edfi import EdFiConverter, RawRecord
from successplan.mappings import Mapper
from successplan.schemas import (
    Coding,
    DataCategory,
    Finding,
    IndicatorSeries,
    Person,
    ProgramType,
    ServiceEngagement,
    record_adapter,
)

ED_FI = "uri://ed-fi.org/"
STUDENT = {"studentUniqueId": "1"}


def coded(coding: Coding | None) -> Coding:
    assert coding is not None
    return coding


def convert(*items: tuple[str, dict[str, Any]]) -> tuple[list[Any], EdFiConverter]:
    converter = EdFiConverter(Mapper.default())
    out: list[Any] = []
    for index, (resource, item) in enumerate(items):
        out += converter.convert(RawRecord(resource, item, f"t#{index}"))
    out += converter.finish()
    for record in out:
        record_adapter().validate_json(record.model_dump_json(exclude_none=True))
    return out, converter


def assessment(scores: list[tuple[str, str]], level: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "studentAssessmentIdentifier": "A-1",
        "assessmentReference": {"assessmentIdentifier": "READ-3", "namespace": "x"},
        "studentReference": STUDENT,
        "administrationDate": "2022-04-01",
        "scoreResults": [
            {"assessmentReportingMethodDescriptor": method, "result": result}
            for method, result in scores
        ],
    }
    if level is not None:
        item["performanceLevels"] = [{"performanceLevelDescriptor": level}]
    return item


def method(code: str, namespace: str = ED_FI) -> str:
    return f"{namespace}AssessmentReportingMethodDescriptor#{code}"


@pytest.mark.parametrize(
    ("scores", "headline"),
    [
        ([(method("Raw score"), "41"), (method("Scale score"), "612")], 612),
        ([(method("Percentile"), "77"), (method("Raw score"), "41")], 77),
        (
            [(method("Standard error measurement"), "3"), (method("Raw score"), "41")],
            41,
        ),
        ([(method("ScaleScore", "uri://ed.sc.gov/KRA/"), "270")], 270),
        ([(method("Local method", "uri://d.example/"), "5")], 5),
    ],
)
def test_reporting_method_picks_the_value_of_the_point(
    scores: list[tuple[str, str]], headline: float
) -> None:
    out, _ = convert(("studentAssessments", assessment(scores, None)))
    series = out[0]

    assert isinstance(series, IndicatorSeries)
    assert series.points[0].value == headline
    assert len(series.sub_indicators) == len(scores)


def test_sub_indicators_carry_the_canonical_method_and_the_source_name() -> None:
    item = assessment([(method("Raw score"), "41")], None)
    out, _ = convert(("studentAssessments", item))

    (part,) = out[0].sub_indicators
    assert part.code.code == "raw-score"
    assert part.code.mapped_from is not None
    assert part.code.mapped_from.source_code == "Raw score"
    assert part.name == "Raw score"


@pytest.mark.parametrize(
    ("level", "reading"),
    [
        ("Advanced", "proficient"),
        ("Met Standard", "proficient"),
        ("Below Basic", "not-proficient"),
        ("Did Not Meet Standard", "not-proficient"),
    ],
)
def test_performance_level_becomes_the_interpretation(level: str, reading: str) -> None:
    item = assessment(
        [(method("Scale score"), "612")], f"{ED_FI}PerformanceLevelDescriptor#{level}"
    )
    out, _ = convert(("studentAssessments", item))

    interpretation = coded(out[0].points[0].interpretation)
    assert interpretation.code == reading
    assert interpretation.mapped_from is not None
    assert interpretation.mapped_from.source_code == level


def test_unmapped_performance_level_is_kept_and_counted() -> None:
    level = "uri://ed.sc.gov/KRA/PerformanceLevelDescriptor#Emerging Readiness"
    out, converter = convert(("studentAssessments", assessment([], level)))

    point = out[0].points[0]
    assert point.value == "Emerging Readiness"
    assert coded(point.interpretation).code == "Emerging Readiness"
    assert (
        point.interpretation.system == "uri://ed.sc.gov/KRA/PerformanceLevelDescriptor"
    )
    key = (f"{ED_FI}PerformanceLevelDescriptor", "Emerging Readiness")
    assert converter.codes.unmapped[key] == 1


def test_other_score_gives_way_to_the_level() -> None:
    item = assessment(
        [(method("Other"), "9")], f"{ED_FI}PerformanceLevelDescriptor#Advanced"
    )
    out, _ = convert(("studentAssessments", item))

    assert out[0].points[0].value == "Advanced"


def _action(code: str) -> dict[str, Any]:
    return {
        "disciplineActionIdentifier": "A1",
        "studentReference": STUDENT,
        "disciplineDate": "2021-10-19",
        "disciplines": [
            {"disciplineDescriptor": f"{ED_FI}DisciplineDescriptor#{code}"}
        ],
        "actualDisciplineActionLength": "2",
    }


def test_discipline_action_kind_is_the_point_interpretation() -> None:
    out, _ = convert(("disciplineActions", _action("Out of School Suspension")))

    (series,) = [r for r in out if isinstance(r, IndicatorSeries)]
    interpretation = coded(series.points[0].interpretation)
    assert (
        interpretation.system == "https://successplan.org/CodeSystem/discipline-action"
    )
    assert interpretation.code == "out-of-school-suspension"


def _program(resource: str, extra: dict[str, Any], program: str) -> dict[str, Any]:
    return {
        "studentReference": STUDENT,
        "educationOrganizationReference": {"educationOrganizationId": 255901},
        "programReference": {
            "educationOrganizationId": 255901,
            "programName": program,
            "programTypeDescriptor": f"{ED_FI}ProgramTypeDescriptor#Other",
        },
        "beginDate": "2021-08-23",
        **extra,
    }


def test_participation_status_maps_to_the_canonical_status() -> None:
    statuses = {
        "programParticipationStatuses": [
            {
                "participationStatusDescriptor": f"{ED_FI}ParticipationStatusDescriptor"
                "#Active in Program",
                "statusBeginDate": "2021-08-23",
            }
        ]
    }
    out, _ = convert(("studentProgramAssociations", _program("", statuses, "Club")))

    (person,) = [r for r in out if isinstance(r, Person)]
    status = coded(person.programs[0].status)
    assert (
        status.system
        == "https://successplan.org/CodeSystem/program-participation-status"
    )
    assert status.code == "active"


def test_meal_services_make_a_general_program_economic() -> None:
    meals = {
        "services": [
            {
                "serviceDescriptor": (
                    f"{ED_FI}SchoolFoodServiceProgramServiceDescriptor#Free Lunch"
                )
            }
        ]
    }
    item = _program("", meals, "Community Supper")
    out, _ = convert(("studentProgramAssociations", item))

    (person,) = [r for r in out if isinstance(r, Person)]
    assert person.programs[0].category == DataCategory.ECONOMIC


def test_meal_service_is_the_reason_and_keeps_its_code() -> None:
    meals = {
        "schoolFoodServiceProgramServices": [
            {
                "schoolFoodServiceProgramServiceDescriptor": f"{ED_FI}"
                "SchoolFoodServiceProgramServiceDescriptor#Reduced Price Lunch"
            }
        ]
    }
    item = _program("", meals, "School Food Service")
    out, _ = convert(("studentSchoolFoodServiceProgramAssociations", item))

    (person,) = [r for r in out if isinstance(r, Person)]
    participation = person.programs[0]
    assert participation.program == ProgramType.SCHOOL_MEALS
    assert participation.category == DataCategory.ECONOMIC
    assert coded(participation.reason).code == "Reduced Price Lunch"
    assert participation.services[0].mapped_from is not None


def test_nighttime_residence_is_the_homeless_reason() -> None:
    item = _program(
        "",
        {
            "homelessPrimaryNighttimeResidenceDescriptor": f"{ED_FI}"
            "HomelessPrimaryNighttimeResidenceDescriptor#Shelters"
        },
        "Homeless",
    )
    out, _ = convert(("studentHomelessProgramAssociations", item))

    (person,) = [r for r in out if isinstance(r, Person)]
    assert coded(person.programs[0].reason).code == "shelter"


def test_diagnosis_category_lands_on_the_engagement() -> None:
    intervention = {
        "interventionIdentificationCode": "AttendanceWorks",
        "educationOrganizationReference": {"educationOrganizationId": 255901001},
        "interventionClassDescriptor": f"{ED_FI}InterventionClassDescriptor#Practice",
        "beginDate": "2021-08-23",
        "diagnoses": [
            {"diagnosisDescriptor": f"{ED_FI}DiagnosisDescriptor#Low Attendance"}
        ],
    }
    link = {
        "studentReference": STUDENT,
        "interventionReference": {
            "educationOrganizationId": 255901001,
            "interventionIdentificationCode": "AttendanceWorks",
        },
    }
    out, _ = convert(
        ("interventions", intervention), ("studentInterventionAssociations", link)
    )

    (engagement,) = [r for r in out if isinstance(r, ServiceEngagement)]
    assert engagement.category == DataCategory.EDUCATION
    assert engagement.domain == "attendance"


def test_limited_english_proficiency_is_a_need_and_exit_reason_maps() -> None:
    demographics = {
        "studentReference": STUDENT,
        "educationOrganizationReference": {"educationOrganizationId": 255901},
        "limitedEnglishProficiencyDescriptor": f"{ED_FI}"
        "LimitedEnglishProficiencyDescriptor#Limited",
    }
    enrollment = {
        "studentReference": STUDENT,
        "schoolReference": {"schoolId": 255901001},
        "entryDate": "2020-08-20",
        "exitWithdrawDate": "2021-03-01",
        "exitWithdrawTypeDescriptor": f"{ED_FI}ExitWithdrawTypeDescriptor#Dropout",
    }
    out, _ = convert(
        ("studentEducationOrganizationAssociations", demographics),
        ("studentSchoolAssociations", enrollment),
    )

    (finding,) = [r for r in out if isinstance(r, Finding)]
    assert (finding.kind, finding.category) == ("need", DataCategory.EDUCATION)
    assert coded(finding.code).code == "limited"
    (person,) = [r for r in out if isinstance(r, Person)]
    assert coded(person.enrollments[0].exit_reason).code == "dropped-out"
