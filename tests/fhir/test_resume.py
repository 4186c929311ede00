"""Resumed pulls must not lose records that join several resources."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from successplan.adapters import CheckpointStore, RecordWriter, RetryPolicy
from successplan.adapters.fhir import FhirClient, FhirConverter, pull_bulk, pull_search
from successplan.errors import FatalSourceError, RetriableSourceError

from ._mapper import TableMapper
from .conftest import Sleeps

_STAMP = "2026-01-01T00:00:00Z"


def _referral() -> dict[str, list[dict[str, Any]]]:
    return {
        "ServiceRequest": [
            {
                "resourceType": "ServiceRequest",
                "id": "sr1",
                "meta": {"lastUpdated": _STAMP},
                "status": "active",
                "intent": "order",
                "code": {"text": "Food pantry application assistance"},
                "subject": {"reference": "Patient/p1"},
            }
        ],
        "Task": [
            {
                "resourceType": "Task",
                "id": "t1",
                "meta": {"lastUpdated": _STAMP},
                "status": "accepted",
                "intent": "order",
                "focus": {"reference": "ServiceRequest/sr1"},
                "for": {"reference": "Patient/p1"},
                "lastModified": "2026-01-01",
            }
        ],
        "Immunization": [
            {
                "resourceType": "Immunization",
                "id": "i1",
                "meta": {"lastUpdated": _STAMP},
                "status": "completed",
                "vaccineCode": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "03"}]
                },
                "patient": {"reference": "Patient/p1"},
                "occurrenceDateTime": "2018-05-01",
            }
        ],
        "Consent": [],
    }


def _client(fake: Any, sleeps: Sleeps) -> FhirClient:
    return FhirClient(f"{fake.base}/fhir", retry=RetryPolicy(attempts=2), sleep=sleeps)


def _types(out: Path) -> list[str]:
    return [
        line.split('"type":"')[1].split('"')[0] for line in out.read_text().splitlines()
    ]


def test_a_search_pull_that_dies_before_the_join_still_emits_the_referral(
    fake: Any, sleeps: Sleeps, tmp_path: Path
) -> None:
    fake.resources.update(_referral())
    fake.fault("/fhir/Consent", (503, {}), (503, {}))
    checkpoints = CheckpointStore(tmp_path / "state.json")
    out = tmp_path / "out.ndjson"

    async def pull(append: bool) -> None:
        async with _client(fake, sleeps) as client:
            with RecordWriter(out, append=append) as writer:
                await pull_search(
                    client,
                    FhirConverter(TableMapper({})),
                    writer,
                    None,
                    checkpoints,
                    types=["Immunization", "ServiceRequest", "Task", "Consent"],
                )

    with pytest.raises(RetriableSourceError):
        asyncio.run(pull(append=False))
    asyncio.run(pull(append=True))

    types = _types(out)
    assert types.count("ServiceEngagement") == 1
    assert types.count("IndicatorSeries") == 1


def test_a_bulk_pull_that_dies_before_the_join_still_emits_the_referral(
    fake: Any, sleeps: Sleeps, tmp_path: Path
) -> None:
    fake.resources.update(_referral())
    fake.resources["Consent"] = [{"resourceType": "Consent", "id": "c1"}]
    fake.polls_before_done = 0
    fake.fault("/fhir/files/Consent.ndjson", (404, {}))
    checkpoints = CheckpointStore(tmp_path / "state.json")
    out = tmp_path / "out.ndjson"

    async def pull(append: bool) -> None:
        async with _client(fake, sleeps) as client:
            with RecordWriter(out, append=append) as writer:
                await pull_bulk(
                    client,
                    FhirConverter(TableMapper({})),
                    writer,
                    None,
                    checkpoints,
                    types=["Immunization", "ServiceRequest", "Task", "Consent"],
                )

    with pytest.raises(FatalSourceError):
        asyncio.run(pull(append=False))
    asyncio.run(pull(append=True))

    types = _types(out)
    assert types.count("ServiceEngagement") == 1
    assert types.count("IndicatorSeries") == 1
