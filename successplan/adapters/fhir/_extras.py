"""Canonical fields that FHIR has no element for, carried in extensions.

A canonical record exported to FHIR writes what FHIR can hold in FHIR's own
elements. Before it is written, each field is read back from those elements;
a field that does not come back identical travels in a ``canonical-field``
extension (its name and its value as JSON), so reading the resource back
always gives the same canonical record.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import orjson
from pydantic import BaseModel

from ._values import SP_SYSTEM

__all__ = [
    "CANONICAL_FIELD",
    "CANONICAL_ID",
    "MAPPED_FROM",
    "coding_in",
    "coding_out",
    "read_extras",
    "write_extras",
]

CANONICAL_FIELD = f"{SP_SYSTEM}/StructureDefinition/canonical-field"
MAPPED_FROM = f"{SP_SYSTEM}/StructureDefinition/mapped-from"

#: Identifier system that carries a record's canonical id on its FHIR resource.
CANONICAL_ID = "urn:successplan:id"


def write_extras(
    record: BaseModel,
    native: Mapping[str, Any],
    resource: dict[str, Any],
    *,
    structural: Collection[str] = (),
) -> None:
    """Add an extension for each field the FHIR elements do not give back.

    Args:
        record: The canonical record or component being exported.
        native: The fields as read back from ``resource``'s FHIR elements, in
            JSON form without ``None`` values.
        resource: The FHIR element to add the extensions to.
        structural: Fields rebuilt from other resources; never compared.
    """
    data = record.model_dump(mode="json", exclude_none=True)
    fields = type(record).model_fields
    extensions: list[dict[str, Any]] = []
    for name, value in data.items():
        if name in structural or native.get(name, _MISSING) == value:
            continue
        if name not in native and _default(fields[name]) == value:
            continue
        extensions.append(
            {
                "url": CANONICAL_FIELD,
                "extension": [
                    {"url": "name", "valueString": name},
                    {"url": "value", "valueString": orjson.dumps(value).decode()},
                ],
            }
        )
    if extensions:
        resource.setdefault("extension", []).extend(extensions)


def read_extras(resource: Mapping[str, Any]) -> dict[str, Any]:
    """Return the canonical fields carried in an element's extensions."""
    out: dict[str, Any] = {}
    for ext in resource.get("extension") or []:
        if not isinstance(ext, dict) or ext.get("url") != CANONICAL_FIELD:
            continue
        parts = {
            e.get("url"): e.get("valueString")
            for e in ext.get("extension") or []
            if isinstance(e, dict)
        }
        name, value = parts.get("name"), parts.get("value")
        if isinstance(name, str) and isinstance(value, str):
            out[name] = orjson.loads(value)
    return out


def coding_out(coding: Mapping[str, Any]) -> dict[str, Any]:
    """Write a canonical Coding (JSON form) as a FHIR Coding, keeping its trace."""
    out: dict[str, Any] = {"system": coding["system"]}
    if coding.get("version") is not None:
        out["version"] = coding["version"]
    out["code"] = coding["code"]
    if coding.get("display") is not None:
        out["display"] = coding["display"]
    if coding.get("mapped_from") is not None:
        out["extension"] = [
            {
                "url": MAPPED_FROM,
                "valueString": orjson.dumps(coding["mapped_from"]).decode(),
            }
        ]
    return out


def coding_in(coding: Mapping[str, Any]) -> dict[str, Any]:
    """Read a FHIR Coding as a canonical Coding in JSON form."""
    out: dict[str, Any] = {"system": coding.get("system"), "code": coding.get("code")}
    for key in ("display", "version"):
        if coding.get(key) is not None:
            out[key] = coding[key]
    for ext in coding.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == MAPPED_FROM:
            out["mapped_from"] = orjson.loads(ext["valueString"])
    return out


_MISSING = object()


def _default(info: Any) -> Any:
    default = info.get_default(call_default_factory=True)
    if isinstance(default, BaseModel):
        return default.model_dump(mode="json", exclude_none=True)
    if isinstance(default, list):
        return [
            d.model_dump(mode="json") if isinstance(d, BaseModel) else d
            for d in default
        ]
    return getattr(default, "value", default)
