"""Turning crosswalk files into :class:`Crosswalk` objects, overlays included.

Every check that fails here names the file and line to fix: an unknown code
set, an outcome outside its target, a rule that names a code twice, an
overlay that changes what it may not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

import successplan.schemas as canonical
from successplan.errors import MappingError

from ._crosswalk import Crosswalk, Layer, Rule, normalize_code
from ._spec import CrosswalkSpec, NormalizeStep, RuleSpec, TargetSpec
from ._translation import Target
from ._yaml import line_of, load_yaml

__all__ = ["Document", "code_sets", "compile_crosswalk", "parse_document"]


@cache
def code_sets() -> dict[str, type[StrEnum]]:
    """Return the canonical code sets a target may name, by class name."""
    return {
        name: value
        for name, value in vars(canonical).items()
        if isinstance(value, type) and issubclass(value, StrEnum)
    }


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed crosswalk file, with what is needed to point at its lines."""

    spec: CrosswalkSpec
    source: str
    raw: Any

    def at(self, *loc: int | str) -> str:
        """Name the file and, where known, the line of a location in it."""
        line = line_of(self.raw, loc)
        return f"{self.source} line {line}" if line else self.source

    def fail(
        self, message: str, *loc: int | str, code: str = "mapping-invalid"
    ) -> MappingError:
        """Build the error for a problem at a location of this file."""
        return MappingError(f"{self.at(*loc)}: {message}", code=code)


def parse_document(text: str, source: str) -> Document:
    """Parse and shape-check one crosswalk file.

    Args:
        text: The file's YAML text.
        source: How to name the file in messages.

    Raises:
        MappingError: The YAML or its shape is wrong; the message names the
            line of each problem.
    """
    raw = load_yaml(text, source)
    if not isinstance(raw, dict):
        msg = f"{source}: a crosswalk file is a YAML mapping with `crosswalk:` first"
        raise MappingError(msg, code="mapping-invalid")
    try:
        spec = CrosswalkSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = line_of(raw, loc)
            where = f"line {line}" if line else "top level"
            path = ".".join(str(step) for step in loc) or "(file)"
            problems.append(f"{where} `{path}`: {error['msg']}")
        msg = f"{source} is not a valid crosswalk: " + "; ".join(problems)
        raise MappingError(msg, code="mapping-invalid") from exc
    return Document(spec=spec, source=source, raw=raw)


def _target(doc: Document, name: str, spec: TargetSpec, *loc: int | str) -> Target:
    if spec.enum is not None:
        sets = code_sets()
        if spec.enum not in sets:
            known = ", ".join(sorted(sets))
            msg = f"`{spec.enum}` is not a canonical code set; known: {known}"
            raise doc.fail(msg, *loc, "enum")
        return Target(name=name, enum=sets[spec.enum], required=spec.required)
    return Target(
        name=name,
        system=spec.system,
        codes=dict(spec.codes) if spec.codes is not None else None,
        values=frozenset(spec.values) if spec.values is not None else None,
        required=spec.required,
    )


def _targets(doc: Document) -> dict[str, Target]:
    spec = doc.spec
    if spec.target is not None:
        return {"value": _target(doc, "value", spec.target, "target")}
    assert spec.targets is not None  # noqa: S101 - the spec validator guarantees it
    return {
        name: _target(doc, name, t, "targets", name) for name, t in spec.targets.items()
    }


def _outcome(
    doc: Document,
    targets: Mapping[str, Target],
    given: str | Mapping[str, str],
    *loc: int | str,
) -> dict[str, str]:
    if isinstance(given, str):
        if len(targets) != 1:
            msg = f"give one value per target as a mapping: {', '.join(targets)}"
            raise doc.fail(msg, *loc)
        values = {next(iter(targets)): given}
    else:
        values = dict(given)
    for name, value in values.items():
        target = targets.get(name)
        if target is None:
            msg = f"`{name}` is not a target; targets: {', '.join(targets)}"
            raise doc.fail(msg, *loc)
        problem = target.problem(value)
        if problem is not None:
            raise doc.fail(problem, *loc)
    missing = [t.name for t in targets.values() if t.required and t.name not in values]
    if missing:
        msg = f"no value for required target(s) {', '.join(missing)}"
        raise doc.fail(msg, *loc)
    return values


def _rule(
    doc: Document,
    index: int,
    spec: RuleSpec,
    targets: Mapping[str, Target],
    normalize: Sequence[NormalizeStep],
    systems: Sequence[str],
    layer: Layer,
) -> Rule:
    loc: tuple[int | str, ...] = ("rules", index)
    system = None
    if spec.system is not None:
        if spec.system.casefold() not in {s.casefold() for s in systems}:
            msg = (
                f"rule system `{spec.system}` is not in `systems`: {', '.join(systems)}"
            )
            raise doc.fail(msg, *loc, "system")
        system = spec.system.strip().casefold()
    values = {} if spec.ignore else _outcome(doc, targets, spec.to or {}, *loc, "to")
    regex = None
    spans: tuple[tuple[str, str], ...] = ()
    if spec.code is not None or spec.codes is not None:
        raw = [spec.code] if spec.code is not None else list(spec.codes or [])
        keys = tuple(normalize_code(c, normalize) for c in raw)
        kind, rule_id = "code", spec.id or f"code:{raw[0]}"
    elif spec.prefix is not None or spec.prefixes is not None:
        raw = [spec.prefix] if spec.prefix is not None else list(spec.prefixes or [])
        keys = tuple(normalize_code(p, normalize) for p in raw)
        kind, rule_id = "prefix", spec.id or f"prefix:{raw[0]}"
    elif spec.range is not None or spec.ranges is not None:
        pairs = [spec.range] if spec.range is not None else list(spec.ranges or [])
        field = "range" if spec.range is not None else "ranges"
        spans = tuple(
            _span(doc, pair, normalize, *loc, field, i) for i, pair in enumerate(pairs)
        )
        raw = [f"{lo}-{hi}" for lo, hi in pairs]
        keys = tuple(f"{lo}..{hi}" for lo, hi in spans)
        kind, rule_id = "range", spec.id or f"range:{raw[0]}"
    else:
        assert spec.pattern is not None  # noqa: S101 - the spec validator guarantees it
        try:
            flags = re.IGNORECASE if "casefold" in normalize else 0
            regex = re.compile(spec.pattern, flags)
        except re.error as exc:
            msg = f"`{spec.pattern}` is not a regular expression: {exc}"
            raise doc.fail(msg, *loc) from exc
        raw = [spec.pattern]
        keys = (spec.pattern,)
        kind, rule_id = "pattern", spec.id or f"pattern:{spec.pattern}"
    return Rule(
        id=rule_id,
        kind=kind,  # type: ignore[arg-type]
        keys=keys,
        system=system,
        values=MappingProxyType(values),
        ignore=spec.ignore,
        layer=layer,
        line=line_of(doc.raw, loc),
        display=spec.display,
        regex=regex,
        written=tuple(raw),
        spans=spans,
    )


def _span(
    doc: Document,
    pair: tuple[str, str],
    normalize: Sequence[NormalizeStep],
    *loc: int | str,
) -> tuple[str, str]:
    low, high = (normalize_code(bound, normalize) for bound in pair)
    if not low or not high:
        msg = f"range `{pair[0]}`-`{pair[1]}` has an empty bound"
        raise doc.fail(msg, *loc)
    if len(low) != len(high):
        msg = (
            f"range `{pair[0]}`-`{pair[1]}`: both bounds need the same length "
            "(a range compares that many leading characters of a code)"
        )
        raise doc.fail(msg, *loc)
    if low > high:
        msg = (
            f"range `{pair[0]}`-`{pair[1]}` is inverted: its start comes after "
            f"its end; write `[{pair[1]}, {pair[0]}]`"
        )
        raise doc.fail(msg, *loc, code="mapping-inverted-range")
    return low, high


def _slots(rule: Rule) -> list[tuple[str, str | None, str]]:
    return [(rule.kind, rule.system, key) for key in rule.keys]


def _merge(doc: Document, rules: list[Rule], layer_rules: list[Rule]) -> list[Rule]:
    """Lay a file's rules over earlier ones; a file may not name a code twice."""
    seen: dict[tuple[str, str | None, str], Rule] = {}
    for rule in layer_rules:
        for slot in _slots(rule):
            if slot in seen:
                first = seen[slot]
                msg = (
                    f"{doc.source} line {rule.line}: rules `{first.id}` (line "
                    f"{first.line}) and `{rule.id}` both match {slot[0]} "
                    f"`{slot[2]}`; keep one"
                )
                raise MappingError(msg, code="mapping-duplicate-rule")
            seen[slot] = rule
    kept: list[Rule] = []
    overrides: dict[int, str] = {}
    for rule in rules:
        shadowed = [s for s in _slots(rule) if s in seen]
        for slot in shadowed:
            winner = seen[slot]
            if winner.layer != rule.layer:
                overrides.setdefault(
                    id(winner), f"{rule.layer.name}@{rule.layer.version} {rule.id}"
                )
        if not shadowed:
            kept.append(rule)
        elif len(shadowed) < len(rule.keys):
            remaining = tuple(
                k for k in rule.keys if (rule.kind, rule.system, k) not in seen
            )
            kept.append(_replace_keys(rule, remaining))
    added = [
        replace(r, overrides=overrides[id(r)]) if id(r) in overrides else r
        for r in layer_rules
    ]
    return kept + added


def _replace_keys(rule: Rule, keys: tuple[str, ...]) -> Rule:
    pairs = list(zip(rule.keys, rule.written, strict=True))
    written = tuple(w for k, w in pairs if k in keys)
    spans = tuple(s for s, k in zip(rule.spans, rule.keys, strict=False) if k in keys)
    return replace(rule, keys=keys, written=written, spans=spans)


def _remove(
    doc: Document,
    rules: list[Rule],
    names: list[str],
    normalize: Sequence[NormalizeStep],
) -> list[Rule]:
    kept = list(rules)
    for index, name in enumerate(names):
        key = normalize_code(name, normalize)
        hit = [r for r in kept if r.id == name or (r.kind == "code" and key in r.keys)]
        if not hit:
            msg = f"`remove` names `{name}`, which no base rule has as id or code"
            raise doc.fail(msg, "remove", index)
        for rule in hit:
            kept.remove(rule)
            if rule.id != name and len(rule.keys) > 1:
                kept.append(
                    _replace_keys(rule, tuple(k for k in rule.keys if k != key))
                )
    return kept


def compile_crosswalk(base: Document, overlays: Sequence[Document] = ()) -> Crosswalk:
    """Compile a crosswalk file, with overlays laid over it in order.

    Raises:
        MappingError: A check failed; the message names the file and line.
    """
    spec = base.spec
    layer = Layer(spec.crosswalk, spec.version, base.source)
    targets = _targets(base)
    systems = list(spec.systems)
    normalize = list(spec.normalize)
    rules = _merge(
        base,
        [],
        [
            _rule(base, i, r, targets, normalize, systems, layer)
            for i, r in enumerate(spec.rules)
        ],
    )
    policy, default, policy_layer = spec.on_unmapped, spec.default, layer
    layers = [layer]
    for doc in overlays:
        over = doc.spec
        if "normalize" in over.model_fields_set and list(over.normalize) != normalize:
            msg = f"an overlay keeps the base's `normalize` ({', '.join(normalize)})"
            raise doc.fail(msg, "normalize")
        over_layer = Layer(over.crosswalk, over.version, doc.source)
        layers.append(over_layer)
        systems += [
            s
            for s in over.systems
            if s.casefold() not in {x.casefold() for x in systems}
        ]
        rules = _remove(doc, rules, list(over.remove), normalize)
        added = [
            _rule(doc, i, r, targets, normalize, systems, over_layer)
            for i, r in enumerate(over.rules)
        ]
        rules = _merge(doc, rules, added)
        if "on_unmapped" in over.model_fields_set or over.default is not None:
            policy = (
                over.on_unmapped if "on_unmapped" in over.model_fields_set else policy
            )
            default = over.default if over.default is not None else default
            policy_layer = over_layer
    checked_default = None
    if default is not None:
        source = policy_layer.source
        doc = (
            base
            if source == base.source
            else next(d for d in overlays if d.source == source)
        )
        checked_default = _outcome(doc, targets, default, "default")
    if policy == "default" and checked_default is None:
        msg = "`on_unmapped: default` needs a `default` outcome"
        raise base.fail(msg, "on_unmapped")
    if policy == "passthrough":
        only = list(targets.values())
        if len(only) != 1 or only[0].system is None or only[0].codes is not None:
            msg = (
                "`on_unmapped: passthrough` needs one open `system` target (no `codes`)"
            )
            raise base.fail(msg, "on_unmapped")
    return Crosswalk(
        name=spec.crosswalk,
        title=spec.title,
        description=spec.description,
        systems=systems,
        source=(spec.source.standard, spec.source.version) if spec.source else None,
        normalize=normalize,
        targets=targets,
        rules=rules,
        on_unmapped=policy,
        default=checked_default,
        layers=layers,
        policy_layer=policy_layer,
        deprecated=spec.deprecated,
    )
