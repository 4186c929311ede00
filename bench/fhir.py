"""Throughput of the FHIR converter against ``orjson.loads`` of the same bytes.

Generates a collection Bundle of about 50 MB of mixed resources (Patients,
Conditions, Observations, Immunizations, Goals, ServiceRequests, Tasks,
Encounters and Claims), then measures in one process, each as the best of
``--repeat`` runs:

- ``orjson.loads`` of the bytes (the baseline), and the same with Python's
  garbage collector paused (a parse with no collector cost);
- the converter's default path with the shipped crosswalks
  (``FhirConverter(Mapper.default()).run_document``: parse, index, convert,
  write NDJSON to memory);
- strict validation of every resource with the fhir.resources R4B models,
  on a slice of the Bundle (it is too slow for all of it).

Figures are resources per second and ratios to the baseline.
Run: ``.venv/bin/python bench/fhir.py [--mb 50] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from successplan.adapters import RecordWriter
from successplan.adapters.fhir import FhirConverter, iter_document
from successplan.mappings import Mapper


def _patient_chunk(i: int) -> list[dict[str, Any]]:
    pid = f"p{i}"
    ref = {"reference": f"urn:uuid:{pid}"}
    out: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": pid,
            "name": [{"family": f"F{i}", "given": ["A", "B"]}],
            "birthDate": "2012-03-04",
            "gender": "female",
            "identifier": [{"system": "http://hospital.example/mrn", "value": f"M{i}"}],
            "address": [{"line": ["1 Main"], "city": "X", "use": "home"}],
        },
        {
            "resourceType": "Condition",
            "id": f"c{i}",
            "subject": ref,
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": "active",
                    }
                ]
            },
            "code": {
                "coding": [
                    {
                        "system": "http://snomed.info/sct",
                        "code": "233678006",
                        "display": "Childhood asthma",
                    }
                ]
            },
            "recordedDate": "2020-01-02",
        },
        {
            "resourceType": "Goal",
            "id": f"g{i}",
            "subject": ref,
            "lifecycleStatus": "active",
            "description": {"text": "Attend school"},
            "target": [
                {
                    "measure": {"text": "attendance"},
                    "detailQuantity": {"value": 95, "unit": "%"},
                    "dueDate": "2026-06-01",
                }
            ],
            "addresses": [{"reference": f"urn:uuid:c{i}"}],
        },
        {
            "resourceType": "ServiceRequest",
            "id": f"s{i}",
            "subject": ref,
            "status": "active",
            "intent": "order",
            "code": {"text": "Tutoring"},
            "authoredOn": "2025-09-01",
        },
        {
            "resourceType": "Task",
            "id": f"t{i}",
            "status": "accepted",
            "intent": "order",
            "focus": {"reference": f"urn:uuid:s{i}"},
            "lastModified": "2025-09-02",
        },
    ]
    for j in range(4):
        out.append(
            {
                "resourceType": "Immunization",
                "id": f"im{i}-{j}",
                "status": "completed",
                "patient": ref,
                "occurrenceDateTime": f"201{j}-05-06",
                "vaccineCode": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/sid/cvx",
                            "code": "03",
                            "display": "MMR",
                        }
                    ]
                },
            }
        )
    for j in range(6):
        out.append(
            {
                "resourceType": "Observation",
                "id": f"o{i}-{j}",
                "status": "final",
                "subject": ref,
                "effectiveDateTime": "2025-10-01",
                "category": [
                    {"coding": [{"code": "survey" if j == 0 else "vital-signs"}]}
                ],
                "code": {
                    "coding": [
                        {
                            "system": "http://loinc.org",
                            "code": "44261-6" if j == 0 else "8302-2",
                        }
                    ]
                },
                "valueQuantity": {"value": 7 + j, "unit": "cm"},
            }
        )
    for j in range(2):
        out.append(
            {
                "resourceType": "Encounter",
                "id": f"e{i}-{j}",
                "status": "finished",
                "class": {"code": "AMB"},
                "subject": ref,
            }
        )
        out.append(
            {
                "resourceType": "Claim",
                "id": f"cl{i}-{j}",
                "status": "active",
                "type": {"coding": [{"code": "professional"}]},
                "use": "claim",
                "patient": ref,
                "created": "2025-03-01",
                "provider": {"display": "Clinic"},
                "priority": {"coding": [{"code": "normal"}]},
                "insurance": [
                    {"sequence": 1, "focal": True, "coverage": {"display": "Plan"}}
                ],
                "item": [
                    {"sequence": n, "productOrService": {"text": "x" * 40}}
                    for n in range(1, 8)
                ],
            }
        )
    return out


def build(megabytes: float) -> tuple[bytes, int]:
    entries: list[dict[str, Any]] = []
    size = 0
    i = 0
    while size < megabytes * 1_000_000:
        chunk = [
            {"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in _patient_chunk(i)
        ]
        size += len(orjson.dumps(chunk))
        entries += chunk
        i += 1
    data = orjson.dumps(
        {"resourceType": "Bundle", "type": "collection", "entry": entries}
    )
    return data, len(entries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument(
        "--repeat", type=int, default=3, help="Runs of each path; the best counts."
    )
    parser.add_argument(
        "--strict-share",
        type=float,
        default=0.05,
        help="Share of the Bundle validated strictly.",
    )
    args = parser.parse_args()

    data, count = build(args.mb)
    print(f"bundle: {len(data) / 1e6:.1f} MB, {count} resources")

    base = _best(args.repeat, lambda: orjson.loads(data))
    base_paused = _best(args.repeat, lambda: _paused(lambda: orjson.loads(data)))
    mapper = Mapper.default()
    converters: list[FhirConverter] = []

    def convert() -> None:
        converter = FhirConverter(mapper)
        with RecordWriter(io.BytesIO()) as writer:
            converter.run_document(data, "bench.json", writer)
        converters[:] = [converter]

    fast = _best(args.repeat, convert)
    converter = converters[0]
    written = sum(converter.summary.written.values())
    raws = list(iter_document(data, "bench.json"))

    # This file is named fhir.py: keep its folder off the path so that
    # ``import fhir.resources`` finds the package, not this script.
    here = Path(__file__).parent.resolve()
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.modules.pop("fhir", None)
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    sample = raws[: max(1, int(len(raws) * args.strict_share))]
    get_fhir_model_class("Patient").model_validate(
        sample[0].resource
    )  # build the models once
    start = time.perf_counter()
    invalid = 0
    for raw in sample:
        try:
            get_fhir_model_class(raw.resource["resourceType"]).model_validate(
                raw.resource
            )
        except ValidationError:
            invalid += 1
    strict = time.perf_counter() - start

    base_rate = count / base
    paused_rate = count / base_paused
    fast_rate = count / fast
    strict_rate = len(sample) / strict
    print(f"orjson.loads:            {base_rate:12,.0f} resources/s  (baseline)")
    print(
        f"orjson.loads, GC paused: {paused_rate:12,.0f} resources/s  "
        f"ratio {paused_rate / base_rate:.1%}"
    )
    print(
        f"converter default path:  {fast_rate:12,.0f} resources/s  "
        f"ratio {fast_rate / base_rate:.1%}  "
        f"({fast_rate / paused_rate:.1%} of the GC-paused parse; {written} records)"
    )
    print(
        f"strict R4B validation:   {strict_rate:12,.0f} resources/s  "
        f"ratio {strict_rate / base_rate:.1%}  "
        f"(on {len(sample)} resources, {invalid} invalid)"
    )


def _best(repeat: int, work: Callable[[], object]) -> float:
    """Return the shortest of ``repeat`` timed runs of ``work``, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _paused(work: Callable[[], object]) -> object:
    """Run ``work`` with the cyclic garbage collector off."""
    gc.disable()
    try:
        return work()
    finally:
        gc.enable()


if __name__ == "__main__":
    main()
