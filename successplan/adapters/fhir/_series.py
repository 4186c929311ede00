"""Indicator series that join many resources: immunization doses and scores.

Each Immunization and each screening score is one point; the series holding
the points of one person (per vaccine group, or per instrument) is emitted once
the whole input has been read.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from successplan.adapters._stream import stable_id
from successplan.errors import ConversionError
from successplan.mappings import canonical_system
from successplan.schemas import (
    Coding,
    DataCategory,
    Domain,
    Identifier,
    Indicator,
    IndicatorPoint,
    IndicatorSeries,
    Record,
    SubIndicator,
)

from ._read import RawResource

if TYPE_CHECKING:
    from ._convert import FhirConverter

__all__ = ["INDICATOR", "Series"]

#: The canonical code system of the indicators successplan derives.
INDICATOR = canonical_system(Indicator)


class Series:
    """Collects indicator points across resources and emits one series each."""

    def __init__(self, conv: FhirConverter) -> None:
        self.conv = conv
        self._doses: dict[
            tuple[str, str], dict[tuple[str, str], tuple[Coding, list[date]]]
        ] = defaultdict(dict)
        self._given: dict[tuple[str, str], list[date]] = defaultdict(list)
        self._points: dict[
            tuple[str, str, str, str],
            tuple[Coding, Domain, DataCategory, str | None, list[IndicatorPoint]],
        ] = {}

    def add_dose(self, subject: Identifier, groups: list[Coding], when: date) -> None:
        """Count one completed dose for ``subject`` toward each of ``groups``.

        The series' total counts the dose once, whatever the number of groups.
        """
        self.conv.held = True
        person = (subject.system, subject.value)
        self._given[person].append(when)
        per_vaccine = self._doses[person]
        for vaccine in groups:
            entry = per_vaccine.setdefault(
                (vaccine.system, vaccine.code), (vaccine, [])
            )
            entry[1].append(when)

    def add_point(
        self,
        subject: Identifier,
        code: Coding,
        domain: Domain,
        category: DataCategory,
        unit: str | None,
        point: IndicatorPoint,
    ) -> None:
        """Add one value to the series of ``code`` for ``subject``."""
        self.conv.held = True
        key = (subject.system, subject.value, code.system, code.code)
        entry = self._points.setdefault(key, (code, domain, category, unit, []))
        entry[4].append(point)

    @property
    def pending(self) -> bool:
        """Whether points are held, waiting for :meth:`finish`."""
        return bool(self._doses or self._points)

    def finish(self) -> list[Record | tuple[RawResource, ConversionError]]:
        """Emit the immunization series and every screening-score series."""
        out: list[Record | tuple[RawResource, ConversionError]] = []
        source = self.conv.source
        for (system, value), vaccines in self._doses.items():
            subs = []
            given = self._given[(system, value)]
            latest, total = max(given), len(given)
            for coding, dates in vaccines.values():
                dates.sort()
                subs.append(
                    SubIndicator(
                        code=coding,
                        name=coding.display,
                        unit="doses",
                        points=[
                            IndicatorPoint(as_of=d, value=float(n))
                            for n, d in enumerate(dates, start=1)
                        ],
                    )
                )
            out.append(
                IndicatorSeries(
                    id=stable_id(
                        "IndicatorSeries", source, system, value, "immunizations"
                    ),
                    provenance=self.conv.provenance(
                        f"Patient/{value}/Immunization", "(joined)"
                    ),
                    subject=Identifier(system=system, value=value),
                    category=DataCategory.HEALTH,
                    code=Coding(
                        system=INDICATOR,
                        code=Indicator.IMMUNIZATION_DOSES.value,
                        display="Immunization doses received",
                    ),
                    name="Immunizations",
                    domain=Domain.HEALTH,
                    unit="doses",
                    points=[IndicatorPoint(as_of=latest, value=float(total))],
                    sub_indicators=subs,
                )
            )
        for (system, value, csys, ccode), (
            code,
            domain,
            category,
            unit,
            points,
        ) in self._points.items():
            points.sort(key=lambda p: p.as_of)
            out.append(
                IndicatorSeries(
                    id=stable_id("IndicatorSeries", source, system, value, csys, ccode),
                    provenance=self.conv.provenance(
                        f"Patient/{value}/Observation", "(joined)"
                    ),
                    subject=Identifier(system=system, value=value),
                    category=category,
                    code=code,
                    name=code.display,
                    domain=domain,
                    unit=unit,
                    points=points,
                )
            )
        self._doses.clear()
        self._given.clear()
        self._points.clear()
        return out
