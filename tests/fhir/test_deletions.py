"""Deletions at the source become Deletion records naming the right record."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from successplan.adapters import QuarantineWriter, RecordWriter, stable_id
from successplan.adapters.fhir import FhirConverter, iter_document

from ._mapper import TableMapper


def _deleted(*urls: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Any]:
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"request": {"method": "DELETE", "url": url}} for url in urls],
    }
    conv = FhirConverter(TableMapper({}))
    out, bad = io.BytesIO(), io.BytesIO()
    conv.run(
        iter_document(json.dumps(bundle).encode(), "deleted.json"),
        RecordWriter(out),
        QuarantineWriter(bad),
    )
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    problems = [json.loads(line) for line in bad.getvalue().splitlines()]
    return records, problems, conv


@pytest.mark.parametrize(
    ("url", "record_type", "key"),
    [
        ("Observation/o1", "Finding", "Observation/o1"),
        ("Immunization/i1", "Finding", "Immunization/i1"),
        ("Condition/c1/_history/3", "Finding", "Condition/c1"),
        ("https://fhir.example.org/r4/Patient/p1", "Person", "Patient/p1"),
    ],
)
def test_a_deleted_resource_names_the_record_converted_from_it(
    url: str, record_type: str, key: str
) -> None:
    records, problems, _ = _deleted(url)

    assert problems == []
    assert [(r["type"], r["target_type"], r["target_id"]) for r in records] == [
        ("Deletion", record_type, stable_id(record_type, "fhir", key))
    ]


def test_a_conditional_delete_is_quarantined_without_its_search_in_the_summary() -> (
    None
):
    records, problems, conv = _deleted("Patient?identifier=urn:sis|4455")

    assert records == []
    assert [p["reason"] for p in problems] == ["fhir-delete-unresolved"]
    assert not any("4455" in kind for kind in conv.summary.skipped)
    assert not any("4455" in kind for kind in conv.summary.quarantined)
