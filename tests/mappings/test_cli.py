from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from successplan.cli import _register, app

_register()
runner = CliRunner()

Write = Callable[[str, str], Path]

OVERLAY = """
crosswalk: gbisd-program-type
version: "2025.1"
source: {standard: Test, version: "1"}
extends: edfi-program-type
systems: [uri://gbisd.edu/ProgramTypeDescriptor]
rules:
  - {code: Athletics, to: {program: other, category: education}}
  - {code: Reading Recovery, to: {program: title-i}}
"""


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["mappings", *args], env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_list_shows_every_crosswalk() -> None:
    code, output = _run("list")

    assert code == 0
    assert "edfi-program-type" in output and "airs-taxonomy" in output
    assert "30 crosswalks" in output or "crosswalks, fingerprint" in output


def test_show_lists_rules_with_their_line() -> None:
    code, output = _run("show", "oneroster-role")

    assert code == 0
    assert "districtAdministrator" in output
    assert "oneroster/role.yaml:" in output


def test_translate_descriptor_and_exit_codes() -> None:
    ok, output = _run(
        "translate",
        "edfi-program-type",
        "uri://ed-fi.org/ProgramTypeDescriptor#Homeless",
    )
    bad, error = _run("translate", "edfi-race", "uri://gbisd.edu/RaceDescriptor#Asian")
    unknown, missing = _run("translate", "no-such", "x", "--system", "urn:x")

    assert ok == 0 and "homeless" in output and "code:Homeless" in output
    assert bad == 1 and "mapping-unknown-system" in error
    assert unknown == 2 and "mapping-not-found" in missing


def test_translate_with_overlay(write: Write) -> None:
    path = write("overlay.yaml", OVERLAY)

    code, output = _run(
        "translate",
        "edfi-program-type",
        "uri://gbisd.edu/ProgramTypeDescriptor#Reading Recovery",
        "--crosswalk",
        str(path),
    )

    assert code == 0
    assert "title-i" in output and "gbisd-program-type@2025.1" in output


def test_check_reports_invalid_files(write: Write) -> None:
    path = write("bad.yaml", OVERLAY + "  - {code: Chess, to: {program: chess}}\n")

    code, output = _run("check", "--crosswalk", str(path))

    assert code == 2
    assert "bad.yaml line 9" in output and "`chess` is not in" in output


def test_check_codes_reports_coverage(write: Write) -> None:
    codes = write(
        "codes.txt",
        "uri://ed-fi.org/ProgramTypeDescriptor#Homeless\n"
        "uri://ed-fi.org/ProgramTypeDescriptor#Chess Club\n"
        "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Nap\n"
        "urn:nobody|x\n",
    )

    code, output = _run("check", "--codes", str(codes))

    assert code == 1
    assert "Chess Club" in output and "default" in output
    assert "mapping-unknown-code" in output
    assert "no crosswalk reads it" in output


def test_diff_overlay_against_shipped(write: Write) -> None:
    path = write("overlay.yaml", OVERLAY)
    codes = write("codes.txt", "uri://ed-fi.org/ProgramTypeDescriptor#Athletics\n")

    code, output = _run("diff", "--crosswalk", str(path), "--codes", str(codes))

    assert code == 0
    assert "code athletics" in output
    assert "category=education, program=other" in output
    assert "observed codes" in output


def test_diff_two_versions_of_a_file(write: Write) -> None:
    shipped = (
        Path(__file__).resolve().parents[2]
        / "successplan/mappings/crosswalks/oneroster/role.yaml"
    )
    edited = write(
        "role.yaml",
        shipped.read_text("utf-8")
        .replace('version: "1.0.0"', 'version: "1.1.0"')
        .replace(
            "{codes: [aide, proctor, relative], to: other}",
            "{code: aide, to: specialist}",
        ),
    )

    code, output = _run("diff", str(shipped), str(edited))

    assert code == 0
    assert "changed" in output and "specialist" in output
    assert "removed" in output and "code proctor" in output


def test_diff_needs_something_to_compare() -> None:
    code, output = _run("diff")

    assert code == 2
    assert "nothing to compare" in output


def test_explain_names_rule_file_line_and_version() -> None:
    code, output = _run("explain", "http://hl7.org/fhir/sid/icd-10-cm", "F11.20")

    assert code == 0
    assert "fhir-condition" in output and "range:F10-F19" in output
    assert "health.sud" in output
    assert "fhir/condition.yaml:" in output
    assert "fhir-condition@1.1.0" in output


def test_explain_shows_an_overlay_override(write: Write) -> None:
    path = write("overlay.yaml", OVERLAY)

    code, output = _run(
        "explain",
        "uri://ed-fi.org/ProgramTypeDescriptor",
        "Athletics",
        "--overlay",
        str(path),
    )

    assert code == 0
    assert "gbisd-program-type@2025.1" in output
    assert "overrides edfi-program-type@1.0.0" in output


def test_explain_exits_1_for_an_unread_system_or_no_rule() -> None:
    unread, error = _run("explain", "urn:nobody", "x")
    unnamed, missing = _run("explain", "https://211taxonomy.org", "QQ-1")

    assert unread == 1 and "no crosswalk reads `urn:nobody`" in error
    assert unnamed == 1 and "no rule of airs-taxonomy names `QQ-1`" in missing


def test_check_reports_inverted_and_overlapping_ranges(write: Write) -> None:
    base = """
    crosswalk: local-icd
    version: "1"
    source: {standard: Test, version: "1"}
    systems: [urn:icd]
    target: {enum: Domain}
    rules:
      - {range: [F10, F15], to: health}
      - {range: [F14, F19], to: academic}
    """
    inverted = base.replace("[F14, F19]", "[F19, F14]").replace("local-icd", "inv")
    good = write("local.yaml", base)
    bad = write("inverted.yaml", inverted)

    overlap, output = _run("check", str(good))
    broken, error = _run("check", str(bad))

    assert overlap == 1
    assert "mapping-overlapping-range" in output and "local.yaml:7" in output
    assert broken == 2
    assert "inverted.yaml line 8" in error and "inverted" in error


def test_schema_command_writes_the_committed_file(tmp_path: Path) -> None:
    code, _ = _run("schema", str(tmp_path))
    committed = Path(__file__).parents[2] / "schemas/mappings/crosswalk.schema.json"

    assert code == 0
    assert (tmp_path / "crosswalk.schema.json").read_text() == committed.read_text()
