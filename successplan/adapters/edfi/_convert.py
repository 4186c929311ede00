"""Converting Ed-Fi items to canonical records.

:class:`EdFiConverter` takes one :class:`RawRecord` at a time. Items that
stand alone (an assessment result, an intervention association, a need that
a crosswalk marks as a finding) become records at once; the parts of a
student (enrollments, demographics, contacts, programs) and the indicators
that count many items (attendance, grades, discipline) are gathered and come
out of :meth:`EdFiConverter.finish` when the input ends.

Data Standard differences are read from the item: ``parents`` and
``contacts``, the single ``participationStatus`` of Data Standard 4 and the
``programParticipationStatuses`` list of 5, demographics on the education
organization association (4, 5) or on ``studentDemographics`` (6).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from successplan.adapters._stream import QuarantineEntry, stable_id
from successplan.errors import ConversionError
from successplan.schemas import (
    Coding,
    DataCategory,
    Deletion,
    Domain,
    Evidence,
    Finding,
    FindingKind,
    Identifier,
    Provenance,
    Record,
)

from ._assemble import AssemblyMixin
from ._codes import Codes, Lookup
from ._indicators import IndicatorsMixin
from ._people import (
    STUDENT_SYSTEM,
    PersonDraft,
    addresses,
    languages,
    names,
    person_id,
    telecom,
)
from ._programs import ProgramsMixin
from ._readers import RawRecord
from ._relations import RelationsMixin
from ._tallies import (
    AttendanceTally,
    GradeTally,
)
from ._values import as_bool, as_date, as_int, ref_key, require, text

__all__ = ["SOURCE", "EdFiConverter"]

#: The source system name on provenance and stable ids.
SOURCE = "edfi"
SCHOOL_SYSTEM = "urn:ed-fi:schoolId"


#: Categories a crosswalk may move a finding between but never lower it from.
_PROTECTED = frozenset(
    {
        DataCategory.EDUCATION_SPECIAL,
        DataCategory.ECONOMIC,
        DataCategory.HEALTH,
        DataCategory.HEALTH_MENTAL,
        DataCategory.HEALTH_SUD,
        DataCategory.HEALTH_SENSITIVE,
        DataCategory.WELFARE,
        DataCategory.JUSTICE,
    }
)


class EdFiConverter(IndicatorsMixin, ProgramsMixin, RelationsMixin, AssemblyMixin):
    """Converts Ed-Fi items (API JSON shape) to canonical records.

    Args:
        mapper: The crosswalks (``successplan.mappings.Mapper``); ``None``
            keeps every descriptor as received.
        data_standard: The Ed-Fi data standard major version (4, 5 or 6).
        instructional_days: Instructional days in a school year; with it,
            attendance rate and chronic absence are derived.
        retrieved_at: When the input was read; stamped on provenance.
    """

    def __init__(
        self,
        mapper: Lookup | None = None,
        *,
        data_standard: int = 5,
        instructional_days: int | None = None,
        retrieved_at: datetime | None = None,
    ) -> None:
        self.codes = Codes(mapper)
        self.data_standard = data_standard
        self.instructional_days = instructional_days
        self.retrieved_at = retrieved_at or datetime.now(UTC)
        self.mapping_version = str(getattr(mapper, "version", "") or "") or None
        self.people: dict[str, PersonDraft] = {}
        self.attendance: dict[tuple[str, str, int | None], AttendanceTally] = {}
        self.grades: dict[tuple[str, ...], GradeTally] = {}
        self.late_problems: list[QuarantineEntry] = []
        self._schools: dict[str, orjson.Fragment] = {}
        self._init_relations()
        self._handlers = {
            "students": self._student,
            "studentSchoolAssociations": self._enrollment,
            "studentEducationOrganizationAssociations": self._demographics,
            "studentDemographics": self._demographics,
            "studentDirectories": self._demographics,
            "studentSchoolAttendanceEvents": self._attendance,
            "studentSectionAttendanceEvents": self._attendance,
            "grades": self._grade,
            "studentAssessments": self._assessment,
            **self._program_handlers(),
            **self._relation_handlers(),
        }

    # -- the public surface ----------------------------------------------

    def supports(self, resource: str) -> bool:
        """Whether items of a resource are converted (others are skipped)."""
        return resource in self._handlers

    def convert(self, raw: RawRecord) -> list[Record]:
        """Convert one item; parts of gathered records come out of :meth:`finish`.

        Raises:
            ConversionError: The item cannot be converted; quarantine it.
        """
        if raw.problem is not None:
            raise raw.problem
        handler = self._handlers.get(raw.resource)
        if handler is None:
            msg = f"{raw.location}: Ed-Fi resource `{raw.resource}` is not converted"
            raise ConversionError(msg, code="edfi-resource-unsupported")
        if not isinstance(raw.data, dict):
            msg = (
                f"{raw.location}: a {raw.resource} item must be a JSON object, "
                f"not {type(raw.data).__name__}"
            )
            raise ConversionError(msg, code="edfi-not-object")
        try:
            return handler(raw.data, raw.location)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            msg = (
                f"{raw.location}: {raw.resource} item gives an invalid `{where}`: "
                f"{first['msg']}"
            )
            raise ConversionError(msg, code="edfi-invalid-value", field=where) from exc

    def delete(self, resource: str, keys: dict[str, Any]) -> list[Deletion]:
        """The Deletion records for an item deleted at the source.

        ``keys`` are the deleted item's natural key values, as the API's
        ``/deletes`` gives them. Parts of gathered records (an enrollment,
        one attendance event) have no record of their own to delete and give
        none; see the Limits section of docs/edfi.md.
        """
        target = self._target_of(resource, {k: text(v) or "" for k, v in keys.items()})
        if target is None:
            return []
        record_type, record_id = target
        return [
            Deletion(
                id=stable_id("Deletion", SOURCE, record_type, record_id),
                target_type=record_type,
                target_id=record_id,
                deleted_at=self.retrieved_at,
                provenance=self.provenance(resource, None, None),
            )
        ]

    def _target_of(self, resource: str, k: dict[str, str]) -> tuple[str, str] | None:
        sid = k.get("studentUniqueId", "")
        if resource == "students" and sid:
            return "Person", person_id(sid)
        if resource == "studentAssessments":
            key = (
                sid,
                k.get("namespace", ""),
                k.get("assessmentIdentifier", ""),
                k.get("studentAssessmentIdentifier", ""),
            )
            return "IndicatorSeries", stable_id(
                "IndicatorSeries", SOURCE, "assessment", *key
            )
        return self._relation_target(resource, k)

    # -- shared helpers ---------------------------------------------------

    def provenance(
        self, resource: str, key: str | None, location: str | None
    ) -> Provenance:
        """Provenance for a record made from an item of ``resource``."""
        return Provenance(
            source_system=SOURCE,
            source_record_id=f"{resource}/{key}" if key else resource,
            source_location=location,
            retrieved_at=self.retrieved_at,
            mapping="edfi",
            mapping_version=self.mapping_version,
        )

    def person(self, student_id: str) -> PersonDraft:
        """The draft of a student, created on first mention."""
        draft = self.people.get(student_id)
        if draft is None:
            draft = PersonDraft(student_id)
            draft.add_identifier(STUDENT_SYSTEM, student_id)
            self.people[student_id] = draft
        return draft

    def finding(
        self,
        student_id: str,
        found: Any,
        *,
        resource: str,
        key: str,
        location: str,
        kind: FindingKind | None = None,
        domain: Domain | None = None,
        category: Any = None,
        identified_on: Any = None,
        description: str | None = None,
    ) -> Finding | None:
        """A finding for a coded fact, when a crosswalk or a default says so.

        The crosswalk's kind, domain and category win; the defaults apply to
        facts that are a finding whatever the crosswalk says (a disability).
        A crosswalk (a district overlay, say) may not lower a protected default
        category such as ``education.special`` to an unprotected one.
        """
        if found is None:
            return None
        coding, result = found
        kind = (result.kind if result else None) or kind
        if kind is None:
            return None
        domain = (result.domain if result else None) or domain or Domain.ACADEMIC
        mapped = result.category if result else None
        if mapped is not None and (
            category is None
            or category not in _PROTECTED
            or DataCategory(mapped) in _PROTECTED
        ):
            category = mapped
        extra = {"category": category} if category is not None else {}
        return Finding(
            id=stable_id("Finding", SOURCE, resource, key, coding.system, coding.code),
            subject=Identifier(system=STUDENT_SYSTEM, value=student_id),
            kind=kind,
            domain=domain,
            code=coding,
            description=description,
            identified_on=identified_on,
            method="record",
            evidence=[Evidence(system=SOURCE, record=f"{resource}/{key}")],
            provenance=self.provenance(resource, key, location),
            **extra,
        )

    # -- students, enrollments, demographics ------------------------------

    def _student(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "students"
        sid = require(item, "studentUniqueId", resource)
        birth = as_date(item.get("birthDate"), field="birthDate", resource=resource)
        draft = self.person(sid)
        draft.names = names(item)
        draft.birth_date = birth or draft.birth_date
        draft.location = location
        draft.sex = (
            self.codes.coding(item.get("birthSexDescriptor"), "SexDescriptor")
            or draft.sex
        )
        draft.location = draft.location or location
        return []

    def _enrollment(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "studentSchoolAssociations"
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        school = ref_key(item, "schoolReference", "schoolId", resource)
        entry = as_date(item.get("entryDate"), field="entryDate", resource=resource)
        if entry is None:
            msg = f"{resource}: required field `entryDate` is missing"
            raise ConversionError(msg, code="edfi-missing-field", field="entryDate")
        exit_date = as_date(
            item.get("exitWithdrawDate"), field="exitWithdrawDate", resource=resource
        )
        if exit_date is not None and exit_date < entry:
            msg = (
                f"{resource}: `exitWithdrawDate` {exit_date} is before `entryDate` "
                f"{entry}; correct one of them"
            )
            raise ConversionError(
                msg, code="edfi-invalid-value", field="exitWithdrawDate"
            )
        year = _school_year(item, resource)
        organization = self._schools.get(school)
        if organization is None:
            identifier = Identifier(system=SCHOOL_SYSTEM, value=school)
            organization = orjson.Fragment(
                identifier.__pydantic_serializer__.to_json(
                    identifier, exclude_none=True
                )
            )
            self._schools[school] = organization
        # Kept as the Enrollment's JSON data (codings and the school already
        # encoded), every field checked here (the model's own rule, exit not
        # before entry, included), in the model's field order: the Person is
        # encoded from it when the run ends, with no model per item for the
        # garbage collector to scan.
        enrollment: dict[str, Any] = {"organization": organization}
        codes = self.codes
        grade = codes.coding_json(
            item.get("entryGradeLevelDescriptor"), "GradeLevelDescriptor"
        )
        if grade is not None:
            enrollment["grade_level"] = grade
        if year is not None:
            enrollment["school_year"] = year
        enrollment["entry_date"] = entry
        if exit_date is not None:
            enrollment["exit_date"] = exit_date
        reason = codes.coding_json(
            item.get("exitWithdrawTypeDescriptor"), "ExitWithdrawTypeDescriptor"
        )
        if reason is not None:
            enrollment["exit_reason"] = reason
        primary = item.get("primarySchool")
        primary = primary if primary.__class__ is bool else as_bool(primary)
        if primary is not None:
            enrollment["primary"] = primary
        draft = self.people.get(sid) or self.person(sid)
        draft.enrollments[(school, entry)] = enrollment
        if draft.location is None:
            draft.location = location
        return []

    def _demographics(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "studentEducationOrganizationAssociations"
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        org = item.get("educationOrganizationReference")
        org_id = (
            text(org.get("educationOrganizationId")) if isinstance(org, dict) else None
        )
        draft = self.person(sid)
        draft.location = draft.location or location
        draft.sex = (
            self.codes.coding(item.get("sexDescriptor"), "SexDescriptor") or draft.sex
        )
        gender = text(item.get("genderIdentity"))
        if gender:
            draft.gender_identity = Coding(
                system="urn:ed-fi:genderIdentity", code=gender
            )
        races = [
            self.codes.coding(entry.get("raceDescriptor"), "RaceDescriptor")
            for entry in item.get("races") or []
            if isinstance(entry, dict)
        ]
        draft.extend(draft.races, [race for race in races if race is not None])
        hispanic = as_bool(item.get("hispanicLatinoEthnicity"))
        draft.hispanic_latino = draft.hispanic_latino if hispanic is None else hispanic
        draft.extend(draft.languages, languages(item, self.codes))
        draft.extend(draft.addresses, addresses(item))
        draft.extend(draft.telecom, telecom(item))
        for entry in item.get("studentIdentificationCodes") or []:
            if not isinstance(entry, dict) or not text(entry.get("identificationCode")):
                continue
            system = (
                text(entry.get("studentIdentificationSystemDescriptor")) or "unknown"
            )
            assigner = text(entry.get("assigningOrganizationIdentificationCode"))
            scope = f"{system}/{assigner}" if assigner else system
            draft.add_identifier(f"urn:ed-fi:{scope}", str(entry["identificationCode"]))

        key = f"{sid}/{org_id}"
        findings: list[Record] = []
        facts: list[tuple[Any, str, FindingKind | None, Any]] = []
        for entry in item.get("studentCharacteristics") or []:
            if isinstance(entry, dict):
                facts.append(
                    (
                        entry.get("studentCharacteristicDescriptor"),
                        "StudentCharacteristicDescriptor",
                        None,
                        None,
                    )
                )
        for entry in item.get("disabilities") or []:
            if isinstance(entry, dict):
                facts.append(
                    (
                        entry.get("disabilityDescriptor"),
                        "DisabilityDescriptor",
                        FindingKind.NEED,
                        "education.special",
                    )
                )
        facts.append(
            (
                item.get("limitedEnglishProficiencyDescriptor"),
                "LimitedEnglishProficiencyDescriptor",
                None,
                None,
            )
        )
        for value, descriptor, kind, category in facts:
            found = self.finding(
                sid,
                self.codes.code(value, descriptor),
                resource=resource,
                key=key,
                location=location,
                kind=kind,
                category=category,
            )
            if found is not None:
                findings.append(found)
        return findings


def _school_year(item: dict[str, Any], resource: str) -> int | None:
    """The school year of an enrollment, from its school year or calendar."""
    ref = item.get("schoolYearTypeReference")
    year = ref.get("schoolYear") if ref.__class__ is dict else None
    if year.__class__ is not int:
        year = None
        for name in ("schoolYearTypeReference", "calendarReference"):
            ref = item.get(name)
            if isinstance(ref, dict):
                year = as_int(ref.get("schoolYear"))
                if year is not None:
                    break
    if year is not None and not 1900 <= year <= 2200:
        msg = f"{resource}: school year {year} is out of range (1900 to 2200)"
        raise ConversionError(msg, code="edfi-invalid-value", field="schoolYear")
    return year
