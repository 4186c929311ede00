"""Condition, AllergyIntolerance, Immunization, Observation: findings, indicators."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from successplan.adapters._stream import stable_id
from successplan.errors import ConversionError
from successplan.schemas import (
    Coding,
    DataCategory,
    Domain,
    Evidence,
    Finding,
    FindingKind,
    FindingStatus,
    Identifier,
    IndicatorPoint,
    IndicatorSeries,
    Record,
    SubIndicator,
)

from ._read import RawResource
from ._values import (
    SP_SYSTEM,
    ResourceContext,
    as_list,
    cc_codings,
    cc_text,
    fhir_date,
    to_coding,
)

if TYPE_CHECKING:
    from ._convert import FhirConverter

__all__ = [
    "Series",
    "convert_allergy",
    "convert_condition",
    "convert_immunization",
    "convert_observation",
    "sensitivity_floor",
]

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
CVX = "http://hl7.org/fhir/sid/cvx"
GRAVITY = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INDICATOR = f"{SP_SYSTEM}/CodeSystem/indicator"

#: Order of sensitivity: a floor only ever moves a category up this list.
_RANK = [
    DataCategory.HEALTH,
    DataCategory.HEALTH_SENSITIVE,
    DataCategory.HEALTH_MENTAL,
    DataCategory.HEALTH_SUD,
]
_SUD_LABELS = {"ETH", "SUD", "42CFRPart2", "NORDSCLCD"}
_MENTAL_LABELS = {"PSY", "MH", "BH"}
#: Depression screening totals (PHQ-9, PHQ-A, PHQ-2): always mental-health data.
PHQ_TOTALS = {"44261-6": 10.0, "89204-2": 10.0, "55758-7": 3.0}
_SCREENING_CATEGORIES = {"survey", "sdoh", "social-history"}
_CLINICAL_STATUS = {
    "active": FindingStatus.ACTIVE,
    "recurrence": FindingStatus.ACTIVE,
    "relapse": FindingStatus.ACTIVE,
    "inactive": FindingStatus.INACTIVE,
    "remission": FindingStatus.RESOLVED,
    "resolved": FindingStatus.RESOLVED,
}
_POSITIVE = {"POS", "A", "AA", "H", "HH", "HU"}


def sensitivity_floor(
    category: DataCategory | None,
    codings: Iterable[Mapping[str, Any]],
    res: Mapping[str, Any],
) -> DataCategory:
    """Raise a health record's category to what its codes and labels demand.

    ICD-10-CM F10-F19 and the labels ETH/SUD/42CFRPart2 make it ``health.sud``;
    other ICD-10-CM F codes, PHQ totals and the labels PSY/MH make it
    ``health.mental``. The floor never lowers a category.
    """
    found = category or DataCategory.HEALTH
    labels = {
        str(s.get("code"))
        for s in as_list((res.get("meta") or {}).get("security"))
        if isinstance(s, dict)
    }
    floor = None
    for coding in codings:
        code = str(coding["code"]).upper()
        if coding["system"] == ICD10CM and code.startswith("F"):
            sud = code[1:3].isdigit() and 10 <= int(code[1:3]) <= 19
            floor = (
                DataCategory.HEALTH_SUD
                if sud
                else max(
                    floor or DataCategory.HEALTH_MENTAL,
                    DataCategory.HEALTH_MENTAL,
                    key=_RANK.index,
                )
            )
        elif coding["system"] == LOINC and code in PHQ_TOTALS:
            floor = floor or DataCategory.HEALTH_MENTAL
    if labels & _SUD_LABELS:
        floor = DataCategory.HEALTH_SUD
    elif labels & _MENTAL_LABELS and floor is None:
        floor = DataCategory.HEALTH_MENTAL
    if floor is None:
        return found
    if found not in _RANK or _RANK.index(floor) > _RANK.index(found):
        return floor
    return found


def _finding_parts(
    conv: FhirConverter,
    codings: list[dict[str, Any]],
    extra: list[dict[str, Any]],
    fallback: Domain,
) -> tuple[Coding | None, Domain, DataCategory | None, FindingKind | None]:
    result = conv.lookup(codings)
    context = conv.lookup(extra) if extra else None
    code = (
        result.coding
        if result is not None
        else (to_coding(codings[0]) if codings else None)
    )
    domain = (
        (result.domain if result else None)
        or (context.domain if context else None)
        or fallback
    )
    category = (result.category if result else None) or (
        context.category if context else None
    )
    kind = (result.kind if result else None) or (context.kind if context else None)
    return code, domain, category, kind


def convert_condition(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Convert a Condition to a need, its domain and category from its codes."""
    verification = {c["code"] for c in cc_codings(res.get("verificationStatus"))}
    if "refuted" in verification:
        conv.summary.skipped["Condition (refuted)"] += 1
        return []
    clinical = next(
        iter(c["code"] for c in cc_codings(res.get("clinicalStatus"))), "active"
    )
    status = (
        FindingStatus.ENTERED_IN_ERROR
        if "entered-in-error" in verification
        else _CLINICAL_STATUS.get(clinical)
    )
    if status is None:
        raise ctx.error(
            field="clinicalStatus",
            problem=f"is `{clinical}`, not an R4 clinical status",
            code="fhir-bad-code",
        )

    codings = list(cc_codings(res.get("code")))
    sdoh = [c for c in cc_codings(res.get("category")) if c["system"] == GRAVITY]
    code, domain, category, kind = _finding_parts(conv, codings, sdoh, Domain.HEALTH)
    description = cc_text(res.get("code"))
    if code is None and not description:
        raise ctx.error(
            field="code",
            problem="is missing, so the need says nothing",
            code="fhir-missing-element",
        )
    onset = res.get("onsetDateTime") or (res.get("onsetPeriod") or {}).get("start")
    evidence = [
        Evidence(system=conv.source, record=target)
        for e in as_list(res.get("evidence"))
        if isinstance(e, dict)
        for i, d in enumerate(as_list(e.get("detail")))
        if (target := conv.resolve(d, ctx, f"evidence.detail[{i}]"))
    ]
    return [
        Finding(
            id=stable_id("Finding", conv.source, key),
            provenance=conv.provenance(key, ctx.location),
            subject=conv.subject(res, ctx, "subject", "patient"),
            kind=kind or FindingKind.NEED,
            domain=domain,
            category=sensitivity_floor(category, codings, res),
            code=code,
            description=description,
            status=status,
            identified_on=fhir_date(
                res.get("recordedDate") or onset,
                ctx,
                "recordedDate" if res.get("recordedDate") else "onset[x]",
            ),
            method="screening" if sdoh else "record",
            evidence=evidence,
        )
    ]


def convert_allergy(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Convert an AllergyIntolerance to a health need a school nurse must know."""
    verification = {c["code"] for c in cc_codings(res.get("verificationStatus"))}
    if "refuted" in verification:
        conv.summary.skipped["AllergyIntolerance (refuted)"] += 1
        return []
    clinical = next(
        iter(c["code"] for c in cc_codings(res.get("clinicalStatus"))), "active"
    )
    status = (
        FindingStatus.ENTERED_IN_ERROR
        if "entered-in-error" in verification
        else _CLINICAL_STATUS.get(clinical)
    )
    if status is None:
        raise ctx.error(
            field="clinicalStatus",
            problem=f"is `{clinical}`, not an allergy clinical status",
            code="fhir-bad-code",
        )
    codings = list(cc_codings(res.get("code")))
    code, domain, category, kind = _finding_parts(conv, codings, [], Domain.HEALTH)
    what = cc_text(res.get("code")) or "unspecified substance"
    kind_text = "Intolerance" if res.get("type") == "intolerance" else "Allergy"
    return [
        Finding(
            id=stable_id("Finding", conv.source, key),
            provenance=conv.provenance(key, ctx.location),
            subject=conv.subject(res, ctx, "patient"),
            kind=kind or FindingKind.NEED,
            domain=domain,
            category=sensitivity_floor(category, codings, res),
            code=code,
            description=f"{kind_text}: {what}",
            status=status,
            priority="high" if res.get("criticality") == "high" else None,
            identified_on=fhir_date(
                res.get("recordedDate") or res.get("onsetDateTime"), ctx, "recordedDate"
            ),
            method="record",
        )
    ]


def convert_immunization(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Count a dose into the immunization indicator; a dose not given is a need."""
    status = res.get("status")
    if status == "entered-in-error":
        conv.summary.skipped["Immunization (entered-in-error)"] += 1
        return []
    if status not in ("completed", "not-done"):
        raise ctx.error(
            field="status",
            problem=f"is `{status}`, expected completed, not-done or entered-in-error",
            code="fhir-bad-code",
        )
    codings = list(cc_codings(res.get("vaccineCode")))
    if not codings:
        raise ctx.error(
            field="vaccineCode", problem="has no coding", code="fhir-missing-element"
        )
    subject = conv.subject(res, ctx, "patient")
    when = fhir_date(res.get("occurrenceDateTime"), ctx, "occurrenceDateTime")
    result = conv.lookup(codings)
    vaccine = result.coding if result is not None else to_coding(codings[0])
    if status == "not-done":
        reason = cc_text(res.get("statusReason"))
        return [
            Finding(
                id=stable_id("Finding", conv.source, key),
                provenance=conv.provenance(key, ctx.location),
                subject=subject,
                kind=FindingKind.NEED,
                domain=Domain.HEALTH,
                category=DataCategory.HEALTH,
                code=vaccine,
                description=f"Vaccine not given: {cc_text(res.get('vaccineCode'))}"
                + (f" ({reason})" if reason else ""),
                identified_on=when,
                method="record",
            )
        ]
    if when is None:
        raise ctx.error(
            field="occurrence[x]",
            problem="has no date; a dose needs one to count",
            code="fhir-missing-element",
        )
    conv.series.add_dose(subject, vaccine, when)
    return []


def convert_observation(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Turn screening scores into indicator points and answers into findings."""
    if res.get("status") in ("entered-in-error", "cancelled", "registered"):
        conv.summary.skipped[f"Observation ({res.get('status')})"] += 1
        return []
    codings = list(cc_codings(res.get("code")))
    categories = {c["code"] for c in cc_codings(res.get("category"))}
    result = conv.lookup(codings)
    loinc = {c["code"] for c in codings if c["system"] == LOINC}
    screening = bool(categories & _SCREENING_CATEGORIES) or bool(
        loinc & set(PHQ_TOTALS)
    )
    if result is None and not screening:
        conv.summary.skipped["Observation (not a screening)"] += 1
        return []
    if not codings:
        raise ctx.error(
            field="code", problem="has no coding", code="fhir-missing-element"
        )

    subject = conv.subject(res, ctx, "subject")
    when = fhir_date(
        res.get("effectiveDateTime")
        or (res.get("effectivePeriod") or {}).get("start")
        or res.get("issued"),
        ctx,
        "effective[x]",
    )
    code = result.coding if result is not None else to_coding(codings[0])
    sdoh = [c for c in cc_codings(res.get("category")) if c["system"] == GRAVITY]
    context = conv.lookup(sdoh) if sdoh else None
    mental = bool(loinc & set(PHQ_TOTALS))
    domain = (
        (result.domain if result else None)
        or (context.domain if context else None)
        or (Domain.BEHAVIORAL_HEALTH if mental else Domain.HEALTH)
    )
    category = sensitivity_floor(
        (result.category if result else None)
        or (context.category if context else None),
        codings,
        res,
    )

    value = (
        res.get("valueQuantity", {}).get("value")
        if isinstance(res.get("valueQuantity"), dict)
        else res.get("valueInteger")
    )
    records: list[Record] = []
    if isinstance(value, int | float) and not isinstance(value, bool):
        if when is None:
            raise ctx.error(
                field="effective[x]",
                problem="is missing; a score needs a date",
                code="fhir-missing-element",
            )
        unit = (
            res["valueQuantity"].get("unit")
            if isinstance(res.get("valueQuantity"), dict)
            else None
        )
        conv.series.add_point(
            subject,
            code,
            domain,
            category,
            unit,
            IndicatorPoint(as_of=when, value=float(value)),
        )
        threshold = next((PHQ_TOTALS[c] for c in loinc if c in PHQ_TOTALS), None)
        if threshold is not None and value >= threshold:
            records.append(
                _finding(
                    conv,
                    res,
                    ctx,
                    key,
                    subject,
                    code,
                    domain,
                    category,
                    FindingKind.NEED,
                    f"{cc_text(res.get('code'))}: score {value:g} "
                    f"(at or above {threshold:g})",
                    when,
                )
            )
        return records

    answers = list(cc_codings(res.get("valueCodeableConcept")))
    answer = conv.lookup(answers) if answers else None
    interpretation = {c["code"] for c in cc_codings(res.get("interpretation"))}
    kind = (
        answer.kind
        if answer is not None
        else (FindingKind.NEED if interpretation & _POSITIVE else None)
    )
    if kind is None:
        conv.summary.skipped["Observation (no finding)"] += 1
        return []
    answer_text = cc_text(res.get("valueCodeableConcept")) or ""
    text = f"{cc_text(res.get('code'))}: {answer_text}".rstrip(": ")
    return [
        _finding(
            conv,
            res,
            ctx,
            key,
            subject,
            code,
            (answer.domain if answer and answer.domain else domain),
            category,
            kind,
            text,
            when,
        )
    ]


def _finding(
    conv: FhirConverter,
    res: Mapping[str, Any],
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


class Series:
    """Collects indicator points across resources and emits one series each."""

    def __init__(self, conv: FhirConverter) -> None:
        self.conv = conv
        self._doses: dict[
            tuple[str, str], dict[tuple[str, str], tuple[Coding, list[date]]]
        ] = defaultdict(dict)
        self._points: dict[
            tuple[str, str, str, str],
            tuple[Coding, Domain, DataCategory, str | None, list[IndicatorPoint]],
        ] = {}

    def add_dose(self, subject: Identifier, vaccine: Coding, when: date) -> None:
        """Count one completed dose of ``vaccine`` for ``subject``."""
        per_vaccine = self._doses[(subject.system, subject.value)]
        entry = per_vaccine.setdefault((vaccine.system, vaccine.code), (vaccine, []))
        entry[1].append(when)

    def add_point(
        self,
        subject: Identifier,
        code: Coding,
        domain: Domain,
        category: DataCategory,
        unit: str | None,
        point: IndicatorPoint,
    ) -> None:
        """Add one value to the series of ``code`` for ``subject``."""
        key = (subject.system, subject.value, code.system, code.code)
        entry = self._points.setdefault(key, (code, domain, category, unit, []))
        entry[4].append(point)

    def finish(self) -> list[Record | tuple[RawResource, ConversionError]]:
        """Emit the immunization series and every screening-score series."""
        out: list[Record | tuple[RawResource, ConversionError]] = []
        source = self.conv.source
        for (system, value), vaccines in self._doses.items():
            subs = []
            latest = date.min
            total = 0
            for coding, dates in vaccines.values():
                dates.sort()
                latest = max(latest, dates[-1])
                total += len(dates)
                subs.append(
                    SubIndicator(
                        code=coding,
                        name=coding.display,
                        unit="doses",
                        points=[
                            IndicatorPoint(as_of=d, value=float(n))
                            for n, d in enumerate(dates, start=1)
                        ],
                    )
                )
            out.append(
                IndicatorSeries(
                    id=stable_id(
                        "IndicatorSeries", source, system, value, "immunizations"
                    ),
                    provenance=self.conv.provenance(
                        f"Patient/{value}/Immunization", "(joined)"
                    ),
                    subject=Identifier(system=system, value=value),
                    category=DataCategory.HEALTH,
                    code=Coding(
                        system=INDICATOR,
                        code="immunization-doses",
                        display="Immunization doses received",
                    ),
                    name="Immunizations",
                    domain=Domain.HEALTH,
                    unit="doses",
                    points=[IndicatorPoint(as_of=latest, value=float(total))],
                    sub_indicators=subs,
                )
            )
        for (system, value, csys, ccode), (
            code,
            domain,
            category,
            unit,
            points,
        ) in self._points.items():
            points.sort(key=lambda p: p.as_of)
            out.append(
                IndicatorSeries(
                    id=stable_id("IndicatorSeries", source, system, value, csys, ccode),
                    provenance=self.conv.provenance(
                        f"Patient/{value}/Observation", "(joined)"
                    ),
                    subject=Identifier(system=system, value=value),
                    category=category,
                    code=code,
                    name=code.display,
                    domain=domain,
                    unit=unit,
                    points=points,
                )
            )
        self._doses.clear()
        self._points.clear()
        return out
