"""One call for connectors: look any source code up by its system.

:class:`Mapper` sits on top of :class:`Mappings`. Given a source code system
and a code, it asks every crosswalk that reads that system, merges what they
say into one :class:`MappingResult` (the canonical coding, domain, data
category, finding kind and any other targets), and counts every code that no
rule names, whatever the crosswalk's unmapped policy, so a run summary can
report it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from successplan.errors import ConversionError
from successplan.schemas import (
    Coding,
    DataCategory,
    Domain,
    FindingKind,
    MappingTrace,
)

from ._registry import Mappings, default_mappings, load_mappings
from ._translation import Translation

__all__ = ["Mapper", "MappingResult"]

#: Targets that become fields of a MappingResult rather than its coding.
_CLASSIFIERS = ("domain", "category", "kind")


@dataclass(frozen=True, slots=True)
class MappingResult:
    """What the crosswalks say about one source code.

    Attributes:
        coding: The canonical code (of a code set or code system target),
            carrying its ``mapped_from`` trace; the source code itself, with
            the trace, when the crosswalks only classify it or give plain
            values (those are in ``attributes``).
        domain: The domain a finding or service with this code belongs to.
        category: The data category its content falls in.
        kind: Whether it is a strength, interest, need or risk factor.
        attributes: Every target value the rules gave, by target name.
        trace: The crosswalk, version and rule that decided.
        matched: Whether a rule named the code (rather than a default).
    """

    coding: Coding
    domain: Domain | None
    category: DataCategory | None
    kind: FindingKind | None
    attributes: Mapping[str, str]
    trace: MappingTrace
    matched: bool


class Mapper:
    """Looks source codes up across every crosswalk that reads their system.

    Args:
        mappings: The crosswalks to use, overlays already applied.
    """

    def __init__(self, mappings: Mappings) -> None:
        self.mappings = mappings
        self.unmapped: Counter[tuple[str, str]] = Counter()
        self._cache: dict[tuple[str, str], MappingResult | None] = {}
        self._unmatched: set[tuple[str, str]] = set()

    @classmethod
    def default(cls) -> Mapper:
        """Return a mapper over the shipped crosswalks."""
        return cls(default_mappings())

    @classmethod
    def load(cls, overlays: Iterable[str | Path] = ()) -> Mapper:
        """Return a mapper over the shipped crosswalks with overlays laid on."""
        return cls(load_mappings(list(overlays)))

    @property
    def version(self) -> str:
        """Fingerprint of the crosswalks in use, for provenance."""
        return self.mappings.version

    def lookup(self, system: str, code: str) -> MappingResult | None:
        """Look a source code up.

        Returns:
            The merged result, or ``None`` when no crosswalk reads the system
            or every crosswalk that does leaves the code unmapped or ignored.
            A code no rule names is counted in :attr:`unmapped`.
        """
        key = (system, code)
        try:
            found = self._cache[key]
        except KeyError:
            found = self._cache[key] = self._resolve(system, code)
        if key in self._unmatched:
            self.unmapped[key] += 1
        return found

    def _resolve(self, system: str, code: str) -> MappingResult | None:
        translations: list[Translation] = []
        for crosswalk in self.mappings.reading(system):
            try:
                translations.append(crosswalk.translate(system, code))
            except ConversionError:
                continue
        if not any(t.matched for t in translations):
            self._unmatched.add((system, code))
        useful = [t for t in translations if not t.ignored]
        if not useful:
            return None
        useful.sort(key=lambda t: not t.matched)
        return _merge(system, code, useful)


def _merge(system: str, code: str, translations: list[Translation]) -> MappingResult:
    first = translations[0]
    values: dict[str, str] = {}
    for translation in translations:
        for name, value in translation.values.items():
            values.setdefault(name, value)
    coding: Coding | None = None
    for translation in translations:
        for name, target in translation.targets.items():
            if name in _CLASSIFIERS or target.values is not None:
                continue
            if translation.values.get(name) is not None:
                coding = translation.coding(name)
                break
        if coding is not None:
            break
    trace = first.trace()
    if coding is None:
        coding = Coding(system=system, code=code, mapped_from=trace)
    domain, category, kind = (values.get(name) for name in _CLASSIFIERS)
    return MappingResult(
        coding=coding,
        domain=Domain(domain) if domain else None,
        category=DataCategory(category) if category else None,
        kind=FindingKind(kind) if kind else None,
        attributes=MappingProxyType(values),
        trace=trace,
        matched=first.matched,
    )
