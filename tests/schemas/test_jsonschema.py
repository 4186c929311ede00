from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from successplan.schemas import RECORD_TYPES, category_map, record_adapter
from successplan.schemas._jsonschema import BUNDLE_NAME, build_schemas, export_schemas

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas"


def test_committed_schemas_match_the_models(tmp_path: Path) -> None:
    export_schemas(tmp_path)
    fresh = {p.name: p.read_text("utf-8") for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text("utf-8") for p in COMMITTED.glob("*.json")}
    assert sorted(committed) == sorted(fresh), "run `successplan schema export`"
    for name, text in fresh.items():
        assert committed[name] == text, (
            f"{name} drifted: run `successplan schema export`"
        )


def test_every_document_is_valid_draft_2020_12() -> None:
    for name, document in build_schemas().items():
        jsonschema.Draft202012Validator.check_schema(document)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["$id"].endswith(name)
        assert "Generated" in document["$comment"]


def test_categories_reach_the_schema() -> None:
    documents = build_schemas()
    for name, model in RECORD_TYPES.items():
        properties = documents[f"{name}.schema.json"]["properties"]
        for field_name in model.model_fields:
            expected = category_map(model)[field_name][0].value
            assert properties[field_name]["x-category"] == expected


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(build_schemas()[BUNDLE_NAME])


def test_bundle_accepts_a_record_and_requires_its_type() -> None:
    validator = _validator()
    good = {"type": "Person", "id": "p", "identifiers": [{"system": "s", "value": "1"}]}
    assert not list(validator.iter_errors(good))
    untyped = {k: v for k, v in good.items() if k != "type"}
    assert list(validator.iter_errors(untyped))


@pytest.mark.parametrize(
    "broken",
    [
        {
            "type": "Finding",
            "id": "f",
            "kind": "need",
            "domain": "academic",
            "description": "x",
            "extra": 1,
        },
        {
            "type": "Finding",
            "id": "f",
            "kind": "wish",
            "domain": "academic",
            "description": "x",
        },
        {
            "type": "Finding",
            "id": "f",
            "kind": "need",
            "domain": "academic",
            "code": {"code": "x"},
        },
        {"type": "Finding", "id": "f", "kind": "need", "domain": "academic"},
        {
            "type": "Finding",
            "id": "f",
            "kind": "need",
            "domain": "academic",
            "description": "",
            "code": None,
        },
        {
            "type": "Finding",
            "id": "f",
            "kind": "need",
            "domain": "academic",
            "description": "x",
            "identified_by": {"display": None},
        },
        {
            "type": "Disclosure",
            "id": "d",
            "subject": {"system": "s", "value": "1"},
            "at": "2026-01-05T10:00:00Z",
            "recipient": "org-1",
            "purpose": "emergency",
            "emergency": True,
        },
    ],
)
def test_bundle_rejects_what_the_models_reject(broken: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        record_adapter().validate_json(json.dumps(broken), strict=True)
    assert list(_validator().iter_errors(broken))


def test_examples_validate_against_the_published_schema() -> None:
    examples = sorted((ROOT / "examples").glob("*.json"))
    if not examples:
        pytest.skip("no examples present")
    validator = jsonschema.Draft202012Validator(
        json.loads((COMMITTED / "SuccessPlan.schema.json").read_text("utf-8"))
    )
    for path in examples:
        errors = list(validator.iter_errors(json.loads(path.read_text("utf-8"))))
        assert not errors, (path.name, [e.message for e in errors[:3]])


def test_bundle_accepts_a_justified_emergency_disclosure() -> None:
    record = {
        "type": "Disclosure",
        "id": "d",
        "subject": {"system": "s", "value": "1"},
        "at": "2026-01-05T10:00:00Z",
        "recipient": "org-1",
        "purpose": "emergency",
        "emergency": True,
        "justification": "Student missing; police request for contacts",
    }
    record_adapter().validate_json(json.dumps(record), strict=True)
    assert not list(_validator().iter_errors(record))
    assert not list(
        _validator().iter_errors({**record, "emergency": False, "justification": None})
    )
