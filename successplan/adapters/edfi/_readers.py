"""Readers for Ed-Fi data in files: API JSON, NDJSON, and XML interchange.

Each reader yields :class:`RawRecord` items: the resource, the item as the
API's JSON, and where it was read. Input that cannot be read as a record
(a line that is not JSON, an XML syntax error) comes out as a record with a
``problem``, so the caller quarantines it and carries on. XML is parsed
streaming with lxml, with entities, DTDs and the network off.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

from successplan.errors import ConversionError, InputError

from ._resources import guess_resource, resource_from_name
from ._xml import element_to_api, identity_of, resource_of_element

__all__ = ["RawRecord", "read_files", "read_json", "read_ndjson", "read_xml"]


@dataclass(slots=True)
class RawRecord:
    """One Ed-Fi item as read, before conversion.

    Attributes:
        resource: The API resource it belongs to, for example ``students``.
        data: The item as the API's JSON (a dict), or the raw text when it
            could not be read.
        location: Where it was read: ``file:line``, ``file#index`` or a URL.
        problem: Why it cannot be converted, when it cannot be read at all.
    """

    resource: str
    data: Any
    location: str
    problem: ConversionError | None = None


def _resource(named: str | None, item: Any) -> str:
    return named or guess_resource(item) or "unknown"


def _unknown(record: RawRecord) -> RawRecord:
    if record.resource == "unknown" and record.problem is None:
        msg = (
            f"{record.location}: cannot tell which Ed-Fi resource this item "
            "belongs to; name the file after the resource (students.ndjson) "
            "or pass --resource"
        )
        record.problem = ConversionError(msg, code="edfi-resource-unknown")
    return record


def read_ndjson(path: Path, *, resource: str | None = None) -> Iterator[RawRecord]:
    """Read one API item per line; blank lines are skipped.

    Raises:
        InputError: The file cannot be opened.
    """
    try:
        handle = path.open("rb", buffering=1 << 20)
    except OSError as exc:
        msg = f"cannot open `{path}`: {exc.strerror}"
        raise InputError(msg) from exc
    named = resource or resource_from_name(path.stem)
    prefix = f"{path}:"
    loads = orjson.loads
    with handle:
        for number, line in enumerate(handle, start=1):
            try:
                item = loads(line)
            except orjson.JSONDecodeError as exc:
                if not line.strip():
                    continue
                location = f"{prefix}{number}"
                msg = f"{location}: the line is not JSON ({exc}); fix or remove it"
                problem = ConversionError(msg, code="json-invalid")
                text = line.decode("utf-8", "replace").rstrip("\n")
                yield RawRecord(named or "unknown", text, location, problem)
                continue
            if named:
                yield RawRecord(named, item, f"{prefix}{number}")
            else:
                record = RawRecord(_resource(None, item), item, f"{prefix}{number}")
                yield _unknown(record)


def read_json(path: Path, *, resource: str | None = None) -> Iterator[RawRecord]:
    """Read a JSON file holding one API item or a list of them (a page).

    Raises:
        InputError: The file cannot be opened or is not JSON.
    """
    try:
        document = orjson.loads(path.read_bytes())
    except OSError as exc:
        msg = f"cannot open `{path}`: {exc.strerror}"
        raise InputError(msg) from exc
    except orjson.JSONDecodeError as exc:
        msg = f"`{path}` is not JSON ({exc}); for one item per line, name it .ndjson"
        raise InputError(msg, code="json-invalid") from exc
    items = document if isinstance(document, list) else [document]
    named = resource or resource_from_name(path.stem)
    for index, item in enumerate(items):
        record = RawRecord(_resource(named, item), item, f"{path}#{index}")
        yield _unknown(record)


def read_xml(path: Path, *, resource: str | None = None) -> Iterator[RawRecord]:
    """Read an XML interchange file, one top-level element at a time.

    Elements are reshaped as the API's JSON; a ``ref`` to an element met
    earlier in the file (a contact, a discipline incident) resolves to its
    keys. Memory stays flat: each element is dropped once read.

    Raises:
        InputError: The file cannot be opened.
    """
    if not path.is_file():
        msg = f"cannot open `{path}`: no such file"
        raise InputError(msg)
    ids: dict[str, dict[str, Any]] = {}
    events = etree.iterparse(
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth != 1 or not isinstance(element.tag, str):
                continue
            tag = etree.QName(element.tag).localname
            item = element_to_api(element, ids)
            key = element.get("id")
            if key:
                ids[key] = identity_of(item)
            name = resource or resource_of_element(tag)
            yield RawRecord(name, item, f"{path}:{element.sourceline}")
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        msg = f"{path}: XML syntax error ({exc}); the rest of the file is not read"
        problem = ConversionError(msg, code="xml-invalid")
        yield RawRecord(resource or "unknown", None, f"{path}:{exc.lineno}", problem)


def read_files(
    paths: list[Path], *, resource: str | None = None
) -> Iterator[RawRecord]:
    """Read files by their extension: ``.xml``, ``.json``, or NDJSON otherwise.

    Raises:
        InputError: A file cannot be opened, or a ``.json`` file is not JSON.
    """
    for path in paths:
        suffix = path.suffix.lower()
        if suffix == ".xml":
            yield from read_xml(path, resource=resource)
        elif suffix == ".json":
            yield from read_json(path, resource=resource)
        else:
            yield from read_ndjson(path, resource=resource)
