"""Observation: screening scores to indicator points, screening answers to findings."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from successplan.adapters._stream import stable_id
from successplan.mappings import LOINC
from successplan.schemas import (
    Coding,
    DataCategory,
    Domain,
    Evidence,
    Finding,
    FindingKind,
    Identifier,
    IndicatorPoint,
    Record,
)

from ._sensitivity import (
    GRAVITY,
    PHQ_TOTALS,
    SCREENING_CATEGORIES,
    screening_threshold,
    sensitivity_floor,
)
from ._values import ResourceContext, cc_codings, cc_text, fhir_date, to_coding

if TYPE_CHECKING:
    from ._convert import FhirConverter
    from ._mapping import MappingResult

__all__ = ["convert_observation"]

_SKIPPED_STATUS = frozenset({"entered-in-error", "cancelled", "registered"})
#: Interpretation codes that make a screening answer a need.
_POSITIVE = frozenset({"POS", "A", "AA", "H", "HH", "HU"})


def convert_observation(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Turn screening scores into indicator points and answers into findings.

    An Observation is a screening when a crosswalk rule names its code (the
    ``fhir-loinc-screening`` instruments), when it is a PHQ total, or when its
    category says so (survey, SDOH, social history); vitals, labs and other
    measurements are skipped and counted. The record keeps the instrument's
    own code, with the trace of the rule that classified it.
    """
    if res.get("status") in _SKIPPED_STATUS:
        conv.summary.skipped[f"Observation ({res.get('status')})"] += 1
        return []
    codings = list(cc_codings(res.get("code")))
    result = conv.lookup(codings)
    named = result if result is not None and result.matched else None
    loinc = [c["code"] for c in codings if c["system"] == LOINC]
    phq = any(c in PHQ_TOTALS for c in loinc)
    if named is None and not phq:
        categories = {c["code"] for c in cc_codings(res.get("category"))}
        if not categories & SCREENING_CATEGORIES:
            conv.summary.skipped["Observation (not a screening)"] += 1
            return []
    if not codings:
        raise ctx.error(
            field="code", problem="has no coding", code="fhir-missing-element"
        )

    subject = conv.subject(res, ctx, "subject")
    period = res.get("effectivePeriod")
    when = fhir_date(
        res.get("effectiveDateTime")
        or (period.get("start") if isinstance(period, dict) else None)
        or res.get("issued"),
        ctx,
        "effective[x]",
    )
    code = _instrument_code(codings, result)
    sdoh = [c for c in cc_codings(res.get("category")) if c["system"] == GRAVITY]
    context = conv.lookup(sdoh) if sdoh else None
    domain = (
        (named.domain if named else None)
        or (context.domain if context else None)
        or (Domain.BEHAVIORAL_HEALTH if phq else Domain.HEALTH)
    )
    category = sensitivity_floor(
        (named.category if named else None) or (context.category if context else None),
        codings,
        res,
    )

    quantity = res.get("valueQuantity")
    value = (
        quantity.get("value") if isinstance(quantity, dict) else res.get("valueInteger")
    )
    if isinstance(value, int | float) and not isinstance(value, bool):
        if when is None:
            raise ctx.error(
                field="effective[x]",
                problem="is missing; a score needs a date",
                code="fhir-missing-element",
            )
        unit = quantity.get("unit") if isinstance(quantity, dict) else None
        conv.series.add_point(
            subject,
            code,
            domain,
            category,
            unit,
            IndicatorPoint(as_of=when, value=float(value)),
        )
        threshold = screening_threshold(named, loinc)
        if threshold is None or value < threshold:
            return []
        text = (
            f"{cc_text(res.get('code'))}: score {value:g} (at or above {threshold:g})"
        )
        need = (named.kind if named else None) or FindingKind.NEED
        return [
            _finding(conv, ctx, key, subject, code, domain, category, need, text, when)
        ]

    answers = list(cc_codings(res.get("valueCodeableConcept")))
    answer = conv.lookup(answers) if answers else None
    interpretation = {c["code"] for c in cc_codings(res.get("interpretation"))}
    kind = (answer.kind if answer is not None else None) or (
        FindingKind.NEED if interpretation & _POSITIVE else None
    )
    if kind is None:
        conv.summary.skipped["Observation (no finding)"] += 1
        return []
    answer_text = cc_text(res.get("valueCodeableConcept")) or ""
    text = f"{cc_text(res.get('code'))}: {answer_text}".rstrip(": ")
    if answer is not None and answer.domain:
        domain = answer.domain
    return [_finding(conv, ctx, key, subject, code, domain, category, kind, text, when)]


def _instrument_code(
    codings: list[dict[str, Any]], result: MappingResult | None
) -> Coding:
    """Return the instrument's code: the coding the rule read, with its trace.

    Screening crosswalks classify an instrument (domain, category, whether it
    yields a finding or an indicator) rather than translate it, so the source
    code stays the record's code.
    """
    if result is None:
        return to_coding(codings[0])
    trace = result.trace
    for coding in codings:
        if coding["system"] == trace.source_system and coding["code"] == (
            trace.source_code
        ):
            return Coding(
                system=trace.source_system,
                code=trace.source_code,
                display=coding.get("display"),
                mapped_from=trace,
            )
    return result.coding


def _finding(
    conv: FhirConverter,
    ctx: ResourceContext,
    key: str,
    subject: Identifier,
    code: Coding,
    domain: Domain,
    category: DataCategory,
    kind: FindingKind,
    text: str,
    when: date | None,
) -> Finding:
    return Finding(
        id=stable_id("Finding", conv.source, key),
        provenance=conv.provenance(key, ctx.location),
        subject=subject,
        kind=kind,
        domain=domain,
        category=category,
        code=code,
        description=text,
        identified_on=when,
        method="screening",
        evidence=[Evidence(system=conv.source, record=key)],
    )
