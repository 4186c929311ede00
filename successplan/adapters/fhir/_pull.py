"""Pull from a live FHIR server into the record stream, resumably.

Search pulls page by page; after a page's records are written and flushed,
the ``next`` link is saved, so a run that dies resumes at the page it was on.
At the end the newest ``meta.lastUpdated`` becomes the ``_lastUpdated`` floor
of the next run. A Bulk Data pull saves the status URL as soon as the job is
started and each file once it is written, and ends by saving the manifest's
``transactionTime`` as the next ``_since``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from successplan.adapters._http import CheckpointStore
from successplan.adapters._stream import QuarantineWriter, RecordWriter, RunSummary

from ._bulk import BulkExport
from ._client import FhirClient
from ._convert import FhirConverter

__all__ = ["DEFAULT_TYPES", "pull_bulk", "pull_search"]

logger = logging.getLogger(__name__)

#: What a plan uses, in an order that lets referral Tasks find their requests.
DEFAULT_TYPES = (
    "Patient",
    "Condition",
    "AllergyIntolerance",
    "Immunization",
    "Observation",
    "Goal",
    "CarePlan",
    "ServiceRequest",
    "Task",
    "Consent",
)

Progress = Callable[[str, int], None]


async def pull_search(
    client: FhirClient,
    converter: FhirConverter,
    writer: RecordWriter,
    quarantine: QuarantineWriter | None,
    checkpoints: CheckpointStore,
    *,
    types: Sequence[str] = DEFAULT_TYPES,
    page_size: int = 100,
    on_page: Progress | None = None,
) -> RunSummary:
    """Search each type, following paging, and convert what comes back.

    Args:
        client: The FHIR client.
        converter: The converter (its summary is returned).
        writer: Where records go.
        quarantine: Where failed resources go.
        checkpoints: Where paging and ``_lastUpdated`` checkpoints live.
        types: Resource types to search.
        page_size: ``_count`` asked of the server.
        on_page: Called with the type and the resources on each page.
    """
    # Checkpoints past resources the converter still holds (referrals and
    # indicator points, written by ``finish``) wait until ``finish`` is done.
    deferred: dict[str, dict[str, Any]] = {}

    def save(key: str, value: dict[str, Any]) -> None:
        if converter.pending:
            deferred[key] = value
        else:
            checkpoints.set(key, value)

    for kind in types:
        key = f"fhir:{client.base_url}:{kind}"
        state = checkpoints.get(key) or {}
        params = {"_count": str(page_size)}
        if state.get("last_updated"):
            params["_lastUpdated"] = f"gt{state['last_updated']}"
        newest = state.get("newest") or state.get("last_updated")
        async for page in client.search(kind, params, resume_url=state.get("next")):
            converter.run(page.resources, writer, quarantine, finish=False)
            _flush(writer, quarantine)
            newest = _later(newest, page.last_updated)
            save(
                key,
                {
                    "next": page.next_url,
                    "last_updated": state.get("last_updated"),
                    "newest": newest,
                },
            )
            if on_page is not None:
                on_page(kind, len(page.resources))
        save(key, {"next": None, "last_updated": newest})
    converter.finish(writer, quarantine)
    _flush(writer, quarantine)
    for key, value in deferred.items():
        checkpoints.set(key, value)
    return converter.summary


async def pull_bulk(
    client: FhirClient,
    converter: FhirConverter,
    writer: RecordWriter,
    quarantine: QuarantineWriter | None,
    checkpoints: CheckpointStore,
    *,
    level: str = "patient",
    types: Sequence[str] = DEFAULT_TYPES,
    max_wait: float = 3600.0,
    on_progress: Callable[[str | None], None] | None = None,
    on_file: Progress | None = None,
) -> RunSummary:
    """Run a Bulk Data export (or resume one) and convert its files."""
    key = f"fhir-bulk:{client.base_url}:{level}"
    state = checkpoints.get(key) or {}
    export = BulkExport(client, max_wait=max_wait)
    status_url = state.get("status_url")
    if not status_url:
        status_url = await export.kick_off(level, types=types, since=state.get("since"))
        state = {"since": state.get("since"), "status_url": status_url, "done": []}
        checkpoints.set(key, state)
    manifest = await export.wait(status_url, on_progress=on_progress)

    done = list(state.get("done") or [])
    ordered = sorted(manifest.output, key=lambda f: _rank(f.type, types))
    for file in [*ordered, *manifest.deleted]:
        if file.url in done:
            continue
        count = 0
        async for raw in export.download(
            file, with_token=manifest.requires_access_token
        ):
            converter.run([raw], writer, quarantine, finish=False)
            count += 1
        _flush(writer, quarantine)
        if not converter.pending:
            # A file whose resources are still held is pulled again on resume.
            done.append(file.url)
            checkpoints.set(key, {**state, "done": done})
        if on_file is not None:
            on_file(file.type, count)
    if manifest.error:
        logger.warning("$export reported %d error files", len(manifest.error))
    converter.finish(writer, quarantine)
    _flush(writer, quarantine)
    checkpoints.set(
        key, {"since": manifest.transaction_time, "status_url": None, "done": []}
    )
    return converter.summary


def _flush(writer: RecordWriter, quarantine: QuarantineWriter | None) -> None:
    writer.flush()
    if quarantine is not None:
        quarantine.flush()


def _rank(kind: str, types: Sequence[str]) -> int:
    return list(types).index(kind) if kind in types else len(types)


def _later(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    parse = datetime.fromisoformat
    return (
        a if parse(a.replace("Z", "+00:00")) >= parse(b.replace("Z", "+00:00")) else b
    )
