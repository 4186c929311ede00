from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from successplan.adapters import CheckpointStore, RetryPolicy
from successplan.adapters.edfi import (
    ClientCredentials,
    EdFiClient,
    EdFiConverter,
    PullOutput,
    pull,
)
from successplan.errors import FatalSourceError
from successplan.schemas import record_adapter
from tests._server import serve

from ._fake_edfi import FakeEdFi
from ._fixtures import dataset

CREDS = ClientCredentials("test-key", "test-secret")
FAST = RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.2)
RESOURCES = ["students", "studentSchoolAssociations", "studentAssessments"]


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line]


def _pull(
    url: str,
    tmp: Path,
    *,
    checkpoint: bool = True,
    on_page: Any = None,
    since: int | None = None,
    converter: EdFiConverter | None = None,
) -> tuple[Any, ...]:
    async def go() -> tuple[Any, ...]:
        async with EdFiClient(
            url, CREDS, page_size=10, concurrency=4, retry=FAST
        ) as client:
            return await pull(
                client,
                converter or EdFiConverter(None),
                PullOutput(tmp / "out.ndjson", tmp / "q.ndjson", tmp / "journal"),
                resources=RESOURCES,
                checkpoints=CheckpointStore(tmp / "cp.json") if checkpoint else None,
                since_change_version=since,
                on_page=on_page,
            )

    return asyncio.run(go())


def test_every_record_arrives_once_through_faults(tmp_path: Path) -> None:
    data = dataset(60, assessments=True)
    data["students"].insert(17, {"firstName": "No", "lastSurname": "Id"})
    data["studentSchoolAssociations"].insert(5, "not an object")
    fake = FakeEdFi(
        data,
        faults={3: "429", 6: "500", 9: "drop", 12: "500", 14: "429"},
        revoke_tokens_at={11},
    )
    with serve(fake) as url:
        summary, sync, _ = _pull(url, tmp_path)

    assert summary.read == Counter(
        students=61, studentSchoolAssociations=61, studentAssessments=60
    )
    assert summary.quarantined == Counter(students=1, studentSchoolAssociations=1)
    records = _lines(tmp_path / "out.ndjson")
    kinds = Counter(r["type"] for r in records)
    assert kinds == Counter(Person=60, IndicatorSeries=60)
    assert len({r["id"] for r in records}) == 120
    people = [r for r in records if r["type"] == "Person"]
    assert all(len(p["enrollments"]) == 1 for p in people)
    for record in records:
        record_adapter().validate_python(record)

    quarantine = _lines(tmp_path / "q.ndjson")
    reasons = sorted(entry["reason"] for entry in quarantine)
    assert reasons == ["edfi-missing-field", "edfi-not-object"]
    assert all("offset=" in entry["location"] for entry in quarantine)
    assert fake.tokens_issued == 2
    assert fake.status_log[429] == 2 and fake.status_log[500] == 2


class Stop(Exception):
    pass


@pytest.mark.parametrize("stop_after", [1, 4, 9, 13])
def test_stopped_pull_resumes_with_nothing_lost_or_doubled(
    tmp_path: Path, stop_after: int
) -> None:
    fake = FakeEdFi(dataset(45, assessments=True))
    pages = 0

    def crash(resource: str, count: int) -> None:
        # The page is written but its progress not yet saved: the worst moment.
        nonlocal pages
        pages += 1
        if pages == stop_after:
            raise Stop

    with serve(fake) as url:
        with pytest.raises(Stop):
            _pull(url, tmp_path, on_page=crash)
        summary, sync, _ = _pull(url, tmp_path)

    assert sync.resumed == (stop_after > 1)
    records = _lines(tmp_path / "out.ndjson")
    ids = Counter(r["id"] for r in records)
    assert all(n == 1 for n in ids.values())
    assert Counter(r["type"] for r in records) == Counter(Person=45, IndicatorSeries=45)
    assert all(len(r["enrollments"]) == 1 for r in records if r["type"] == "Person")
    assert all(r.get("names") for r in records if r["type"] == "Person")


def test_fatal_error_mid_pull_then_resume(tmp_path: Path) -> None:
    fake = FakeEdFi(dataset(30, assessments=True), faults={6: "403"})
    with serve(fake) as url:
        with pytest.raises(FatalSourceError) as caught:
            _pull(url, tmp_path)
        assert caught.value.code == "http-403"
        _pull(url, tmp_path)
    records = _lines(tmp_path / "out.ndjson")
    assert Counter(r["type"] for r in records) == Counter(Person=30, IndicatorSeries=30)
    assert len({r["id"] for r in records}) == 60


def test_incremental_pull_reads_changes_and_deletes(tmp_path: Path) -> None:
    fake = FakeEdFi(dataset(25, assessments=True))
    with serve(fake) as url:
        first, sync, _ = _pull(url, tmp_path)
        assert sum(first.read.values()) == 75
        fake.touch("studentAssessments", 3)
        fake.touch("studentAssessments", 20)
        fake.delete("students", 0, {"studentUniqueId": "900000"})
        second, sync, _ = _pull(url, tmp_path)
    assert second.read == Counter(studentAssessments=2)
    records = _lines(tmp_path / "out.ndjson")
    deletions = [r for r in records if r["type"] == "Deletion"]
    assert len(deletions) == 1
    assert deletions[0]["target_type"] == "Person"
    assert Counter(r["type"] for r in records)["IndicatorSeries"] == 2


def test_items_changed_during_a_pull_are_not_lost(tmp_path: Path) -> None:
    fake = FakeEdFi(dataset(50, assessments=True))
    seen: set[str] = set()
    touched = False

    def change(resource: str, count: int) -> None:
        # While the highest pages are read, items on low pages change and leave
        # the window: reading highest-first means no later item is skipped.
        nonlocal touched
        if resource == "studentAssessments" and not touched:
            touched = True
            for position in (0, 1, 2, 11, 12):
                fake.touch("studentAssessments", position)

    with serve(fake) as url:
        _pull(url, tmp_path, on_page=change)
        for record in _lines(tmp_path / "out.ndjson"):
            if record["type"] == "IndicatorSeries":
                seen.add(record["id"])
        _pull(url, tmp_path)
        for record in _lines(tmp_path / "out.ndjson"):
            if record["type"] == "IndicatorSeries":
                seen.add(record["id"])
    assert len(seen) == 50


class CrashInFinish(EdFiConverter):
    """A converter whose run dies while the gathered records are written."""

    def finish_encoded(self) -> Iterator[Any]:
        gathered = super().finish_encoded()
        yield next(gathered)
        raise Stop


def test_pull_that_dies_writing_gathered_records_resumes_them(
    tmp_path: Path,
) -> None:
    # Persons are written only when the input ends; a pull that dies there
    # must not have marked its window as synced, or the Persons are lost.
    fake = FakeEdFi(dataset(25, assessments=True))
    with serve(fake) as url:
        with pytest.raises(Stop):
            _pull(url, tmp_path, converter=CrashInFinish(None))
        summary, sync, _ = _pull(url, tmp_path)

    assert sync.resumed
    records = _lines(tmp_path / "out.ndjson")
    assert Counter(r["type"] for r in records) == Counter(Person=25, IndicatorSeries=25)
    assert len({r["id"] for r in records}) == 50
    assert all(len(r["enrollments"]) == 1 for r in records if r["type"] == "Person")
