"""The crosswalk file format, as pydantic models.

These models check the shape of one file. What needs more than one file to
check (an overlay's base, a target value against a canonical code set) is
checked when the crosswalk is compiled.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["NormalizeStep", "RuleSpec", "TargetSpec", "CrosswalkSpec", "UnmappedPolicy"]

#: What an unknown code of a known system turns into.
UnmappedPolicy = Literal["error", "default", "passthrough", "ignore"]

#: How codes are made comparable before matching; applied in this order.
NormalizeStep = Literal["casefold", "no-dots", "no-spaces"]

_NAME = r"^[a-z0-9][a-z0-9-]*$"


def _casefold_only() -> list[NormalizeStep]:
    return ["casefold"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetSpec(_Strict):
    """What a crosswalk maps onto: a canonical code set, a code system, or values.

    Exactly one of ``enum``, ``system`` and ``values`` is given.
    """

    enum: str | None = Field(
        None, description="Name of a canonical code set, such as `ProgramType`."
    )
    system: str | None = Field(
        None, min_length=1, description="URI of a code system the output codes use."
    )
    codes: dict[str, str | None] | None = Field(
        None,
        description="With `system`: the closed list of codes, each with its display.",
    )
    values: list[str] | None = Field(
        None, min_length=1, description="A closed list of plain values."
    )
    required: bool = Field(
        True, description="Whether every rule must give this target a value."
    )
    description: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> TargetSpec:
        given = [k for k in ("enum", "system", "values") if getattr(self, k)]
        if len(given) != 1:
            msg = "a target names exactly one of `enum`, `system` or `values`"
            raise ValueError(msg)
        if self.codes is not None and self.system is None:
            msg = "`codes` lists the codes of a `system` target; add `system`"
            raise ValueError(msg)
        return self


_MATCH_KINDS = ("code", "codes", "prefix", "prefixes", "range", "ranges", "pattern")


class RuleSpec(_Strict):
    """One rule: which source codes it matches, and what they map to."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "oneOf": [{"required": [kind]} for kind in _MATCH_KINDS],
        },
    )

    id: str | None = Field(None, min_length=1, description="Stable rule id.")
    code: str | None = Field(None, min_length=1, description="One exact code.")
    codes: list[str] | None = Field(
        None, min_length=1, description="Several exact codes with one outcome."
    )
    prefix: str | None = Field(
        None, min_length=1, description="Every code starting with this text."
    )
    prefixes: list[str] | None = Field(
        None, min_length=1, description="Every code starting with one of these."
    )
    range: tuple[str, str] | None = Field(
        None,
        description=(
            "Every code whose first characters fall between two bounds of equal "
            "length, both included: `[F10, F19]` holds `F10.20` and `F19.99`."
        ),
    )
    ranges: list[tuple[str, str]] | None = Field(
        None, min_length=1, description="Several ranges with one outcome."
    )
    pattern: str | None = Field(
        None, min_length=1, description="Every code matching this regular expression."
    )
    system: str | None = Field(
        None, min_length=1, description="Only codes of this one source system."
    )
    to: str | dict[str, str] | None = Field(
        None, description="The outcome: a value, or a value per target."
    )
    ignore: bool = Field(
        False, description="The code is known and deliberately left unmapped."
    )
    display: str | None = Field(None, description="What the source code means.")
    note: str | None = Field(None, description="Why the rule maps as it does.")

    @model_validator(mode="after")
    def _one_match(self) -> RuleSpec:
        given = [k for k in _MATCH_KINDS if getattr(self, k)]
        if len(given) != 1:
            msg = (
                "a rule matches by exactly one of `code`, `codes`, `prefix`, "
                "`prefixes`, `range`, `ranges`, `pattern`"
            )
            raise ValueError(msg)
        if self.ignore and self.to is not None:
            msg = "a rule with `ignore: true` maps to nothing; drop `to`"
            raise ValueError(msg)
        if not self.ignore and self.to is None:
            msg = "a rule needs `to` (its outcome) or `ignore: true`"
            raise ValueError(msg)
        return self


class SourceSpec(_Strict):
    """The standard whose codes a crosswalk reads, and its version."""

    standard: str = Field(min_length=1, description="Name of the source standard.")
    version: str = Field(
        min_length=1, description="Version or versions of the standard covered."
    )


class CrosswalkSpec(_Strict):
    """One crosswalk file: a shipped crosswalk, or an overlay on one."""

    crosswalk: str = Field(pattern=_NAME, description="Unique name of the crosswalk.")
    version: str = Field(min_length=1, description="Version of this file.")
    title: str | None = None
    description: str | None = None
    source: SourceSpec | None = Field(
        None,
        description="The source standard and its version; required unless the "
        "file is an overlay.",
    )
    extends: str | None = Field(
        None, pattern=_NAME, description="Name of the crosswalk this file overlays."
    )
    systems: list[str] = Field(
        default_factory=list, description="Source code systems it reads, in priority."
    )
    normalize: list[NormalizeStep] = Field(
        default_factory=_casefold_only,
        description="How codes are made comparable before matching.",
    )
    target: TargetSpec | None = None
    targets: dict[str, TargetSpec] | None = None
    on_unmapped: UnmappedPolicy = "error"
    default: str | dict[str, str] | None = None
    rules: list[RuleSpec] = Field(default_factory=list)
    remove: list[str] = Field(
        default_factory=list,
        description="In an overlay: ids or codes of base rules to drop.",
    )
    deprecated: str | None = Field(
        None,
        description="Set when the crosswalk should no longer be used: what to use.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> CrosswalkSpec:
        if self.extends is None:
            if self.source is None:
                msg = "a crosswalk names its `source` standard and version"
                raise ValueError(msg)
            if not self.systems:
                msg = "a crosswalk lists the source `systems` it reads"
                raise ValueError(msg)
            if (self.target is None) == (self.targets is None):
                msg = "a crosswalk declares either `target` or `targets`"
                raise ValueError(msg)
            if self.remove:
                msg = "`remove` is for overlays; this file extends nothing"
                raise ValueError(msg)
        elif self.target is not None or self.targets is not None:
            msg = "an overlay keeps the targets of the crosswalk it extends"
            raise ValueError(msg)
        if self.on_unmapped == "default" and self.default is None:
            msg = "`on_unmapped: default` needs a `default` outcome"
            raise ValueError(msg)
        return self
