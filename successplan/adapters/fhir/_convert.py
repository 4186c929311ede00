"""The FHIR converter: raw resources in, canonical records out.

The default path works on parsed JSON and routes each resource by
``resourceType``; ``strict`` adds a full structural check with the
fhir.resources R4B models first. Codes are translated through the mappings;
an unmapped code is kept as it came, and the mapper counts it.

Resources a plan does not use (claims, billing, encounters) are skipped and
counted; a resource that cannot be converted raises
:class:`~successplan.errors.ConversionError`, which :meth:`FhirConverter.run`
sends to the quarantine while the rest of the input is converted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from successplan.adapters._stream import (
    QuarantineEntry,
    QuarantineWriter,
    RecordWriter,
    RunSummary,
    stable_id,
)
from successplan.errors import ConfigurationError, ConversionError
from successplan.schemas import (
    Coding,
    DataCategory,
    Deletion,
    Domain,
    FindingKind,
    Identifier,
    Provenance,
    Record,
)

from ._consent import consent_from_fhir
from ._read import RawResource
from ._types import BILLING_TYPES, CONVERTED_TYPES, R4_TYPES, R5_ONLY_TYPES
from ._values import ResourceContext, as_list, reference_parts

__all__ = ["FhirConverter", "MapperLike"]

logger = logging.getLogger(__name__)

#: Canonical record type each converted FHIR type yields, for deletions.
_RECORD_OF = {
    "Patient": "Person",
    "Condition": "Finding",
    "AllergyIntolerance": "Finding",
    "Goal": "Goal",
    "ServiceRequest": "ServiceEngagement",
    "Consent": "Consent",
}

#: Elements that only R5 has, per type: their presence means an R5 resource.
_R5_MARKS: dict[str, tuple[str, ...]] = {
    "AllergyIntolerance": ("participant",),
    "CarePlan": ("custodian", "contributor"),
    "Condition": ("participant",),
    "Consent": ("decision", "grantor", "grantee", "regulatoryBasis", "subject"),
    "Encounter": ("virtualService", "careTeam"),
    "Immunization": ("reason", "basedOn", "administeredProduct"),
    "Observation": ("triggeredBy", "instantiatesCanonical"),
    "ServiceRequest": ("reason", "focus", "bodyStructure"),
    "Task": ("requestedPerformer", "reason", "performer"),
}


class MappingResult(Protocol):
    """What the converter reads of one mapping result."""

    @property
    def coding(self) -> Coding:
        """The canonical code, with its mapping trace."""
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


class MapperLike(Protocol):
    """What the converter needs of :class:`successplan.mappings.Mapper`."""

    def lookup(self, system: str, code: str) -> MappingResult | None:
        """Translate one source code, or return None when it is unmapped."""
        ...


Handler = Callable[
    ["FhirConverter", dict[str, Any], ResourceContext, str], list[Record]
]


class FhirConverter:
    """Converts FHIR R4/R4B resources to canonical records.

    Args:
        mapper: The code mapper; the shipped crosswalks when not given.
        patient_system: Identifier system for the ids of this source's
            Patients: records point at their person as ``(system, Patient id)``.
        source: Source system name written into provenance and ids.
        strict: Validate each converted resource with fhir.resources R4B first.
        r5_consents: Read Consents in the R5 shape (all else stays R4).
    """

    def __init__(
        self,
        mapper: MapperLike | None = None,
        *,
        patient_system: str = "urn:fhir/Patient",
        source: str = "fhir",
        strict: bool = False,
        r5_consents: bool = False,
    ) -> None:
        if mapper is None:
            mapper = _default_mapper()
        self.mapper = mapper
        self.patient_system = patient_system
        self.source = source
        self.strict = strict
        self.r5_consents = r5_consents
        self.summary = RunSummary()
        self.retrieved_at = datetime.now(UTC)
        self._urls: dict[str, str] = {}
        from ._convert_plan import Joiner

        self.joiner = Joiner(self)
        from ._convert_clinical import Series

        self.series = Series(self)

    # -- running ---------------------------------------------------------

    def index(self, raws: Iterable[RawResource]) -> None:
        """Learn ``fullUrl`` to ``Type/id`` of a Bundle's entries before converting.

        References of the form ``urn:uuid:...`` resolve through this index.
        """
        for raw in raws:
            res = raw.resource
            if raw.full_url and isinstance(res, dict) and res.get("resourceType"):
                rid = res.get("id")
                self._urls[raw.full_url] = (
                    f"{res['resourceType']}/{rid}" if rid else raw.full_url
                )

    def run(
        self,
        raws: Iterable[RawResource],
        writer: RecordWriter,
        quarantine: QuarantineWriter | None = None,
        *,
        finish: bool = True,
    ) -> RunSummary:
        """Convert every resource, writing records and quarantining failures.

        Args:
            raws: The resources (index a Bundle's entries first).
            writer: Where records go.
            quarantine: Where failures go; they are only counted when None.
            finish: Emit the records that join several resources at the end.
        """
        for raw in raws:
            try:
                records = self.convert(raw)
            except ConversionError as exc:
                self._quarantine(raw, exc, quarantine)
                continue
            for record in records:
                writer.write(record)
                self.summary.written[record.type] += 1  # type: ignore[attr-defined]
        if finish:
            self.finish(writer, quarantine)
        return self.summary

    def finish(self, writer: RecordWriter, quarantine: QuarantineWriter | None) -> None:
        """Emit records that join several resources: referrals and indicators."""
        for outcome in [*self.joiner.finish(), *self.series.finish()]:
            if isinstance(outcome, tuple):
                self._quarantine(outcome[0], outcome[1], quarantine)
                continue
            writer.write(outcome)
            self.summary.written[outcome.type] += 1  # type: ignore[attr-defined]

    def _quarantine(
        self,
        raw: RawResource,
        exc: ConversionError,
        quarantine: QuarantineWriter | None,
    ) -> None:
        kind = _type_of(raw.resource)
        self.summary.quarantined[kind] += 1
        logger.debug("quarantined %s: %s", raw.location, exc.code)
        if quarantine is not None:
            quarantine.write(
                QuarantineEntry(
                    location=raw.location,
                    reason=exc.code,
                    message=exc.message,
                    raw=raw.resource,
                    resource=kind,
                    field=exc.field,
                )
            )

    # -- one resource ----------------------------------------------------

    def convert(self, raw: RawResource) -> list[Record]:
        """Convert one resource; joined records come later from :meth:`finish`.

        Raises:
            ConversionError: The resource cannot be converted.
        """
        if raw.problem is not None:
            raise raw.problem
        if raw.deleted is not None:
            return self._deletion(raw)

        res = raw.resource
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            msg = f"{raw.location}: not a FHIR resource (no resourceType)"
            raise ConversionError(msg, code="fhir-not-resource", field="resourceType")
        kind = res["resourceType"]
        self.summary.read[kind] += 1
        ctx = ResourceContext(res, raw.location)

        if kind in R5_ONLY_TYPES:
            raise ctx.error(
                field="resourceType",
                problem="is an R5 resource type; this input is read as R4",
                code="fhir-version-mismatch",
            )
        if kind not in R4_TYPES:
            raise ctx.error(
                field="resourceType",
                problem=f"is `{kind}`, not a FHIR R4 resource type",
                code="fhir-unknown-type",
            )
        if kind not in CONVERTED_TYPES:
            self.summary.skipped["billing" if kind in BILLING_TYPES else kind] += 1
            return []
        if not (kind == "Consent" and self.r5_consents):
            self._check_release(res, ctx)
        if self.strict:
            _validate_strict(res, ctx)

        from ._handlers import HANDLERS

        records = HANDLERS[kind](self, res, ctx, self.key(res, raw))
        if records:
            self.summary.converted[kind] += 1
        return records

    def _check_release(self, res: Mapping[str, Any], ctx: ResourceContext) -> None:
        for mark in _R5_MARKS.get(ctx.type, ()):
            if mark in res:
                raise ctx.error(
                    mark,
                    "is an R5 element; this resource looks like R5, read as R4",
                    code="fhir-version-mismatch",
                )
        if ctx.type == "Encounter" and isinstance(res.get("class"), list):
            raise ctx.error(
                field="class",
                problem="is a list (R5); R4 has one Coding",
                code="fhir-version-mismatch",
            )

    def _deletion(self, raw: RawResource) -> list[Record]:
        target = str(raw.deleted)
        kind = target.split("/")[0]
        record_type = _RECORD_OF.get(kind)
        if record_type is None:
            self.summary.skipped[f"delete {kind}"] += 1
            return []
        return [
            Deletion(
                id=stable_id("Deletion", self.source, target),
                target_type=record_type,
                target_id=stable_id(record_type, self.source, target),
                provenance=self.provenance(target, raw.location),
            )
        ]

    # -- helpers for handlers --------------------------------------------

    def key(self, res: Mapping[str, Any], raw: RawResource) -> str:
        """Return the source key of a resource: ``Type/id``, else its fullUrl."""
        if res.get("id"):
            return f"{res['resourceType']}/{res['id']}"
        if raw.full_url:
            return raw.full_url
        msg = (
            f"{raw.location}: {res['resourceType']} has no id and no fullUrl, "
            "so no stable id can be derived"
        )
        raise ConversionError(msg, code="fhir-no-id", field=f"{res['resourceType']}.id")

    def resolve(self, reference: Any, ctx: ResourceContext, field: str) -> str | None:
        """Return ``Type/id`` of a reference, resolving ``urn:uuid`` in the Bundle.

        Raises:
            ConversionError: A ``urn:`` reference names no entry of the input
                (code ``fhir-reference-missing``).
        """
        if not isinstance(reference, dict) or not reference.get("reference"):
            return None
        text = str(reference["reference"])
        if text.startswith("urn:"):
            found = self._urls.get(text)
            if found is None:
                raise ctx.error(
                    field,
                    f"refers to `{text}`, which is not in this input",
                    code="fhir-reference-missing",
                )
            return found
        parts = reference_parts(reference)
        return f"{parts[0]}/{parts[1]}" if parts else None

    def subject(
        self, res: Mapping[str, Any], ctx: ResourceContext, *fields: str
    ) -> Identifier:
        """Return the Patient a resource is about, as a source-scoped identifier.

        Raises:
            ConversionError: No Patient is named (code ``fhir-no-subject``).
        """
        for name in fields:
            if name not in res:
                continue
            target = self.resolve(res[name], ctx, name)
            if target is not None and target.startswith("Patient/"):
                return Identifier(
                    system=self.patient_system, value=target.split("/", 1)[1]
                )
            raise ctx.error(name, "does not refer to a Patient", code="fhir-no-subject")
        raise ctx.error(
            fields[0],
            "is missing; every record must name its Patient",
            code="fhir-no-subject",
        )

    def record_id(self, record_type: str, target: str | None) -> str | None:
        """Return the canonical id the record converted from ``target`` gets."""
        return stable_id(record_type, self.source, target) if target else None

    def refs(
        self, values: Any, ctx: ResourceContext, field: str, kinds: Mapping[str, str]
    ) -> list[str]:
        """Turn references to ``kinds`` (FHIR type to record type) into record ids."""
        out: list[str] = []
        for i, value in enumerate(as_list(values)):
            target = self.resolve(value, ctx, f"{field}[{i}]")
            if target and target.split("/")[0] in kinds:
                rid = stable_id(kinds[target.split("/")[0]], self.source, target)
                if rid not in out:
                    out.append(rid)
        return out

    def lookup(self, codings: Iterable[Mapping[str, Any]]) -> MappingResult | None:
        """Return the first mapped result among ``codings`` (each is counted)."""
        found = None
        for coding in codings:
            result = self.mapper.lookup(str(coding["system"]), str(coding["code"]))
            if result is not None and found is None:
                found = result
        return found

    def provenance(
        self, key: str, location: str, res: Mapping[str, Any] | None = None
    ) -> Provenance:
        """Build the provenance of a record converted from ``key``."""
        return Provenance(
            source_system=self.source,
            source_record_id=key,
            source_location=location,
            retrieved_at=self.retrieved_at,
            mapping="fhir",
        )


def _default_mapper() -> MapperLike:
    try:
        from successplan.mappings import Mapper  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        msg = "the mappings engine (successplan.mappings.Mapper) is not available"
        raise ConfigurationError(msg, code="mapping-unavailable") from exc
    return Mapper.default()  # type: ignore[no-any-return,unused-ignore]


def _type_of(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("resourceType"), str):
        return str(value["resourceType"])
    return "unreadable"


def _validate_strict(res: dict[str, Any], ctx: ResourceContext) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        get_fhir_model_class(ctx.type).model_validate(res)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(resource)"
        raise ctx.error(
            where,
            f"fails R4 validation: {first['msg']} ({exc.error_count()} errors in all)",
            code="fhir-invalid",
        ) from exc


def consent_handler(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Convert a Consent (R4, or R5 when the converter reads R5 consents)."""
    release: Literal["R4", "R5"] = (
        "R5" if conv.r5_consents and ("decision" in res or "subject" in res) else "R4"
    )
    consent = consent_from_fhir(
        res,
        record_id=stable_id("Consent", conv.source, key),
        patient_system=conv.patient_system,
        location=ctx.location,
        release=release,
    )
    consent.provenance = conv.provenance(key, ctx.location)
    return [consent]
