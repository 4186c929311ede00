from __future__ import annotations

from pathlib import Path

import pytest

from successplan.adapters.edfi import (
    guess_resource,
    read_files,
    read_json,
    read_ndjson,
    read_xml,
    resource_from_name,
    resources_for,
)
from successplan.errors import InputError

DATA = Path(__file__).parent / "data"


def test_ndjson_reader_keeps_going_past_a_bad_line() -> None:
    records = list(read_ndjson(DATA / "students.ndjson"))
    assert [r.resource for r in records] == ["students"] * 3
    assert records[1].problem is not None
    assert records[1].problem.code == "json-invalid"
    assert records[1].location.endswith("students.ndjson:2")
    assert records[2].location.endswith("students.ndjson:4")


def test_json_reader_reads_a_page() -> None:
    records = list(read_json(DATA / "studentSchoolAssociations.json"))
    assert len(records) == 2
    assert records[1].location.endswith("#1")
    assert records[0].resource == "studentSchoolAssociations"


def test_json_reader_refuses_non_json(tmp_path: Path) -> None:
    bad = tmp_path / "students.json"
    bad.write_text("{not json")
    with pytest.raises(InputError):
        list(read_json(bad))


def test_xml_reader_reshapes_interchange_as_api_json() -> None:
    records = list(read_xml(DATA / "Interchange-small.xml"))
    assert [r.resource for r in records] == [
        "studentSpecialEducationProgramAssociations",
        "studentHomelessProgramAssociations",
        "studentSchoolFoodServiceProgramAssociations",
    ]
    special = records[0].data
    assert special["studentReference"] == {"studentUniqueId": "700001"}
    assert special["programReference"]["programTypeDescriptor"].endswith(
        "#Special Education"
    )
    assert special["programReference"]["educationOrganizationId"] == "255901"
    assert special["iepReviewDate"] == "2021-08-27"
    assert special["disabilities"] == [
        {
            "disabilityDescriptor": "uri://ed-fi.org/DisabilityDescriptor"
            "#Specific Learning Disability"
        }
    ]
    food = records[2].data
    assert food["schoolFoodServiceProgramServices"][0][
        "schoolFoodServiceProgramServiceDescriptor"
    ].endswith("#Free Lunch")


def test_xml_reader_resolves_refs_to_earlier_elements() -> None:
    records = list(read_xml(DATA / "Contact-small.xml"))
    link = records[1].data
    assert link["contactReference"] == {"contactUniqueId": "800001"}
    assert link["relationDescriptor"].endswith("#Mother")


def test_xml_entities_and_external_files_are_not_loaded() -> None:
    records = list(read_xml(DATA / "entity-bomb.xml"))
    assert len(records) == 1
    text = repr(records[0].data)
    assert "lol" not in text
    assert "root:" not in text


def test_xml_syntax_error_becomes_a_problem(tmp_path: Path) -> None:
    bad = tmp_path / "Student.xml"
    good = "<Student><StudentUniqueId>1</StudentUniqueId></Student>\n" * 5000
    bad.write_text(
        f"<InterchangeStudent>{good}"
        "<Student><StudentUniqueId>2</Student></InterchangeStudent>"
    )
    records = list(read_xml(bad))
    assert records[0].problem is None
    assert len(records) > 1000
    assert records[-1].problem is not None
    assert records[-1].problem.code == "xml-invalid"


@pytest.mark.parametrize(
    ("stem", "resource"),
    [
        ("students", "students"),
        ("kra_studentAssessments", "studentAssessments"),
        ("studentSchoolAssociation", "studentSchoolAssociations"),
        (
            "export-studentSpecialEducationProgramAssociations",
            "studentSpecialEducationProgramAssociations",
        ),
        ("random", None),
    ],
)
def test_resource_from_file_name(stem: str, resource: str | None) -> None:
    assert resource_from_name(stem) == resource


@pytest.mark.parametrize(
    ("item", "resource"),
    [
        ({"studentUniqueId": "1", "birthDate": "2010-01-01"}, "students"),
        (
            {"entryGradeLevelDescriptor": "x", "studentReference": {}},
            "studentSchoolAssociations",
        ),
        (
            {"contactReference": {}, "studentReference": {}},
            "studentContactAssociations",
        ),
        ({"parentReference": {}, "studentReference": {}}, "studentParentAssociations"),
        ({"studentAssessmentIdentifier": "a"}, "studentAssessments"),
        ({"x": 1}, None),
    ],
)
def test_guess_resource_from_keys(
    item: dict[str, object], resource: str | None
) -> None:
    assert guess_resource(item) == resource


@pytest.mark.parametrize(
    ("standard", "present", "absent"),
    [
        (4, "parents", "contacts"),
        (5, "contacts", "studentSection504ProgramAssociations"),
        (6, "studentSection504ProgramAssociations", "parents"),
    ],
)
def test_resources_follow_the_data_standard(
    standard: int, present: str, absent: str
) -> None:
    names = resources_for(standard)
    assert present in names
    assert absent not in names
    assert names.index("students") < names.index("studentSchoolAssociations")


@pytest.mark.samples
def test_every_shared_sample_file_reads(samples: Path) -> None:
    paths = sorted((samples / "edfi" / "grandbend-xml").glob("*.xml"))
    paths.append(samples / "edfi" / "json" / "kra_studentAssessments.jsonl")
    records = list(read_files(paths))
    assert not [r for r in records if r.problem]
    students = [r for r in records if r.resource == "students"]
    assert len(students) == 59
