"""What a crosswalk produces: targets and the translation of one source code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeVar

from successplan.schemas import Coding, MappingTrace

from ._systems import canonical_system

__all__ = ["Outcome", "Target", "Translation"]

E = TypeVar("E", bound=StrEnum)

#: How a translation came about: a rule mapped the code (``matched``) or
#: named it to be left out (``ignored``), or no rule named it and the unmapped
#: policy gave the default, passed the code through, or left it out
#: (``unmapped``).
Outcome = Literal["matched", "ignored", "default", "passthrough", "unmapped"]


@dataclass(frozen=True, slots=True)
class Target:
    """One output of a crosswalk: a canonical code set, a code system, or values.

    Attributes:
        name: The target's name; ``value`` when the crosswalk has one target.
        enum: The canonical code set, for an enum target.
        system: The code system URI, for a system target.
        codes: The closed codes of a system target with their displays, or
            ``None`` when the system is open.
        values: The closed plain values, for a values target.
        required: Whether every rule gives this target a value.
    """

    name: str
    enum: type[StrEnum] | None = None
    system: str | None = None
    codes: Mapping[str, str | None] | None = None
    values: frozenset[str] | None = None
    required: bool = True

    @property
    def kind(self) -> str:
        """Describe the target in words, for messages and listings."""
        if self.enum is not None:
            return f"canonical code set `{self.enum.__name__}`"
        if self.system is not None:
            return f"code system `{self.system}`"
        return "plain values"

    def allowed(self) -> list[str] | None:
        """Return the values the target accepts, or ``None`` when it is open."""
        if self.enum is not None:
            return [member.value for member in self.enum]
        if self.codes is not None:
            return list(self.codes)
        if self.values is not None:
            return sorted(self.values)
        return None

    def problem(self, value: str) -> str | None:
        """Say what is wrong with a value for this target, or return ``None``."""
        allowed = self.allowed()
        if allowed is None or value in allowed:
            return None
        return f"`{value}` is not in {self.kind}; allowed: {', '.join(allowed)}"

    def display(self, value: str) -> str | None:
        """Return the display text of a value, where the target knows one."""
        if self.codes is not None:
            return self.codes.get(value)
        return None


@dataclass(frozen=True, slots=True)
class Translation:
    """The outcome of translating one source code through a crosswalk.

    Attributes:
        crosswalk: Name of the crosswalk file whose rule decided; an overlay's
            own name when the overlay's rule matched.
        version: Version of that file.
        rule: Id of the rule, or ``default`` / ``passthrough``.
        source_system: The source code system, as received.
        source_code: The source code, as received.
        values: The canonical value of each target that got one.
        targets: The crosswalk's targets, by name.
        outcome: Whether a rule matched, or the unmapped policy decided.
        overrides: When an overlay's rule decided in place of a rule of the
            crosswalk it extends, that rule as ``crosswalk@version rule-id``.
    """

    crosswalk: str
    version: str
    rule: str
    source_system: str
    source_code: str
    values: Mapping[str, str]
    targets: Mapping[str, Target]
    outcome: Outcome = "matched"
    overrides: str | None = None

    @property
    def ignored(self) -> bool:
        """Whether the code maps to nothing, by a rule or by the policy."""
        return self.outcome in ("ignored", "unmapped")

    @property
    def matched(self) -> bool:
        """Whether a rule of the crosswalk named the code."""
        return self.outcome in ("matched", "ignored")

    def trace(self) -> MappingTrace:
        """Return the trace to store on a canonical code made from this.

        An overlay's rule that replaced a shipped one is traced as
        ``<rule> (overrides <crosswalk>@<version> <rule>)``.
        """
        rule = self.rule
        if self.overrides is not None:
            rule = f"{rule} (overrides {self.overrides})"
        return MappingTrace(
            crosswalk=self.crosswalk,
            version=self.version,
            rule=rule,
            source_system=self.source_system or "-",
            source_code=self.source_code or "-",
        )

    def source_coding(self) -> Coding:
        """Return the source code as received, as a ``Coding``.

        A record keeps this whatever the outcome, so a code that no rule maps
        (or that the policy leaves out) is never lost.
        """
        return Coding(system=self.source_system or "-", code=self.source_code or "-")

    def code(self, target: str = "value") -> str | None:
        """Return the canonical value of a target, or ``None`` when it has none."""
        self._target(target)
        return self.values.get(target)

    def get(self, kind: type[E], target: str | None = None) -> E | None:
        """Return a target's value as a member of a canonical code set.

        Args:
            kind: The code set, for example ``ProgramType``.
            target: The target's name; may be left out when exactly one target
                of the crosswalk uses ``kind``.

        Returns:
            The member, or ``None`` when the target got no value.

        Raises:
            ValueError: No target, or more than one, uses ``kind``.
        """
        if target is None:
            names = [t.name for t in self.targets.values() if t.enum is kind]
            if len(names) != 1:
                msg = (
                    f"crosswalk `{self.crosswalk}` has {len(names)} targets of "
                    f"`{kind.__name__}`; name the one you want"
                )
                raise ValueError(msg)
            target = names[0]
        spec = self._target(target)
        if spec.enum is not kind:
            msg = f"target `{target}` is {spec.kind}, not `{kind.__name__}`"
            raise ValueError(msg)
        value = self.values.get(target)
        return None if value is None else kind(value)

    def coding(self, target: str = "value") -> Coding | None:
        """Return a target's value as a ``Coding`` that carries its trace.

        An enum target's coding uses the canonical code set's system URI (see
        :func:`canonical_system`); a values target's uses the target's name.
        """
        spec = self._target(target)
        value = self.values.get(target)
        if value is None:
            return None
        if spec.system is not None:
            system = spec.system
        elif spec.enum is not None:
            system = canonical_system(spec.enum)
        else:
            system = target
        return Coding(
            system=system,
            code=value,
            display=spec.display(value),
            mapped_from=self.trace(),
        )

    def _target(self, name: str) -> Target:
        try:
            return self.targets[name]
        except KeyError:
            msg = (
                f"crosswalk `{self.crosswalk}` has no target `{name}`; "
                f"its targets: {', '.join(self.targets)}"
            )
            raise ValueError(msg) from None
