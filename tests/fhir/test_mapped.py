"""The converter with the shipped crosswalks, and the validity of all it writes."""

from __future__ import annotations

import gc
import importlib.util
import io
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from successplan.adapters import QuarantineWriter, RecordWriter
from successplan.adapters.fhir import FhirConverter
from successplan.errors import InputError
from successplan.mappings import CVX, IMMUNIZATION_GROUP, LOINC, Mapper
from successplan.schemas import record_adapter

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fhir.py"
KID = {"reference": "Patient/kid"}
V3_INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fhir_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _convert(
    *docs: bytes, mapper: Mapper | None = None
) -> tuple[list[bytes], list[dict[str, Any]], FhirConverter]:
    conv = FhirConverter(mapper or Mapper.load())
    out, bad = io.BytesIO(), io.BytesIO()
    with RecordWriter(out) as writer, QuarantineWriter(bad) as quarantine:
        for i, doc in enumerate(docs):
            conv.run_document(doc, f"doc{i}.json", writer, quarantine, finish=False)
        conv.finish(writer, quarantine)
    problems = [json.loads(line) for line in bad.getvalue().splitlines()]
    return out.getvalue().splitlines(), problems, conv


def _bundle(*resources: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r} for r in resources],
        }
    ).encode()


def _records(lines: list[bytes]) -> Iterator[dict[str, Any]]:
    for line in lines:
        yield json.loads(line)


def _strictly_valid(lines: list[bytes]) -> None:
    adapter = record_adapter()
    for line in lines:
        adapter.validate_json(line, strict=True)


def _immunization(rid: str, cvx: str, when: str) -> dict[str, Any]:
    return {
        "resourceType": "Immunization",
        "id": rid,
        "status": "completed",
        "patient": KID,
        "occurrenceDateTime": when,
        "vaccineCode": {"coding": [{"system": CVX, "code": cvx}]},
    }


def _observation(code: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"obs-{code}",
        "status": "final",
        "subject": KID,
        "effectiveDateTime": "2025-10-01",
        "code": {"coding": [{"system": LOINC, "code": code, "display": code}]},
        **value,
    }


@pytest.mark.samples
def test_every_record_of_the_samples_validates_strictly(samples: Path) -> None:
    folder = samples / "fhir"
    docs = [
        p.read_bytes()
        for p in sorted(folder.glob("*/*.json"))
        if not p.name.startswith("leap-r5")
    ]
    lines, _, conv = _convert(*docs)
    assert len(lines) > 50
    _strictly_valid(lines)
    assert sum(conv.mapper.unmapped.values()) > 0  # type: ignore[attr-defined]


def test_every_record_of_the_bench_bundle_validates_strictly() -> None:
    data, count = _bench().build(0.3)
    lines, problems, conv = _convert(data)
    assert problems == []
    assert sum(conv.summary.read.values()) == count
    assert {r["type"] for r in _records(lines)} == {
        "Person",
        "Finding",
        "Goal",
        "ServiceEngagement",
        "IndicatorSeries",
    }
    _strictly_valid(lines)


def test_a_combination_vaccine_counts_toward_each_of_its_groups() -> None:
    lines, _, _ = _convert(
        _bundle(
            _immunization("i1", "146", "2013-02-01"),  # DTaP-IPV-Hib-HepB
            _immunization("i2", "03", "2014-03-01"),  # MMR
        )
    )
    (series,) = (r for r in _records(lines) if r["type"] == "IndicatorSeries")
    assert series["points"] == [{"as_of": "2014-03-01", "value": 2.0}]
    groups = {s["code"]["code"]: s for s in series["sub_indicators"]}
    assert set(groups) == {"dtap-tdap", "polio", "hib", "hepb", "mmr"}
    assert {s["code"]["system"] for s in groups.values()} == {IMMUNIZATION_GROUP}
    assert groups["polio"]["name"] == "Polio"
    assert groups["polio"]["code"]["mapped_from"]["crosswalk"] == "fhir-cvx"


def test_an_unmapped_vaccine_is_kept_under_its_own_code_and_counted() -> None:
    lines, _, conv = _convert(_bundle(_immunization("i1", "999", "2013-02-01")))
    (series,) = (r for r in _records(lines) if r["type"] == "IndicatorSeries")
    assert series["sub_indicators"][0]["code"] == {"system": CVX, "code": "999"}
    assert conv.mapper.unmapped[(CVX, "999")] == 1  # type: ignore[attr-defined]


def test_a_phq9_total_is_classified_by_the_screening_crosswalk() -> None:
    lines, _, _ = _convert(
        _bundle(_observation("44261-6", valueQuantity={"value": 12}))
    )
    records = list(_records(lines))
    (need,) = (r for r in records if r["type"] == "Finding")
    (series,) = (r for r in records if r["type"] == "IndicatorSeries")
    for record in (need, series):
        assert record["domain"] == "behavioral-health"
        assert record["category"] == "health.mental"
        assert record["code"]["system"] == LOINC
        assert record["code"]["code"] == "44261-6"
        assert record["code"]["mapped_from"]["crosswalk"] == "fhir-loinc-screening"
    assert need["kind"] == "need"


@pytest.mark.parametrize(
    ("code", "domain"),
    [
        ("88124-3", "basic-needs.food"),
        ("71802-3", "basic-needs.housing"),
        ("93030-5", "basic-needs.transportation"),
    ],
)
def test_a_positive_screening_answer_takes_the_crosswalk_domain(
    code: str, domain: str
) -> None:
    answer = {"valueCodeableConcept": {"text": "At risk"}}
    positive = {"interpretation": [{"coding": [{"system": V3_INTERP, "code": "POS"}]}]}
    lines, _, _ = _convert(_bundle(_observation(code, **answer, **positive)))
    (finding,) = _records(lines)
    assert (finding["domain"], finding["category"]) == (domain, "health")


def test_a_vital_sign_is_skipped_and_its_code_counted_unmapped() -> None:
    lines, _, conv = _convert(
        _bundle(_observation("8302-2", valueQuantity={"value": 140}))
    )
    assert lines == []
    assert conv.summary.skipped["Observation (not a screening)"] == 1
    assert conv.mapper.unmapped[(LOINC, "8302-2")] == 1  # type: ignore[attr-defined]


def test_held_resources_count_as_converted() -> None:
    _, _, conv = _convert(_bundle(_immunization("i1", "03", "2014-03-01")))
    assert conv.summary.converted["Immunization"] == 1


def test_the_garbage_collector_is_restored_after_a_document() -> None:
    assert gc.isenabled()
    _convert(_bundle({"resourceType": "Patient", "id": "kid"}))
    assert gc.isenabled()
    with pytest.raises(InputError):
        _convert(b"{not json")
    assert gc.isenabled()
    gc.disable()
    try:
        _convert(_bundle({"resourceType": "Patient", "id": "kid"}))
        assert not gc.isenabled()
    finally:
        gc.enable()
