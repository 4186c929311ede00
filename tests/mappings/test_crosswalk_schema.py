from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from successplan.mappings import (
    CROSSWALK_SCHEMA_ID,
    crosswalk_json_schema,
    export_crosswalk_schema,
)

COMMITTED = Path(__file__).parents[2] / "schemas" / "mappings"
SHIPPED = resources.files("successplan.mappings").joinpath("crosswalks")


def _shipped_files() -> list[str]:
    root = Path(str(SHIPPED))
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.yaml"))


def test_committed_schema_matches_the_models(tmp_path: Path) -> None:
    fresh = export_crosswalk_schema(tmp_path).read_text("utf-8")
    committed = (COMMITTED / "crosswalk.schema.json").read_text("utf-8")

    assert fresh == committed, "run `successplan mappings schema` to regenerate"


def test_schema_is_draft_2020_12_with_a_stable_id() -> None:
    schema = crosswalk_json_schema()

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == CROSSWALK_SCHEMA_ID
    assert CROSSWALK_SCHEMA_ID.startswith("https://successplan.org/schema/v1/")
    assert "Generated" in schema["$comment"]


@pytest.mark.parametrize("name", _shipped_files())
def test_every_shipped_crosswalk_validates(name: str) -> None:
    schema = json.loads((COMMITTED / "crosswalk.schema.json").read_text("utf-8"))
    document = yaml.safe_load((Path(str(SHIPPED)) / name).read_text("utf-8"))

    jsonschema.Draft202012Validator(schema).validate(document)


@pytest.mark.parametrize(
    "rule",
    [
        {"range": ["F10"], "to": "x"},
        {"code": "a", "prefix": "b", "to": "x"},
        {"code": "a", "to": "x", "colour": "red"},
    ],
)
def test_schema_rejects_malformed_rules(rule: dict[str, object]) -> None:
    document = {
        "crosswalk": "t",
        "version": "1",
        "systems": ["s"],
        "target": {"values": ["x"]},
        "rules": [rule],
    }

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, crosswalk_json_schema())
