from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from successplan.cli import _register, app

from ._plans import rich_consent, rich_plan

runner = CliRunner()


def test_export_fhir_writes_a_valid_bundle(tmp_path: Path) -> None:
    _register()
    stream = tmp_path / "plan.ndjson"
    stream.write_text(
        rich_plan().model_dump_json() + "\n" + rich_consent().model_dump_json() + "\n"
    )
    out = tmp_path / "bundle.json"
    result = runner.invoke(app, ["export", "fhir", str(stream), "--out", str(out)])
    assert result.exit_code == 0, result.output
    bundle = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle"
    assert "Consent" in result.output


def test_export_fhir_without_a_plan_exits_2(tmp_path: Path) -> None:
    _register()
    stream = tmp_path / "plan.ndjson"
    stream.write_text(rich_consent().model_dump_json() + "\n")
    result = runner.invoke(
        app, ["export", "fhir", str(stream), "--out", str(tmp_path / "b.json")]
    )
    assert result.exit_code == 2
    assert "plan-count" in result.output


def test_convert_fhir_writes_records_and_quarantine(tmp_path: Path) -> None:
    _register()
    doc = tmp_path / "in.json"
    doc.write_text(
        json.dumps(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"resource": {"resourceType": "Patient", "id": "kid"}},
                    {"resource": {"resourceType": "Spaceship", "id": "x"}},
                ],
            }
        )
    )
    out, bad = tmp_path / "out.ndjson", tmp_path / "bad.ndjson"
    result = runner.invoke(
        app, ["convert", "fhir", str(doc), "--out", str(out), "--quarantine", str(bad)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["type"] == "Person"
    assert json.loads(bad.read_text())["reason"] == "fhir-unknown-type"


def test_convert_fhir_of_a_file_that_is_not_json_exits_2(tmp_path: Path) -> None:
    _register()
    doc = tmp_path / "in.json"
    doc.write_text("{not json")
    result = runner.invoke(
        app, ["convert", "fhir", str(doc), "--out", str(tmp_path / "o.ndjson")]
    )
    assert result.exit_code == 2


@pytest.mark.samples
def test_convert_fhir_of_the_samples_passes_validate(
    samples: Path, tmp_path: Path
) -> None:
    _register()
    folder = samples / "fhir"
    inputs = sorted(
        [
            *(folder / "synthea").glob("*.json"),
            *(folder / "sdoh-gravity").glob("*.json"),
            *(folder / "consent").glob("leap-r4-*.json"),
        ]
    )
    out, bad = tmp_path / "out.ndjson", tmp_path / "bad.ndjson"
    converted = runner.invoke(
        app,
        ["convert", "fhir", *map(str, inputs), "--out", str(out)]
        + ["--quarantine", str(bad)],
    )
    assert converted.exit_code == 0, converted.output
    assert "unmapped codes" in converted.output
    validated = runner.invoke(app, ["validate", str(out)])
    assert validated.exit_code == 0, validated.output
    assert "0 invalid" in validated.output


def test_an_unreadable_file_is_reported_and_the_others_still_convert(
    tmp_path: Path,
) -> None:
    _register()
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Bundle",')
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {
                        "resource": {
                            "resourceType": "Condition",
                            "id": "c1",
                            "subject": {"reference": "Patient/p1"},
                            "code": {
                                "coding": [
                                    {
                                        "system": "http://hl7.org/fhir/sid/icd-10-cm",
                                        "code": "F10.20",
                                    }
                                ]
                            },
                        }
                    },
                    {"resource": {"resourceType": "Wizard", "id": "w1"}},
                ],
            }
        )
    )
    out, bad = tmp_path / "out.ndjson", tmp_path / "q.ndjson"
    result = runner.invoke(
        app,
        [
            "convert",
            "fhir",
            str(broken),
            str(good),
            "--out",
            str(out),
            "--quarantine",
            str(bad),
        ],
    )
    assert result.exit_code == 2
    assert "broken.json" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["type"], r["category"]) for r in records] == [("Finding", "health.sud")]
    reasons = [json.loads(line)["reason"] for line in bad.read_text().splitlines()]
    assert reasons[0] == "fhir-not-json"
    assert "fhir-unknown-type" in reasons
