"""Small readers of FHIR data types: dates, codings, references, periods.

Each raises :class:`~successplan.errors.ConversionError` naming the resource
and the field when a value is malformed, so the resource goes to quarantine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from successplan.errors import ConversionError
from successplan.schemas import Coding, Identifier, Period

__all__ = [
    "SP_SYSTEM",
    "ResourceContext",
    "as_list",
    "cc_codings",
    "cc_text",
    "coding_to_fhir",
    "fhir_date",
    "fhir_period",
    "identifier_of",
    "first_code",
    "reference_parts",
    "to_coding",
]

#: Base of the code systems and extensions successplan defines for FHIR.
SP_SYSTEM = "https://successplan.org/fhir"

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
)


class ResourceContext:
    """Names one resource in error messages: ``Condition/abc at file#entry[3]``."""

    __slots__ = ("location", "resource", "type")

    def __init__(self, resource: Mapping[str, Any], location: str) -> None:
        self.resource = resource
        self.type = str(resource.get("resourceType"))
        self.location = location

    def __str__(self) -> str:
        rid = self.resource.get("id")
        name = f"{self.type}/{rid}" if rid else self.type
        return f"{name} at {self.location}"

    def error(self, field: str, problem: str, *, code: str) -> ConversionError:
        """Build a ConversionError naming this resource and ``field``."""
        msg = f"{self}: {self.type}.{field} {problem}"
        return ConversionError(msg, code=code, field=f"{self.type}.{field}")


def as_list(value: Any) -> list[Any]:
    """Return ``value`` as a list: itself, ``[value]``, or ``[]`` for None."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def fhir_date(value: Any, ctx: ResourceContext, field: str) -> date | None:
    """Read a FHIR date or dateTime as a date (a partial date as its first day).

    Raises:
        ConversionError: The value is not a FHIR date (code ``fhir-bad-date``).
    """
    if value is None:
        return None
    text = str(value)
    try:
        if _DATE.match(text):
            parts = [int(p) for p in text.split("-")]
            return date(
                parts[0],
                parts[1] if len(parts) > 1 else 1,
                parts[2] if len(parts) > 2 else 1,
            )
        if _DATETIME.match(text):
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    raise ctx.error(
        field,
        f"is `{text}`, not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)",
        code="fhir-bad-date",
    )


def fhir_period(value: Any, ctx: ResourceContext, field: str) -> Period | None:
    """Read a FHIR Period as a canonical Period of dates."""
    if not isinstance(value, dict):
        return None
    start = fhir_date(value.get("start"), ctx, f"{field}.start")
    end = fhir_date(value.get("end"), ctx, f"{field}.end")
    if start is None and end is None:
        return None
    if start is not None and end is not None and end < start:
        raise ctx.error(field, "ends before it starts", code="fhir-bad-period")
    return Period(start=start, end=end)


def cc_codings(value: Any) -> Iterator[dict[str, Any]]:
    """Yield the codings (with system and code) of a CodeableConcept or a list."""
    for concept in as_list(value):
        if not isinstance(concept, dict):
            continue
        for coding in as_list(concept.get("coding")):
            if isinstance(coding, dict) and coding.get("system") and coding.get("code"):
                yield coding


def cc_text(value: Any) -> str | None:
    """Return a CodeableConcept's text, or its first coding's display or code."""
    for concept in as_list(value):
        if isinstance(concept, dict) and concept.get("text"):
            return str(concept["text"])
    for coding in cc_codings(value):
        return str(coding.get("display") or coding["code"])
    return None


def first_code(value: Any, system: str) -> str | None:
    """Return the first code of ``system`` in a CodeableConcept (or a list)."""
    for coding in cc_codings(value):
        if coding["system"] == system:
            return str(coding["code"])
    return None


def to_coding(coding: Mapping[str, Any]) -> Coding:
    """Turn a FHIR Coding (with system and code) into a canonical Coding."""
    return Coding(
        system=str(coding["system"]),
        code=str(coding["code"]),
        display=coding.get("display"),
        version=coding.get("version"),
    )


def coding_to_fhir(coding: Coding) -> dict[str, Any]:
    """Turn a canonical Coding into a FHIR Coding (the mapping trace is dropped)."""
    out: dict[str, Any] = {"system": coding.system, "code": coding.code}
    if coding.version is not None:
        out["version"] = coding.version
    if coding.display is not None:
        out["display"] = coding.display
    return out


def reference_parts(reference: Any) -> tuple[str, str] | None:
    """Split ``Type/id`` (or ``base/Type/id``, ``Type/id/_history/n``)."""
    if not isinstance(reference, dict):
        return None
    text = reference.get("reference")
    if not isinstance(text, str) or text.startswith(("urn:", "#")):
        return None
    parts = text.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) < 2 or not parts[-1] or not parts[-2]:
        return None
    return parts[-2], parts[-1]


def identifier_of(value: Mapping[str, Any]) -> Identifier | None:
    """Turn a FHIR Identifier (with system and value) into a canonical one."""
    system, val = value.get("system"), value.get("value")
    if not system or not val:
        return None
    return Identifier(system=str(system), value=str(val))
