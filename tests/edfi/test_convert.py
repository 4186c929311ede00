from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from successplan.adapters.edfi import EdFiConverter, RawRecord, read_files
from successplan.errors import ConversionError
from successplan.mappings import Mapper
from successplan.schemas import (
    DataCategory,
    Deletion,
    Domain,
    Finding,
    IndicatorSeries,
    Person,
    ProgramType,
    ServiceEngagement,
    TeamMember,
    TeamRole,
    record_adapter,
)

DATA = Path(__file__).parent / "data"


def _mapper() -> Any:
    return Mapper.default()


def run(items: list[tuple[str, Any]], **options: Any) -> tuple[list[Any], list[str]]:
    converter = EdFiConverter(_mapper(), **options)
    out: list[Any] = []
    problems: list[str] = []
    for index, (resource, item) in enumerate(items):
        try:
            out += converter.convert(RawRecord(resource, item, f"test#{index}"))
        except ConversionError as exc:
            problems.append(exc.code)
    out += converter.finish()
    for record in out:
        record_adapter().validate_json(record.model_dump_json(exclude_none=True))
    return out, problems


def of(records: list[Any], kind: type) -> list[Any]:
    return [r for r in records if isinstance(r, kind)]


def convert_files(*names: str) -> tuple[list[Any], list[str], EdFiConverter]:
    converter = EdFiConverter(_mapper())
    out: list[Any] = []
    problems: list[str] = []
    for raw in read_files([DATA / name for name in names]):
        try:
            out += converter.convert(raw)
        except ConversionError as exc:
            problems.append(exc.code)
    return out + converter.finish(), problems, converter


def test_person_gathers_student_enrollments_contacts_and_programs() -> None:
    out, problems, _ = convert_files(
        "students.ndjson",
        "studentSchoolAssociations.json",
        "Contact-small.xml",
        "Interchange-small.xml",
    )
    assert sorted(problems) == ["edfi-bad-date", "edfi-invalid-value", "json-invalid"]
    people = {p.identifiers[0].value: p for p in of(out, Person)}
    luz = people["700001"]
    assert luz.names[0].given == ["Luz"]
    assert str(luz.birth_date) == "2012-03-04"
    assert [e.school_year for e in luz.enrollments] == [2023]
    assert luz.enrollments[0].organization.value == "255901044"

    (mother,) = luz.contacts
    assert mother.name.family == "Rivera"
    assert mother.guardian is True
    assert mother.educational_rights is True
    assert mother.lives_with is True
    assert mother.telecom[0].use == "mobile"

    programs = {p.program: p for p in luz.programs}
    assert (
        programs[ProgramType.SPECIAL_EDUCATION].category
        == DataCategory.EDUCATION_SPECIAL
    )
    assert programs[ProgramType.HOMELESS].category == DataCategory.ECONOMIC
    assert programs[ProgramType.SCHOOL_MEALS].category == DataCategory.ECONOMIC
    assert programs[ProgramType.SCHOOL_MEALS].services[0].code in {
        "Free Lunch",
        "free",
    } or (programs[ProgramType.SCHOOL_MEALS].services)
    assert programs[ProgramType.SPECIAL_EDUCATION].reason is not None

    (member,) = of(out, TeamMember)
    assert member.role == TeamRole.GUARDIAN or member.role == TeamRole.PARENT
    assert member.subject.value == "700001"
    assert member.lead is True


def test_findings_carry_the_right_category() -> None:
    out, _, _ = convert_files("Interchange-small.xml")
    findings = of(out, Finding)
    by_category = {f.category for f in findings}
    assert DataCategory.EDUCATION_SPECIAL in by_category
    homeless = [f for f in findings if f.domain == Domain.HOUSING]
    assert homeless and all(f.category == DataCategory.ECONOMIC for f in homeless)
    assert all(f.evidence and f.provenance for f in findings)


@pytest.mark.parametrize(
    ("resource", "program", "category"),
    [
        (
            "studentSpecialEducationProgramAssociations",
            ProgramType.SPECIAL_EDUCATION,
            "education.special",
        ),
        (
            "studentSection504ProgramAssociations",
            ProgramType.SECTION_504,
            "education.special",
        ),
        ("studentHomelessProgramAssociations", ProgramType.HOMELESS, "economic"),
        (
            "studentSchoolFoodServiceProgramAssociations",
            ProgramType.SCHOOL_MEALS,
            "economic",
        ),
        (
            "studentLanguageInstructionProgramAssociations",
            ProgramType.ENGLISH_LEARNER,
            "education",
        ),
        ("studentTitleIPartAProgramAssociations", ProgramType.TITLE_I, "education"),
        (
            "studentMigrantEducationProgramAssociations",
            ProgramType.MIGRANT,
            "demographic",
        ),
        (
            "studentNeglectedOrDelinquentProgramAssociations",
            ProgramType.NEGLECTED_DELINQUENT,
            "justice",
        ),
        ("studentCTEProgramAssociations", ProgramType.CAREER_TECHNICAL, "education"),
    ],
)
def test_program_association_endpoints(
    resource: str, program: ProgramType, category: str
) -> None:
    item = {
        "studentReference": {"studentUniqueId": "1"},
        "programReference": {
            "educationOrganizationId": 255901,
            "programName": "Local name",
            "programTypeDescriptor": "uri://district.example/ProgramTypeDescriptor#Local",
        },
        "beginDate": "2021-08-30",
    }
    out, problems = run([(resource, item)])
    assert not problems
    (person,) = of(out, Person)
    assert person.programs[0].program == program
    assert person.programs[0].category == DataCategory(category)


@pytest.mark.parametrize(
    ("descriptor", "program"),
    [
        ("Special Education", ProgramType.SPECIAL_EDUCATION),
        ("Section 504 Placement", ProgramType.SECTION_504),
        ("Homeless", ProgramType.HOMELESS),
        ("Bilingual", ProgramType.ENGLISH_LEARNER),
        ("Gifted and Talented", ProgramType.GIFTED_TALENTED),
        ("Athletics", ProgramType.OTHER),
    ],
)
def test_general_program_association_uses_the_program_type(
    descriptor: str, program: ProgramType
) -> None:
    item = {
        "studentReference": {"studentUniqueId": "1"},
        "programReference": {
            "educationOrganizationId": 255901,
            "programName": descriptor,
            "programTypeDescriptor": f"uri://ed-fi.org/ProgramTypeDescriptor#{descriptor}",
        },
        "beginDate": "2021-08-30",
    }
    out, _ = run([("studentProgramAssociations", item)])
    (person,) = of(out, Person)
    assert person.programs[0].program == program


def _absence(day: int, category: str) -> dict[str, Any]:
    return {
        "studentReference": {"studentUniqueId": "1"},
        "schoolReference": {"schoolId": 255901001},
        "sessionReference": {
            "schoolId": 255901001,
            "schoolYear": 2022,
            "sessionName": "Fall",
        },
        "eventDate": f"2021-09-{day:02d}",
        "attendanceEventCategoryDescriptor": f"uri://ed-fi.org/AttendanceEventCategoryDescriptor#{category}",
    }


def test_attendance_gives_days_absent_rate_and_chronic_absence() -> None:
    events = [_absence(d, "Excused Absence") for d in range(1, 11)]
    events += [_absence(d, "Unexcused Absence") for d in range(11, 21)]
    events += [_absence(21, "Tardy")]
    out, _ = run(
        [("studentSchoolAttendanceEvents", e) for e in events], instructional_days=180
    )
    series = {s.code.code: s for s in of(out, IndicatorSeries)}
    assert series["days-absent"].points[0].value == 20
    parts = {
        p.code.code: p.points[0].value for p in series["days-absent"].sub_indicators
    }
    assert parts["excused-absences"] == 10 and parts["unexcused-absences"] == 10
    assert parts["tardies"] == 1
    assert series["attendance-rate"].points[0].value == pytest.approx(88.9)
    assert series["chronic-absence"].points[0].value is True
    assert all(s.category == DataCategory.EDUCATION for s in series.values())
    (risk,) = of(out, Finding)
    assert risk.domain == Domain.ATTENDANCE


def test_attendance_without_calendar_gives_only_days_absent() -> None:
    out, _ = run([("studentSchoolAttendanceEvents", _absence(1, "Excused Absence"))])
    assert [s.code.code for s in of(out, IndicatorSeries)] == ["days-absent"]


def _grade(
    course: str, kind: str, letter: str | None, number: float | None
) -> dict[str, Any]:
    return {
        "studentSectionAssociationReference": {
            "studentUniqueId": "1",
            "localCourseCode": course,
            "schoolId": 255901001,
            "schoolYear": 2022,
            "sectionIdentifier": f"{course}-1",
            "sessionName": "Fall",
            "beginDate": "2021-08-23",
        },
        "gradingPeriodReference": {"gradingPeriodName": "Q1", "schoolYear": 2022},
        "gradeTypeDescriptor": f"uri://ed-fi.org/GradeTypeDescriptor#{kind}",
        "letterGradeEarned": letter,
        "numericGradeEarned": number,
    }


def test_grades_and_course_failures() -> None:
    grades = [
        _grade("ALG-1", "Grading Period", "C", 74),
        _grade("ALG-1", "Final", "F", 52),
        _grade("ENG-1", "Final", "B", 85),
        _grade("SCI-1", "Final", None, 40),
        _grade("ART-1", "Final", None, None),
    ]
    out, problems = run([("grades", g) for g in grades])
    assert problems == ["edfi-missing-field"]
    series = of(out, IndicatorSeries)
    courses = {s.name: s for s in series if s.code.code == "course-grade"}
    assert set(courses) == {"ALG-1", "ENG-1", "SCI-1"}
    assert len(courses["ALG-1"].points) == 2
    (failures,) = [s for s in series if s.code.code == "course-failures"]
    assert failures.points[0].value == 2


def test_assessment_result_and_its_deletion_share_an_id() -> None:
    item = {
        "studentAssessmentIdentifier": "A-1",
        "assessmentReference": {
            "assessmentIdentifier": "MATH-8",
            "namespace": "uri://ed-fi.org",
        },
        "studentReference": {"studentUniqueId": "1"},
        "administrationDate": "8/15/2022",
        "scoreResults": [
            {
                "assessmentReportingMethodDescriptor": "uri://ed-fi.org/AssessmentReportingMethodDescriptor"
                "#Scale score",
                "result": "612",
            }
        ],
        "performanceLevels": [
            {
                "performanceLevelDescriptor": "uri://ed-fi.org/PerformanceLevelDescriptor#Proficient"
            }
        ],
    }
    converter = EdFiConverter(_mapper())
    (series,) = converter.convert(RawRecord("studentAssessments", item, "x"))
    assert isinstance(series, IndicatorSeries)
    assert series.points[0].value == 612
    assert str(series.points[0].as_of) == "2022-08-15"
    assert series.points[0].interpretation is not None
    (deletion,) = converter.delete(
        "studentAssessments",
        {
            "assessmentIdentifier": "MATH-8",
            "namespace": "uri://ed-fi.org",
            "studentAssessmentIdentifier": "A-1",
            "studentUniqueId": "1",
        },
    )
    assert isinstance(deletion, Deletion)
    assert deletion.target_id == series.id


def test_intervention_becomes_a_service_engagement_with_staff() -> None:
    intervention = {
        "interventionIdentificationCode": "CheckAndConnect",
        "educationOrganizationReference": {"educationOrganizationId": 255901001},
        "interventionClassDescriptor": "uri://ed-fi.org/InterventionClassDescriptor#Practice",
        "deliveryMethodDescriptor": "uri://ed-fi.org/DeliveryMethodDescriptor#Individual",
        "beginDate": "2021-08-23",
        "endDate": "2022-05-30",
        "diagnoses": [
            {"diagnosisDescriptor": "uri://gbisd.edu/DiagnosisDescriptor#Dropout Risk"}
        ],
        "staffs": [{"staffReference": {"staffUniqueId": "S1"}}],
    }
    staff = {"staffUniqueId": "S1", "firstName": "Dana", "lastSurname": "Cole"}
    role = {
        "staffReference": {"staffUniqueId": "S1"},
        "educationOrganizationReference": {"educationOrganizationId": 255901001},
        "staffClassificationDescriptor": "uri://ed-fi.org/StaffClassificationDescriptor#Counselor",
        "beginDate": "2020-01-01",
    }
    link = {
        "studentReference": {"studentUniqueId": "1"},
        "interventionReference": {
            "educationOrganizationId": 255901001,
            "interventionIdentificationCode": "CheckAndConnect",
        },
        "dosage": 90,
    }
    out, problems = run(
        [
            ("staffs", staff),
            ("staffEducationOrganizationAssignmentAssociations", role),
            ("interventions", intervention),
            ("studentInterventionAssociations", link),
        ]
    )
    assert not problems
    (engagement,) = of(out, ServiceEngagement)
    assert engagement.kind == "intervention"
    assert engagement.status == "completed"
    assert engagement.utilization[0].quantity == 90
    assert engagement.utilization[0].unit == "minute"
    sources = {
        c.mapped_from.source_code if c.mapped_from else c.code
        for c in engagement.service_types
    }
    assert {"Practice", "Dropout Risk"} <= sources
    (member,) = of(out, TeamMember)
    assert member.role == TeamRole.COUNSELOR
    assert member.name is not None and member.name.family == "Cole"

    converter = EdFiConverter(None)
    (deletion,) = converter.delete(
        "studentInterventionAssociations",
        {
            "studentUniqueId": "1",
            "educationOrganizationId": 255901001,
            "interventionIdentificationCode": "CheckAndConnect",
        },
    )
    assert deletion.target_id == engagement.id


def test_data_standard_4_parents_and_participation_status() -> None:
    parent = {"parentUniqueId": "P1", "firstName": "Rui", "lastSurname": "Costa"}
    link = {
        "studentReference": {"studentUniqueId": "1"},
        "parentReference": {"parentUniqueId": "P1"},
        "relationDescriptor": "uri://ed-fi.org/RelationDescriptor#Father",
        "emergencyContactStatus": True,
    }
    program = {
        "studentReference": {"studentUniqueId": "1"},
        "programReference": {
            "educationOrganizationId": 1,
            "programName": "Homeless",
            "programTypeDescriptor": "uri://ed-fi.org/ProgramTypeDescriptor#Homeless",
        },
        "beginDate": "2019-08-30",
        "participationStatus": {
            "participationStatusDescriptor": "uri://ed-fi.org/ParticipationStatusDescriptor#Active"
        },
    }
    out, problems = run(
        [
            ("parents", parent),
            ("studentParentAssociations", link),
            ("studentHomelessProgramAssociations", program),
        ],
        data_standard=4,
    )
    assert not problems
    (person,) = of(out, Person)
    assert person.contacts[0].name.family == "Costa"
    assert person.contacts[0].emergency_contact is True
    assert person.programs[0].program == ProgramType.HOMELESS
    (member,) = of(out, TeamMember)
    assert member.role == TeamRole.PARENT


def test_discipline_incident_without_its_incident_goes_to_quarantine_late() -> None:
    incident = {
        "incidentIdentifier": "10",
        "schoolReference": {"schoolId": 1},
        "incidentDate": "2021-10-18",
    }
    known = {
        "studentReference": {"studentUniqueId": "1"},
        "disciplineIncidentReference": {"incidentIdentifier": "10", "schoolId": 1},
        "behaviorDescriptor": "uri://ed-fi.org/BehaviorDescriptor#School Violation",
    }
    unknown = {
        **known,
        "disciplineIncidentReference": {"incidentIdentifier": "99", "schoolId": 1},
    }
    action = {
        "disciplineActionIdentifier": "A1",
        "studentReference": {"studentUniqueId": "1"},
        "disciplineDate": "2021-10-19",
        "disciplines": [
            {
                "disciplineDescriptor": "uri://ed-fi.org/DisciplineDescriptor"
                "#In School Suspension"
            }
        ],
        "actualDisciplineActionLength": "3",
    }
    converter = EdFiConverter(_mapper())
    for index, (resource, item) in enumerate(
        [
            ("disciplineIncidents", incident),
            ("studentDisciplineIncidentBehaviorAssociations", known),
            ("studentDisciplineIncidentBehaviorAssociations", unknown),
            ("disciplineActions", action),
        ]
    ):
        converter.convert(RawRecord(resource, item, f"d#{index}"))
    out = converter.finish()
    series = {s.code.code: s for s in of(out, IndicatorSeries)}
    assert len(series["discipline-incidents"].points) == 1
    assert series["discipline-actions"].points[0].value == 3
    assert [p.reason for p in converter.late_problems] == ["edfi-incident-unknown"]


def test_unmapped_codes_are_kept_with_their_source_system_and_counted() -> None:
    item = {
        "studentReference": {"studentUniqueId": "1"},
        "educationOrganizationReference": {"educationOrganizationId": 255901},
        "races": [
            {"raceDescriptor": "uri://district.example/RaceDescriptor#Local race code"}
        ],
    }
    converter = EdFiConverter(_mapper())
    converter.convert(RawRecord("studentEducationOrganizationAssociations", item, "x"))
    (person,) = converter.finish()
    assert isinstance(person, Person)
    (race,) = person.races
    assert race.code == "Local race code"
    assert race.system == "uri://district.example/RaceDescriptor"
    assert (
        converter.codes.unmapped[("uri://ed-fi.org/RaceDescriptor", "Local race code")]
        == 1
    )


@pytest.mark.parametrize(
    ("resource", "item", "code"),
    [
        ("students", {"firstName": "x"}, "edfi-missing-field"),
        ("students", ["a"], "edfi-not-object"),
        (
            "studentSchoolAssociations",
            {"studentReference": {"studentUniqueId": "1"}},
            "edfi-missing-field",
        ),
        (
            "studentAssessments",
            {
                "studentReference": {"studentUniqueId": "1"},
                "studentAssessmentIdentifier": "a",
                "assessmentReference": {"assessmentIdentifier": "b"},
                "administrationDate": "2020-13-45",
            },
            "edfi-bad-date",
        ),
        ("learningObjectives", {}, "edfi-resource-unsupported"),
    ],
)
def test_bad_items_raise_conversion_errors(resource: str, item: Any, code: str) -> None:
    with pytest.raises(ConversionError) as caught:
        EdFiConverter(None).convert(RawRecord(resource, item, "x"))
    assert caught.value.code == code


def test_ids_are_stable_across_runs() -> None:
    first, _, _ = convert_files("students.ndjson", "Interchange-small.xml")
    second, _, _ = convert_files("students.ndjson", "Interchange-small.xml")
    assert [r.id for r in first] == [r.id for r in second]


@pytest.mark.samples
def test_shared_samples_convert_and_validate(samples: Path) -> None:
    paths = sorted((samples / "edfi" / "grandbend-xml").glob("*.xml"))
    paths.append(samples / "edfi" / "json" / "kra_studentAssessments.jsonl")
    converter = EdFiConverter(_mapper())
    out: list[Any] = []
    problems: list[str] = []
    for raw in read_files(paths):
        if not converter.supports(raw.resource):
            continue
        try:
            out += converter.convert(raw)
        except ConversionError as exc:
            problems.append(exc.code)
    out += converter.finish()
    for record in out:
        record_adapter().validate_json(record.model_dump_json(exclude_none=True))
    assert problems == ["edfi-missing-field"]  # one KRA result has no scores
    people = of(out, Person)
    assert len(people) >= 59
    special = [
        p
        for person in people
        for p in person.programs
        if p.program == ProgramType.SPECIAL_EDUCATION
    ]
    assert special and all(
        p.category == DataCategory.EDUCATION_SPECIAL for p in special
    )
    assert len(of(out, ServiceEngagement)) == 6
    assert len(of(out, TeamMember)) == 20


CHECK_AND_CONNECT = {
    "interventionIdentificationCode": "CheckAndConnect",
    "educationOrganizationReference": {"educationOrganizationId": 255901001},
    "interventionClassDescriptor": "uri://ed-fi.org/InterventionClassDescriptor#Practice",
    "beginDate": "2021-08-23",
    "endDate": "2022-05-30",
    "diagnoses": [
        {"diagnosisDescriptor": "uri://ed-fi.org/DiagnosisDescriptor#Low Attendance"}
    ],
    "staffs": [{"staffReference": {"staffUniqueId": "S1"}}],
}
CHECK_AND_CONNECT_LINK = {
    "studentReference": {"studentUniqueId": "1"},
    "interventionReference": {
        "educationOrganizationId": 255901001,
        "interventionIdentificationCode": "CheckAndConnect",
    },
    "dosage": 90,
}


def test_intervention_read_after_its_association_still_gives_the_whole_engagement() -> (
    None
):
    out, problems = run(
        [
            ("studentInterventionAssociations", CHECK_AND_CONNECT_LINK),
            ("interventions", CHECK_AND_CONNECT),
        ]
    )
    assert not problems
    (engagement,) = of(out, ServiceEngagement)
    assert engagement.status == "completed"
    assert engagement.domain == Domain.ATTENDANCE
    assert engagement.period is not None
    assert engagement.utilization[0].quantity == 90


def test_association_whose_intervention_is_missing_is_quarantined_at_the_end() -> None:
    # Without its intervention the engagement would lose its dates, status,
    # domain and category, and replace the whole one downstream (same id).
    converter = EdFiConverter(_mapper())
    raw = RawRecord("studentInterventionAssociations", CHECK_AND_CONNECT_LINK, "f:1")
    assert converter.convert(raw) == []
    assert of(converter.finish(), ServiceEngagement) == []
    (entry,) = converter.late_problems
    assert entry.reason == "edfi-intervention-unknown"
    assert entry.location == "f:1"
    assert entry.raw == CHECK_AND_CONNECT_LINK
    assert "CheckAndConnect" in entry.message


def test_assessment_score_of_zero_stays_a_number() -> None:
    item = {
        "studentAssessmentIdentifier": "A-0",
        "assessmentReference": {"assessmentIdentifier": "MATH-8", "namespace": "x"},
        "studentReference": {"studentUniqueId": "1"},
        "administrationDate": "2022-08-15",
        "scoreResults": [
            {
                "assessmentReportingMethodDescriptor": "uri://ed-fi.org/AssessmentReportingMethodDescriptor"
                "#Raw score",
                "result": "0",
            }
        ],
    }
    (series,) = EdFiConverter(_mapper()).convert(
        RawRecord("studentAssessments", item, "x")
    )
    assert isinstance(series, IndicatorSeries)
    assert series.points[0].value == 0
    assert not isinstance(series.points[0].value, str)
    assert not isinstance(series.sub_indicators[0].points[0].value, str)


def test_an_overlay_cannot_lower_a_disability_below_special_education(
    tmp_path: Path,
) -> None:
    overlay = tmp_path / "district.yaml"
    overlay.write_text(
        "crosswalk: district-disability\n"
        'version: "1"\n'
        "extends: edfi-disability\n"
        "rules:\n"
        "  - {code: Autism, to: {domain: social-emotional, category: education}}\n",
        "utf-8",
    )
    converter = EdFiConverter(Mapper.load([overlay]))
    item = {
        "studentReference": {"studentUniqueId": "700009"},
        "educationOrganizationReference": {"educationOrganizationId": 255901},
        "disabilities": [
            {"disabilityDescriptor": "uri://ed-fi.org/DisabilityDescriptor#Autism"}
        ],
    }
    out = converter.convert(
        RawRecord("studentEducationOrganizationAssociations", item, "test#0")
    )
    out += converter.finish()
    findings = of(out, Finding)
    assert [(f.domain.value, f.category.value) for f in findings] == [
        ("social-emotional", "education.special")
    ]
