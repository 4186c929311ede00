"""The record stream every connector writes, and its quarantine.

Records go out as NDJSON, one canonical record a line. Input that cannot be
converted goes to a second NDJSON stream, the quarantine, with where it was
read, a stable reason code, a message and the raw input, so nothing is lost.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Self

import orjson
from pydantic import BaseModel

from successplan.schemas import RECORD_TYPES, Record

__all__ = [
    "EncodedRecord",
    "PartsEncoder",
    "QuarantineEntry",
    "QuarantineWriter",
    "RecordWriter",
    "RunSummary",
    "stable_id",
    "stable_ids",
]

_sha256 = hashlib.sha256


def stable_id(record_type: str, system: str, *key: object) -> str:
    """Derive a record id that stays the same for the same source record.

    The id is ``<type>-<32 hex digits>`` of a SHA-256 over the source system and
    key parts, so it carries no personal data and a rerun yields the same id.

    Args:
        record_type: The canonical record type, for example ``Finding``.
        system: The source system, for example ``edfi``.
        *key: The source's own key parts, in a fixed order.

    Returns:
        The id.
    """
    joined = "\x1f".join((record_type, system, *map(str, key)))
    return f"{record_type.lower()}-{_sha256(joined.encode()).hexdigest()[:32]}"


def stable_ids(record_type: str, system: str) -> Callable[[str], str]:
    """Return a function giving ``stable_id(record_type, system, key)`` for one key.

    For a connector that derives many ids of one type from a single text key
    (a Person per student): the fixed part is encoded once.
    """
    head = f"{record_type}\x1f{system}\x1f".encode()
    prefix = f"{record_type.lower()}-"

    def make(key: str) -> str:
        return prefix + _sha256(head + key.encode()).hexdigest()[:32]

    return make


@dataclass(slots=True)
class EncodedRecord:
    """A canonical record a connector has already encoded as one JSON line.

    Connectors that assemble a record from parts validated one by one (a
    student gathered over many items) encode it directly instead of building
    the model a second time. :meth:`model` gives the model, validated
    strictly from the JSON, for callers that want one.

    Attributes:
        type: The record type, a key of ``RECORD_TYPES``.
        id: The record's id.
        json: The record as JSON, without a newline.
    """

    type: str
    id: str
    json: bytes

    def model(self) -> Record:
        """The record as its model, validated strictly from its JSON."""
        return RECORD_TYPES[self.type].model_validate_json(self.json, strict=True)


class PartsEncoder:
    """Encodes JSON-ready dicts whose values may be validated model parts.

    Parts whose class is in ``shared`` (codings a crosswalk gave, which the
    same descriptor gives again as the same object) recur across records;
    each is turned into JSON data once and kept, keyed by identity, for the
    life of the encoder. Other models are turned into JSON data each time.
    """

    def __init__(self, shared: tuple[type[BaseModel], ...] = ()) -> None:
        self._shared_types = shared
        self._shared: dict[int, tuple[BaseModel, Any]] = {}

    def _default(self, value: Any) -> Any:
        if isinstance(value, BaseModel):
            if value.__class__ in self._shared_types:
                hit = self._shared.get(id(value))
                if hit is None:
                    hit = (value, self._data(value))
                    self._shared[id(value)] = hit
                return hit[1]
            return self._data(value)
        msg = f"cannot encode a {type(value).__name__} as JSON"
        raise TypeError(msg)

    @staticmethod
    def _data(model: BaseModel) -> Any:
        return model.__pydantic_serializer__.to_python(
            model, mode="json", exclude_none=True
        )

    def encode(self, value: Any) -> bytes:
        """Encode one value as JSON (dates as ISO 8601, None kept as null)."""
        return orjson.dumps(value, default=self._default)


@dataclass(slots=True)
class QuarantineEntry:
    """One piece of input that could not be converted."""

    location: str
    reason: str
    message: str
    raw: Any
    resource: str | None = None
    field: str | None = None
    at: datetime = dataclasses.field(default_factory=lambda: datetime.now(UTC))

    def to_json(self) -> bytes:
        """Serialize the entry as one NDJSON line (without the newline)."""
        return orjson.dumps(
            {
                "type": "Quarantine",
                "location": self.location,
                "resource": self.resource,
                "reason": self.reason,
                "field": self.field,
                "message": self.message,
                "at": self.at.isoformat(),
                "raw": self.raw,
            },
            default=str,
        )


@dataclass
class RunSummary:
    """Counts of a conversion or pull run, by resource."""

    read: Counter[str] = dataclasses.field(default_factory=Counter)
    converted: Counter[str] = dataclasses.field(default_factory=Counter)
    quarantined: Counter[str] = dataclasses.field(default_factory=Counter)
    skipped: Counter[str] = dataclasses.field(default_factory=Counter)
    written: Counter[str] = dataclasses.field(default_factory=Counter)

    def as_dict(self) -> dict[str, dict[str, int]]:
        """Return the counts as plain dicts, for reports."""
        return {
            "read": dict(self.read),
            "converted": dict(self.converted),
            "quarantined": dict(self.quarantined),
            "skipped": dict(self.skipped),
            "written": dict(self.written),
        }


class _LineWriter:
    def __init__(self, target: str | Path | IO[bytes], *, append: bool) -> None:
        if isinstance(target, str | Path):
            mode = "ab" if append else "wb"
            self._file: IO[bytes] = Path(target).open(mode)  # noqa: SIM115
            self._owned = True
        else:
            self._file = target
            self._owned = False

    def _write(self, line: bytes) -> None:
        self._file.write(line + b"\n")

    def flush(self) -> None:
        """Push buffered lines to the file."""
        self._file.flush()

    def close(self) -> None:
        """Flush, and close the file if this writer opened it."""
        self._file.flush()
        if self._owned:
            self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RecordWriter(_LineWriter):
    """Writes canonical records as NDJSON, counting them by type.

    A path is truncated unless ``append`` is set; a resumed pull appends.
    """

    def __init__(self, target: str | Path | IO[bytes], *, append: bool = False) -> None:
        super().__init__(target, append=append)
        self.counts: Counter[str] = Counter()

    def write(self, record: BaseModel | EncodedRecord) -> None:
        """Append one record, a model or one already encoded."""
        if isinstance(record, EncodedRecord):
            self._file.write(record.json)
            self._file.write(b"\n")
            self.counts[record.type] += 1
            return
        self._write(record.__pydantic_serializer__.to_json(record, exclude_none=True))
        self.counts[type(record).__name__] += 1


class QuarantineWriter(_LineWriter):
    """Writes quarantine entries as NDJSON."""

    def __init__(self, target: str | Path | IO[bytes], *, append: bool = False) -> None:
        super().__init__(target, append=append)
        self.count = 0

    def write(self, entry: QuarantineEntry) -> None:
        """Append one entry."""
        self._write(entry.to_json())
        self.count += 1
