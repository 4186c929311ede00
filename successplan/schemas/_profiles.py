"""Profiles: one program's constraints on the canonical plan (the tight-loose model).

A profile is a YAML file that names the elements a program's plan must have,
the domains it may use, and the values or codes some fields may take. It adds
rules; it never adds fields, so every profiled plan is still a canonical plan.

Paths are dotted field names from the plan; ``[]`` steps into every element of
a list, so ``goals[].targets`` means "every goal has targets".

A profile has these rules, each optional:

``required``
    Paths that must hold a value wherever they reach. ``services[].tier``
    means every service has a tier; list ``services`` too when the plan must
    have at least one service.
``domains``
    The only domains findings, goals and services may use.
``coverage``
    Every listed domain holds at least one finding of every listed kind
    (a strength and a need in each of four domains).
``values``
    The values a field may take, wherever it appears. Numbers and booleans
    may be written as YAML numbers and booleans; they compare as ``2`` and
    ``true``.
``codes``
    The system and codes a coded field may take, wherever it appears.
``includes``
    Values the plan must hold somewhere, not everywhere: each entry names one
    path or several (their values are pooled), and asks that every value of
    ``all_of`` appears, that at least one value of ``any_of`` appears, or that
    at least ``distinct`` different values appear. A coded field is compared
    by its code, and only within ``system`` when one is given. So
    ``{path: goals[].domain, all_of: [academic, career]}`` asks for an
    academic goal and a career goal, and ``{path: team[].role, any_of:
    [mentor, advisor]}`` for a mentor or an advisor on the team.

Each shortfall is a :class:`ProfileIssue` with a stable code:
``profile-required``, ``profile-domain``, ``profile-value``,
``profile-coverage`` or ``profile-includes``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from successplan.errors import ProfileError

from ._codes import Domain, FindingKind
from ._plan import SuccessPlan
from ._registry import category_map

__all__ = [
    "CodeList",
    "Coverage",
    "Includes",
    "Profile",
    "ProfileIssue",
    "check_profile",
    "list_profiles",
    "load_profile",
]

_DOMAIN_FIELDS = ("findings[].domain", "goals[].domain", "services[].domain")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeList(_Strict):
    """Codes a coded field may take: a system and the codes allowed in it."""

    system: str = Field(min_length=1)
    codes: list[str] = Field(min_length=1)


class Coverage(_Strict):
    """Every listed domain must hold at least one finding of each listed kind."""

    kinds: list[FindingKind] = Field(min_length=1)
    domains: list[Domain] = Field(min_length=1)


class Includes(_Strict):
    """Values the plan must hold somewhere along one or more paths."""

    path: list[str] = Field(min_length=1)
    all_of: list[str] = Field(default_factory=list)
    any_of: list[str] = Field(default_factory=list)
    distinct: int | None = Field(None, ge=1)
    system: str | None = Field(None, min_length=1)

    @field_validator("path", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("path")
    @classmethod
    def _known_paths(cls, paths: list[str]) -> list[str]:
        for path in paths:
            _check_path(path)
        return paths

    @field_validator("all_of", "any_of", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return [_text(item) for item in value] if isinstance(value, list) else value

    @model_validator(mode="after")
    def _asks_something(self) -> Includes:
        if not self.all_of and not self.any_of and self.distinct is None:
            msg = "an `includes` rule needs `all_of`, `any_of` or `distinct`"
            raise ValueError(msg)
        return self


class Profile(_Strict):
    """A program's constraints on the canonical Success Plan."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    version: str
    description: str
    reference: str | None = None
    required: list[str] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)
    coverage: list[Coverage] = Field(default_factory=list)
    values: dict[str, list[str]] = Field(default_factory=dict)
    codes: dict[str, CodeList] = Field(default_factory=dict)
    includes: list[Includes] = Field(default_factory=list)

    @field_validator("values", mode="before")
    @classmethod
    def _values_as_text(cls, mapping: Any) -> Any:
        if not isinstance(mapping, dict):
            return mapping
        return {
            path: [_text(item) for item in choices]
            if isinstance(choices, list)
            else choices
            for path, choices in mapping.items()
        }

    @field_validator("required")
    @classmethod
    def _known_required(cls, paths: list[str]) -> list[str]:
        for path in paths:
            _check_path(path)
        return paths

    @field_validator("values", "codes")
    @classmethod
    def _known_keys(cls, mapping: dict[str, Any]) -> dict[str, Any]:
        for path in mapping:
            _check_path(path)
        return mapping


def _text(value: Any) -> Any:
    """Spell a scalar the way profiles compare it: ``true``, ``2``, ``draft``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _check_path(path: str) -> None:
    known = category_map(SuccessPlan)
    normalized = path.replace("[]", "")
    if path not in known and normalized not in {key.replace("[]", "") for key in known}:
        msg = f"`{path}` is not a field of SuccessPlan"
        raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class ProfileIssue:
    """One way a plan falls short of a profile."""

    code: Literal[
        "profile-required",
        "profile-domain",
        "profile-value",
        "profile-coverage",
        "profile-includes",
    ]
    path: str
    message: str


def _walk(node: Any, steps: list[str], where: str) -> Iterator[tuple[str, Any]]:
    """Yield ``(path, value)`` for each place a step path reaches.

    A missing field yields ``None``; an empty list reached with ``[]`` yields
    nothing, since there is no element to check.
    """
    if not steps:
        yield where, node
        return
    step, rest = steps[0], steps[1:]
    name = step.removesuffix("[]")
    value = node.get(name) if isinstance(node, dict) else None
    here = f"{where}.{name}" if where else name
    if step.endswith("[]"):
        for index, item in enumerate(value or []):
            yield from _walk(item, rest, f"{here}[{index}]")
    else:
        yield from _walk(value, rest, here)


def _reach(plan: dict[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    return _walk(plan, path.split("."), "")


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == "" or value == {}


def check_profile(
    plan: SuccessPlan | dict[str, Any], profile: Profile
) -> list[ProfileIssue]:
    """Check a plan against a profile.

    Args:
        plan: A validated plan, or its JSON form as a dict.
        profile: The profile to check against.

    Returns:
        Every issue found, in profile order; an empty list when the plan fits.
    """
    data = plan.model_dump(mode="json") if isinstance(plan, SuccessPlan) else plan
    issues: list[ProfileIssue] = []

    for path in profile.required:
        for where, value in _reach(data, path):
            if _empty(value):
                issues.append(
                    ProfileIssue(
                        "profile-required",
                        where,
                        f"profile `{profile.name}` requires `{path}`",
                    )
                )

    if profile.domains:
        allowed = {domain.value for domain in profile.domains}
        for path in _DOMAIN_FIELDS:
            for where, value in _reach(data, path):
                if value is not None and value not in allowed:
                    issues.append(
                        ProfileIssue(
                            "profile-domain",
                            where,
                            f"domain `{value}` is not used by profile "
                            f"`{profile.name}`; allowed: {', '.join(sorted(allowed))}",
                        )
                    )

    for path, choices in profile.values.items():
        for where, value in _reach(data, path):
            if value is not None and _text(value) not in choices:
                issues.append(
                    ProfileIssue(
                        "profile-value",
                        where,
                        f"`{value}` is not allowed by profile `{profile.name}`; "
                        f"allowed: {', '.join(choices)}",
                    )
                )

    for path, code_list in profile.codes.items():
        for where, value in _reach(data, path):
            if not isinstance(value, dict):
                continue
            if value.get("system") != code_list.system or (
                value.get("code") not in code_list.codes
            ):
                issues.append(
                    ProfileIssue(
                        "profile-value",
                        where,
                        f"code `{value.get('system')}|{value.get('code')}` is not "
                        f"in profile `{profile.name}`'s list `{code_list.system}`: "
                        f"{', '.join(code_list.codes)}",
                    )
                )

    findings = data.get("findings") or []
    for rule in profile.coverage:
        present = {(f.get("domain"), f.get("kind")) for f in findings}
        for domain in rule.domains:
            for kind in rule.kinds:
                if (domain.value, kind.value) not in present:
                    issues.append(
                        ProfileIssue(
                            "profile-coverage",
                            "findings",
                            f"profile `{profile.name}` needs a `{kind.value}` "
                            f"finding in domain `{domain.value}`",
                        )
                    )

    for wanted in profile.includes:
        issues += _check_includes(data, wanted, profile.name)
    return issues


def _found(data: dict[str, Any], rule: Includes) -> set[str]:
    """Collect the values a rule's paths reach, codes compared by code."""
    found: set[str] = set()
    for path in rule.path:
        for _, value in _reach(data, path):
            if isinstance(value, dict):
                if rule.system is not None and value.get("system") != rule.system:
                    continue
                value = value.get("code")
            if not _empty(value) and not isinstance(value, list | dict):
                found.add(str(_text(value)))
    return found


def _check_includes(
    data: dict[str, Any], rule: Includes, profile: str
) -> list[ProfileIssue]:
    found = _found(data, rule)
    where = rule.path[0].split("[]", 1)[0].split(".", 1)[0]
    paths = " or ".join(f"`{path}`" for path in rule.path)
    within = f" (codes of `{rule.system}`)" if rule.system else ""
    issues = [
        ProfileIssue(
            "profile-includes",
            where,
            f"profile `{profile}` needs `{wanted}` at {paths}{within}",
        )
        for wanted in rule.all_of
        if wanted not in found
    ]
    if rule.any_of and not found.intersection(rule.any_of):
        issues.append(
            ProfileIssue(
                "profile-includes",
                where,
                f"profile `{profile}` needs one of {', '.join(rule.any_of)} "
                f"at {paths}{within}",
            )
        )
    if rule.distinct is not None and len(found) < rule.distinct:
        issues.append(
            ProfileIssue(
                "profile-includes",
                where,
                f"profile `{profile}` needs at least {rule.distinct} different "
                f"values at {paths}{within}; the plan has {len(found)}",
            )
        )
    return issues


def _profiles_dir() -> Any:
    return resources.files("successplan.schemas").joinpath("profiles")


def list_profiles() -> list[str]:
    """Return the names of the shipped profiles, sorted."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _profiles_dir().iterdir()
        if entry.name.endswith(".yaml")
    )


@cache
def load_profile(name_or_path: str) -> Profile:
    """Load a shipped profile by name, or a profile file by path.

    Raises:
        ProfileError: No such profile, or the file is not a valid profile.
    """
    if name_or_path.endswith((".yaml", ".yml")):
        source = Path(name_or_path)
        if not source.is_file():
            msg = f"profile file `{name_or_path}` does not exist"
            raise ProfileError(msg, code="profile-not-found")
        text = source.read_text("utf-8")
        where = str(source)
    else:
        entry = _profiles_dir().joinpath(f"{name_or_path}.yaml")
        if not entry.is_file():
            msg = (
                f"no profile named `{name_or_path}`; shipped profiles: "
                f"{', '.join(list_profiles())}"
            )
            raise ProfileError(msg, code="profile-not-found")
        text = entry.read_text("utf-8")
        where = f"profile `{name_or_path}`"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        msg = f"{where} is not valid YAML: {exc}"
        raise ProfileError(msg) from exc
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
            for err in exc.errors()
        )
        msg = f"{where} is not a valid profile: {problems}"
        raise ProfileError(msg) from exc
