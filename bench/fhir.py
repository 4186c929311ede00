"""Throughput of the FHIR converter against ``orjson.loads`` of the same bytes.

Generates a collection Bundle of about 50 MB of mixed resources (Patients,
Conditions, Observations, Immunizations, Goals, ServiceRequests, Tasks,
Encounters and Claims), then measures in one run:

- ``orjson.loads`` of the bytes (the baseline);
- the converter's default path: read, index, convert, write NDJSON to memory;
- strict validation of every resource with the fhir.resources R4B models,
  on a slice of the Bundle (it is too slow for all of it).

Figures are resources per second and ratios to the baseline.
Run: ``.venv/bin/python bench/fhir.py [--mb 50]``.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from successplan.adapters import RecordWriter
from successplan.adapters.fhir import FhirConverter, iter_document


class _Table:
    """A fixed code table, so the figure measures the converter, not a crosswalk."""

    def __init__(self) -> None:
        self.unmapped: Counter[tuple[str, str]] = Counter()

    def lookup(self, system: str, code: str) -> Any:
        self.unmapped[(system, code)] += 1
        return None


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
                "patient": ref,
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
        "--strict-share",
        type=float,
        default=0.05,
        help="Share of the Bundle validated strictly.",
    )
    args = parser.parse_args()

    data, count = build(args.mb)
    print(f"bundle: {len(data) / 1e6:.1f} MB, {count} resources")

    start = time.perf_counter()
    orjson.loads(data)
    base = time.perf_counter() - start

    start = time.perf_counter()
    converter = FhirConverter(_Table())
    raws = list(iter_document(data, "bench.json"))
    converter.index(raws)
    with RecordWriter(io.BytesIO()) as writer:
        converter.run(raws, writer, None)
    fast = time.perf_counter() - start
    written = sum(converter.summary.written.values())

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
    fast_rate = count / fast
    strict_rate = len(sample) / strict
    print(f"orjson.loads:           {base_rate:12,.0f} resources/s  (baseline)")
    print(
        f"converter default path: {fast_rate:12,.0f} resources/s  "
        f"ratio {fast_rate / base_rate:.1%}  ({written} records)"
    )
    print(
        f"strict R4B validation:  {strict_rate:12,.0f} resources/s  "
        f"ratio {strict_rate / base_rate:.1%}  "
        f"(on {len(sample)} resources, {invalid} invalid)"
    )


if __name__ == "__main__":
    main()
