"""How sensitive a health record is, and how a screening score is read.

Two judgements the converter makes beyond what a crosswalk says: a floor
under the data category (a substance-use or mental-health code, or a security
label, raises it, and nothing lowers it), and whether an Observation is a
screening whose total score, at or above its instrument's threshold, is a need.
Instruments are classified through the mappings (a crosswalk rule reading
LOINC can set ``kind``, ``domain``, ``category`` and a ``threshold``
attribute); :data:`PHQ_TOTALS` covers the depression screens when no rule
names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from successplan.mappings import GRAVITY_SDOH_CATEGORY, ICD10CM, LOINC
from successplan.schemas import DataCategory

from ._values import as_list

__all__ = [
    "GRAVITY",
    "PHQ_TOTALS",
    "SCREENING_CATEGORIES",
    "screening_threshold",
    "sensitivity_floor",
]

GRAVITY = GRAVITY_SDOH_CATEGORY

#: Order of sensitivity: a floor only ever moves a category up this list.
_RANK = [
    DataCategory.HEALTH,
    DataCategory.HEALTH_SENSITIVE,
    DataCategory.HEALTH_MENTAL,
    DataCategory.HEALTH_SUD,
]
_SUD_LABELS = frozenset({"ETH", "SUD", "42CFRPart2", "NORDSCLCD"})
_MENTAL_LABELS = frozenset({"PSY", "MH", "BH"})

#: Depression screening totals (PHQ-9, PHQ-A, PHQ-2) and the score at which
#: each is a need; always mental-health data, whatever a crosswalk says.
PHQ_TOTALS: Mapping[str, float] = {"44261-6": 10.0, "89204-2": 10.0, "55758-7": 3.0}

#: Observation categories that make an Observation a screening.
SCREENING_CATEGORIES = frozenset({"survey", "sdoh", "social-history"})


class _Classified(Protocol):
    @property
    def attributes(self) -> Mapping[str, str]: ...


def screening_threshold(
    result: _Classified | None, loinc: Iterable[str]
) -> float | None:
    """Return the score at or above which a screening total is a need.

    A crosswalk rule's ``threshold`` attribute decides; without one, the
    :data:`PHQ_TOTALS` of the Observation's LOINC codes do.
    """
    if result is not None:
        value = result.attributes.get("threshold")
        if value is not None:
            try:
                return float(value)
            except ValueError:
                return None
    return next((PHQ_TOTALS[c] for c in loinc if c in PHQ_TOTALS), None)


def sensitivity_floor(
    category: DataCategory | None,
    codings: Iterable[Mapping[str, Any]],
    res: Mapping[str, Any],
) -> DataCategory:
    """Raise a health record's category to what its codes and labels demand.

    ICD-10-CM F10-F19 and the labels ETH/SUD/42CFRPart2 make it ``health.sud``;
    other ICD-10-CM F codes, PHQ totals and the labels PSY/MH make it
    ``health.mental``. The floor never lowers a category.
    """
    found = category or DataCategory.HEALTH
    floor = None
    for coding in codings:
        system = coding["system"]
        if system == ICD10CM:
            code = str(coding["code"]).upper()
            if not code.startswith("F"):
                continue
            if code[1:3].isdigit() and 10 <= int(code[1:3]) <= 19:
                floor = DataCategory.HEALTH_SUD
            elif floor is None:
                floor = DataCategory.HEALTH_MENTAL
        elif system == LOINC and coding["code"] in PHQ_TOTALS:
            floor = floor or DataCategory.HEALTH_MENTAL
    meta = res.get("meta")
    security = meta.get("security") if isinstance(meta, dict) else None
    if security:
        labels = {str(s.get("code")) for s in as_list(security) if isinstance(s, dict)}
        if labels & _SUD_LABELS:
            floor = DataCategory.HEALTH_SUD
        elif labels & _MENTAL_LABELS and floor is None:
            floor = DataCategory.HEALTH_MENTAL
    if floor is None:
        return found
    if found not in _RANK or _RANK.index(floor) > _RANK.index(found):
        return floor
    return found
