"""Benchmark: validating canonical plans from NDJSON.

Writes N realistic plans to an NDJSON file, then, each in a fresh process:
``orjson.loads`` of every line (the baseline), and ``successplan validate``'s
own code path over the same file. The clock starts once the process has
imported successplan and built its validator (reported apart as startup).
Reports records/s, MB/s, the ratio to the baseline, and peak memory at two
file sizes to show it stays flat.

    python bench/validate.py            # 100,000 plans
    python bench/validate.py --plans 20000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _plans import plans  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def _write(path: Path, count: int) -> None:
    with path.open("wb") as handle:
        for record in plans(count):
            handle.write(orjson.dumps(record) + b"\n")


def _child(mode: str, path: str) -> None:
    startup = 0.0
    if mode != "orjson":
        began = time.perf_counter()
        from successplan.schemas import record_adapter
        from successplan.schemas._validate import validate_paths

        record_adapter()
        startup = time.perf_counter() - began
    started = time.perf_counter()
    records = 0
    if mode == "orjson":
        with open(path, "rb") as handle:
            for line in handle:
                orjson.loads(line)
                records += 1
    else:
        problems: list[object] = []
        report = validate_paths([path], on_problem=problems.append)
        records = report.totals()["records"]
        if problems:
            raise SystemExit(f"unexpected problems: {problems[:3]}")
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "records": records,
                "peak_mb": peak_kb / 1024,
                "startup": startup,
            }
        )
    )


def _measure(mode: str, path: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    runs.sort(key=lambda r: r["seconds"])
    return runs[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return

    OUT.mkdir(exist_ok=True)
    big = OUT / f"plans-{args.plans}.ndjson"
    small = OUT / f"plans-{args.plans // 4}.ndjson"
    for path, count in ((big, args.plans), (small, args.plans // 4)):
        if not path.exists():
            print(f"writing {count:,} plans to {path} ...", flush=True)
            _write(path, count)
    size_mb = big.stat().st_size / 1e6

    base = _measure("orjson", big, args.repeat)
    ours = _measure("validate", big, args.repeat)
    ours_small = _measure("validate", small, 1)

    def rate(run: dict[str, float]) -> tuple[float, float]:
        return run["records"] / run["seconds"], size_mb / run["seconds"]

    base_rps, base_mbs = rate(base)
    our_rps, our_mbs = rate(ours)
    print(f"input: {args.plans:,} plans, {size_mb:.1f} MB (median of {args.repeat})")
    print(f"orjson.loads per line : {base_rps:>10,.0f} records/s {base_mbs:>7.1f} MB/s")
    print(f"successplan validate  : {our_rps:>10,.0f} records/s {our_mbs:>7.1f} MB/s")
    print(f"ratio to orjson.loads : {our_rps / base_rps:.2f}")
    print(f"startup (imports, schema build, not timed above): {ours['startup']:.2f} s")
    print(
        f"peak memory           : {ours_small['peak_mb']:.0f} MB at "
        f"{args.plans // 4:,} plans, {ours['peak_mb']:.0f} MB at {args.plans:,} plans"
    )


if __name__ == "__main__":
    main()
