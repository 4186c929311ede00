"""Benchmark: translating source codes through the shipped crosswalks.

Measures, in one process, translations per second for three code mixes and
compares each to a baseline measured in the same run: a plain ``dict`` lookup
of the same (system, code) keys, the least any lookup can cost. Also reports
how long compiling the shipped crosswalks takes.

    python bench/mappings.py              # 200,000 translations per mix
    python bench/mappings.py --count 50000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from successplan.mappings import default_mappings
from successplan.mappings._registry import _shipped_documents

EDFI = [
    ("uri://ed-fi.org/ProgramTypeDescriptor", "Special Education"),
    ("uri://ed-fi.org/ProgramTypeDescriptor", "Homeless"),
    ("uri://ed-fi.org/ProgramTypeDescriptor", "Chess Club"),
    ("uri://ed-fi.org/AttendanceEventCategoryDescriptor", "Excused Absence"),
    ("uri://ed-fi.org/AttendanceEventCategoryDescriptor", "Tardy"),
    ("uri://ed-fi.org/LanguageDescriptor", "spa"),
    ("uri://ed-fi.org/LanguageDescriptor", "hmn"),
    ("uri://ed-fi.org/GradeLevelDescriptor", "Ninth grade"),
]
ICD = [
    ("http://hl7.org/fhir/sid/icd-10-cm", code)
    for code in ["F11.20", "Z59.41", "J45.909", "F17.210", "O09.90", "S52.501A"]
]
AIRS = [
    ("https://211taxonomy.org", code)
    for code in ["BD-1800.2000", "RX-8450.8000", "YB-9500.0500", "LH-5000.6300"]
]


def _rate(
    func: Callable[[str, str], object], keys: list[tuple[str, str]], count: int
) -> float:
    started = time.perf_counter()
    for i in range(count):
        system, code = keys[i % len(keys)]
        func(system, code)
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000)
    args = parser.parse_args()

    started = time.perf_counter()
    _shipped_documents.cache_clear()
    default_mappings.cache_clear()
    default_mappings()
    parse_and_compile = time.perf_counter() - started
    mappings = default_mappings()
    by_system = {cw.systems[0].casefold(): cw for cw in mappings}

    print(
        f"parse + compile {len(mappings)} shipped crosswalks: {parse_and_compile:.3f} s"
    )
    print(f"{'mix':<8}{'translations/s':>16}{'dict lookups/s':>16}{'ratio':>8}")
    for name, keys in (("ed-fi", EDFI), ("icd-10", ICD), ("airs", AIRS)):
        table = {key: object() for key in keys}

        def baseline(
            system: str, code: str, table: dict[tuple[str, str], object] = table
        ) -> object:
            return table.get((system, code))

        def translate(system: str, code: str) -> object:
            return by_system[system.casefold()].translate(system, code)

        base = _rate(baseline, keys, args.count)
        ours = _rate(translate, keys, args.count)
        print(f"{name:<8}{ours:>16,.0f}{base:>16,.0f}{base / ours:>7.1f}x")


if __name__ == "__main__":
    main()
