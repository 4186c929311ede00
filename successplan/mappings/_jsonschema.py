"""The JSON Schema of the crosswalk file format, generated from its models.

The schema is published as ``schemas/mappings/crosswalk.schema.json`` so that
editors and other tools can check a crosswalk file without this package. It
checks the shape of one file; what needs more than one file (an overlay's
base, a value against a canonical code set, an inverted range) is checked
when the crosswalk is compiled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from successplan.schemas import SCHEMA_VERSION

from ._spec import CrosswalkSpec

__all__ = [
    "CROSSWALK_SCHEMA_ID",
    "CROSSWALK_SCHEMA_NAME",
    "crosswalk_json_schema",
    "export_crosswalk_schema",
    "render_crosswalk_schema",
]

#: Name of the published file, inside its ``mappings`` folder.
CROSSWALK_SCHEMA_NAME = "crosswalk.schema.json"
#: The stable ``$id`` of the crosswalk file format's schema; it sits under the
#: same base as the canonical model's schemas.
CROSSWALK_SCHEMA_ID = (
    f"https://successplan.org/schema/v{SCHEMA_VERSION.split('.')[0]}/"
    f"mappings/{CROSSWALK_SCHEMA_NAME}"
)


def crosswalk_json_schema() -> dict[str, Any]:
    """Build the JSON Schema (draft 2020-12) of one crosswalk file."""
    body = CrosswalkSpec.model_json_schema(mode="validation")
    body.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": CROSSWALK_SCHEMA_ID,
        "$comment": (
            "Generated from successplan.mappings (the crosswalk file models). "
            "Do not edit: run `successplan mappings schema` to regenerate."
        ),
        "title": "successplan crosswalk file",
        **body,
    }


def render_crosswalk_schema() -> str:
    """Return the schema as the text of the published file."""
    return json.dumps(crosswalk_json_schema(), indent=2, ensure_ascii=False) + "\n"


def export_crosswalk_schema(directory: str | Path) -> Path:
    """Write the schema into ``directory`` and return the path written."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    path = target / CROSSWALK_SCHEMA_NAME
    path.write_text(render_crosswalk_schema(), encoding="utf-8")
    return path
