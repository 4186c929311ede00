from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from successplan.schemas import (
    PROGRAM_CATEGORIES,
    RECORD_TYPES,
    CanonicalModel,
    Coding,
    Consent,
    DataCategory,
    Domain,
    Finding,
    Goal,
    Identifier,
    IndicatorSeries,
    Person,
    ProgramParticipation,
    ProgramType,
    ServiceEngagement,
    SuccessPlan,
    category_map,
    field,
    field_category,
    follows_record,
    record_adapter,
)

SUBJECT = {"system": "https://district.example/student-id", "value": "S-1"}


def _errors(exc: ValidationError) -> set[tuple[str, str]]:
    return {(".".join(str(p) for p in e["loc"]), e["type"]) for e in exc.errors()}


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        Finding.model_validate(
            {
                "id": "f",
                "kind": "need",
                "domain": "academic",
                "description": "x",
                "colour": "blue",
            }
        )
    assert ("colour", "extra_forbidden") in _errors(info.value)


def test_a_code_needs_its_system() -> None:
    with pytest.raises(ValidationError) as info:
        Coding.model_validate({"code": "F32.A"})
    assert ("system", "missing") in _errors(info.value)
    with pytest.raises(ValidationError):
        Coding.model_validate({"system": "", "code": "F32.A"})


def test_dates_are_dates() -> None:
    goal = Goal.model_validate(
        {
            "id": "g",
            "domain": "academic",
            "description": "Read at grade level",
            "due_date": "2026-06-12",
        }
    )
    assert goal.due_date == date(2026, 6, 12)
    with pytest.raises(ValidationError) as info:
        Goal.model_validate_json(
            b'{"id":"g","domain":"academic","description":"d","due_date":"12/06/2026"}',
            strict=True,
        )
    assert ("due_date", "date_parsing") in _errors(info.value)


def test_strict_json_rejects_numbers_for_dates() -> None:
    with pytest.raises(ValidationError):
        Goal.model_validate_json(
            b'{"id":"g","domain":"academic","description":"d","due_date":1781222400}',
            strict=True,
        )


def test_finding_says_something() -> None:
    with pytest.raises(ValidationError, match="code or a description"):
        Finding(id="f", kind="need", domain=Domain.ACADEMIC)


def test_period_and_enrollment_dates_are_ordered() -> None:
    with pytest.raises(ValidationError, match="before its start"):
        SuccessPlan.model_validate(
            {
                "id": "p",
                "subject": SUBJECT,
                "period": {"start": "2026-06-01", "end": "2025-09-01"},
            }
        )
    with pytest.raises(ValidationError, match="exit_date is before"):
        Person.model_validate(
            {
                "id": "p",
                "identifiers": [SUBJECT],
                "enrollments": [
                    {
                        "organization": {"system": "nces", "value": "1"},
                        "entry_date": "2026-01-01",
                        "exit_date": "2025-01-01",
                    }
                ],
            }
        )


def test_plan_references_must_resolve() -> None:
    with pytest.raises(ValidationError) as info:
        SuccessPlan.model_validate(
            {
                "id": "p",
                "subject": SUBJECT,
                "goals": [
                    {
                        "id": "g",
                        "domain": "academic",
                        "description": "d",
                        "addresses": ["missing-finding"],
                    }
                ],
            }
        )
    assert "goals[0].addresses names unknown finding `missing-finding`" in str(
        info.value
    )


def test_every_field_declares_a_category() -> None:
    for model in RECORD_TYPES.values():
        for path, (category, _) in category_map(model).items():
            assert isinstance(category, DataCategory), (model.__name__, path)


def test_a_field_without_category_fails_at_definition() -> None:
    with pytest.raises(TypeError, match="declares no data category"):

        class Broken(CanonicalModel):  # noqa: F841
            note: str


def test_categories_are_readable_at_run_time() -> None:
    assert field_category(Person, "birth_date") is DataCategory.DIRECTORY
    assert field_category(Person, "races") is DataCategory.DEMOGRAPHIC
    assert field_category(Consent, "provisions") is DataCategory.GOVERNANCE
    assert follows_record(Finding, "code")
    assert not follows_record(Finding, "domain")
    paths = category_map(SuccessPlan)
    assert paths["goals[].targets[].baseline"] == (DataCategory.PLAN, False)
    assert paths["person.programs[].period"] == (DataCategory.EDUCATION, True)


def test_custom_component_declares_categories() -> None:
    class Note(CanonicalModel):
        text: str = field(DataCategory.PLAN, "A note.")

    assert field_category(Note, "text") is DataCategory.PLAN


@pytest.mark.parametrize(("program", "category"), list(PROGRAM_CATEGORIES.items()))
def test_program_participation_takes_its_category(
    program: ProgramType, category: DataCategory
) -> None:
    participation = ProgramParticipation.model_validate({"program": program.value})
    assert participation.category is category


def test_special_education_is_education_special_unless_overridden() -> None:
    assert (
        ProgramParticipation(program=ProgramType.SPECIAL_EDUCATION).category
        is DataCategory.EDUCATION_SPECIAL
    )
    explicit = ProgramParticipation(
        program=ProgramType.OTHER, category=DataCategory.HEALTH_SENSITIVE
    )
    assert explicit.category is DataCategory.HEALTH_SENSITIVE


def test_record_adapter_picks_the_type() -> None:
    record = record_adapter().validate_json(
        b'{"type":"Person","id":"p","identifiers":[{"system":"s","value":"1"}]}'
    )
    assert isinstance(record, Person)
    assert record.identifiers == [Identifier(system="s", value="1")]


def test_round_trip_through_json_keeps_everything() -> None:
    finding = Finding(
        id="f",
        subject=Identifier(system="s", value="1"),
        kind="need",
        domain=Domain.BEHAVIORAL_HEALTH,
        category=DataCategory.HEALTH_SUD,
        code=Coding(system="http://hl7.org/fhir/sid/icd-10-cm", code="F10.20"),
    )
    again = record_adapter().validate_json(finding.model_dump_json(), strict=True)
    assert again == finding


def test_emergency_disclosure_needs_justification() -> None:
    with pytest.raises(ValidationError, match="justification"):
        record_adapter().validate_python(
            {
                "type": "Disclosure",
                "id": "d",
                "subject": SUBJECT,
                "at": "2026-01-05T10:00:00Z",
                "recipient": "org-1",
                "purpose": "emergency",
                "emergency": True,
            }
        )


def test_program_period_dates_validate_strictly_from_json() -> None:
    raw = (
        b'{"type":"Person","id":"p","identifiers":[{"system":"s","value":"1"}],'
        b'"programs":[{"program":"homeless","period":{"start":"2025-09-02"}}]}'
    )
    person = record_adapter().validate_json(raw, strict=True)
    assert person.programs[0].period.start == date(2025, 9, 2)
    assert person.programs[0].category is DataCategory.ECONOMIC


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (ProgramParticipation, "program"),
        (ProgramParticipation, "category"),
        (ProgramParticipation, "organization"),
        (IndicatorSeries, "code"),
        (IndicatorSeries, "name"),
        (IndicatorSeries, "unit"),
        (IndicatorSeries, "category"),
        (Finding, "category"),
        (Goal, "category"),
        (ServiceEngagement, "category"),
    ],
)
def test_fields_that_reveal_the_content_follow_the_record(
    model: type[CanonicalModel], name: str
) -> None:
    # `program: special-education`, a PHQ-9 indicator code or a `health.sud`
    # category says as much as the content itself: it goes where the record's
    # own category goes, never out with directory or administrative data.
    assert follows_record(model, name)


def test_person_programs_never_leave_as_directory_data() -> None:
    paths = category_map(Person)
    leaked = [
        path
        for path, (category, follows) in paths.items()
        if path.startswith("programs[].")
        and not follows
        and category in {DataCategory.DIRECTORY, DataCategory.ADMINISTRATIVE}
    ]
    assert leaked == []
