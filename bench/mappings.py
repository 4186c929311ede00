"""Benchmark: translating source codes through the shipped crosswalks.

One million lookups of a realistic mix, in one process: Ed-Fi descriptor codes
(exact rules), ICD-10-CM diagnoses and AIRS taxonomy codes (range and prefix
rules). Each figure is compared with a plain ``dict`` lookup of the same
``(system, code)`` keys measured in the same run, in the same loop shape: the
least any lookup can cost. Range and prefix codes are measured twice: warm
(codes seen before, as in a real feed) and cold (every code new, so each one
goes through the range/prefix index).

    python bench/mappings.py                    # 1,000,000 lookups
    python bench/mappings.py --count 200000
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from successplan.mappings import (
    AIRS_TAXONOMY,
    ICD10CM,
    Crosswalk,
    default_mappings,
    edfi_descriptor_system,
)
from successplan.mappings._registry import _shipped_documents

Key = tuple[str, str]

EDFI = [
    ("edfi-program-type", "ProgramTypeDescriptor", "Special Education"),
    ("edfi-program-type", "ProgramTypeDescriptor", "Homeless"),
    ("edfi-program-type", "ProgramTypeDescriptor", "Section 504 Placement"),
    ("edfi-attendance-event", "AttendanceEventCategoryDescriptor", "Excused Absence"),
    ("edfi-attendance-event", "AttendanceEventCategoryDescriptor", "Tardy"),
    ("edfi-sex", "SexDescriptor", "Female"),
    ("edfi-race", "RaceDescriptor", "White"),
    ("edfi-grade-level", "GradeLevelDescriptor", "Ninth grade"),
]
ICD_HEADS = ["F10", "F11", "F17", "F32", "F41", "F90", "Z59", "Z62", "Z63", "Z65"]
ICD_HEADS += ["J45", "O09", "S52", "A56", "Z30", "X78", "E11", "R45"]
AIRS_HEADS = ["BD-1800", "BH-1800", "RX-8450", "LH-5000", "PH-6200", "YB-9500"]


def _icd_codes(rng: random.Random, count: int) -> list[str]:
    return [
        f"{rng.choice(ICD_HEADS)}.{rng.randrange(10)}{rng.randrange(10)}{i % 10}"
        for i in range(count)
    ]


def _airs_codes(rng: random.Random, count: int) -> list[str]:
    return [
        f"{rng.choice(AIRS_HEADS)}.{rng.randrange(10000):04d}-{i % 1000:03d}"
        for i in range(count)
    ]


def _rate(run: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


def _measure(crosswalk: Crosswalk, work: list[Key]) -> tuple[float, float]:
    """Lookups per second through the crosswalk and through a plain dict."""
    table = {key: object() for key in work}
    get = table.get
    translate = crosswalk.translate

    def through_dict() -> None:
        for system, code in work:
            get((system, code))

    def through_crosswalk() -> None:
        for system, code in work:
            translate(system, code)

    return _rate(through_crosswalk, len(work)), _rate(through_dict, len(work))


def _mixed(mappings: dict[str, Crosswalk], work: list[tuple[str, str, str]]) -> float:
    translate = {name: cw.translate for name, cw in mappings.items()}

    def run() -> None:
        for name, system, code in work:
            translate[name](system, code)

    return _rate(run, len(work))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    started = time.perf_counter()
    _shipped_documents.cache_clear()
    default_mappings.cache_clear()
    mappings = default_mappings()
    compile_seconds = time.perf_counter() - started
    by_name = {cw.name: cw for cw in mappings}

    # The mix: 60% Ed-Fi descriptors, 25% ICD-10-CM, 15% AIRS, from a few
    # thousand distinct codes, as one district's feed would send them.
    icd = _icd_codes(rng, 2_000)
    airs = _airs_codes(rng, 1_000)
    edfi = [(n, edfi_descriptor_system(d), c) for n, d, c in EDFI]
    mix: list[tuple[str, str, str]] = []
    for _ in range(args.count):
        draw = rng.random()
        if draw < 0.60:
            mix.append(rng.choice(edfi))
        elif draw < 0.85:
            mix.append(("fhir-condition", ICD10CM, rng.choice(icd)))
        else:
            mix.append(("airs-taxonomy", AIRS_TAXONOMY, rng.choice(airs)))

    mappings.reset_counts()
    cold_icd = _icd_codes(random.Random(args.seed + 1), 100_000)
    cold = [(ICD10CM, f"{code}{i}") for i, code in enumerate(cold_icd)]
    cold_rate = _rate(
        lambda: [by_name["fhir-condition"].translate(s, c) for s, c in cold],
        len(cold),
    )
    cold_index = [(s, f"{c}z") for s, c in cold]
    index_rate = _rate(
        lambda: [by_name["fhir-condition"].find_rule(s, c) for s, c in cold_index],
        len(cold_index),
    )
    mixed_rate = _mixed(by_name, mix)
    exact_work = [(s, c) for n, s, c in mix if n == "edfi-program-type"]
    icd_work = [(s, c) for n, s, c in mix if n == "fhir-condition"]
    airs_work = [(s, c) for n, s, c in mix if n == "airs-taxonomy"]
    rows = [
        ("exact (Ed-Fi)", *_measure(by_name["edfi-program-type"], exact_work)),
        ("range/prefix (ICD)", *_measure(by_name["fhir-condition"], icd_work)),
        ("prefix (AIRS)", *_measure(by_name["airs-taxonomy"], airs_work)),
    ]

    print(
        f"parse + compile {len(mappings)} shipped crosswalks: {compile_seconds:.3f} s"
    )
    print(f"mixed, {len(mix):,} lookups: {mixed_rate:,.0f} lookups/s")
    print(f"{'codes':<22}{'lookups/s':>14}{'dict lookups/s':>16}{'of dict':>9}")
    for name, ours, base in rows:
        print(f"{name:<22}{ours:>14,.0f}{base:>16,.0f}{ours / base:>9.2f}")
    print(f"{'range/prefix, cold':<22}{cold_rate:>14,.0f}   (every code new)")
    print(f"{'  of which the index':<22}{index_rate:>14,.0f}   (find_rule alone)")


if __name__ == "__main__":
    main()
