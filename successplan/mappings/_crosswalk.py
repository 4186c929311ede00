"""A compiled crosswalk: finds the rule for a source code and applies it.

Matching is deterministic. A code is first made comparable (the crosswalk's
``normalize`` steps; surrounding space is always dropped and inner runs of
space become one). Then, in this order:

1. an exact ``code`` rule of the code's own system, then one for any system;
2. a ``range`` or ``prefix`` rule: the one with the longest bounds that hold
   the code; at one length, one bound to the code's system first; then the
   narrowest (a prefix is a range of one, so ``F17`` beats ``F10``-``F19``);
3. the first ``pattern`` rule, in file order, whose expression matches the
   whole code (without regard to case when the crosswalk casefolds).

A code no rule names falls to the crosswalk's ``on_unmapped`` policy, and is
counted (see :attr:`Crosswalk.unmapped`) whatever the policy. A system the
crosswalk does not read is never guessed at: it is an error, fixed by an
overlay that adds the system and its rules.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from successplan.errors import ConversionError
from successplan.schemas import Coding

from ._index import Span, SpanIndex
from ._spec import NormalizeStep, UnmappedPolicy
from ._systems import split_edfi_descriptor
from ._translation import Outcome, Target, Translation

__all__ = [
    "CrosswalkDeprecationWarning",
    "Crosswalk",
    "Layer",
    "Rule",
    "normalize_code",
]

logger = logging.getLogger(__name__)

#: Translations kept per crosswalk. Source code lists are small (a district
#: sends a few thousand distinct codes at most), so the cache is simply
#: emptied when it fills.
_CACHE_SIZE = 1 << 16

#: How a rule matches.
RuleKind = Literal["code", "prefix", "range", "pattern"]


class CrosswalkDeprecationWarning(DeprecationWarning):
    """A crosswalk in use is deprecated; its message names the replacement."""


@dataclass(frozen=True, slots=True)
class Layer:
    """One file that contributed to a crosswalk: the shipped one or an overlay."""

    name: str
    version: str
    source: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule.

    Attributes:
        id: Stable id, used in traces and diffs.
        kind: How it matches.
        keys: The normalized codes (exact), prefixes, ranges (``low..high``)
            or pattern text.
        system: The normalized source system it is bound to, if any.
        values: The outcome per target; empty when ignored.
        ignore: The code is known and maps to nothing.
        layer: The file the rule came from.
        line: The line of the rule in that file.
        display: What the source code means, as the file says.
        regex: The compiled pattern, for pattern rules.
        written: The codes, prefixes, ranges or pattern as the file writes
            them.
        spans: For a range rule, the normalized ``(low, high)`` of each range.
        overrides: For an overlay's rule that replaced a rule of an earlier
            layer, that rule as ``crosswalk@version rule-id``.
    """

    id: str
    kind: RuleKind
    keys: tuple[str, ...]
    system: str | None
    values: Mapping[str, str]
    ignore: bool
    layer: Layer
    line: int | None = None
    display: str | None = None
    regex: re.Pattern[str] | None = None
    written: tuple[str, ...] = ()
    spans: tuple[tuple[str, str], ...] = ()
    overrides: str | None = None

    @property
    def where(self) -> str:
        """The file and line the rule comes from, as ``file:line``."""
        return f"{self.layer.source}:{self.line}" if self.line else self.layer.source

    def matches(self) -> str:
        """Describe what the rule matches, as the file writes it."""
        return f"{self.kind} " + " | ".join(self.written or self.keys)


def normalize_code(code: str, steps: Iterable[NormalizeStep]) -> str:
    """Make a code comparable: trim, fold inner space, then apply ``steps``."""
    text = " ".join(code.split())
    for step in steps:
        if step == "casefold":
            text = text.casefold()
        elif step == "no-dots":
            text = text.replace(".", "")
        elif step == "no-spaces":
            text = text.replace(" ", "")
    return text


def _normalize_system(system: str) -> str:
    return system.strip().casefold()


class Crosswalk:
    """Source codes of some systems, mapped onto canonical targets.

    Build crosswalks with :func:`load_mappings`; this class only applies one.
    """

    def __init__(
        self,
        *,
        name: str,
        title: str | None,
        description: str | None,
        systems: list[str],
        source: tuple[str, str] | None = None,
        normalize: list[NormalizeStep],
        targets: dict[str, Target],
        rules: list[Rule],
        on_unmapped: UnmappedPolicy,
        default: Mapping[str, str] | None,
        layers: list[Layer],
        policy_layer: Layer | None = None,
        deprecated: str | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.description = description
        self.source = source
        self.systems = systems
        self.normalize = normalize
        self.targets = targets
        self.rules = rules
        self.on_unmapped = on_unmapped
        self.default = default
        self.layers = layers
        self.policy_layer = policy_layer or layers[0]
        self.deprecated = deprecated
        self._warned = False
        #: Codes no rule named, by ``(system, code)`` as received; counted
        #: each time one is translated, whatever the unmapped policy.
        self.unmapped: Counter[tuple[str, str]] = Counter()
        # Translations of codes a rule names, by (system, code) as received:
        # the hot path is one lookup here. Codes left to the policy are kept
        # apart, in ``_policy_cache``, since each use of one is counted.
        self._hits: dict[tuple[str, str], Translation] = {}
        self._policy_cache: dict[tuple[str, str], Translation] = {}
        self._descriptors: dict[str, Translation] = {}
        self._system_rank = {_normalize_system(s): i for i, s in enumerate(systems)}
        self._system_keys: dict[str, str] = {}
        self._exact: dict[tuple[str | None, str], Rule] = {}
        self._patterns: list[Rule] = []
        spans: list[Span[Rule]] = []
        for order, rule in enumerate(rules):
            if rule.kind == "code":
                for key in rule.keys:
                    self._exact[(rule.system, key)] = rule
            elif rule.kind == "prefix":
                spans += [Span(k, k, rule.system, rule, order) for k in rule.keys]
            elif rule.kind == "range":
                spans += [
                    Span(lo, hi, rule.system, rule, order) for lo, hi in rule.spans
                ]
            else:
                self._patterns.append(rule)
        self._spans = SpanIndex(spans)

    @property
    def version(self) -> str:
        """The version of the shipped file, then of each overlay, joined by ``+``."""
        return "+".join(layer.version for layer in self.layers)

    @property
    def label(self) -> str:
        """``name@version`` of every layer, joined by ``+``, for provenance."""
        return "+".join(f"{layer.name}@{layer.version}" for layer in self.layers)

    def _system_key(self, system: str) -> str:
        found = self._system_keys.get(system)
        if found is None:
            if len(self._system_keys) >= _CACHE_SIZE:
                self._system_keys.clear()
            found = self._system_keys[system] = _normalize_system(system)
        return found

    def reads(self, system: str) -> bool:
        """Tell whether the crosswalk reads codes of a source system."""
        return self._system_key(system) in self._system_rank

    def find_rule(self, system: str, code: str) -> Rule | None:
        """Return the rule that decides a code, or ``None`` when none does."""
        sys_key = self._system_key(system)
        key = normalize_code(code, self.normalize)
        rule = self._exact.get((sys_key, key)) or self._exact.get((None, key))
        if rule is not None:
            return rule
        rule = self._spans.find(sys_key, key)
        if rule is not None:
            return rule
        for rule in self._patterns:
            if rule.system in (None, sys_key) and rule.regex is not None:
                if rule.regex.fullmatch(key):
                    return rule
        return None

    def lookup(self, system: str, code: str) -> Translation | None:
        """Translate a code by its rules alone, without the unmapped policy.

        Nothing is counted here: a caller that gets ``None`` decides what to
        do with the code, and counts it.

        Returns:
            The translation, or ``None`` when the system is not read or no rule
            names the code.
        """
        found = self._hits.get((system, code))
        if found is not None:
            return found
        return self._lookup(system, code)

    def _lookup(self, system: str, code: str) -> Translation | None:
        self._warn_deprecated()
        if not self.reads(system):
            return None
        rule = self.find_rule(system, code)
        if rule is None:
            return None
        found = Translation(
            crosswalk=rule.layer.name,
            version=rule.layer.version,
            rule=rule.id,
            source_system=system,
            source_code=code,
            values=rule.values,
            targets=self.targets,
            outcome="ignored" if rule.ignore else "matched",
            overrides=rule.overrides,
        )
        if len(self._hits) >= _CACHE_SIZE:
            self._hits.clear()
        self._hits[(system, code)] = found
        return found

    def translate(
        self, system: str, code: str, *, field: str | None = None
    ) -> Translation:
        """Translate a code, applying the unmapped policy when no rule names it.

        A code no rule names is counted in :attr:`unmapped` whatever the
        policy, and its translation keeps the source code.

        Args:
            system: The source code system.
            code: The source code.
            field: The source field the code came from, for error messages.

        Returns:
            The translation.

        Raises:
            ConversionError: ``mapping-unknown-system`` when the crosswalk does
                not read ``system``; ``mapping-unknown-code`` when no rule names
                the code and the policy is ``error``.
        """
        found = self._hits.get((system, code))
        if found is not None:
            return found
        return self._translate(system, code, field)

    def _translate(self, system: str, code: str, field: str | None) -> Translation:
        decided = self._policy_cache.get((system, code))
        if decided is not None:
            self.unmapped[(system, code)] += 1
            return decided
        found = self._lookup(system, code)
        if found is not None:
            return found
        if not self.reads(system):
            self.unmapped[(system, code)] += 1
            msg = (
                f"{self._where(field)}: code system `{system}` is not read by "
                f"crosswalk `{self.name}` (it reads {', '.join(self.systems)}); "
                "add the system and its rules in an overlay"
            )
            raise ConversionError(msg, code="mapping-unknown-system", field=field)
        return self._unmapped(system, code, field)

    def translate_descriptor(
        self, descriptor: str, *, field: str | None = None
    ) -> Translation:
        """Translate an Ed-Fi descriptor URI such as ``uri://ed-fi.org/XDescriptor#Y``.

        Raises:
            ConversionError: ``mapping-bad-descriptor`` when the value is not a
                descriptor URI, or as :meth:`translate` does.
        """
        found = self._descriptors.get(descriptor)
        if found is not None:
            return found
        system, code = split_edfi_descriptor(descriptor, field=field)
        found = self.translate(system, code, field=field)
        if found.matched:
            if len(self._descriptors) >= _CACHE_SIZE:
                self._descriptors.clear()
            self._descriptors[descriptor] = found
        return found

    def translate_concept(
        self, codings: Iterable[Coding | Mapping[str, Any]], *, field: str | None = None
    ) -> Translation:
        """Translate the best of several codings of one concept.

        A FHIR ``CodeableConcept`` often carries the same idea in several code
        systems. A coding that a rule names wins over one that only the policy
        would decide; among those, the system listed first in the crosswalk's
        ``systems`` wins, then the coding that comes first.

        Args:
            codings: ``Coding`` objects or dicts with ``system`` and ``code``.
            field: The source field, for error messages.

        Raises:
            ConversionError: None of the codings is of a system the crosswalk
                reads (``mapping-unknown-system``), or as :meth:`translate`
                does for the first coding of a system it reads.
        """
        pairs: list[tuple[str, str]] = []
        for coding in codings:
            if isinstance(coding, Coding):
                pairs.append((coding.system, coding.code))
            else:
                system, code = coding.get("system"), coding.get("code")
                if isinstance(system, str) and isinstance(code, str) and code:
                    pairs.append((system, code))
        readable = [p for p in pairs if self.reads(p[0])]
        if not readable:
            seen = ", ".join(sorted({s for s, _ in pairs})) or "none"
            msg = (
                f"{self._where(field)}: no coding is of a system crosswalk "
                f"`{self.name}` reads (it reads {', '.join(self.systems)}; "
                f"got {seen}); add the system and its rules in an overlay"
            )
            raise ConversionError(msg, code="mapping-unknown-system", field=field)
        ranked = sorted(
            enumerate(readable),
            key=lambda item: (
                self._system_rank[_normalize_system(item[1][0])],
                item[0],
            ),
        )
        for _, (system, code) in ranked:
            found = self.lookup(system, code)
            if found is not None:
                return found
        system, code = ranked[0][1]
        return self._unmapped(system, code, field)

    def _unmapped(self, system: str, code: str, field: str | None) -> Translation:
        self.unmapped[(system, code)] += 1
        policy = self.on_unmapped
        if policy == "error":
            msg = (
                f"{self._where(field)}: code `{code}` of `{system}` is not in "
                f"crosswalk `{self.name}`; add a rule for it in an overlay, or "
                "give the crosswalk a default"
            )
            raise ConversionError(msg, code="mapping-unknown-code", field=field)
        cached = self._policy_cache.get((system, code))
        if cached is not None:
            return cached
        logger.debug(
            "crosswalk %s: %s|%s has no rule; policy %s",
            self.name,
            system,
            code,
            policy,
        )
        values: Mapping[str, str]
        outcome: Outcome
        if policy == "default":
            values, outcome, rule = self.default or {}, "default", "default"
        elif policy == "passthrough":
            (target,) = self.targets
            kept = normalize_code(code, [])
            values, outcome, rule = {target: kept}, "passthrough", "passthrough"
        else:
            values, outcome, rule = {}, "unmapped", "unmapped"
        found = Translation(
            crosswalk=self.policy_layer.name,
            version=self.policy_layer.version,
            rule=rule,
            source_system=system,
            source_code=code,
            values=MappingProxyType(dict(values)),
            targets=self.targets,
            outcome=outcome,
        )
        if len(self._policy_cache) >= _CACHE_SIZE:
            self._policy_cache.clear()
        self._policy_cache[(system, code)] = found
        return found

    def unmapped_counts(self) -> dict[tuple[str, str], int]:
        """Return how often each code no rule names was translated, most first."""
        return dict(self.unmapped.most_common())

    def reset_counts(self) -> None:
        """Forget the unmapped counts, for example at the start of a run."""
        self.unmapped.clear()

    def _where(self, field: str | None) -> str:
        return f"field `{field}`" if field else f"crosswalk `{self.name}`"

    def _warn_deprecated(self) -> None:
        if self.deprecated and not self._warned:
            self._warned = True
            msg = f"crosswalk `{self.name}` is deprecated: {self.deprecated}"
            warnings.warn(msg, CrosswalkDeprecationWarning, stacklevel=3)

    def __repr__(self) -> str:
        return f"<Crosswalk {self.label}: {len(self.rules)} rules>"
