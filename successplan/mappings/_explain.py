"""Answers about compiled crosswalks: which rule maps a code, what overlaps.

Both are read-only: explaining a code does not count it as unmapped, and the
overlap check never changes which rule wins (see ``_index`` for that order).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from ._crosswalk import Crosswalk, Rule
from ._translation import Translation

__all__ = ["Explanation", "RangeOverlap", "explain_code", "range_overlaps"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one crosswalk decides one source code.

    Attributes:
        crosswalk: The crosswalk's name.
        label: Every layer as ``name@version``, joined by ``+``.
        rule: The rule that matches, or ``None`` when the policy decides.
        translation: What the rule gives; ``None`` when no rule matches.
        policy: The crosswalk's unmapped policy, with its default if any.
    """

    crosswalk: str
    label: str
    rule: Rule | None
    translation: Translation | None
    policy: str

    @property
    def matched(self) -> bool:
        """Whether a rule names the code."""
        return self.rule is not None


@dataclass(frozen=True, slots=True)
class RangeOverlap:
    """Two range rules of one crosswalk whose ranges share codes.

    The narrower range wins where one holds the other, and the one that starts
    later where they only cross; either way a reader of the file can be
    misled, so ``successplan mappings check`` reports it.
    """

    crosswalk: str
    first: Rule
    second: Rule
    shared: tuple[str, str]

    @property
    def message(self) -> str:
        """Describe the overlap, naming the file and line of both rules."""
        low, high = self.shared
        return (
            f"{self.second.where}: range rule `{self.second.id}` overlaps "
            f"`{self.first.id}` ({self.first.where}) on `{low}`..`{high}` in "
            f"crosswalk `{self.crosswalk}`; split the ranges, or use a prefix "
            "or code rule for the exception"
        )


def _policy(crosswalk: Crosswalk) -> str:
    if crosswalk.on_unmapped == "default" and crosswalk.default:
        given = ", ".join(f"{k}={v}" for k, v in crosswalk.default.items())
        return f"default ({given})"
    return crosswalk.on_unmapped


def explain_code(
    crosswalks: Iterable[Crosswalk], system: str, code: str
) -> list[Explanation]:
    """Explain how each crosswalk that reads ``system`` decides ``code``.

    Returns:
        One explanation per crosswalk that reads the system, in name order;
        empty when none does.
    """
    found: list[Explanation] = []
    for crosswalk in sorted(crosswalks, key=lambda cw: cw.name):
        if not crosswalk.reads(system):
            continue
        rule = crosswalk.find_rule(system, code)
        translation = crosswalk.lookup(system, code) if rule is not None else None
        found.append(
            Explanation(
                crosswalk=crosswalk.name,
                label=crosswalk.label,
                rule=rule,
                translation=translation,
                policy=_policy(crosswalk),
            )
        )
    return found


def range_overlaps(crosswalk: Crosswalk) -> list[RangeOverlap]:
    """Find range rules of one crosswalk whose ranges share codes.

    Only ranges of one system binding and one bound length can overlap;
    prefixes inside a range are the intended way to write an exception and
    are not reported.
    """
    spans: list[tuple[Rule, str, str]] = [
        (rule, low, high)
        for rule in crosswalk.rules
        if rule.kind == "range"
        for low, high in rule.spans
    ]
    overlaps: list[RangeOverlap] = []
    for (a, a_low, a_high), (b, b_low, b_high) in combinations(spans, 2):
        if a.system != b.system or len(a_low) != len(b_low):
            continue
        low, high = max(a_low, b_low), min(a_high, b_high)
        if low <= high:
            overlaps.append(RangeOverlap(crosswalk.name, a, b, (low, high)))
    return overlaps
