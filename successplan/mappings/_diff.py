"""What changes between two versions of a crosswalk, before anything is written.

Two views, both dry runs:

- :func:`diff_rules` compares the rules themselves: which codes a new version
  adds, drops or maps differently, and whether the unmapped policy moved;
- :func:`diff_codes` replays codes actually seen in a feed through both
  versions and reports those whose outcome would change, including codes that
  would start or stop failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from successplan.errors import ConversionError

from ._crosswalk import Crosswalk, Rule
from ._systems import split_edfi_descriptor
from ._translation import Translation

__all__ = ["CodeChange", "RuleChange", "diff_codes", "diff_rules", "parse_code_lines"]


@dataclass(frozen=True, slots=True)
class RuleChange:
    """One difference between the rules of two crosswalk versions.

    Attributes:
        change: ``added``, ``removed``, ``changed``, or ``policy`` for the
            unmapped policy and its default.
        match: What the rule matches, as ``code X``, ``prefix X`` or
            ``pattern X`` (with ``@system`` when bound to one system).
        old: The old outcome, or ``None`` when the code was not named.
        new: The new outcome, or ``None`` when it is no longer named.
    """

    change: Literal["added", "removed", "changed", "policy"]
    match: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class CodeChange:
    """How the outcome for one observed source code would change."""

    system: str
    code: str
    old: str
    new: str


def _describe(values: Mapping[str, str], ignore: bool) -> str:
    if ignore:
        return "(ignored)"
    if list(values) == ["value"]:
        return values["value"]
    return ", ".join(f"{k}={v}" for k, v in sorted(values.items()))


def _slots(crosswalk: Crosswalk) -> dict[str, Rule]:
    slots: dict[str, Rule] = {}
    for rule in crosswalk.rules:
        bound = f"@{rule.system}" if rule.system else ""
        for key in rule.keys:
            slots[f"{rule.kind} {key}{bound}"] = rule
    return slots


def _policy(crosswalk: Crosswalk) -> str:
    if crosswalk.on_unmapped == "default" and crosswalk.default is not None:
        return f"default: {_describe(crosswalk.default, False)}"
    return crosswalk.on_unmapped


def diff_rules(old: Crosswalk, new: Crosswalk) -> list[RuleChange]:
    """Compare the rules of two versions of a crosswalk.

    Returns:
        The changes, sorted by what they match; the policy change, if any,
        comes first.
    """
    changes: list[RuleChange] = []
    if _policy(old) != _policy(new):
        changes.append(
            RuleChange("policy", "(unmapped codes)", _policy(old), _policy(new))
        )
    before, after = _slots(old), _slots(new)
    for match in sorted(before.keys() | after.keys()):
        was, now = before.get(match), after.get(match)
        if was is None and now is not None:
            changes.append(
                RuleChange("added", match, None, _describe(now.values, now.ignore))
            )
        elif now is None and was is not None:
            changes.append(
                RuleChange("removed", match, _describe(was.values, was.ignore), None)
            )
        elif was is not None and now is not None:
            a, b = _describe(was.values, was.ignore), _describe(now.values, now.ignore)
            if a != b:
                changes.append(RuleChange("changed", match, a, b))
    return changes


def _outcome(crosswalk: Crosswalk, system: str, code: str) -> str:
    try:
        found: Translation = crosswalk.translate(system, code)
    except ConversionError as exc:
        return f"error {exc.code}"
    text = _describe(found.values, found.ignored)
    return text if found.outcome == "matched" else f"{text} [{found.outcome}]"


def diff_codes(
    old: Crosswalk, new: Crosswalk, codes: Iterable[tuple[str, str]]
) -> list[CodeChange]:
    """Replay observed codes through two crosswalk versions.

    Args:
        old: The crosswalk in use.
        new: The crosswalk that would replace it.
        codes: ``(system, code)`` pairs seen in a feed; repeats are counted once.

    Returns:
        Every code whose outcome differs, in the order first seen.
    """
    changes: list[CodeChange] = []
    seen: set[tuple[str, str]] = set()
    for system, code in codes:
        if (system, code) in seen:
            continue
        seen.add((system, code))
        before, after = _outcome(old, system, code), _outcome(new, system, code)
        if before != after:
            changes.append(CodeChange(system, code, before, after))
    return changes


def parse_code_lines(
    lines: Iterable[str], source: str = "codes"
) -> list[tuple[str, str]]:
    """Read observed codes, one a line, for :func:`diff_codes` or a coverage check.

    A line is ``system|code``, ``system<TAB>code``, or an Ed-Fi descriptor URI
    (``uri://ed-fi.org/SexDescriptor#Female``). Blank lines and lines starting
    with ``#`` are skipped.

    Raises:
        ConversionError: ``mapping-bad-code-line`` for a line that is none of
            these; the message names the line.
    """
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        for sep in ("\t", "|"):
            system, found, code = text.partition(sep)
            if found and system.strip() and code.strip():
                pairs.append((system.strip(), code.strip()))
                break
        else:
            if "#" not in text:
                msg = (
                    f"{source} line {number}: `{text}` is not `system|code`, "
                    "`system<TAB>code` or an Ed-Fi descriptor URI"
                )
                raise ConversionError(msg, code="mapping-bad-code-line")
            pairs.append(split_edfi_descriptor(text, field=f"{source} line {number}"))
    return pairs
