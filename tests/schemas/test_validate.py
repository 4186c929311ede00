from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from successplan.cli import _register, app
from successplan.schemas._validate import Problem, validate_paths

_register()
runner = CliRunner()

SUBJECT = {"system": "https://district.example/student-id", "value": "S-1"}
GOOD = {
    "type": "Finding",
    "id": "finding-1",
    "subject": SUBJECT,
    "kind": "strength",
    "domain": "academic",
    "description": "Reads above grade level",
}


def _line(record: dict[str, object]) -> bytes:
    return json.dumps(record).encode() + b"\n"


def _run(*paths: Path | str, **kwargs: object) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    report = validate_paths(
        [str(p) for p in paths],
        on_problem=problems.append,
        **kwargs,  # type: ignore[arg-type]
    )
    return problems, report.exit_code


def test_valid_stream_passes(tmp_path: Path) -> None:
    path = tmp_path / "ok.ndjson"
    path.write_bytes(_line(GOOD) * 3)
    problems, code = _run(path)
    assert problems == []
    assert code == 0


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        ({"kind": "wish"}, "invalid-code", "$.kind"),
        ({"colour": "blue"}, "unknown-field", "$.colour"),
        ({"identified_on": "2026-02-30"}, "invalid-date", "$.identified_on"),
        ({"identified_on": "03/04/2026"}, "invalid-date", "$.identified_on"),
        ({"code": {"code": "F32.A"}}, "missing-field", "$.code.system"),
        ({"domain": None}, "invalid-code", "$.domain"),
        ({"evidence": "none"}, "wrong-type", "$.evidence"),
        ({"type": "Findings"}, "unknown-type", "$"),
        ({"subject": None}, "missing-subject", "$.subject"),
    ],
)
def test_each_bad_record_names_where_and_what(
    tmp_path: Path, change: dict[str, object], code: str, path: str
) -> None:
    bad = {**GOOD, **change}
    stream = tmp_path / "mixed.ndjson"
    stream.write_bytes(_line(GOOD) + _line(bad) + _line(GOOD))
    problems, exit_code = _run(stream)
    assert exit_code == 1
    assert [(p.line, p.code, p.path) for p in problems] == [(2, code, path)]
    assert problems[0].record_id == "finding-1"


def test_missing_required_field(tmp_path: Path) -> None:
    bad = {k: v for k, v in GOOD.items() if k != "kind"}
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line(bad))
    problems, _ = _run(stream)
    assert [(p.code, p.path) for p in problems] == [("missing-field", "$.kind")]
    assert "`kind`" in problems[0].message


def test_invalid_json_line_does_not_stop_the_run(tmp_path: Path) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line(GOOD) + b'{"type": "Finding",\n' + _line(GOOD) + b"\n\n")
    problems, code = _run(stream)
    assert code == 1
    assert [(p.line, p.code) for p in problems] == [(2, "invalid-json")]


def test_missing_type(tmp_path: Path) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line({k: v for k, v in GOOD.items() if k != "type"}))
    problems, _ = _run(stream)
    assert [p.code for p in problems] == ["missing-type"]


def test_oversized_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    huge = {**GOOD, "description": "x" * 300_000}
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line(GOOD) + _line(huge) + _line(GOOD) + _line(huge))
    problems, code = _run(stream, max_record_bytes=100_000)
    assert code == 1
    assert [(p.line, p.code) for p in problems] == [
        (2, "record-too-large"),
        (4, "record-too-large"),
    ]


def test_last_line_without_newline_is_read(tmp_path: Path) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line(GOOD) + _line(GOOD).rstrip(b"\n"))
    problems, code = _run(stream)
    assert (problems, code) == ([], 0)


def test_lines_across_chunk_boundaries(tmp_path: Path) -> None:
    records = [
        {**GOOD, "id": f"f{i}", "description": "y" * (1 + i * 997 % 5000)}
        for i in range(600)
    ]
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(b"".join(_line(r) for r in records))
    assert stream.stat().st_size > 1024 * 1024
    problems, code = _run(stream)
    assert (problems, code) == ([], 0)


def test_not_utf8_is_unreadable(tmp_path: Path) -> None:
    stream = tmp_path / "latin1.ndjson"
    stream.write_bytes(_line(GOOD) + '{"x": "caf\u00e9"}\n'.encode("latin-1"))
    problems, code = _run(stream)
    assert code == 2
    assert [(p.line, p.code) for p in problems] == [(2, "not-utf8")]

    document = tmp_path / "utf16.json"
    document.write_bytes(json.dumps(GOOD).encode("utf-16"))
    problems, code = _run(document)
    assert (code, [p.code for p in problems]) == (2, ["not-utf8"])


def test_missing_file_and_directory_are_unreadable(tmp_path: Path) -> None:
    ok = tmp_path / "ok.ndjson"
    ok.write_bytes(_line(GOOD))
    problems, code = _run(tmp_path / "absent.ndjson", tmp_path, ok)
    assert code == 2
    assert [p.code for p in problems] == ["input-unreadable", "input-unreadable"]


def test_json_document_that_is_not_json(tmp_path: Path) -> None:
    document = tmp_path / "plan.json"
    document.write_text('{"type": "SuccessPlan",\n  "id": }', "utf-8")
    problems, code = _run(document)
    assert code == 2
    assert (problems[0].code, problems[0].line) == ("invalid-json", 2)


def test_json_array_reports_record_numbers(tmp_path: Path) -> None:
    document = tmp_path / "many.json"
    document.write_text(json.dumps([GOOD, {**GOOD, "kind": "x"}]), "utf-8")
    problems, code = _run(document)
    assert code == 1
    assert [(p.record, p.code, p.where) for p in problems] == [
        (2, "invalid-code", f"{document}#2")
    ]


def test_binary_ndjson_is_unreadable(tmp_path: Path) -> None:
    stream = tmp_path / "image.ndjson"
    stream.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    _, code = _run(stream)
    assert code == 2


def test_cli_text_report_and_exit_codes(tmp_path: Path) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line(GOOD) + _line({**GOOD, "kind": "wish"}))
    result = runner.invoke(app, ["validate", str(stream)])
    assert result.exit_code == 1
    assert f"{stream}:2: invalid-code $.kind" in result.output
    assert "2 records, 1 valid, 1 invalid" in result.output
    assert "Traceback" not in result.output


def test_cli_json_report(tmp_path: Path) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line(GOOD) + b"nope\n")
    result = runner.invoke(app, ["validate", "--format", "json", str(stream)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["totals"]["records"] == 2
    assert report["problems"][0]["line"] == 2
    assert report["problems"][0]["code"] == "invalid-json"


def test_cli_unknown_profile_is_a_clear_error(tmp_path: Path) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line(GOOD))
    result = runner.invoke(app, ["validate", "--profile", "no-such", str(stream)])
    assert result.exit_code == 2
    assert "no profile named `no-such`" in result.output


def test_cli_reads_stdin_in_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "successplan", "validate", "-"],
        input=_line(GOOD) + _line({**GOOD, "id": ""}),
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1
    assert b"-:2: empty-value $.id" in done.stdout


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_cli_checks_a_plan_against_its_profile(tmp_path: Path) -> None:
    example = EXAMPLES / "city-connects.json"
    result = runner.invoke(
        app, ["validate", "--profile", "city-connects", str(example)]
    )
    assert result.exit_code == 0, result.output

    plan = json.loads(example.read_text("utf-8"))
    plan["findings"] = [f for f in plan["findings"] if f["domain"] != "family"]
    plan["goals"] = [
        g
        for g in plan["goals"]
        if not set(g.get("addresses", [])) - {f["id"] for f in plan["findings"]}
    ]
    plan["services"] = [
        {
            **s,
            "addresses": [
                a
                for a in s.get("addresses", [])
                if a in {f["id"] for f in plan["findings"]}
            ],
            "supports_goals": [
                g
                for g in s.get("supports_goals", [])
                if g in {x["id"] for x in plan["goals"]}
            ],
        }
        for s in plan["services"]
    ]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(plan), "utf-8")
    plain = runner.invoke(app, ["validate", str(broken)])
    assert plain.exit_code == 0, plain.output
    profiled = runner.invoke(
        app, ["validate", "--format", "json", "--profile", "city-connects", str(broken)]
    )
    assert profiled.exit_code == 1
    codes = {p["code"] for p in json.loads(profiled.stdout)["problems"]}
    assert "profile-coverage" in codes


BOM = b"\xef\xbb\xbf"


def test_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    stream = tmp_path / "bom.ndjson"
    stream.write_bytes(BOM + _line(GOOD) + _line(GOOD))
    document = tmp_path / "bom.json"
    document.write_bytes(BOM + json.dumps(GOOD).encode())
    problems, code = _run(stream, document)
    assert (problems, code) == ([], 0)


def test_only_oversized_lines_is_invalid_not_unreadable(tmp_path: Path) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(_line({**GOOD, "description": "x" * 5_000}))
    problems: list[Problem] = []
    report = validate_paths(
        [str(stream)], on_problem=problems.append, max_record_bytes=1_000
    )
    assert [(p.line, p.code) for p in problems] == [(1, "record-too-large")]
    assert report.files[0].unreadable is None
    assert report.exit_code == 1


def test_json_document_over_the_limit_is_not_read_whole(tmp_path: Path) -> None:
    document = tmp_path / "huge.json"
    document.write_bytes(b'"' + b"x" * 5_000 + b'"')
    ok = tmp_path / "ok.ndjson"
    ok.write_bytes(_line(GOOD))
    problems: list[Problem] = []
    report = validate_paths(
        [str(document), str(ok)], on_problem=problems.append, max_record_bytes=1_000
    )
    assert [(p.file, p.code) for p in problems] == [
        (str(document), "document-too-large")
    ]
    assert "NDJSON" in problems[0].message
    assert report.files[1].valid == 1
    assert report.exit_code == 2


@pytest.mark.parametrize(
    ("content", "records"),
    [(b"", 0), (b"\n\n  \r\n\n", 0), (_line(GOOD).replace(b"\n", b"\r\n") * 2, 2)],
)
def test_empty_blank_and_crlf_streams(
    tmp_path: Path, content: bytes, records: int
) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(content)
    problems: list[Problem] = []
    report = validate_paths([str(stream)], on_problem=problems.append)
    assert (problems, report.exit_code) == ([], 0)
    assert report.files[0].valid == records


def test_hostile_lines_each_get_one_clear_problem(tmp_path: Path) -> None:
    stream = tmp_path / "s.ndjson"
    stream.write_bytes(
        b"\x00\x00\x00\n"
        + b"[" * 5_000
        + b"]" * 5_000
        + b"\n"
        + b'[1, "a", null]\n'
        + _line(GOOD)
    )
    problems, code = _run(stream)
    assert code == 1
    assert [(p.line, p.code) for p in problems] == [
        (1, "invalid-json"),
        (2, "invalid-json"),
        (3, "wrong-type"),
    ]
