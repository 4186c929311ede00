"""What the converter needs of the mappings engine, and how it reads results.

:class:`MapperLike` is the one call the converter makes
(:class:`successplan.mappings.Mapper` fits it, and so does a fixed table in
tests). A rule can name several codes of one target system at once (a
combination vaccine counts toward each of its vaccine groups);
:func:`target_codings` returns all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from successplan.errors import ConfigurationError, ConversionError
from successplan.schemas import (
    Coding,
    DataCategory,
    Domain,
    FindingKind,
    MappingTrace,
)

__all__ = ["MapperLike", "MappingResult", "default_mapper", "target_codings"]

#: Targets that classify a code rather than name a canonical one.
_CLASSIFIERS = frozenset({"domain", "category", "kind"})


class MappingResult(Protocol):
    """What the converter reads of one mapping result."""

    @property
    def coding(self) -> Coding:
        """The canonical code, with its mapping trace."""
        ...

    @property
    def trace(self) -> MappingTrace:
        """The crosswalk, version and rule that decided."""
        ...

    @property
    def domain(self) -> Domain | None:
        """The canonical domain, if the rule sets one."""
        ...

    @property
    def category(self) -> DataCategory | None:
        """The data category, if the rule sets one."""
        ...

    @property
    def kind(self) -> FindingKind | None:
        """The finding kind, if the rule sets one."""
        ...

    @property
    def attributes(self) -> Mapping[str, str]:
        """Other targets the rule sets (a screening's ``threshold``, ...)."""
        ...

    @property
    def matched(self) -> bool:
        """Whether a rule named the code, rather than a default policy."""
        ...


class MapperLike(Protocol):
    """What the converter needs of :class:`successplan.mappings.Mapper`."""

    def lookup(self, system: str, code: str) -> MappingResult | None:
        """Translate one source code, or return None when it is unmapped."""
        ...


def default_mapper() -> MapperLike:
    """Return the mapper over the shipped crosswalks."""
    try:
        from successplan.mappings import Mapper  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        msg = "the mappings engine (successplan.mappings.Mapper) is not available"
        raise ConfigurationError(msg, code="mapping-unavailable") from exc
    return Mapper.default()  # type: ignore[no-any-return,unused-ignore]


def target_codings(
    mapper: MapperLike, system: str, code: str, result: MappingResult
) -> list[Coding]:
    """Return every canonical code of ``result``'s system that a rule names.

    ``result.coding`` comes first. The others are read from the crosswalks
    when ``mapper`` exposes them (as :class:`successplan.mappings.Mapper`
    does); from ``result.attributes`` otherwise, without displays.
    """
    first = result.coding
    found = [first]
    seen = {first.code}
    mappings: Any = getattr(mapper, "mappings", None)
    if mappings is not None and hasattr(mappings, "reading"):
        for crosswalk in mappings.reading(system):
            try:
                translation = crosswalk.translate(system, code)
            except ConversionError:
                continue
            for name in translation.targets:
                if name in _CLASSIFIERS or translation.values.get(name) is None:
                    continue
                coding = translation.coding(name)
                if coding is not None and coding.system == first.system:
                    if coding.code not in seen:
                        seen.add(coding.code)
                        found.append(coding)
        return found
    for name, value in result.attributes.items():
        if name not in _CLASSIFIERS and value not in seen:
            seen.add(value)
            found.append(
                Coding(system=first.system, code=value, mapped_from=first.mapped_from)
            )
    return found
