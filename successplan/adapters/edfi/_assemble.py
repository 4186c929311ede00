"""What the converter gives when the input ends: the gathered records.

Persons from their drafts, TeamMember records for contacts and staff,
and the indicators that count many items (attendance, grades, discipline).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from successplan.adapters._stream import (
    EncodedRecord,
    PartsEncoder,
    QuarantineEntry,
    stable_id,
)
from successplan.schemas import (
    Coding,
    Contact,
    DataCategory,
    Domain,
    Finding,
    FindingKind,
    HumanName,
    Identifier,
    Indicator,
    IndicatorPoint,
    IndicatorSeries,
    Period,
    Record,
    TeamMember,
    TeamRole,
)

from ._codes import Codes
from ._people import STUDENT_SYSTEM, addresses, languages, names, person_id, telecom
from ._tallies import indicator
from ._values import as_bool, as_int, text

if TYPE_CHECKING:
    from successplan.schemas import Provenance

    from ._people import PersonDraft
    from ._relations import DisciplineEvent, StaffLink
    from ._tallies import AttendanceTally, GradeTally

__all__ = ["AssemblyMixin", "team_role_from_words"]

SOURCE = "edfi"
_PARENT_WORDS = ("mother", "father", "parent", "stepmother", "stepfather")
_STAFF_WORDS = (
    ("counselor", TeamRole.COUNSELOR),
    ("nurse", TeamRole.NURSE),
    ("social worker", TeamRole.SOCIAL_WORKER),
    ("psycholog", TeamRole.SPECIALIST),
    ("therapist", TeamRole.SPECIALIST),
    ("specialist", TeamRole.SPECIALIST),
    ("teacher", TeamRole.TEACHER),
    ("instructor", TeamRole.TEACHER),
    ("principal", TeamRole.ADMINISTRATOR),
    ("administrator", TeamRole.ADMINISTRATOR),
    ("superintendent", TeamRole.ADMINISTRATOR),
    ("coordinator", TeamRole.COORDINATOR),
    ("case manager", TeamRole.CASE_MANAGER),
    ("mentor", TeamRole.MENTOR),
    ("advisor", TeamRole.ADVISOR),
)


def team_role_from_words(words: str) -> TeamRole:
    """Guess a staff member's team role from a classification or job title."""
    lowered = words.lower()
    for needle, role in _STAFF_WORDS:
        if needle in lowered:
            return role
    return TeamRole.OTHER


def _by_key(parts: dict[Any, Any]) -> list[Any]:
    """The values of a dict in the order of their keys."""
    if len(parts) < 2:
        return list(parts.values())
    return [parts[key] for key in sorted(parts)]


def _subject(student_id: str) -> Identifier:
    return Identifier(system=STUDENT_SYSTEM, value=student_id)


class AssemblyMixin:
    """The end of a run, for :class:`EdFiConverter`."""

    codes: Codes
    people: dict[str, PersonDraft]
    contacts: dict[str, dict[str, Any]]
    staff: dict[str, dict[str, Any]]
    staff_roles: dict[str, tuple[Any, str | None, str | None]]
    staff_links: list[StaffLink]
    incidents: dict[tuple[str, str], date | None]
    discipline: dict[str, list[DisciplineEvent]]
    attendance: dict[tuple[str, str, int | None], AttendanceTally]
    grades: dict[tuple[str, ...], GradeTally]
    instructional_days: int | None
    late_problems: list[QuarantineEntry]
    provenance: Callable[[str, str | None, str | None], Provenance]
    _engagements: Callable[[], list[Record]]

    def finish(self) -> list[Record]:
        """Return the gathered records as models; call once, when the input ends.

        Items that turn out to be unusable only now (a discipline association
        whose incident never arrived) go to :attr:`late_problems`.
        """
        return [
            record.model() if isinstance(record, EncodedRecord) else record
            for record in self.finish_encoded()
        ]

    def finish_encoded(self) -> Iterator[Record | EncodedRecord]:
        """Yield the gathered records, Persons already encoded as JSON.

        A Person is assembled from parts each validated as its item was read
        (names, codings, contacts, programs, checked enrollment fields), so it
        is encoded directly rather than built as a model a second time; the
        model is one :meth:`EncodedRecord.model` call away. Call once, when
        the input has ended.
        """
        encoder = PartsEncoder(shared=(Coding,))
        template = self.provenance("students", "-", "-").model_dump(
            mode="json", exclude_none=True
        )
        for draft in self.people.values():
            person, members = self._person(draft, encoder, template)
            yield person
            yield from members
        self.people.clear()
        yield from self._engagements()
        yield from self._staff_members()
        yield from self._attendance_series()
        yield from self._grade_series()
        yield from self._discipline_series()

    def _person(
        self, draft: PersonDraft, encoder: PartsEncoder, template: dict[str, Any]
    ) -> tuple[EncodedRecord, list[TeamMember]]:
        contacts: list[Contact] = []
        members: list[TeamMember] = []
        if draft.contacts:
            for contact_id, (link, _) in sorted(draft.contacts.items()):
                contact, member = self._contact_entry(
                    draft.student_id, contact_id, link
                )
                contacts.append(contact)
                members.append(member)
        provenance = template.copy()
        provenance["source_record_id"] = f"students/{draft.student_id}"
        if draft.location is None:
            del provenance["source_location"]
        else:
            provenance["source_location"] = draft.location
        record_id = person_id(draft.student_id)
        # In the model's field order; optional fields left out when empty,
        # as the record writer leaves out None.
        fields: dict[str, Any] = {
            "id": record_id,
            "provenance": provenance,
            "type": "Person",
            "identifiers": draft.identifiers,
            "names": draft.names,
        }
        if draft.birth_date is not None:
            fields["birth_date"] = draft.birth_date
        if draft.sex is not None:
            fields["sex"] = draft.sex
        if draft.gender_identity is not None:
            fields["gender_identity"] = draft.gender_identity
        fields["races"] = draft.races
        if draft.hispanic_latino is not None:
            fields["hispanic_latino"] = draft.hispanic_latino
        fields["languages"] = draft.languages
        fields["addresses"] = draft.addresses
        fields["telecom"] = draft.telecom
        fields["enrollments"] = _by_key(draft.enrollments)
        fields["contacts"] = contacts
        fields["programs"] = _by_key(draft.programs)
        return EncodedRecord("Person", record_id, encoder.encode(fields)), members

    def _contact_entry(
        self, student_id: str, contact_id: str, link: dict[str, Any]
    ) -> tuple[Contact, TeamMember]:
        details = self.contacts.get(contact_id, {})
        found = self.codes.code(link.get("relationDescriptor"), "RelationDescriptor")
        relation = (
            (text(link.get("relationDescriptor")) or "").rpartition("#")[2].lower()
        )
        guardian = as_bool(link.get("legalGuardian"))
        parent = any(word in relation for word in _PARENT_WORDS)
        rights = guardian if guardian else (True if parent else None)
        name = names(details)[0] if details else HumanName()
        priority = as_int(link.get("contactPriority"))
        contact = Contact(
            name=name,
            relationship=found[0] if found else None,
            identifiers=[
                Identifier(system="urn:ed-fi:contactUniqueId", value=contact_id)
            ],
            guardian=guardian,
            educational_rights=rights,
            lives_with=as_bool(link.get("livesWith")),
            emergency_contact=as_bool(link.get("emergencyContactStatus")),
            contact_priority=priority if priority and priority >= 1 else None,
            languages=languages(details, self.codes),
            telecom=telecom(details),
            addresses=addresses(details),
        )
        role = Codes.canonical(found, TeamRole) or (
            TeamRole.GUARDIAN
            if guardian
            else TeamRole.PARENT
            if parent
            else TeamRole.CAREGIVER
        )
        key = f"{student_id}/{contact_id}"
        member = TeamMember(
            id=stable_id("TeamMember", SOURCE, student_id, "contact", contact_id),
            subject=_subject(student_id),
            role=role,
            role_code=found[0] if found else None,
            name=name,
            identifier=Identifier(system="urn:ed-fi:contactUniqueId", value=contact_id),
            lead=bool(as_bool(link.get("primaryContactStatus"))),
            telecom=contact.telecom,
            provenance=self.provenance(
                str(link.get("_resource")), key, link.get("_location")
            ),
        )
        return contact, member

    def _staff_members(self) -> list[TeamMember]:
        members: dict[str, TeamMember] = {}
        for link in self.staff_links:
            member_id = stable_id(
                "TeamMember", SOURCE, link.student_id, "staff", link.staff_id
            )
            if member_id in members:
                continue
            details = self.staff.get(link.staff_id, {})
            found, title, org = self.staff_roles.get(link.staff_id, (None, None, None))
            role_code = found[0] if found else None
            words = " ".join(
                part
                for part in (role_code.code if role_code else "", title or "")
                if part
            )
            role = Codes.canonical(found, TeamRole) or team_role_from_words(words)
            if role == TeamRole.OTHER and link.via == "special-education":
                role = TeamRole.SPECIALIST
            members[member_id] = TeamMember(
                id=member_id,
                subject=_subject(link.student_id),
                role=role,
                role_code=role_code,
                name=names(details)[0] if details else None,
                identifier=Identifier(
                    system="urn:ed-fi:staffUniqueId", value=link.staff_id
                ),
                organization_name=org,
                lead=link.lead,
                telecom=telecom(details),
                period=Period(start=link.start, end=link.end)
                if link.start or link.end
                else None,
                provenance=self.provenance("staffs", link.staff_id, None),
            )
        return list(members.values())

    def _attendance_series(self) -> list[Record]:
        records: list[Record] = []
        for (sid, school, year), tally in sorted(
            self.attendance.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0)
        ):
            if tally.last is None:
                continue
            period = Period(start=tally.first, end=tally.last)
            key = f"{sid}/{school}/{year}"
            base = {
                "subject": _subject(sid),
                "domain": Domain.ATTENDANCE,
                "provenance": self.provenance(
                    "studentSchoolAttendanceEvents", key, tally.location
                ),
            }
            records.append(
                IndicatorSeries(
                    id=stable_id(
                        "IndicatorSeries", SOURCE, "days-absent", sid, school, year
                    ),
                    code=indicator(Indicator.DAYS_ABSENT),
                    name="Days absent",
                    unit="day",
                    points=[
                        IndicatorPoint(
                            as_of=tally.last,
                            value=tally.days_absent,
                            period=period,
                            school_year=year,
                        )
                    ],
                    sub_indicators=tally.sub_indicators(year),
                    **base,
                )
            )
            days = self.instructional_days
            if not days:
                continue
            rate = round(100.0 * max(0.0, days - tally.days_absent) / days, 1)
            chronic = tally.days_absent >= 0.1 * days
            for code, value, unit in (
                (Indicator.ATTENDANCE_RATE, rate, "%"),
                (Indicator.CHRONIC_ABSENCE, chronic, None),
            ):
                records.append(
                    IndicatorSeries(
                        id=stable_id(
                            "IndicatorSeries", SOURCE, code, sid, school, year
                        ),
                        code=indicator(code),
                        name=indicator(code).display,
                        unit=unit,
                        points=[
                            IndicatorPoint(
                                as_of=tally.last,
                                value=value,
                                period=period,
                                school_year=year,
                            )
                        ],
                        **base,
                    )
                )
            if chronic:
                records.append(
                    Finding(
                        id=stable_id(
                            "Finding", SOURCE, "chronic-absence", sid, school, year
                        ),
                        subject=_subject(sid),
                        kind=FindingKind.RISK_FACTOR,
                        domain=Domain.ATTENDANCE,
                        category=DataCategory.EDUCATION,
                        code=indicator(Indicator.CHRONIC_ABSENCE),
                        identified_on=tally.last,
                        method="record",
                        provenance=base["provenance"],
                    )
                )
        return records

    def _grade_series(self) -> list[Record]:
        records: list[Record] = []
        failures: dict[tuple[str, int | None], list[GradeTally]] = defaultdict(list)
        for key, tally in sorted(self.grades.items()):
            sid = key[0]
            points = sorted(
                tally.points.values(), key=lambda p: (p.as_of, p.term or "")
            )
            failures[(sid, tally.school_year)].append(tally)
            records.append(
                IndicatorSeries(
                    id=stable_id("IndicatorSeries", SOURCE, "course-grade", *key),
                    subject=_subject(sid),
                    code=indicator(Indicator.COURSE_GRADE),
                    name=tally.course,
                    domain=Domain.ACADEMIC,
                    points=points,
                    provenance=self.provenance("grades", "/".join(key), tally.location),
                )
            )
        for (sid, year), tallies in sorted(
            failures.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
        ):
            last = max(p.as_of for t in tallies for p in t.points.values())
            records.append(
                IndicatorSeries(
                    id=stable_id(
                        "IndicatorSeries", SOURCE, "course-failures", sid, year
                    ),
                    subject=_subject(sid),
                    code=indicator(Indicator.COURSE_FAILURES),
                    name="Course failures",
                    domain=Domain.ACADEMIC,
                    unit="course",
                    points=[
                        IndicatorPoint(
                            as_of=last,
                            school_year=year,
                            value=float(sum(t.failed_final for t in tallies)),
                        )
                    ],
                    provenance=self.provenance(
                        "grades", f"{sid}/{year}", tallies[0].location
                    ),
                )
            )
        return records

    def _discipline_series(self) -> list[Record]:
        records: list[Record] = []
        for sid, events in sorted(self.discipline.items()):
            by_kind: dict[str, list[IndicatorPoint]] = defaultdict(list)
            location = events[0].location
            for event in events:
                on = event.on
                if event.incident is not None:
                    on = self.incidents.get(event.incident)
                if on is None:
                    incident = event.incident[0] if event.incident else ""
                    self.late_problems.append(
                        QuarantineEntry(
                            location=event.location,
                            reason="edfi-incident-unknown",
                            message=(
                                f"{event.location}: discipline incident "
                                f"`{incident}` was not "
                                "in the input, so the incident has no date; include "
                                "disciplineIncidents"
                            ),
                            raw=event.raw,
                            resource="studentDisciplineIncidentBehaviorAssociations",
                        )
                    )
                    continue
                by_kind[event.kind].append(
                    IndicatorPoint(
                        as_of=on, value=event.value, interpretation=event.code
                    )
                )
            for kind, points in sorted(by_kind.items()):
                code = (
                    Indicator.DISCIPLINE_INCIDENTS
                    if kind == "incident"
                    else Indicator.DISCIPLINE_ACTIONS
                )
                records.append(
                    IndicatorSeries(
                        id=stable_id("IndicatorSeries", SOURCE, code, sid),
                        subject=_subject(sid),
                        code=indicator(code),
                        name=indicator(code).display,
                        domain=Domain.BEHAVIOR,
                        unit="incident" if kind == "incident" else "day",
                        points=sorted(points, key=lambda p: p.as_of),
                        provenance=self.provenance("disciplineActions", sid, location),
                    )
                )
        return records
