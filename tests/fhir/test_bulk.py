from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from successplan.adapters import (
    CheckpointStore,
    QuarantineWriter,
    RecordWriter,
    RetryPolicy,
)
from successplan.adapters.fhir import BulkExport, FhirClient, FhirConverter, pull_bulk
from successplan.errors import FatalSourceError, RetriableSourceError

from ._mapper import TableMapper
from .conftest import Sleeps, patients


def _client(fake: Any, sleeps: Sleeps) -> FhirClient:
    return FhirClient(f"{fake.base}/fhir", retry=RetryPolicy(attempts=3), sleep=sleeps)


def test_export_polls_honoring_retry_after_and_reports_progress(
    fake: Any, sleeps: Sleeps
) -> None:
    fake.resources["Patient"] = patients(3)
    fake.polls_before_done = 2
    fake.retry_after = "4"
    progress: list[str | None] = []

    async def run() -> list[str]:
        async with _client(fake, sleeps) as client:
            export = BulkExport(client)
            status_url = await export.kick_off("patient", types=["Patient"])
            manifest = await export.wait(status_url, on_progress=progress.append)
            assert manifest.transaction_time == "2026-01-02T03:04:05Z"
            return [
                raw.resource["id"] async for raw in export.download(manifest.output[0])
            ]

    assert asyncio.run(run()) == ["p0", "p1", "p2"]
    assert sleeps.waits == [4.0, 4.0]
    assert progress == ["33%", "66%"]


def test_export_gives_up_waiting_after_max_wait(fake: Any, sleeps: Sleeps) -> None:
    fake.polls_before_done = 10
    fake.retry_after = "60"

    async def run() -> None:
        async with _client(fake, sleeps) as client:
            export = BulkExport(client, max_wait=100)
            await export.wait(await export.kick_off())

    with pytest.raises(RetriableSourceError) as info:
        asyncio.run(run())
    assert info.value.code == "fhir-bulk-timeout"


def test_a_status_poll_that_fails_with_5xx_is_retried(
    fake: Any, sleeps: Sleeps
) -> None:
    fake.resources["Patient"] = patients(1)
    fake.polls_before_done = 0

    async def run() -> int:
        async with _client(fake, sleeps) as client:
            export = BulkExport(client)
            url = await export.kick_off()
            path = "/" + url.split("/", 3)[3]
            fake.fault(path, (500, {}), "drop")
            manifest = await export.wait(url)
            return len(manifest.output)

    assert asyncio.run(run()) == 1


def test_a_cancelled_job_answers_404_as_a_fatal_error(
    fake: Any, sleeps: Sleeps
) -> None:
    async def run() -> None:
        async with _client(fake, sleeps) as client:
            export = BulkExport(client)
            url = await export.kick_off()
            await export.cancel(url)
            await export.wait(url)

    with pytest.raises(FatalSourceError) as info:
        asyncio.run(run())
    assert "no such job" in info.value.message


def test_pull_bulk_quarantines_a_bad_line_and_saves_the_next_since(
    fake: Any, sleeps: Sleeps, tmp_path: Path
) -> None:
    fake.resources["Patient"] = patients(3)
    fake.resources["Claim"] = [{"resourceType": "Claim", "id": "c1"}]
    fake.bad_line = True
    fake.polls_before_done = 1
    checkpoints = CheckpointStore(tmp_path / "state.json")

    async def run() -> Any:
        async with _client(fake, sleeps) as client:
            with (
                RecordWriter(tmp_path / "out.ndjson") as writer,
                QuarantineWriter(tmp_path / "q.ndjson") as quarantine,
            ):
                return await pull_bulk(
                    client,
                    FhirConverter(TableMapper({})),
                    writer,
                    quarantine,
                    checkpoints,
                )

    summary = asyncio.run(run())
    assert summary.written["Person"] == 3
    assert summary.skipped["billing"] == 1
    entries = [
        json.loads(line) for line in (tmp_path / "q.ndjson").read_text().splitlines()
    ]
    assert [e["reason"] for e in entries] == ["fhir-not-json"]
    assert entries[0]["location"].endswith("Patient.ndjson:2")
    state = checkpoints.get(f"fhir-bulk:{fake.base}/fhir:patient")
    assert state == {"since": "2026-01-02T03:04:05Z", "status_url": None, "done": []}


def test_pull_bulk_resumes_the_saved_job_without_a_new_kick_off(
    fake: Any, sleeps: Sleeps, tmp_path: Path
) -> None:
    fake.resources["Patient"] = patients(2)
    fake.polls_before_done = 1
    checkpoints = CheckpointStore(tmp_path / "state.json")
    key = f"fhir-bulk:{fake.base}/fhir:patient"

    async def start() -> None:
        async with _client(fake, sleeps) as client:
            url = await BulkExport(client).kick_off()
            checkpoints.set(key, {"since": None, "status_url": url, "done": []})

    async def run() -> Any:
        async with _client(fake, sleeps) as client:
            with RecordWriter(tmp_path / "out.ndjson") as writer:
                return await pull_bulk(
                    client, FhirConverter(TableMapper({})), writer, None, checkpoints
                )

    asyncio.run(start())
    summary = asyncio.run(run())
    assert fake.hits["/fhir/Patient/$export"] == 1
    assert summary.written["Person"] == 2


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b"[1, 2]"])
def test_a_manifest_that_is_not_a_json_object_is_a_clear_source_error(
    body: bytes, sleeps: Sleeps
) -> None:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from tests._server import serve

    async def status(request: Any) -> Response:
        return Response(body, media_type="application/json")

    app = Starlette(routes=[Route("/fhir/jobs/1", status)])
    with serve(app) as base:

        async def run() -> Any:
            client = FhirClient(
                f"{base}/fhir", retry=RetryPolicy(attempts=1), sleep=sleeps
            )
            async with client:
                return await BulkExport(client).wait(f"{base}/fhir/jobs/1")

        with pytest.raises((FatalSourceError, RetriableSourceError)) as info:
            asyncio.run(run())
    assert info.value.code == "fhir-not-json"


def test_the_token_is_never_sent_to_a_file_on_another_server(
    fake: Any, sleeps: Sleeps
) -> None:
    fake.resources["Patient"] = patients(2)
    fake.polls_before_done = 0
    fake.file_base = fake.base.replace("127.0.0.1", "localhost")

    async def run() -> None:
        async with _client(fake, sleeps) as client:
            export = BulkExport(client)
            manifest = await export.wait(await export.kick_off("patient"))
            async for _ in export.download(manifest.output[0]):
                pass

    with pytest.raises(FatalSourceError) as info:
        asyncio.run(run())
    assert info.value.code == "fhir-foreign-link"
    assert not [path for path in fake.hits if "/files/" in path]


def test_a_file_location_carries_no_query(fake: Any, sleeps: Sleeps) -> None:
    fake.resources["Patient"] = patients(1)
    fake.polls_before_done = 0
    fake.file_query = "?X-Amz-Signature=secret-signature"

    async def run() -> list[str]:
        async with _client(fake, sleeps) as client:
            export = BulkExport(client)
            manifest = await export.wait(await export.kick_off("patient"))
            return [raw.location async for raw in export.download(manifest.output[0])]

    locations = asyncio.run(run())
    assert locations and all("secret-signature" not in loc for loc in locations)
    assert locations[0].endswith("/fhir/files/Patient.ndjson:1")
