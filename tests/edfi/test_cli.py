from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson

from tests._server import serve

from ._fake_edfi import FakeEdFi
from ._fixtures import dataset

DATA = Path(__file__).parent / "data"
CLI = [sys.executable, "-c", "from successplan.cli import main; main()"]


def _cli(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        check=False,
    )


def test_convert_edfi_files_then_validate(tmp_path: Path) -> None:
    out, quarantine = tmp_path / "out.ndjson", tmp_path / "q.ndjson"
    result = _cli(
        "convert",
        "edfi",
        str(DATA / "students.ndjson"),
        str(DATA / "studentSchoolAssociations.json"),
        str(DATA / "Contact-small.xml"),
        str(DATA / "Interchange-small.xml"),
        "--out",
        str(out),
        "--quarantine",
        str(quarantine),
    )
    assert result.returncode == 0, result.stderr
    assert "Ed-Fi conversion" in result.stdout
    assert "quarantined" in result.stdout
    entries = [orjson.loads(line) for line in quarantine.read_bytes().splitlines()]
    assert {e["reason"] for e in entries} == {
        "json-invalid",
        "edfi-bad-date",
        "edfi-invalid-value",
    }
    assert all(e["location"] for e in entries)

    checked = _cli("validate", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_convert_missing_input_exits_2(tmp_path: Path) -> None:
    result = _cli(
        "convert", "edfi", str(tmp_path / "nope.xml"), "--out", str(tmp_path / "o")
    )
    assert result.returncode == 2


def test_pull_edfi_from_a_live_api_with_faults(tmp_path: Path) -> None:
    out = tmp_path / "out.ndjson"
    fake = FakeEdFi(
        dataset(40, assessments=True), faults={2: "429", 4: "500", 5: "drop"}
    )
    with serve(fake) as url:
        result = _cli(
            "pull",
            "edfi",
            "--base-url",
            url,
            "--client-id",
            "test-key",
            "--client-secret-env",
            "EDFI_TEST_SECRET",
            "--out",
            str(out),
            "--checkpoint",
            str(tmp_path / "cp.json"),
            "--resource",
            "students",
            "--resource",
            "studentSchoolAssociations",
            "--resource",
            "studentAssessments",
            "--page-size",
            "10",
            env={"EDFI_TEST_SECRET": "test-secret"},
        )
        again = _cli(
            "pull",
            "edfi",
            "--base-url",
            url,
            "--client-id",
            "test-key",
            "--client-secret-env",
            "EDFI_TEST_SECRET",
            "--out",
            str(tmp_path / "o2.ndjson"),
            "--checkpoint",
            str(tmp_path / "cp.json"),
            env={"EDFI_TEST_SECRET": "test-secret"},
        )
    assert result.returncode == 0, result.stderr
    assert "test-secret" not in result.stdout + result.stderr
    assert "Ed-Fi pull: API 7.2" in result.stdout
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(records) == 80
    assert again.returncode == 0, again.stderr
    assert _cli("validate", str(out)).returncode == 0


def test_pull_without_secret_exits_3(tmp_path: Path) -> None:
    result = _cli(
        "pull",
        "edfi",
        "--base-url",
        "https://ods.example.org",
        "--client-id",
        "k",
        "--client-secret-env",
        "SURELY_UNSET_VARIABLE",
        "--out",
        str(tmp_path / "o"),
    )
    assert result.returncode == 3
    assert "SURELY_UNSET_VARIABLE" in result.stderr


def test_convert_reports_an_unreadable_file_and_converts_the_rest(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "students.json"
    broken.write_text('[{"studentUniqueId": "1",')
    good = tmp_path / "studentSchoolAssociations.ndjson"
    good.write_bytes(
        orjson.dumps(
            {
                "studentReference": {"studentUniqueId": "604822"},
                "schoolReference": {"schoolId": 255901001},
                "entryDate": "2021-08-23",
                "entryGradeLevelDescriptor": (
                    "uri://ed-fi.org/GradeLevelDescriptor#Ninth grade"
                ),
            }
        )
        + b"\nnot json\n"
    )
    out, bad = tmp_path / "out.ndjson", tmp_path / "q.ndjson"
    done = _cli(
        "convert",
        "edfi",
        str(broken),
        str(good),
        "--out",
        str(out),
        "--quarantine",
        str(bad),
    )
    assert done.returncode == 2, done.stderr
    assert "students.json" in done.stderr
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["type"] for r in records] == ["Person"]
    entries = [orjson.loads(line) for line in bad.read_bytes().splitlines()]
    assert [(e["location"].rsplit("/", 1)[-1], e["reason"]) for e in entries] == [
        ("students.json", "json-invalid"),
        ("studentSchoolAssociations.ndjson:2", "json-invalid"),
    ]
