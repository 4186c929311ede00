"""Validate canonical records in JSON documents and NDJSON streams.

NDJSON is read in fixed-size chunks and validated a line at a time, so memory
stays flat however large the file; a line longer than the record size limit is
reported and skipped without being held in memory. A JSON document (one record,
or an array of records) is read whole, so one over the same limit is refused
unread. A UTF-8 byte-order mark at the start of a file is skipped.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import orjson
from pydantic import ValidationError

from ._plan import SuccessPlan
from ._profiles import Profile, check_profile
from ._record import SubjectRecord
from ._registry import record_adapter

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "FileResult",
    "Problem",
    "ValidationReport",
    "validate_paths",
]

DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
#: The UTF-8 byte-order mark some editors put first; JSON readers may skip it.
_BOM = b"\xef\xbb\xbf"

_CODES = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "union_tag_invalid": "unknown-type",
    "union_tag_not_found": "missing-type",
    "json_invalid": "invalid-json",
    "json_type": "invalid-json",
    "string_too_short": "empty-value",
    "too_short": "too-few-items",
    "enum": "invalid-code",
    "literal_error": "invalid-code",
    "date_parsing": "invalid-date",
    "date_type": "invalid-date",
    "date_from_datetime_parsing": "invalid-date",
    "date_from_datetime_inexact": "invalid-date",
    "datetime_parsing": "invalid-datetime",
    "datetime_type": "invalid-datetime",
    "datetime_from_date_parsing": "invalid-datetime",
    "value_error": "invalid-value",
    "model_type": "wrong-type",
    "model_attributes_type": "wrong-type",
    "list_type": "wrong-type",
    "string_type": "wrong-type",
    "int_type": "wrong-type",
    "float_type": "wrong-type",
    "bool_type": "wrong-type",
    "dict_type": "wrong-type",
}


@dataclass(slots=True)
class Problem:
    """One reason a record, or a whole input, is not valid."""

    file: str
    code: str
    message: str
    path: str = "$"
    line: int | None = None
    record: int | None = None
    record_type: str | None = None
    record_id: str | None = None

    @property
    def where(self) -> str:
        """The file with its line or record number, as ``file:line``."""
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.record is not None:
            return f"{self.file}#{self.record}"
        return self.file

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as a plain dict for machine-readable reports."""
        return {
            "file": self.file,
            "line": self.line,
            "record": self.record,
            "type": self.record_type,
            "id": self.record_id,
            "path": self.path,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class FileResult:
    """What validating one input found."""

    file: str
    records: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: str | None = None
    parsed: int = 0
    types: Counter[str] = field(default_factory=Counter)


@dataclass
class ValidationReport:
    """The outcome of a validation run."""

    files: list[FileResult] = field(default_factory=list)
    problems: int = 0

    @property
    def exit_code(self) -> Literal[0, 1, 2]:
        """2 when an input could not be read, 1 when a record is invalid, else 0."""
        if any(result.unreadable for result in self.files):
            return 2
        if any(result.invalid for result in self.files):
            return 1
        return 0

    def totals(self) -> dict[str, int]:
        """Records, valid and invalid records, and problems, over all inputs."""
        return {
            "files": len(self.files),
            "records": sum(r.records for r in self.files),
            "valid": sum(r.valid for r in self.files),
            "invalid": sum(r.invalid for r in self.files),
            "unreadable": sum(1 for r in self.files if r.unreadable),
            "problems": self.problems,
        }


ProblemSink = Callable[[Problem], None]
ProgressSink = Callable[[int], None]


def _json_path(loc: Iterable[int | str], drop_tag: bool) -> str:
    parts = list(loc)
    if drop_tag and parts and isinstance(parts[0], str):
        parts = parts[1:]
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _identify(raw: bytes | Any) -> tuple[str | None, str | None]:
    data = raw
    if isinstance(raw, bytes):
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None, None
    if not isinstance(data, dict):
        return None, None
    kind, ident = data.get("type"), data.get("id")
    return (
        kind if isinstance(kind, str) else None,
        ident if isinstance(ident, str) else None,
    )


def _field_message(code: str, loc: tuple[int | str, ...], kind: str | None) -> str:
    names = [part for part in loc if isinstance(part, str)]
    name = names[-1] if names else "?"
    if code == "missing-field":
        hint = " (a code must name its code system)" if name == "system" else ""
        return f"required field `{name}` is missing{hint}"
    owner = names[-2] if len(names) > 2 else (kind or "the record")
    return f"unknown field `{name}`: {owner} has no such field"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Checker:
    """Validates one record at a time and reports its problems."""

    def __init__(self, sink: ProblemSink, profile: Profile | None) -> None:
        self.adapter = record_adapter()
        self.sink = sink
        self.profile = profile
        self.problems = 0

    def _emit(self, problem: Problem) -> None:
        self.problems += 1
        self.sink(problem)

    def check(
        self, raw: bytes, result: FileResult, *, line: int | None, record: int | None
    ) -> None:
        result.records += 1
        try:
            value = self.adapter.validate_json(raw, strict=True)
        except ValidationError as exc:
            result.invalid += 1
            kind, ident = _identify(raw)
            if not any(e["type"] == "json_invalid" for e in exc.errors()):
                result.parsed += 1
            if kind:
                result.types[kind] += 1
            for error in exc.errors(include_url=False):
                code = _CODES.get(error["type"], error["type"].replace("_", "-"))
                message = error["msg"]
                if code == "invalid-json" and not _is_utf8(raw):
                    code, message = "not-utf8", "the record is not valid UTF-8"
                    result.unreadable = "not-utf8"
                elif code == "missing-type":
                    message = "the record has no `type` field naming its record type"
                elif code in {"missing-field", "unknown-field"}:
                    message = _field_message(code, error["loc"], kind)
                self._emit(
                    Problem(
                        result.file,
                        code,
                        message,
                        _json_path(error["loc"], drop_tag=True),
                        line,
                        record,
                        kind,
                        ident,
                    )
                )
            return

        result.parsed += 1
        result.types[value.type] += 1
        found = self._record_rules(value)
        if self.profile is not None and isinstance(value, SuccessPlan):
            found += [
                (issue.code, issue.message, f"$.{issue.path}")
                for issue in check_profile(value, self.profile)
            ]
        if not found:
            result.valid += 1
            return
        result.invalid += 1
        for code, message, path in found:
            self._emit(
                Problem(
                    result.file, code, message, path, line, record, value.type, value.id
                )
            )

    @staticmethod
    def _record_rules(value: Any) -> list[tuple[str, str, str]]:
        if (
            isinstance(value, SubjectRecord)
            and not isinstance(value, SuccessPlan)
            and value.subject is None
        ):
            return [
                (
                    "missing-subject",
                    f"a {type(value).__name__} in a stream must name its subject",
                    "$.subject",
                )
            ]
        return []


def _lines(
    stream: IO[bytes], limit: int, progress: ProgressSink | None
) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line_number, line)``; ``None`` stands for a line over ``limit``.

    Lines are split a chunk at a time; a line over the limit is never held
    whole: once it passes the limit its bytes are skipped up to its newline.
    """
    number = 0
    pieces: list[bytes] = []
    held = 0
    skipping = False
    first_chunk = True
    while chunk := stream.read(_CHUNK):
        if progress is not None:
            progress(len(chunk))
        if first_chunk:
            chunk, first_chunk = chunk.removeprefix(_BOM), False
        if skipping:
            cut = chunk.find(b"\n")
            if cut < 0:
                continue
            chunk = chunk[cut + 1 :]
            skipping = False
        parts = chunk.split(b"\n")
        if len(parts) == 1:
            pieces.append(chunk)
            held += len(chunk)
            if held > limit:
                number += 1
                yield number, None
                pieces, held, skipping = [], 0, True
            continue
        first = b"".join([*pieces, parts[0]]) if pieces else parts[0]
        number += 1
        yield number, (first if len(first) <= limit else None)
        for part in parts[1:-1]:
            number += 1
            yield number, (part if len(part) <= limit else None)
        last = parts[-1]
        pieces, held = ([last], len(last)) if last else ([], 0)
        if held > limit:
            number += 1
            yield number, None
            pieces, held, skipping = [], 0, True
    if pieces:
        yield number + 1, b"".join(pieces)


def _validate_ndjson(
    stream: IO[bytes],
    result: FileResult,
    checker: _Checker,
    limit: int,
    progress: ProgressSink | None,
) -> None:
    checked = 0
    for number, line in _lines(stream, limit, progress):
        if line is None:
            result.records += 1
            result.invalid += 1
            checker._emit(
                Problem(
                    result.file,
                    "record-too-large",
                    f"the line is longer than the {limit:,}-byte record limit; "
                    "it was skipped",
                    line=number,
                )
            )
            continue
        if not line or line.isspace():
            continue
        checked += 1
        checker.check(line, result, line=number, record=None)
    if checked and not result.parsed and result.unreadable is None:
        result.unreadable = "not-json"


def _validate_document(
    path: Path,
    result: FileResult,
    checker: _Checker,
    limit: int,
    progress: ProgressSink | None,
) -> None:
    size = path.stat().st_size
    if size > limit:
        result.unreadable = "document-too-large"
        checker._emit(
            Problem(
                result.file,
                "document-too-large",
                f"the JSON document is {size:,} bytes, over the {limit:,}-byte "
                "record limit, and a JSON document is read whole; write it as "
                "NDJSON (one record a line) or raise the limit",
            )
        )
        return
    raw = path.read_bytes().removeprefix(_BOM)
    if progress is not None:
        progress(size)
    if not _is_utf8(raw):
        result.unreadable = "not-utf8"
        checker._emit(Problem(result.file, "not-utf8", "the file is not UTF-8 text"))
        return
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        result.unreadable = "invalid-json"
        checker._emit(
            Problem(
                result.file,
                "invalid-json",
                f"the file is not JSON: {exc.msg}",
                line=exc.lineno,
            )
        )
        return
    if isinstance(data, list):
        for index, item in enumerate(data, start=1):
            checker.check(orjson.dumps(item), result, line=None, record=index)
    else:
        checker.check(raw, result, line=None, record=None)


def _is_document(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def validate_paths(
    paths: Iterable[str],
    *,
    on_problem: ProblemSink,
    profile: Profile | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    on_progress: ProgressSink | None = None,
    on_file: Callable[[str, int | None], None] | None = None,
) -> ValidationReport:
    """Validate canonical records in files, reporting each problem as found.

    ``.json`` files are JSON documents: one record, or an array of records.
    Anything else, and ``-`` for standard input, is NDJSON.

    Args:
        paths: Files to validate, or ``-`` for standard input.
        on_problem: Called with each problem as soon as it is found.
        profile: Also check every SuccessPlan against this profile.
        max_record_bytes: Longest NDJSON line accepted as a record, and
            largest ``.json`` document read.
        on_progress: Called with the number of bytes consumed.
        on_file: Called with each input's name and size before it is read.

    Returns:
        The report: per-file counts and the exit code.
    """
    checker = _Checker(on_problem, profile)
    report = ValidationReport()
    for name in paths:
        result = FileResult(name)
        report.files.append(result)
        if name == "-":
            if on_file is not None:
                on_file(name, None)
            _validate_ndjson(
                sys.stdin.buffer, result, checker, max_record_bytes, on_progress
            )
            continue
        path = Path(name)
        try:
            size = path.stat().st_size
            if path.is_dir():
                msg = "is a directory"
                raise IsADirectoryError(msg)
            if on_file is not None:
                on_file(name, size)
            if _is_document(path):
                _validate_document(path, result, checker, max_record_bytes, on_progress)
            else:
                with path.open("rb") as stream:
                    _validate_ndjson(
                        stream, result, checker, max_record_bytes, on_progress
                    )
        except OSError as exc:
            reason = exc.strerror or str(exc)
            result.unreadable = "input-unreadable"
            checker._emit(
                Problem(name, "input-unreadable", f"cannot read the file: {reason}")
            )
    report.problems = checker.problems
    return report
