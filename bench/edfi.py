"""Benchmark: the Ed-Fi connector, as ratios to baselines measured in the same run.

1. Conversion from files: 200,000 studentSchoolAssociation-sized items in an
   NDJSON file, read and converted (Persons with their enrollments, written
   to an NDJSON file, as ``successplan convert edfi`` does), against
   ``orjson.loads`` of the same lines. Target: >= 25%.
2. Pull throughput: a fake Ed-Fi API in its own process with 20 ms of
   latency per request; the client pulls 20,000 items with one request in
   flight, then with 8. Target: 8 concurrent >= 5x serial.

    python bench/edfi.py                 # both
    python bench/edfi.py --count 50000   # a smaller conversion
    python bench/edfi.py --skip-pull
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from successplan.adapters import RecordWriter, RetryPolicy  # noqa: E402
from successplan.adapters.edfi import (  # noqa: E402
    ClientCredentials,
    ConversionRun,
    EdFiClient,
    EdFiConverter,
    read_ndjson,
)
from successplan.mappings import Mapper  # noqa: E402

GRADES = ["Ninth grade", "Tenth grade", "Eleventh grade", "Twelfth grade"]


def ssa(n: int) -> dict[str, object]:
    """One studentSchoolAssociation as the API returns it (about 1.4 KB)."""
    student = f"{600000 + n // 4}"
    school = 255901001 + (n % 3)
    year = 2019 + n % 4
    return {
        "id": f"{n:032x}",
        "schoolReference": {
            "schoolId": school,
            "link": {"rel": "School", "href": f"/ed-fi/schools/{school:032x}"},
        },
        "studentReference": {
            "studentUniqueId": student,
            "link": {"rel": "Student", "href": f"/ed-fi/students/{n // 4:032x}"},
        },
        "entryDate": f"{year - 1}-08-{10 + n % 18:02d}",
        "entryGradeLevelDescriptor": "uri://ed-fi.org/GradeLevelDescriptor#"
        + GRADES[n % 4],
        "entryTypeDescriptor": "uri://ed-fi.org/EntryTypeDescriptor#Next year school",
        "exitWithdrawDate": f"{year}-05-2{n % 8}" if n % 4 != 3 else None,
        "exitWithdrawTypeDescriptor": "uri://ed-fi.org/ExitWithdrawTypeDescriptor#"
        "End of school year"
        if n % 4 != 3
        else None,
        "calendarReference": {
            "calendarCode": f"{school}-{year}",
            "schoolId": school,
            "schoolYear": year,
            "link": {"rel": "Calendar", "href": f"/ed-fi/calendars/{n:032x}"},
        },
        "schoolYearTypeReference": {
            "schoolYear": year,
            "link": {"rel": "SchoolYearType", "href": f"/ed-fi/schoolYearTypes/{year}"},
        },
        "classOfSchoolYearTypeReference": {"schoolYear": year + 3},
        "graduationPlanReference": {
            "educationOrganizationId": 255901,
            "graduationPlanTypeDescriptor": "uri://ed-fi.org/GraduationPlanTypeDescriptor"
            "#Recommended",
            "graduationSchoolYear": year + 3,
        },
        "primarySchool": True,
        "repeatGradeIndicator": False,
        "residencyStatusDescriptor": "uri://ed-fi.org/ResidencyStatusDescriptor"
        "#Resident of administrative unit and usual school attendance area",
        "enrollmentTypeDescriptor": "uri://ed-fi.org/EnrollmentTypeDescriptor#Current",
        "fullTimeEquivalency": 1.0,
        "educationPlans": [
            {"educationPlanDescriptor": "uri://ed-fi.org/EducationPlanDescriptor#504"}
        ]
        if n % 9 == 0
        else [],
        "_etag": str(5_250_000_000 + n),
        "_lastModifiedDate": "2024-09-30T12:34:56Z",
    }


def bench_convert(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "studentSchoolAssociations.ndjson"
        with path.open("wb") as handle:
            for n in range(count):
                handle.write(orjson.dumps(ssa(n)) + b"\n")
        size = path.stat().st_size
        lines = path.read_bytes().splitlines()

        document = b"[" + b",".join(lines) + b"]"

        def baseline() -> float:
            started = time.perf_counter()
            for line in lines:
                orjson.loads(line)
            return time.perf_counter() - started

        def baseline_document() -> float:
            started = time.perf_counter()
            items = orjson.loads(document)
            elapsed = time.perf_counter() - started
            del items
            return elapsed

        # The crosswalks compile once a process (bench/mappings.py times it);
        # compile them before the clock starts, as for every later round.
        Mapper.default()
        out = Path(tmp) / "records.ndjson"

        def convert() -> float:
            started = time.perf_counter()
            with RecordWriter(out) as sink:
                run = ConversionRun(EdFiConverter(Mapper.default()), sink)
                run.handle_all(read_ndjson(path))
                run.finish()
            elapsed = time.perf_counter() - started
            assert run.summary.converted["studentSchoolAssociations"] == count
            return elapsed

        cases = {
            "orjson.loads per line": baseline,
            "orjson.loads as one document": baseline_document,
            "convert": convert,
        }
        rounds = 7
        results: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):
            for name, case in cases.items():
                gc.collect()
                results[name].append(case())
        median = {name: sorted(runs)[rounds // 2] for name, runs in results.items()}
        print(
            f"conversion: {count:,} studentSchoolAssociations, {size / 1e6:.1f} MB "
            f"(medians of {rounds} rounds)"
        )
        for name, seconds in median.items():
            print(f"  {name:30} {seconds:7.3f} s  {count / seconds:10,.0f} records/s")
        # Each round times the baselines and the conversion back to back, so
        # a round's ratio is less exposed to the machine's load than the
        # ratio of medians; the spread shows how noisy the run was.
        for name in ("orjson.loads per line", "orjson.loads as one document"):
            ratios = sorted(
                base / conv
                for base, conv in zip(results[name], results["convert"], strict=True)
            )
            print(
                f"  convert / {name:30} {ratios[rounds // 2]:6.1%}  "
                f"(rounds {ratios[0]:.1%} to {ratios[-1]:.1%}; target >= 25%)"
            )


SERVER = """
import sys, uvicorn
sys.path.insert(0, {root!r})
from tests.edfi._fake_edfi import FakeEdFi
from bench.edfi import ssa
app = FakeEdFi({{"studentSchoolAssociations": [ssa(n) for n in range({count})]}},
               latency={latency})
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning", lifespan="off")
"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _pull(url: str, concurrency: int, page_size: int) -> tuple[float, int]:
    credentials = ClientCredentials("test-key", "test-secret")
    async with EdFiClient(
        url,
        credentials,
        concurrency=concurrency,
        page_size=page_size,
        retry=RetryPolicy(),
    ) as client:
        started = time.perf_counter()
        ids: set[str] = set()
        async for page in client.pages("studentSchoolAssociations"):
            ids.update(item["id"] for item in page.items)
        return time.perf_counter() - started, len(ids)


def bench_pull(count: int, latency: float) -> None:
    port = _port()
    code = SERVER.format(root=str(ROOT), count=count, latency=latency, port=port)
    server = subprocess.Popen([sys.executable, "-c", code])  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        print(
            f"pull: {count:,} items, {latency * 1000:.0f} ms per request "
            "(server in its own process)"
        )
        for page_size in (500, 100):
            timings: dict[int, float] = {}
            for concurrency in (1, 8):
                runs = []
                for _ in range(3):
                    elapsed, distinct = asyncio.run(_pull(url, concurrency, page_size))
                    assert distinct == count, distinct
                    runs.append(elapsed)
                timings[concurrency] = sorted(runs)[1]
                print(
                    f"  page {page_size}, {concurrency} in flight: "
                    f"{timings[concurrency]:6.3f} s "
                    f"{count / timings[concurrency]:9,.0f} records/s"
                )
            print(
                f"  page {page_size}: 8 in flight is {timings[1] / timings[8]:.1f}x "
                "serial (target >= 5x)"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--pull-count", type=int, default=20_000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--skip-pull", action="store_true")
    parser.add_argument("--skip-convert", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if not args.skip_convert:
        bench_convert(args.count)
    if not args.skip_pull:
        bench_pull(args.pull_count, args.latency_ms / 1000)


if __name__ == "__main__":
    main()
