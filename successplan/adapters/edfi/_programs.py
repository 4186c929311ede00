"""Program participation: special education, 504, homeless, meals and more.

Each kind of program association is an endpoint of its own in Ed-Fi. The
endpoint, or for the general ``studentProgramAssociations`` the program type
descriptor (through the crosswalk, then by its words), names the canonical
program type, and the program type sets the data category: special
education and 504 are ``education.special``, homelessness and school meals
``economic``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from successplan.errors import ConversionError
from successplan.schemas import (
    PROGRAM_CATEGORIES,
    Coding,
    DataCategory,
    Domain,
    FindingKind,
    Identifier,
    Period,
    ProgramParticipation,
    ProgramType,
    Record,
)

from ._codes import Codes, Mapped
from ._values import as_date, ref_key, text

if TYPE_CHECKING:
    from ._people import PersonDraft

__all__ = ["ProgramsMixin", "program_category", "program_type_from_words"]

ORG_SYSTEM = "urn:ed-fi:educationOrganizationId"

_BY_RESOURCE = {
    "studentSpecialEducationProgramAssociations": ProgramType.SPECIAL_EDUCATION,
    "studentSection504ProgramAssociations": ProgramType.SECTION_504,
    "studentHomelessProgramAssociations": ProgramType.HOMELESS,
    "studentLanguageInstructionProgramAssociations": ProgramType.ENGLISH_LEARNER,
    "studentSchoolFoodServiceProgramAssociations": ProgramType.SCHOOL_MEALS,
    "studentTitleIPartAProgramAssociations": ProgramType.TITLE_I,
    "studentMigrantEducationProgramAssociations": ProgramType.MIGRANT,
    "studentNeglectedOrDelinquentProgramAssociations": ProgramType.NEGLECTED_DELINQUENT,
    "studentCTEProgramAssociations": ProgramType.CAREER_TECHNICAL,
    "studentProgramAssociations": None,
}

_WORDS = (
    ("special education", ProgramType.SPECIAL_EDUCATION),
    ("504", ProgramType.SECTION_504),
    ("homeless", ProgramType.HOMELESS),
    ("english", ProgramType.ENGLISH_LEARNER),
    ("bilingual", ProgramType.ENGLISH_LEARNER),
    ("food", ProgramType.SCHOOL_MEALS),
    ("meal", ProgramType.SCHOOL_MEALS),
    ("lunch", ProgramType.SCHOOL_MEALS),
    ("title i", ProgramType.TITLE_I),
    ("migrant", ProgramType.MIGRANT),
    ("neglected", ProgramType.NEGLECTED_DELINQUENT),
    ("career and technical", ProgramType.CAREER_TECHNICAL),
    ("gifted", ProgramType.GIFTED_TALENTED),
    ("foster", ProgramType.FOSTER_CARE),
)

#: Where each kind of association says why the student qualified.
_REASONS = {
    ProgramType.SPECIAL_EDUCATION: ("disabilities", "disabilityDescriptor"),
    ProgramType.SECTION_504: ("", "section504DisabilityDescriptor"),
    ProgramType.HOMELESS: ("", "homelessPrimaryNighttimeResidenceDescriptor"),
}

#: Needs that taking part in a program shows, whatever the crosswalk says.
_NEEDS = {
    ProgramType.HOMELESS: (Domain.HOUSING, DataCategory.ECONOMIC),
}


def program_type_from_words(words: str) -> ProgramType:
    """Guess a program type from its name or descriptor code value."""
    lowered = words.lower()
    for needle, kind in _WORDS:
        if needle in lowered:
            return kind
    return ProgramType.OTHER


def program_category(
    kind: ProgramType, found: list[tuple[Coding, Mapped | None] | None]
) -> DataCategory:
    """The data category of a participation: the program's, made specific.

    A program whose type says only ``education`` (a general program, Title I)
    takes the first other category a crosswalk gives its program type
    descriptor, its reason or a service: a program whose services are free
    meals is ``economic`` data, whatever its type.
    """
    category = PROGRAM_CATEGORIES[kind]
    if category != DataCategory.EDUCATION:
        return category
    for entry in found:
        result = entry[1] if entry is not None else None
        given = result.category if result is not None else None
        if given is not None and given != DataCategory.EDUCATION:
            return given
    return category


class ProgramsMixin:
    """Program associations, for :class:`EdFiConverter`."""

    codes: Codes
    finding: Callable[..., Any]
    person: Callable[[str], PersonDraft]
    _special_ed_providers: Callable[[str, dict[str, Any], Any], None]

    def _program_handlers(
        self,
    ) -> dict[str, Callable[[dict[str, Any], str], list[Record]]]:
        handlers: dict[str, Callable[[dict[str, Any], str], list[Record]]] = {
            "programs": self._program,
        }
        for resource in _BY_RESOURCE:
            handlers[resource] = self._bind(resource)
        return handlers

    def _bind(self, resource: str) -> Callable[[dict[str, Any], str], list[Record]]:
        def handle(item: dict[str, Any], location: str) -> list[Record]:
            return self._participation(resource, item, location)

        return handle

    def _program(self, item: dict[str, Any], location: str) -> list[Record]:
        name = text(item.get("programName"))
        if name is None:
            msg = "programs: required field `programName` is missing"
            raise ConversionError(msg, code="edfi-missing-field", field="programName")
        return []

    def _status(self, item: dict[str, Any]) -> Coding | None:
        """The current participation status: DS 5's list or DS 4's single one.

        The status with no end date wins, then the latest to begin.
        """
        statuses = item.get("programParticipationStatuses")
        if not isinstance(statuses, list):
            single = item.get("participationStatus")
            statuses = [single] if isinstance(single, dict) else []
        best: tuple[bool, str] | None = None
        chosen = None
        for entry in statuses:
            if not isinstance(entry, dict):
                continue
            open_ended = text(entry.get("statusEndDate")) is None
            rank = (open_ended, text(entry.get("statusBeginDate")) or "")
            if best is None or rank > best:
                best, chosen = rank, entry
        if chosen is None:
            return None
        return self.codes.coding(
            chosen.get("participationStatusDescriptor"),
            "ParticipationStatusDescriptor",
        )

    def _participation(
        self, resource: str, item: dict[str, Any], location: str
    ) -> list[Record]:
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        program = item.get("programReference")
        if not isinstance(program, dict):
            msg = f"{resource}: `programReference` is missing"
            raise ConversionError(
                msg, code="edfi-missing-field", field="programReference"
            )
        begin = as_date(item.get("beginDate"), field="beginDate", resource=resource)
        end = as_date(item.get("endDate"), field="endDate", resource=resource)
        exit_date = as_date(
            item.get("specialEducationExitDate"),
            field="specialEducationExitDate",
            resource=resource,
        )
        found = self.codes.code(
            program.get("programTypeDescriptor"), "ProgramTypeDescriptor"
        )
        kind = _BY_RESOURCE.get(resource) or Codes.canonical(found, ProgramType)
        if kind is None:
            words = " ".join(
                part
                for part in (
                    text(program.get("programName")),
                    found[0].code if found else None,
                )
                if part
            )
            kind = program_type_from_words(words)

        services: list[Coding] = []
        service_results: list[tuple[Coding, Mapped | None]] = []
        for name, value in item.items():
            if not (name == "services" or name.endswith("ProgramServices")):
                continue
            for entry in value if isinstance(value, list) else []:
                if not isinstance(entry, dict):
                    continue
                for field_name, code in entry.items():
                    if field_name.lower().endswith("servicedescriptor"):
                        service = self.codes.code(
                            code, field_name[0].upper() + field_name[1:]
                        )
                        if service is not None and service[0] not in services:
                            services.append(service[0])
                            service_results.append(service)

        reason = None
        list_name, field_name = _REASONS.get(kind, ("", ""))
        if list_name:
            first = next(
                (e for e in item.get(list_name) or [] if isinstance(e, dict)), None
            )
            reason = (
                self.codes.code(first.get(field_name), "DisabilityDescriptor")
                if first
                else None
            )
        elif field_name:
            descriptor = field_name[0].upper() + field_name[1:]
            reason = self.codes.code(item.get(field_name), descriptor)
        if reason is None and kind == ProgramType.SCHOOL_MEALS and service_results:
            reason = service_results[0]

        org = text(program.get("educationOrganizationId"))
        participation = ProgramParticipation(
            program=kind,
            code=found[0] if found else None,
            organization=Identifier(system=ORG_SYSTEM, value=org) if org else None,
            period=Period(start=begin, end=end or exit_date)
            if (begin or end or exit_date)
            else None,
            category=program_category(kind, [found, reason, *service_results]),
            status=self._status(item),
            services=services,
            reason=reason[0] if reason else None,
        )
        draft = self.person(sid)
        name = text(program.get("programName")) or ""
        draft.programs[(resource, org or "", name, str(begin))] = participation
        draft.location = draft.location or location
        if kind == ProgramType.SPECIAL_EDUCATION:
            self._special_ed_providers(sid, item, begin)

        key = f"{sid}/{org}/{name}/{begin}"
        records: list[Record] = []
        need = _NEEDS.get(kind)
        program_finding = self.finding(
            sid,
            found,
            resource=resource,
            key=key,
            location=location,
            kind=FindingKind.NEED if need else None,
            domain=need[0] if need else None,
            category=need[1] if need else participation.category,
            identified_on=begin,
        )
        if program_finding is not None:
            records.append(program_finding)
        for entry in item.get("disabilities") or []:
            if not isinstance(entry, dict):
                continue
            disability = self.finding(
                sid,
                self.codes.code(
                    entry.get("disabilityDescriptor"), "DisabilityDescriptor"
                ),
                resource=resource,
                key=key,
                location=location,
                kind=FindingKind.NEED,
                category=DataCategory.EDUCATION_SPECIAL,
                identified_on=begin,
            )
            if disability is not None:
                records.append(disability)
        return records
