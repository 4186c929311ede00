"""Every line the converter writes validates strictly against the model."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from successplan.adapters import RecordWriter
from successplan.adapters.edfi import (
    ConversionRun,
    EdFiConverter,
    RawRecord,
    read_files,
)
from successplan.mappings import Mapper
from successplan.schemas import Indicator, IndicatorSeries, Person, record_adapter

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def _lines(items: Any) -> list[bytes]:
    sink = io.BytesIO()
    run = ConversionRun(EdFiConverter(Mapper.default()), RecordWriter(sink))
    run.handle_all(items)
    run.finish()
    return sink.getvalue().splitlines()


def _validate(lines: list[bytes]) -> None:
    adapter = record_adapter()
    for line in lines:
        adapter.validate_json(line, strict=True)


def test_bench_records_validate_strictly(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from bench.edfi import ssa
    finally:
        sys.path.remove(str(ROOT))
    items = (
        RawRecord("studentSchoolAssociations", ssa(n), f"bench#{n}") for n in range(200)
    )
    lines = _lines(items)
    assert len(lines) == 50
    _validate(lines)


def test_fixture_records_validate_strictly() -> None:
    lines = _lines(read_files(sorted(DATA.glob("[!e]*.*"))))
    assert lines
    _validate(lines)


def test_sample_records_validate_strictly(samples: Path) -> None:
    files = sorted(p for p in (samples / "edfi").rglob("*") if p.is_file())
    inputs = [p for p in files if p.suffix in {".xml", ".ndjson"}]
    if not inputs:
        pytest.skip("no Ed-Fi sample data files")
    _validate(_lines(read_files(inputs)))


def _persons_as_the_model_writes_them(lines: list[bytes]) -> int:
    """Check each encoded Person is byte for byte what the model would write."""
    checked = 0
    for line in lines:
        if orjson.loads(line)["type"] != "Person":
            continue
        person = Person.model_validate_json(line, strict=True)
        assert person.__pydantic_serializer__.to_json(person, exclude_none=True) == (
            line
        )
        checked += 1
    return checked


def test_encoded_persons_match_the_model_on_fixtures() -> None:
    # Persons are encoded from validated parts, without building the model;
    # the model, given that JSON, must accept it and write it back unchanged.
    lines = _lines(read_files(sorted(DATA.glob("[!e]*.*"))))
    assert _persons_as_the_model_writes_them(lines) >= 1


def test_encoded_persons_match_the_model_on_samples(samples: Path) -> None:
    files = sorted(p for p in (samples / "edfi").rglob("*") if p.is_file())
    inputs = [p for p in files if p.suffix in {".xml", ".ndjson"}]
    if not inputs:
        pytest.skip("no Ed-Fi sample data files")
    assert _persons_as_the_model_writes_them(_lines(read_files(inputs))) > 0


def test_encoded_person_with_every_part_matches_the_model() -> None:
    # One student with names, demographics, languages, addresses, phones,
    # several enrollments, a contact and a program: every part of a Person.
    student = "42"
    ref = {"studentUniqueId": student}
    items = [
        RawRecord(
            "students",
            {
                "studentUniqueId": student,
                "firstName": "Ana",
                "middleName": "Luz",
                "lastSurname": "Reyes",
                "preferredFirstName": "Annie",
                "birthDate": "2010-04-02",
                "birthSexDescriptor": "uri://ed-fi.org/SexDescriptor#Female",
            },
            "t#0",
        ),
        RawRecord(
            "studentEducationOrganizationAssociations",
            {
                "studentReference": ref,
                "educationOrganizationReference": {"educationOrganizationId": 255901},
                "hispanicLatinoEthnicity": True,
                "races": [{"raceDescriptor": "uri://ed-fi.org/RaceDescriptor#White"}],
                "languages": [
                    {
                        "languageDescriptor": "uri://ed-fi.org/LanguageDescriptor#spa",
                        "uses": [
                            {
                                "languageUseDescriptor": "uri://ed-fi.org/"
                                "LanguageUseDescriptor#Home language"
                            }
                        ],
                    }
                ],
                "addresses": [
                    {
                        "addressTypeDescriptor": "uri://ed-fi.org/"
                        "AddressTypeDescriptor#Home",
                        "streetNumberName": "1 Main St",
                        "city": "Austin",
                        "stateAbbreviationDescriptor": "uri://ed-fi.org/"
                        "StateAbbreviationDescriptor#TX",
                        "postalCode": "78701",
                    }
                ],
                "telephones": [{"telephoneNumber": "555-0100", "orderOfPriority": 1}],
                "studentIdentificationCodes": [
                    {
                        "identificationCode": "S-42",
                        "studentIdentificationSystemDescriptor": "uri://ed-fi.org/"
                        "StudentIdentificationSystemDescriptor#State",
                        "assigningOrganizationIdentificationCode": "TX",
                    }
                ],
            },
            "t#1",
        ),
        *(
            RawRecord(
                "studentSchoolAssociations",
                {
                    "studentReference": ref,
                    "schoolReference": {"schoolId": school},
                    "entryDate": entry,
                    "entryGradeLevelDescriptor": "uri://ed-fi.org/"
                    "GradeLevelDescriptor#Sixth grade",
                    "primarySchool": "true",
                    "schoolYearTypeReference": {"schoolYear": "2023"},
                },
                f"t#{2 + n}",
            )
            for n, (school, entry) in enumerate(
                [(2, "2022-08-20"), (1, "2022-08-21"), (2, "2021-08-19")]
            )
        ),
        RawRecord(
            "studentParentAssociations",
            {
                "studentReference": ref,
                "parentReference": {"parentUniqueId": "P1"},
                "relationDescriptor": "uri://ed-fi.org/RelationDescriptor#Mother",
                "primaryContactStatus": True,
                "contactPriority": 1,
            },
            "t#5",
        ),
        RawRecord(
            "studentSpecialEducationProgramAssociations",
            {
                "studentReference": ref,
                "programReference": {
                    "educationOrganizationId": 255901,
                    "programName": "Special Education",
                    "programTypeDescriptor": "uri://ed-fi.org/"
                    "ProgramTypeDescriptor#Special Education",
                },
                "beginDate": "2022-09-01",
            },
            "t#6",
        ),
    ]
    lines = _lines(items)
    assert _persons_as_the_model_writes_them(lines) == 1
    (person,) = [
        Person.model_validate_json(line) for line in lines if b'"Person"' in line
    ]
    assert [e.entry_date.isoformat() for e in person.enrollments if e.entry_date] == [
        "2022-08-21",
        "2021-08-19",
        "2022-08-20",
    ]
    assert person.names and person.languages and person.addresses and person.telecom
    assert person.contacts and person.programs and person.races
    assert len(person.identifiers) == 2


def test_exit_before_entry_is_quarantined_not_fatal() -> None:
    item = {
        "studentReference": {"studentUniqueId": "1"},
        "schoolReference": {"schoolId": 2},
        "entryDate": "2022-08-20",
        "exitWithdrawDate": "2022-05-01",
    }
    converter = EdFiConverter(Mapper.default())
    sink = io.BytesIO()
    run = ConversionRun(converter, RecordWriter(sink))
    run.handle(RawRecord("studentSchoolAssociations", item, "t#0"))
    run.finish()
    assert run.summary.quarantined["studentSchoolAssociations"] == 1


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (
            {
                "programParticipationStatuses": [
                    {
                        "participationStatusDescriptor": "uri://ed-fi.org/"
                        "ParticipationStatusDescriptor#Eligible",
                        "statusBeginDate": "2022-08-01",
                        "statusEndDate": "2022-09-01",
                    },
                    {
                        "participationStatusDescriptor": "uri://ed-fi.org/"
                        "ParticipationStatusDescriptor#Active",
                        "statusBeginDate": "2022-09-02",
                    },
                ]
            },
            "Active",
        ),
        (
            {
                "participationStatus": {
                    "participationStatusDescriptor": "uri://ed-fi.org/"
                    "ParticipationStatusDescriptor#Suspended",
                    "statusBeginDate": "2021-01-01",
                }
            },
            "Suspended",
        ),
        ({}, None),
    ],
)
def test_participation_status_ds4_and_ds5(
    statuses: dict[str, Any], expected: str | None
) -> None:
    item = {
        "studentReference": {"studentUniqueId": "7"},
        "programReference": {
            "educationOrganizationId": 255901,
            "programName": "Breakfast",
            "programTypeDescriptor": "uri://ed-fi.org/ProgramTypeDescriptor#Other",
        },
        "beginDate": "2022-08-01",
        **statuses,
    }
    converter = EdFiConverter(Mapper.default())
    converter.convert(
        RawRecord("studentSchoolFoodServiceProgramAssociations", item, "t")
    )
    (person,) = [r for r in converter.finish() if isinstance(r, Person)]
    status = person.programs[0].status
    assert (status.code if status else None) == expected
    _validate([orjson.dumps(person.model_dump(mode="json", exclude_none=True))])


def test_indicator_codes_come_from_the_code_set() -> None:
    item = {
        "studentReference": {"studentUniqueId": "9"},
        "schoolReference": {"schoolId": 1},
        "eventDate": "2022-10-03",
        "attendanceEventCategoryDescriptor": "uri://ed-fi.org/"
        "AttendanceEventCategoryDescriptor#Unexcused Absence",
    }
    converter = EdFiConverter(Mapper.default(), instructional_days=180)
    converter.convert(RawRecord("studentSchoolAttendanceEvents", item, "t"))
    series = [r for r in converter.finish() if isinstance(r, IndicatorSeries)]
    codes = {s.code.code for s in series} | {
        part.code.code for s in series for part in s.sub_indicators
    }
    assert codes <= {code.value for code in Indicator}
    assert {s.code.system for s in series} == {
        "https://successplan.org/CodeSystem/Indicator"
    }
