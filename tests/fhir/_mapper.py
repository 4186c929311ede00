"""A code table that answers the converter's lookups, for tests of the converter."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from successplan.schemas import Coding, DataCategory, Domain, FindingKind, MappingTrace


@dataclass
class Result:
    coding: Coding
    trace: MappingTrace
    domain: Domain | None = None
    category: DataCategory | None = None
    kind: FindingKind | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    matched: bool = True


class TableMapper:
    def __init__(
        self,
        rows: Mapping[
            tuple[str, str],
            tuple[Domain | None, DataCategory | None, FindingKind | None],
        ],
    ) -> None:
        self.rows = rows
        self.unmapped: Counter[tuple[str, str]] = Counter()

    def lookup(self, system: str, code: str) -> Result | None:
        row = self.rows.get((system, code))
        if row is None:
            self.unmapped[(system, code)] += 1
            return None
        trace = MappingTrace(
            crosswalk="test",
            version="1",
            rule=code,
            source_system=system,
            source_code=code,
        )
        return Result(
            Coding(system="urn:canonical", code=code, mapped_from=trace), trace, *row
        )
