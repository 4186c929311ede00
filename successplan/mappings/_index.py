"""The index that finds the range or prefix rule for a code without a scan.

A prefix ``P`` is the range ``[P, P]``: both say "every code whose first
``len(P)`` characters are between these bounds". So both kinds live in one
index, grouped by the length of their bounds and by the system they are bound
to. For one group, the bounds are cut into elementary pieces (each bound
itself, and the open gap after it); each piece knows at compile time which
rule wins there, so a lookup is one ``bisect`` per group.

Who wins, deterministically:

1. longer bounds first (``Z5912`` before the range ``Z55``-``Z65``, and the
   range ``F10``-``F19`` before the prefix ``F``);
2. at one length, a rule bound to the code's system before one for any system;
3. within one group, the narrowest span that holds the code (the prefix
   ``F17`` inside ``F10``-``F19``); of two spans that overlap without one
   holding the other, the one that starts later, then the later rule.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Span", "SpanIndex"]

R = TypeVar("R")

_MEMO_SIZE = 1 << 16


@dataclass(frozen=True, slots=True)
class Span(Generic[R]):
    """One range (or prefix) of one rule, with normalized bounds."""

    low: str
    high: str
    system: str | None
    rule: R
    order: int

    def holds(self, key: str) -> bool:
        """Tell whether a key of the span's length falls between its bounds."""
        return self.low <= key <= self.high


class _Group(Generic[R]):
    """The spans of one bound length and one system, cut into pieces."""

    def __init__(self, spans: Sequence[Span[R]]) -> None:
        self.points = sorted({s.low for s in spans} | {s.high for s in spans})
        self.at_point: list[R | None] = []
        self.after_point: list[R | None] = []
        for i, point in enumerate(self.points):
            self.at_point.append(_winner(s for s in spans if s.holds(point)))
            nxt = self.points[i + 1] if i + 1 < len(self.points) else None
            inside = (
                s for s in spans if nxt is not None and s.low <= point and nxt <= s.high
            )
            self.after_point.append(_winner(inside))

    def find(self, key: str) -> R | None:
        i = bisect_right(self.points, key) - 1
        if i < 0:
            return None
        if self.points[i] == key:
            return self.at_point[i]
        return self.after_point[i]


def _beats(span: Span[R], other: Span[R]) -> bool:
    if span.low != other.low:
        return span.low > other.low
    if span.high != other.high:
        return span.high < other.high
    return span.order > other.order


def _winner(spans: Iterable[Span[R]]) -> R | None:
    best: Span[R] | None = None
    for span in spans:
        if best is None or _beats(span, best):
            best = span
    return None if best is None else best.rule


class SpanIndex(Generic[R]):
    """Every range and prefix of a crosswalk, ready for lookups.

    Args:
        spans: The spans, each with the order of its rule (later wins ties).
    """

    def __init__(self, spans: Iterable[Span[R]]) -> None:
        grouped: dict[tuple[int, str | None], list[Span[R]]] = {}
        for span in spans:
            grouped.setdefault((len(span.low), span.system), []).append(span)
        self._groups = {key: _Group(items) for key, items in grouped.items()}
        self._lengths = sorted({length for length, _ in grouped}, reverse=True)
        self._plans: dict[str, list[tuple[int, _Group[R]]]] = {}
        # A span only looks at a code's first ``len(bound)`` characters, so
        # the answer depends on the code's head up to the longest bound, and
        # many codes share a head: remember the answer per head.
        self._longest = self._lengths[0] if self._lengths else 0
        self._memo: dict[tuple[str, str], R | None] = {}

    def __len__(self) -> int:
        return len(self._groups)

    def find(self, system: str, key: str) -> R | None:
        """Return the winning rule for a normalized code of a normalized system."""
        head = key[: self._longest]
        memo_key = (system, head)
        try:
            return self._memo[memo_key]
        except KeyError:
            pass
        plan = self._plans.get(system)
        if plan is None:
            plan = self._plans[system] = self._plan(system)
        size = len(head)
        found: R | None = None
        for length, group in plan:
            if length <= size:
                found = group.find(head[:length])
                if found is not None:
                    break
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[memo_key] = found
        return found

    def _plan(self, system: str) -> list[tuple[int, _Group[R]]]:
        """The groups to try for a system, in precedence order."""
        plan: list[tuple[int, _Group[R]]] = []
        for length in self._lengths:
            for bound in (system, None):
                group = self._groups.get((length, bound))
                if group is not None:
                    plan.append((length, group))
        return plan
