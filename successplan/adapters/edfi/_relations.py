"""The people and events around a student: contacts, staff, interventions.

Discipline incidents and actions are here too.

Contacts (``parents`` before Data Standard 5) and staff are kept by their
unique ids until the run ends, when their associations to students become
contacts on the Person and TeamMember records. Intervention associations
become ServiceEngagement records at once; discipline incidents and actions are
counted per student.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from successplan.adapters._stream import QuarantineEntry, stable_id
from successplan.errors import ConversionError
from successplan.schemas import (
    Coding,
    DataCategory,
    Domain,
    EngagementKind,
    Identifier,
    Period,
    Record,
    ServiceEngagement,
    ServiceSetting,
    TaskStatus,
    Tier,
    Utilization,
)

from ._codes import Codes
from ._values import as_bool, as_date, as_float, ref_key, require, text

if TYPE_CHECKING:
    from successplan.schemas import Provenance

    from ._people import PersonDraft

__all__ = ["DisciplineEvent", "RelationsMixin", "StaffLink"]

SOURCE = "edfi"
STUDENT_SYSTEM = "urn:ed-fi:studentUniqueId"


@dataclass
class StaffLink:
    """A staff member who works with a student, and in what capacity."""

    student_id: str
    staff_id: str
    via: str
    start: date | None = None
    end: date | None = None
    lead: bool = False


@dataclass
class DisciplineEvent:
    """One incident a student took part in, or one action taken."""

    kind: str
    on: date | None
    code: Coding | None
    value: float
    incident: tuple[str, str] | None
    location: str
    raw: dict[str, Any] = field(default_factory=dict)


def contact_member_id(student_id: str, contact_id: str) -> str:
    """The stable id of the TeamMember for a student's contact."""
    return stable_id("TeamMember", SOURCE, student_id, "contact", contact_id)


def engagement_id(student_id: str, org: str, code: str) -> str:
    """The stable id of the ServiceEngagement for an intervention association."""
    return stable_id("ServiceEngagement", SOURCE, student_id, org, code)


class RelationsMixin:
    """Contacts, staff, interventions and discipline, for :class:`EdFiConverter`."""

    codes: Codes
    retrieved_at: Any
    person: Callable[[str], PersonDraft]
    provenance: Callable[[str, str | None, str | None], Provenance]
    late_problems: list[QuarantineEntry]

    def _init_relations(self) -> None:
        self.contacts: dict[str, dict[str, Any]] = {}
        self.staff: dict[str, dict[str, Any]] = {}
        self.staff_roles: dict[str, tuple[Any, str | None, str | None]] = {}
        self.staff_links: list[StaffLink] = []
        self.interventions: dict[tuple[str, str], dict[str, Any]] = {}
        self.intervention_links: list[tuple[str, str, str, dict[str, Any], str]] = []
        self.incidents: dict[tuple[str, str], date | None] = {}
        self.discipline: dict[str, list[DisciplineEvent]] = {}

    def _relation_handlers(
        self,
    ) -> dict[str, Callable[[dict[str, Any], str], list[Record]]]:
        return {
            "contacts": self._contact,
            "parents": self._contact,
            "studentContactAssociations": self._contact_link,
            "studentParentAssociations": self._contact_link,
            "staffs": self._staff,
            "staffEducationOrganizationAssignmentAssociations": self._assignment,
            "interventions": self._intervention,
            "studentInterventionAssociations": self._intervention_link,
            "disciplineIncidents": self._incident,
            "studentDisciplineIncidentBehaviorAssociations": self._incident_link,
            "studentDisciplineIncidentAssociations": self._incident_link,
            "disciplineActions": self._action,
        }

    def _relation_target(
        self, resource: str, k: dict[str, str]
    ) -> tuple[str, str] | None:
        sid = k.get("studentUniqueId", "")
        if resource in ("studentContactAssociations", "studentParentAssociations"):
            contact = k.get("contactUniqueId") or k.get("parentUniqueId") or ""
            return "TeamMember", contact_member_id(sid, contact)
        if resource == "studentInterventionAssociations":
            org = k.get("educationOrganizationId", "")
            return "ServiceEngagement", engagement_id(
                sid, org, k.get("interventionIdentificationCode", "")
            )
        return None

    # -- contacts ---------------------------------------------------------

    def _contact(self, item: dict[str, Any], location: str) -> list[Record]:
        key = "contactUniqueId" if "contactUniqueId" in item else "parentUniqueId"
        contact_id = require(item, key, "contacts")
        self.contacts[contact_id] = item
        return []

    def _contact_link(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "studentContactAssociations"
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        if isinstance(item.get("parentReference"), dict):
            contact_id = ref_key(item, "parentReference", "parentUniqueId", resource)
        else:
            contact_id = ref_key(item, "contactReference", "contactUniqueId", resource)
        draft = self.person(sid)
        draft.contacts[contact_id] = (
            {**item, "_location": location, "_resource": resource},
            None,
        )
        return []

    # -- staff ------------------------------------------------------------

    def _staff(self, item: dict[str, Any], location: str) -> list[Record]:
        staff_id = require(item, "staffUniqueId", "staffs")
        self.staff[staff_id] = item
        return []

    def _assignment(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "staffEducationOrganizationAssignmentAssociations"
        staff_id = ref_key(item, "staffReference", "staffUniqueId", resource)
        role = self.codes.code(
            item.get("staffClassificationDescriptor"), "StaffClassificationDescriptor"
        )
        org = item.get("educationOrganizationReference") or {}
        self.staff_roles[staff_id] = (
            role,
            text(item.get("positionTitle")),
            text(org.get("educationOrganizationId")) if isinstance(org, dict) else None,
        )
        return []

    # -- interventions ----------------------------------------------------

    def _intervention(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "interventions"
        code = require(item, "interventionIdentificationCode", resource)
        org = ref_key(
            item, "educationOrganizationReference", "educationOrganizationId", resource
        )
        self.interventions[(org, code)] = item
        return []

    def _intervention_link(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "studentInterventionAssociations"
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        org = ref_key(
            item, "interventionReference", "educationOrganizationId", resource
        )
        code = ref_key(
            item, "interventionReference", "interventionIdentificationCode", resource
        )
        # The engagement's dates, kind, domain and category live on the
        # intervention, which may come later in the input: built at the end.
        self.intervention_links.append((sid, org, code, item, location))
        self.person(sid)
        return []

    def _engagements(self) -> list[Record]:
        """The ServiceEngagement of every intervention association read.

        An association whose intervention was not in the input, or whose
        intervention cannot be read, goes to :attr:`late_problems`.
        """
        resource = "studentInterventionAssociations"
        records: list[Record] = []
        for sid, org, code, item, location in self.intervention_links:
            try:
                intervention = self.interventions.get((org, code))
                if intervention is None:
                    msg = (
                        f"{location}: intervention `{code}` of education "
                        f"organization {org} was not in the input, so the "
                        "engagement has no dates, kind or category; include "
                        "interventions"
                    )
                    raise ConversionError(
                        msg,
                        code="edfi-intervention-unknown",
                        field="interventionReference",
                    )
                records.append(
                    self._engagement(sid, org, code, intervention, item, location)
                )
            except ConversionError as exc:
                self._late(resource, item, location, exc)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                msg = (
                    f"{location}: {resource} item gives an invalid `{where}`: "
                    f"{first['msg']}"
                )
                error = ConversionError(msg, code="edfi-invalid-value", field=where)
                self._late(resource, item, location, error)
        self.intervention_links.clear()
        return records

    def _late(
        self, resource: str, item: Any, location: str, exc: ConversionError
    ) -> None:
        self.late_problems.append(
            QuarantineEntry(
                location=location,
                reason=exc.code,
                message=exc.message,
                raw=item,
                resource=resource,
                field=exc.field,
            )
        )

    def _engagement(
        self,
        sid: str,
        org: str,
        code: str,
        intervention: dict[str, Any],
        item: dict[str, Any],
        location: str,
    ) -> ServiceEngagement:
        resource = "studentInterventionAssociations"
        kinds = [
            self.codes.code(
                intervention.get("interventionClassDescriptor"),
                "InterventionClassDescriptor",
            )
        ]
        for entry in intervention.get("diagnoses") or []:
            if isinstance(entry, dict):
                kinds.append(
                    self.codes.code(
                        entry.get("diagnosisDescriptor"), "DiagnosisDescriptor"
                    )
                )
        found = [k for k in kinds if k is not None]
        domain = next((r.domain for _, r in found if r is not None and r.domain), None)
        category = next(
            (r.category for _, r in found if r is not None and r.category), None
        )
        tier = next(
            (Codes.canonical(k, Tier) for k in found if Codes.canonical(k, Tier)), None
        )
        begin = as_date(
            intervention.get("beginDate"), field="beginDate", resource=resource
        )
        end = as_date(intervention.get("endDate"), field="endDate", resource=resource)
        today = self.retrieved_at.date()
        status = (
            TaskStatus.COMPLETED
            if end is not None and end < today
            else TaskStatus.IN_PROGRESS
        )
        period = Period(start=begin, end=end) if begin or end else None
        dosage = as_float(item.get("dosage"))
        usage = []
        if dosage and period is not None:
            usage.append(Utilization(period=period, quantity=dosage, unit="minute"))
        outcome = None
        for entry in item.get("interventionEffectivenesses") or []:
            if isinstance(entry, dict):
                outcome = self.codes.coding(
                    entry.get("interventionEffectivenessRatingDescriptor"),
                    "InterventionEffectivenessRatingDescriptor",
                )
                break

        for staff in intervention.get("staffs") or []:
            ref = staff.get("staffReference") if isinstance(staff, dict) else None
            staff_id = text(ref.get("staffUniqueId")) if isinstance(ref, dict) else None
            if staff_id:
                self.staff_links.append(
                    StaffLink(sid, staff_id, "intervention", begin, end)
                )
        key = f"{sid}/{org}/{code}"
        return ServiceEngagement(
            id=engagement_id(sid, org, code),
            subject=Identifier(system=STUDENT_SYSTEM, value=sid),
            kind=EngagementKind.INTERVENTION,
            category=category or DataCategory.SERVICES,
            service_name=code,
            service_types=[coding for coding, _ in found],
            provider_id=None,
            provider_name=None,
            domain=domain or Domain.ACADEMIC,
            tier=tier,
            setting=ServiceSetting.IN_SCHOOL,
            status=status,
            period=period,
            utilization=usage,
            reason=text(item.get("diagnosticStatement")),
            outcome=outcome,
            provenance=self.provenance(resource, key, location),
        )

    def _special_ed_providers(
        self, sid: str, item: dict[str, Any], begin: date | None
    ) -> None:
        for entry in item.get("serviceProviders") or []:
            ref = entry.get("staffReference") if isinstance(entry, dict) else None
            staff_id = text(ref.get("staffUniqueId")) if isinstance(ref, dict) else None
            if staff_id:
                lead = bool(as_bool(entry.get("primaryProvider")))
                self.staff_links.append(
                    StaffLink(sid, staff_id, "special-education", begin, None, lead)
                )

    # -- discipline -------------------------------------------------------

    def _incident(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "disciplineIncidents"
        ident = require(item, "incidentIdentifier", resource)
        school = ref_key(item, "schoolReference", "schoolId", resource)
        self.incidents[(ident, school)] = as_date(
            item.get("incidentDate"), field="incidentDate", resource=resource
        )
        return []

    def _incident_link(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "studentDisciplineIncidentBehaviorAssociations"
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        ident = ref_key(
            item, "disciplineIncidentReference", "incidentIdentifier", resource
        )
        school = ref_key(item, "disciplineIncidentReference", "schoolId", resource)
        behavior = item.get("behaviorDescriptor")
        if behavior is None:
            first = next(
                (b for b in item.get("behaviors") or [] if isinstance(b, dict)), {}
            )
            behavior = first.get("behaviorDescriptor")
        event = DisciplineEvent(
            kind="incident",
            on=None,
            code=self.codes.coding(behavior, "BehaviorDescriptor"),
            value=1.0,
            incident=(ident, school),
            location=location,
            raw=item,
        )
        self.discipline.setdefault(sid, []).append(event)
        self.person(sid)
        return []

    def _action(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "disciplineActions"
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        require(item, "disciplineActionIdentifier", resource)
        on = as_date(
            item.get("disciplineDate"), field="disciplineDate", resource=resource
        )
        if on is None:
            msg = f"{resource}: required field `disciplineDate` is missing"
            raise ConversionError(
                msg, code="edfi-missing-field", field="disciplineDate"
            )
        first = next(
            (d for d in item.get("disciplines") or [] if isinstance(d, dict)), {}
        )
        length = as_float(item.get("actualDisciplineActionLength"))
        if length is None:
            length = as_float(item.get("disciplineActionLength"))
        event = DisciplineEvent(
            kind="action",
            on=on,
            code=self.codes.coding(
                first.get("disciplineDescriptor"), "DisciplineDescriptor"
            ),
            value=length if length is not None else 1.0,
            incident=None,
            location=location,
            raw=item,
        )
        self.discipline.setdefault(sid, []).append(event)
        self.person(sid)
        return []
