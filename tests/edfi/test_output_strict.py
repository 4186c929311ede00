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
