"""Ed-Fi descriptors through the crosswalks, keeping what does not map.

A descriptor is looked up under the ed-fi.org system of its descriptor type,
whatever namespace it came in (``uri://gbisd.edu/...`` included). A code with
no crosswalk rule stays on the record as a coding in its own source system,
and is counted, so the run summary can report it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Protocol, TypeVar

import orjson

from successplan.mappings._systems import canonical_system, edfi_descriptor_system
from successplan.schemas import Coding, DataCategory, Domain, FindingKind

from ._values import descriptor_parts

__all__ = ["Codes", "Lookup", "Mapped"]

E = TypeVar("E", bound=StrEnum)

#: Attribute names a crosswalk rule may use for a canonical code set.
_ATTRIBUTE_KEYS = {
    "ProgramType": ("program", "program_type"),
    "TeamRole": ("role", "team_role"),
    "Domain": ("domain",),
    "Tier": ("tier",),
}


class Mapped(Protocol):
    """What a crosswalk lookup gives (``successplan.mappings.MappingResult``)."""

    @property
    def coding(self) -> Coding: ...  # noqa: D102

    @property
    def domain(self) -> Domain | None: ...  # noqa: D102

    @property
    def category(self) -> DataCategory | None: ...  # noqa: D102

    @property
    def kind(self) -> FindingKind | None: ...  # noqa: D102

    @property
    def attributes(self) -> Mapping[str, str]: ...  # noqa: D102


class Lookup(Protocol):
    """Anything that looks codes up like ``successplan.mappings.Mapper``."""

    def lookup(self, system: str, code: str) -> Any:  # noqa: D102
        ...


#: What a descriptor string gave: the lookup, the key to count when it is
#: unmapped (None when mapped), and the coding encoded as JSON.
_Seen = tuple[tuple[Coding, Mapped | None], tuple[str, str] | None, orjson.Fragment]


class Codes:
    """Looks Ed-Fi descriptors up and counts the ones no rule maps.

    Args:
        mapper: The crosswalks; ``None`` keeps every code as received.
    """

    def __init__(self, mapper: Lookup | None) -> None:
        self._mapper = mapper
        self.unmapped: Counter[tuple[str, str]] = Counter()
        self._cache: dict[tuple[str, str], tuple[Coding, Mapped | None]] = {}
        # By descriptor string, so a repeated value costs one look-up.
        self._raw: dict[tuple[str, str], _Seen] = {}

    def _seen(self, value: str, descriptor: str) -> _Seen | None:
        """What a descriptor string met before gave, counted again if unmapped."""
        hit = self._raw.get((value, descriptor))
        if hit is not None and hit[1] is not None:
            self.unmapped[hit[1]] += 1
        return hit

    def code(
        self, value: Any, descriptor: str = ""
    ) -> tuple[Coding, Mapped | None] | None:
        """Look a descriptor up.

        Args:
            value: The descriptor URI (or a bare code value).
            descriptor: The descriptor type to assume for a bare code value,
                for example ``SexDescriptor``.

        Returns:
            The coding to keep (canonical when mapped, the source's otherwise)
            and the mapping result, or ``None`` when the value is empty.
        """
        if value.__class__ is str and (hit := self._seen(value, descriptor)):
            return hit[0]
        parts = descriptor_parts(value)
        if parts is None:
            return None
        system, name, code = parts
        name = name or descriptor
        key = (system or name, code)
        cached = self._cache.get(key)
        if cached is not None:
            if cached[1] is None or not getattr(cached[1], "matched", True):
                self.unmapped[(edfi_descriptor_system(name), code)] += 1
            return cached

        lookup_system = edfi_descriptor_system(name)
        result = self._mapper.lookup(lookup_system, code) if self._mapper else None
        if result is None:
            self.unmapped[(lookup_system, code)] += 1
            coding = Coding(system=system or lookup_system, code=code, display=code)
            found: tuple[Coding, Mapped | None] = (coding, None)
        else:
            if not getattr(result, "matched", True):
                self.unmapped[(lookup_system, code)] += 1
            found = (result.coding, result)
        self._cache[key] = found
        if isinstance(value, str):
            unmapped = found[1] is None or not getattr(found[1], "matched", True)
            self._raw[(value, descriptor)] = (
                found,
                (lookup_system, code) if unmapped else None,
                _encoded(found[0]),
            )
        return found

    def coding(self, value: Any, descriptor: str = "") -> Coding | None:
        """Look a descriptor up and return only the coding to keep."""
        if value is None:
            return None
        if value.__class__ is str and (hit := self._seen(value, descriptor)):
            return hit[0][0]
        found = self.code(value, descriptor)
        return found[0] if found else None

    def coding_json(self, value: Any, descriptor: str = "") -> orjson.Fragment | None:
        """Like :meth:`coding`, but the coding encoded as JSON, once per value.

        The fragment goes into data that ``orjson`` encodes (an enrollment of
        a Person) as it is, so a coding met on every item is encoded once.
        """
        if value is None:
            return None
        if value.__class__ is str:
            # :meth:`_seen`, written out: this runs for every enrollment.
            hit = self._raw.get((value, descriptor))
            if hit is not None:
                if hit[1] is not None:
                    self.unmapped[hit[1]] += 1
                return hit[2]
        found = self.code(value, descriptor)
        return _encoded(found[0]) if found else None

    @staticmethod
    def canonical(
        found: tuple[Coding, Mapped | None] | None, code_set: type[E]
    ) -> E | None:
        """The canonical value of a closed code set a lookup gave, if any.

        A rule may give it as its coding (in the code set's system) or as an
        attribute named after the code set (``program: special-education``).
        """
        if found is None:
            return None
        coding, result = found
        if result is None:
            return None
        candidates = (
            [coding.code] if coding.system == canonical_system(code_set) else []
        )
        for key in (code_set.__name__, *_ATTRIBUTE_KEYS.get(code_set.__name__, ())):
            if key in result.attributes:
                candidates.append(result.attributes[key])
        for candidate in candidates:
            try:
                return code_set(candidate)
            except ValueError:
                continue
        return None


def _encoded(coding: Coding) -> orjson.Fragment:
    """A coding encoded as JSON, as the record writer writes it."""
    return orjson.Fragment(
        coding.__pydantic_serializer__.to_json(coding, exclude_none=True)
    )
