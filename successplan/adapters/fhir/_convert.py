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
from pathlib import Path
from typing import Any

from successplan.adapters._stream import (
    QuarantineEntry,
    QuarantineWriter,
    RecordWriter,
    RunSummary,
    stable_id,
)
from successplan.errors import ConversionError
from successplan.schemas import (
    Coding,
    Deletion,
    Identifier,
    Provenance,
    Record,
)

from ._gc import GcPause
from ._mapping import MapperLike, MappingResult, default_mapper, target_codings
from ._read import RawResource, iter_document, read_path
from ._release import check_release, check_type, validate_strict
from ._types import BILLING_TYPES
from ._values import ResourceContext, as_list, reference_parts

__all__ = ["FhirConverter", "MapperLike"]

logger = logging.getLogger(__name__)

#: Canonical record type each converted FHIR type yields, for deletions.
_RECORD_OF = {
    "Patient": "Person",
    "Condition": "Finding",
    "AllergyIntolerance": "Finding",
    "Immunization": "Finding",
    "Observation": "Finding",
    "Goal": "Goal",
    "ServiceRequest": "ServiceEngagement",
    "Consent": "Consent",
}

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
            mapper = default_mapper()
        self.mapper = mapper
        version = getattr(mapper, "version", None)
        #: Fingerprint of the crosswalks, written into every record's provenance.
        self.mapping_version = version if isinstance(version, str) else None
        self.patient_system = patient_system
        self.source = source
        self.strict = strict
        self.r5_consents = r5_consents
        self.summary = RunSummary()
        self.retrieved_at = datetime.now(UTC)
        self._urls: dict[str, str] = {}
        self._targets: dict[tuple[str, str], list[Coding]] = {}
        from ._convert_referral import Joiner
        from ._handlers import HANDLERS
        from ._series import Series

        self.joiner = Joiner(self)
        self.series = Series(self)
        self._handlers = HANDLERS
        #: Set by a handler that holds its resource for a joined record.
        self.held = False

    # -- running ---------------------------------------------------------

    @property
    def pending(self) -> bool:
        """Whether resources are held for records that :meth:`finish` writes.

        A resumable pull must not save a checkpoint past such resources until
        :meth:`finish` has written their records.
        """
        return self.joiner.pending or self.series.pending

    def index(self, raws: Iterable[RawResource]) -> None:
        """Learn ``fullUrl`` to ``Type/id`` of a Bundle's entries before converting.

        References of the form ``urn:uuid:...`` resolve through this index.
        """
        urls = self._urls
        for raw in raws:
            url = raw.full_url
            res = raw.resource
            if url is None or not isinstance(res, dict):
                continue
            kind = res.get("resourceType")
            if kind:
                rid = res.get("id")
                urls[url] = f"{kind}/{rid}" if rid else url

    def run(
        self,
        raws: Iterable[RawResource],
        writer: RecordWriter,
        quarantine: QuarantineWriter | None = None,
        *,
        finish: bool = True,
    ) -> RunSummary:
        """Convert every resource, writing records and quarantining failures.

        The garbage collector is paused while the resources are converted
        (see :meth:`run_document`).

        Args:
            raws: The resources (index a Bundle's entries first).
            writer: Where records go.
            quarantine: Where failures go; they are only counted when None.
            finish: Emit the records that join several resources at the end.
        """
        written = self.summary.written
        with GcPause():
            for raw in raws:
                if raw.problem is not None:
                    self._quarantine(raw, raw.problem, quarantine)
                    continue
                try:
                    records = self.convert(raw)
                except ConversionError as exc:
                    self._quarantine(raw, exc, quarantine)
                    continue
                for record in records:
                    writer.write(record)
                    written[record.type] += 1  # type: ignore[attr-defined]
            if finish:
                self.finish(writer, quarantine)
        return self.summary

    def run_path(
        self,
        path: str | Path,
        writer: RecordWriter,
        quarantine: QuarantineWriter | None = None,
        *,
        finish: bool = True,
    ) -> RunSummary:
        """Read, index and convert one FHIR JSON or NDJSON file.

        The same as :func:`read_path`, :meth:`index` and :meth:`run` in turn,
        done in one pause of the garbage collector (see :meth:`run_document`).

        Raises:
            InputError: The file is missing, unreadable or (for JSON) not JSON.
        """
        with GcPause():
            raws = list(read_path(path))
            self.index(raws)
            return self.run(raws, writer, quarantine, finish=finish)

    def run_document(
        self,
        data: bytes,
        location: str,
        writer: RecordWriter,
        quarantine: QuarantineWriter | None = None,
        *,
        finish: bool = True,
    ) -> RunSummary:
        """Parse, index and convert one FHIR JSON document (a Bundle or a resource).

        Python's cyclic garbage collector is paused from the parse to the last
        record written: the parsed document holds millions of objects that
        live until it is converted, and scanning them again and again would
        cost more than the parse. The collector is restored afterwards.

        Raises:
            InputError: The bytes are not JSON (code ``fhir-not-json``).
        """
        with GcPause():
            raws = list(iter_document(data, location))
            self.index(raws)
            return self.run(raws, writer, quarantine, finish=finish)

    def finish(self, writer: RecordWriter, quarantine: QuarantineWriter | None) -> None:
        """Emit records that join several resources: referrals and indicators."""
        with GcPause():
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
        kind = res.get("resourceType") if isinstance(res, dict) else None
        if not isinstance(kind, str):
            msg = f"{raw.location}: not a FHIR resource (no resourceType)"
            raise ConversionError(msg, code="fhir-not-resource", field="resourceType")
        summary = self.summary
        summary.read[kind] += 1
        handler = self._handlers.get(kind)
        if handler is None:
            self._skip(kind, res, raw.location)
            return []

        ctx = ResourceContext(res, raw.location)
        if not (kind == "Consent" and self.r5_consents):
            check_release(res, ctx)
        if self.strict:
            validate_strict(res, ctx)
        self.held = False
        records = handler(self, res, ctx, self.key(res, raw))
        if records or self.held:
            summary.converted[kind] += 1
        return records

    def _skip(self, kind: str, res: Mapping[str, Any], location: str) -> None:
        check_type(kind, res, location)
        self.summary.skipped["billing" if kind in BILLING_TYPES else kind] += 1

    def _deletion(self, raw: RawResource) -> list[Record]:
        parts = reference_parts({"reference": raw.deleted})
        if parts is None or "?" in str(raw.deleted):
            msg = (
                f"{raw.location}: Bundle.entry.request.url of a DELETE names no "
                "`Type/id` (a conditional delete cannot be matched to a record); "
                "send the deletion by id"
            )
            raise ConversionError(
                msg, code="fhir-delete-unresolved", field="Bundle.entry.request.url"
            )
        kind, target = parts[0], f"{parts[0]}/{parts[1]}"
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

    def all_codings(self, result: MappingResult) -> list[Coding]:
        """Return every canonical code of ``result``'s system its rule names."""
        key = (result.trace.source_system, result.trace.source_code)
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = target_codings(self.mapper, *key, result)
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
            mapping_version=self.mapping_version,
        )


def _type_of(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("resourceType"), str):
        return str(value["resourceType"])
    return "unreadable"
