"""Reading Ed-Fi values that arrive as JSON types or as XML text.

API JSON sends ``true`` and ``255901``; interchange XML sends ``1`` and
``"255901 "``; real exports send ``8/15/2022`` for a date-time. These helpers
read all of them, and raise :class:`ConversionError` naming the field when a
required value is missing or unreadable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from successplan.errors import ConversionError

__all__ = [
    "as_bool",
    "as_date",
    "as_float",
    "as_int",
    "descriptor_parts",
    "ref_key",
    "require",
    "text",
]


_from_iso = date.fromisoformat


def text(value: Any) -> str | None:
    """A stripped string, or ``None`` for missing and blank values."""
    if value.__class__ is str:
        return value.strip() or None
    if value is None or isinstance(value, dict | list):
        return None
    result = str(value).strip()
    return result or None


def require(item: dict[str, Any], name: str, resource: str) -> str:
    """Return a required value as text.

    Raises:
        ConversionError: The value is missing or blank (code
            ``edfi-missing-field``).
    """
    value = text(item.get(name))
    if value is None:
        msg = f"{resource}: required field `{name}` is missing or blank"
        raise ConversionError(msg, code="edfi-missing-field", field=name)
    return value


def ref_key(item: dict[str, Any], reference: str, key: str, resource: str) -> str:
    """Return a key of a required reference (``studentReference.studentUniqueId``).

    Raises:
        ConversionError: The reference or its key is missing.
    """
    ref = item.get(reference)
    value = ref.get(key) if ref.__class__ is dict else None
    if value.__class__ is str:
        value = value.strip() or None
    elif value.__class__ is int:
        value = str(value)
    elif value is not None:
        value = text(value)
    if value is None:
        msg = f"{resource}: `{reference}.{key}` is missing; the item names no {key}"
        raise ConversionError(
            msg, code="edfi-missing-field", field=f"{reference}.{key}"
        )
    return value


def as_bool(value: Any) -> bool | None:
    """``true``/``1``/``yes`` and ``false``/``0``/``no``; other values give None."""
    if isinstance(value, bool):
        return value
    word = text(value)
    if word is None:
        return None
    word = word.lower()
    if word in {"true", "1", "yes", "y"}:
        return True
    if word in {"false", "0", "no", "n"}:
        return False
    return None


def as_int(value: Any) -> int | None:
    """An integer from a number or numeric text; None when not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    word = text(value)
    if word is None:
        return None
    try:
        return int(float(word))
    except ValueError:
        return None


def as_float(value: Any) -> float | None:
    """A float from a number or numeric text; None when not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    word = text(value)
    if word is None:
        return None
    try:
        return float(word)
    except ValueError:
        return None


def as_date(value: Any, *, field: str, resource: str) -> date | None:
    """A date from ``2021-08-23``, a date-time, or ``8/15/2022``.

    Raises:
        ConversionError: A value is present but is not a date (code
            ``edfi-bad-date``).
    """
    if value.__class__ is str and len(value) == 10 and value[4] == "-":
        try:
            return _from_iso(value)
        except ValueError:
            pass
    word = text(value)
    if word is None:
        return None
    try:
        if len(word) == 10 and word[4] == "-":
            return date.fromisoformat(word)
        if "T" in word or " " in word:
            return datetime.fromisoformat(word.replace("Z", "+00:00")).date()
        if "/" in word:
            month, day, year = (int(part) for part in word.split("/"))
            return date(year, month, day)
        return date.fromisoformat(word)
    except ValueError as exc:
        msg = f"{resource}: `{field}` is `{word}`, which is not a date (YYYY-MM-DD)"
        raise ConversionError(msg, code="edfi-bad-date", field=field) from exc


def descriptor_parts(value: Any) -> tuple[str, str, str] | None:
    """Split a descriptor URI into (source system, descriptor name, code value).

    ``uri://gbisd.edu/DiagnosisDescriptor#Dropout Risk`` gives
    ``("uri://gbisd.edu/DiagnosisDescriptor", "DiagnosisDescriptor",
    "Dropout Risk")``. A bare code value (no ``#``) gives an empty system.
    """
    word = text(value)
    if word is None:
        return None
    system, sep, code = word.partition("#")
    if not sep:
        return "", "", word
    code = code.strip()
    if not code:
        return None
    name = system.rstrip("/").rsplit("/", 1)[-1]
    return system, name, code
