"""Running a conversion: from files, or from a live API with checkpoints.

:class:`ConversionRun` sends each item through the converter and writes the
records and the quarantine, counting by resource. :func:`pull` drives an
:class:`EdFiSync` through a run and makes it resumable end to end: after
each page the record and quarantine files are flushed and their lengths saved
with the sync's progress, so a resumed pull first cuts both files back to the
saved lengths (dropping what was written after the last save) and then goes
on. Items of the gathered resources (enrollments, attendance, ...) are also
kept in a journal beside the checkpoint and read back on resume, so the
Person records and indicators at the end are whole.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from successplan.adapters._http import CheckpointStore
from successplan.adapters._stream import (
    EncodedRecord,
    QuarantineEntry,
    QuarantineWriter,
    RecordWriter,
    RunSummary,
)
from successplan.errors import ConversionError

from ._client import EdFiClient
from ._convert import EdFiConverter
from ._readers import RawRecord
from ._sync import EdFiSync

__all__ = ["ConversionRun", "PullOutput", "pull"]

logger = logging.getLogger(__name__)


@contextmanager
def bulk_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a run gathers and assembles.

    A conversion keeps a draft per student until the end, and every pass of
    the collector scans all of them again without finding garbage: over
    200,000 items those passes cost a fifth of the run. Converting an item
    makes no reference cycles (a failing item raises, is caught and dropped),
    so reference counting frees everything the run lets go of; the collector
    is switched back on, if it was on, when the context ends.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class ConversionRun:
    """Converts items and writes the results, counting them by resource.

    Args:
        converter: The converter.
        records: Where canonical records go.
        quarantine: Where unconvertible items go; ``None`` only counts them.
        summary: The counts to update; a new one by default.
    """

    def __init__(
        self,
        converter: EdFiConverter,
        records: RecordWriter,
        quarantine: QuarantineWriter | None = None,
        summary: RunSummary | None = None,
    ) -> None:
        self.converter = converter
        self.records = records
        self.quarantine = quarantine
        self.summary = summary or RunSummary()
        self.deletes_unapplied = 0

    def handle(self, raw: RawRecord) -> None:
        """Read, convert and write one item; quarantine it when it fails."""
        resource = raw.resource
        summary = self.summary
        summary.read[resource] += 1
        if raw.problem is None and not self.converter.supports(resource):
            summary.skipped[resource] += 1
            return
        try:
            produced = self.converter.convert(raw)
        except ConversionError as exc:
            self._quarantine(raw, exc)
            return
        summary.converted[resource] += 1
        for record in produced:
            self.records.write(record)
            summary.written[type(record).__name__] += 1

    def handle_all(self, items: Iterable[RawRecord]) -> None:
        """Handle every item of an iterable."""
        with bulk_collection():
            for raw in items:
                self.handle(raw)

    def delete(self, resource: str, item: Any, location: str) -> None:
        """Write the Deletion records for one item of a ``/deletes`` page."""
        keys = item.get("keyValues") if isinstance(item, dict) else None
        if not isinstance(keys, dict):
            keys = item.get("oldKeyValues") if isinstance(item, dict) else None
        if not isinstance(keys, dict):
            error = ConversionError(
                f"{location}: a {resource} delete carries no key values",
                code="edfi-delete-invalid",
            )
            self._quarantine(RawRecord(resource, item, location), error)
            return
        deletions = self.converter.delete(resource, keys)
        if not deletions:
            self.deletes_unapplied += 1
        for record in deletions:
            self.records.write(record)
            self.summary.written["Deletion"] += 1

    def _quarantine(self, raw: RawRecord, exc: ConversionError) -> None:
        self.summary.quarantined[raw.resource] += 1
        if self.quarantine is not None:
            self.quarantine.write(
                QuarantineEntry(
                    location=raw.location,
                    reason=exc.code,
                    message=exc.message,
                    raw=raw.data,
                    resource=raw.resource,
                    field=getattr(exc, "field", None),
                )
            )

    def finish(self) -> None:
        """Write the gathered records and any late quarantine entries."""
        with bulk_collection():
            for record in self.converter.finish_encoded():
                self.records.write(record)
                self.summary.written[
                    record.type
                    if isinstance(record, EncodedRecord)
                    else type(record).__name__
                ] += 1
        for entry in self.converter.late_problems:
            self.summary.quarantined[entry.resource or "unknown"] += 1
            if self.quarantine is not None:
                self.quarantine.write(entry)
        self.converter.late_problems.clear()
        self.records.flush()
        if self.quarantine is not None:
            self.quarantine.flush()


@dataclass
class PullOutput:
    """The files a pull writes, opened for a fresh or a resumed run."""

    records_path: Path
    quarantine_path: Path | None
    journal_path: Path
    handles: list[IO[bytes]] = field(default_factory=list)

    def open(
        self, saved: dict[str, int] | None
    ) -> tuple[IO[bytes], IO[bytes] | None, IO[bytes]]:
        """Open the files; with saved lengths, cut each back to its length."""

        def one(path: Path, length: int | None) -> IO[bytes]:
            handle: IO[bytes]
            if length is None or not path.exists():
                handle = path.open("wb")
            else:
                handle = path.open("r+b")
                handle.truncate(length)
                handle.seek(length)
            self.handles.append(handle)
            return handle

        saved = saved or {}
        records = one(self.records_path, saved.get("records"))
        quarantine = (
            one(self.quarantine_path, saved.get("quarantine"))
            if self.quarantine_path
            else None
        )
        journal = one(self.journal_path, saved.get("journal"))
        return records, quarantine, journal

    def close(self) -> None:
        """Close every file opened."""
        for handle in self.handles:
            handle.close()


def _durable_lengths(handles: dict[str, IO[bytes] | None]) -> dict[str, int]:
    lengths: dict[str, int] = {}
    for name, handle in handles.items():
        if handle is None:
            continue
        handle.flush()
        os.fsync(handle.fileno())
        lengths[name] = handle.tell()
    return lengths


async def pull(
    client: EdFiClient,
    converter: EdFiConverter,
    output: PullOutput,
    *,
    resources: list[str],
    checkpoints: CheckpointStore | None,
    since_change_version: int | None = None,
    change_queries: bool = True,
    on_page: Callable[[str, int], None] | None = None,
) -> tuple[RunSummary, EdFiSync, int]:
    """Pull resources into the output files, resuming an interrupted pull.

    Args:
        client: An entered client.
        converter: The converter.
        output: The files to write.
        resources: Resources to read, in dependency order.
        checkpoints: Where progress is kept; ``None`` makes the pull one-shot.
        since_change_version: Read only changes after this version.
        change_queries: Use change queries when the API has them.
        on_page: Called with the resource and item count after each page.

    Returns:
        The counts, the sync (for its window and skipped resources), and
        how many deletes had no record of their own to delete.
    """
    holder: dict[str, IO[bytes] | None] = {}
    sync = EdFiSync(
        client,
        resources,
        checkpoints=checkpoints,
        since_change_version=since_change_version,
        change_queries=change_queries,
        extra_state=lambda: _durable_lengths(holder),
    )
    saved = sync.saved_extra()
    records_file, quarantine_file, journal = output.open(saved)
    holder.update(records=records_file, quarantine=quarantine_file, journal=journal)
    run = ConversionRun(
        converter,
        RecordWriter(records_file),
        QuarantineWriter(quarantine_file) if quarantine_file else None,
    )
    if saved:
        _replay(output.journal_path, converter, saved.get("journal", 0))
    try:
        async for item in sync.run(close=False):
            page = item.page
            for index, data in enumerate(page.items):
                location = f"{page.location}#{index}"
                if item.kind == "upserts":
                    journal.write(
                        orjson.dumps({"r": item.resource, "l": location, "d": data})
                        + b"\n"
                    )
                    run.handle(RawRecord(item.resource, data, location))
                else:
                    run.delete(item.resource, data, location)
            if on_page is not None:
                on_page(item.resource, len(page.items))
        run.finish()
        # Only now is the window's output whole and, once saved, durable.
        sync.close()
    finally:
        output.close()
    return run.summary, sync, run.deletes_unapplied


def _replay(path: Path, converter: EdFiConverter, length: int) -> None:
    """Feed journaled items back to a fresh converter; their records were written."""
    replayed = 0
    with path.open("rb") as handle:
        for line in handle.read(length).splitlines():
            entry = orjson.loads(line)
            try:
                converter.convert(RawRecord(entry["r"], entry["d"], entry["l"]))
            except ConversionError:
                continue
            replayed += 1
    logger.info("replayed %d journaled items of the interrupted pull", replayed)
