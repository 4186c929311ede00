"""Readers of FHIR JSON: Bundles, single resources, and Bulk Data NDJSON.

Readers only split input into resources and say where each one was read; they
judge nothing about the resources themselves. A whole input that is not JSON
is an :class:`~successplan.errors.InputError`; one bad NDJSON line becomes a
:class:`RawResource` that carries its problem, so the rest of the file is read.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from successplan.errors import ConversionError, InputError

from ._gc import GcPause

__all__ = [
    "BUNDLE_TYPES",
    "RawResource",
    "iter_document",
    "iter_ndjson",
    "iter_value",
    "ndjson_line",
    "read_path",
]

#: Bundle.type values of R4 and R4B; every one of them is read.
BUNDLE_TYPES = frozenset(
    {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    }
)

_NDJSON_SUFFIXES = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz")


@dataclass(slots=True)
class RawResource:
    """One resource as read, before conversion.

    Attributes:
        resource: The parsed JSON value (a dict for any real resource), or the
            raw text when it could not be parsed; ``None`` for a deletion.
        location: Where it was read: ``file#entry[3]``, ``file:12`` or a URL.
        full_url: The Bundle entry's ``fullUrl``, where it had one.
        deleted: For a transaction entry ``DELETE Type/id``: ``Type/id``.
        problem: Set when the input itself is broken (a line that is not JSON).
    """

    resource: Any
    location: str
    full_url: str | None = None
    deleted: str | None = None
    problem: ConversionError | None = None


def iter_value(value: Any, location: str) -> Iterator[RawResource]:
    """Yield the resources of a parsed JSON value: a Bundle's entries, or itself.

    Nested Bundles are opened too, so a message or a batch response is read
    through to its resources.

    Raises:
        InputError: A Bundle has a ``type`` that FHIR R4 does not define.
    """
    if not isinstance(value, dict) or value.get("resourceType") != "Bundle":
        yield RawResource(value, location)
        return

    kind = value.get("type")
    if kind not in BUNDLE_TYPES:
        msg = (
            f"{location}: Bundle.type is `{kind}`, expected one of "
            f"{', '.join(sorted(BUNDLE_TYPES))}"
        )
        raise InputError(msg, code="fhir-bundle-type")

    entries = value.get("entry") or []
    if not isinstance(entries, list):
        msg = f"{location}: Bundle.entry is not a list"
        raise InputError(msg, code="fhir-bundle-malformed")

    for index, entry in enumerate(entries):
        where = f"{location}#entry[{index}]"
        if not isinstance(entry, dict):
            problem = ConversionError(
                f"{where}: a Bundle entry must be an object",
                code="fhir-entry-malformed",
                field="Bundle.entry",
            )
            yield RawResource(entry, where, problem=problem)
            continue
        full_url = entry.get("fullUrl")
        request = entry.get("request") or {}
        if isinstance(request, dict) and request.get("method") == "DELETE":
            yield RawResource(None, where, full_url, deleted=str(request.get("url")))
            continue
        resource = entry.get("resource")
        if resource is None:
            continue
        if isinstance(resource, dict) and resource.get("resourceType") == "Bundle":
            yield from iter_value(resource, where)
            continue
        yield RawResource(resource, where, full_url)


def iter_document(data: bytes, location: str) -> Iterator[RawResource]:
    """Parse one JSON document (a Bundle or a resource) and yield its resources.

    Raises:
        InputError: The bytes are not JSON (code ``fhir-not-json``).
    """
    try:
        with GcPause():
            value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        msg = f"{location} is not valid JSON ({exc}); check that it is a FHIR JSON file"
        raise InputError(msg, code="fhir-not-json") from exc
    yield from iter_value(value, location)


def iter_ndjson(lines: Iterable[bytes | str], location: str) -> Iterator[RawResource]:
    """Yield the resources of Bulk Data NDJSON, one resource a line.

    A line that is not JSON yields a :class:`RawResource` with its problem
    set and the raw text kept, and reading goes on with the next line.
    """
    for number, line in enumerate(lines, start=1):
        yield from ndjson_line(line, f"{location}:{number}")


def ndjson_line(line: bytes | str, where: str) -> Iterator[RawResource]:
    """Yield the resources of one NDJSON line (none for a blank line)."""
    text = line.strip()
    if not text:
        return
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        problem = ConversionError(
            f"{where}: line is not valid JSON ({exc})", code="fhir-not-json"
        )
        raw = (
            text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
        )
        yield RawResource(raw, where, problem=problem)
        return
    yield from iter_value(value, where)


def read_path(path: str | Path) -> Iterator[RawResource]:
    """Read a FHIR JSON or NDJSON file (``.ndjson``/``.jsonl``, gzipped or not).

    NDJSON streams line by line, so memory stays flat for a Bulk Data file.

    Raises:
        InputError: The file is missing, unreadable or (for JSON) not JSON.
    """
    path = Path(path)
    name = path.name.lower()
    try:
        if name.endswith(_NDJSON_SUFFIXES):
            opener: Any = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as handle:
                yield from iter_ndjson(handle, str(path))
            return
        data = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read `{path}`: {exc.strerror or exc}"
        raise InputError(msg, code="input-unreadable") from exc
    yield from iter_document(data, str(path))
