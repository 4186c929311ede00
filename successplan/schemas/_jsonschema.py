"""The published JSON Schema (draft 2020-12), generated from the models.

One file per top-level record type and a bundle that accepts any record by its
``type``. Each field's data category is in its ``x-category`` keyword.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from ._registry import RECORD_TYPES, SCHEMA_VERSION, AnyRecord

__all__ = ["BUNDLE_NAME", "SCHEMA_BASE_URI", "build_schemas", "export_schemas"]

SCHEMA_BASE_URI = f"https://successplan.org/schema/v{SCHEMA_VERSION.split('.')[0]}/"
BUNDLE_NAME = "successplan.schema.json"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _header(name: str, title: str) -> dict[str, Any]:
    return {
        "$schema": _DIALECT,
        "$id": f"{SCHEMA_BASE_URI}{name}",
        "$comment": (
            "Generated from the successplan.schemas models, canonical model "
            f"version {SCHEMA_VERSION}. Do not edit: run `successplan schema "
            "export` to regenerate."
        ),
        "title": title,
    }


def _require_type(schema: dict[str, Any]) -> dict[str, Any]:
    required = list(schema.get("required", []))
    if "type" not in required:
        required.insert(0, "type")
    return {**schema, "required": required}


def build_schemas() -> dict[str, dict[str, Any]]:
    """Build every published schema document, keyed by file name.

    A record standing alone must name its ``type``; a record nested in a plan
    may leave it out, so only the root of each document requires it.
    """
    documents: dict[str, dict[str, Any]] = {}
    for name, model in RECORD_TYPES.items():
        body = _require_type(model.model_json_schema(mode="validation"))
        body.pop("title", None)
        file_name = f"{name}.schema.json"
        documents[file_name] = {**_header(file_name, name), **body}

    bundle = TypeAdapter(AnyRecord).json_schema(mode="validation")
    bundle.pop("discriminator", None)
    bundle["oneOf"] = [
        {"allOf": [ref], "required": ["type"]} for ref in bundle.get("oneOf", [])
    ]
    documents[BUNDLE_NAME] = {
        **_header(BUNDLE_NAME, "Any successplan canonical record"),
        **bundle,
    }
    return documents


def export_schemas(directory: str | Path) -> list[Path]:
    """Write the published schemas into ``directory``.

    Returns:
        The paths written, sorted.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, document in sorted(build_schemas().items()):
        path = target / file_name
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written
