"""A canonical Success Plan as a FHIR R4 Bundle, and the Bundle back as the plan.

The Bundle (type ``collection``) holds the Patient, the CarePlan standing for
the plan, a Condition or Observation per finding, the Goals, a ServiceRequest
and its referral Task per service, a CareTeam, and any Consents. Entries are
named by ``urn:uuid`` full URLs, and every resource carries the canonical id as
an identifier, so reading the Bundle back gives the same plan.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from successplan.errors import ConversionError, InputError
from successplan.schemas import Consent, SuccessPlan

from ._consent import consent_from_fhir
from ._consent_out import consent_to_fhir, fhir_id
from ._extras import read_extras, write_extras
from ._fhir_elements import SP_PLAN, SP_TEAM_ROLE, canonical_id_of
from ._plan_fhir import (
    care_plan_in,
    care_plan_out,
    finding_in,
    finding_out,
    patient_in,
    patient_out,
)
from ._plan_fhir_services import (
    goal_in,
    goal_out,
    service_in,
    service_out,
    task_out,
)
from ._values import as_list, cc_codings

__all__ = ["plan_from_bundle", "plan_to_bundle", "validate_r4"]

_NAMESPACE = uuid.UUID("6f0c1d1e-3a55-4a8e-9d40-5c1f0e6b2a77")
_PLAN_CHILDREN = ("person", "findings", "goals", "services", "team")


def _urn(resource_type: str, record_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{resource_type}/{record_id}')}"


def plan_to_bundle(
    plan: SuccessPlan, consents: Sequence[Consent] = (), *, validate: bool = True
) -> dict[str, Any]:
    """Write a plan (and the consents that go with it) as an R4 collection Bundle.

    Args:
        plan: The plan.
        consents: Consents to include.
        validate: Check the Bundle with the fhir.resources R4B models.

    Raises:
        ConversionError: The Bundle fails validation (code ``fhir-export-invalid``).
    """
    data = plan.model_dump(mode="json", exclude_none=True)
    entries: list[dict[str, Any]] = []

    def add(resource: dict[str, Any], record_id: str) -> str:
        url = _urn(resource["resourceType"], record_id)
        entries.append({"fullUrl": url, "resource": resource})
        return url

    person = data.get("person") or {
        "id": f"person-of-{plan.id}",
        "identifiers": [data["subject"]],
    }
    patient_ref = _urn("Patient", person["id"])
    patient = patient_out(
        person,
        fhir_id(person["id"]),
    )
    if plan.person is not None:
        write_extras(plan.person, patient_in(patient), patient)
    add(patient, person["id"])

    ids: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for f in data.get("findings", []):
        kinds[f["id"]] = (
            "Condition" if f["kind"] in ("need", "risk-factor") else "Observation"
        )
        ids[f["id"]] = _urn(kinds[f["id"]], f["id"])
    for g in data.get("goals", []):
        ids[g["id"]] = _urn("Goal", g["id"])

    def ref(record_id: str) -> str:
        return ids[record_id]

    def unref(reference: Mapping[str, Any]) -> str | None:
        return {v: k for k, v in ids.items()}.get(str(reference.get("reference")))

    refs: dict[str, list[str]] = {
        "conditions": [],
        "goals": [],
        "services": [],
        "team": [],
    }
    for record, item in zip(plan.findings, data.get("findings", []), strict=True):
        res = finding_out(item, fhir_id(item["id"]), patient_ref)
        write_extras(record, finding_in(res), res)
        url = add(res, item["id"])
        if res["resourceType"] == "Condition":
            refs["conditions"].append(url)
    for goal, item in zip(plan.goals, data.get("goals", []), strict=True):
        res = goal_out(item, fhir_id(item["id"]), patient_ref, ref)
        write_extras(goal, goal_in(res, unref), res)
        refs["goals"].append(add(res, item["id"]))
    for service, item in zip(plan.services, data.get("services", []), strict=True):
        res = service_out(item, fhir_id(item["id"]), patient_ref, ref)
        request_ref = _urn("ServiceRequest", item["id"])
        task = task_out(
            item, fhir_id(f"task-{item['id']}"[:64]), request_ref, patient_ref
        )
        write_extras(service, service_in(res, task, unref), res)
        refs["services"].append(add(res, item["id"]))
        add(task, f"task/{item['id']}")
    if plan.team:
        care_team = _care_team(plan, data, patient_ref)
        refs["team"].append(add(care_team, f"team/{plan.id}"))

    care_plan = care_plan_out(data, fhir_id(plan.id), patient_ref, refs)
    write_extras(plan, care_plan_in(care_plan), care_plan, structural=_PLAN_CHILDREN)
    entries.insert(1, {"fullUrl": _urn("CarePlan", plan.id), "resource": care_plan})
    for consent in consents:
        add(consent_to_fhir(consent), consent.id)

    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    if validate:
        validate_r4(bundle)
    return bundle


def _care_team(
    plan: SuccessPlan, data: dict[str, Any], patient_ref: str
) -> dict[str, Any]:
    participants = []
    for record, member in zip(plan.team, data["team"], strict=True):
        item: dict[str, Any] = {
            "role": [{"coding": [{"system": SP_TEAM_ROLE, "code": member["role"]}]}]
        }
        name = (member.get("name") or {}).get("text")
        if name or member.get("organization_name"):
            item["member"] = {"display": name or member["organization_name"]}
        write_extras(record, {"type": "TeamMember", "role": member["role"]}, item)
        participants.append(item)
    return {
        "resourceType": "CareTeam",
        "id": fhir_id(f"team-{plan.id}"[:64]),
        "status": "active",
        "subject": {"reference": patient_ref},
        "participant": participants,
    }


def validate_r4(bundle: Mapping[str, Any]) -> None:
    """Validate a Bundle with the fhir.resources R4B models.

    Raises:
        ConversionError: It is not a valid R4B Bundle (code ``fhir-export-invalid``).
    """
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = f"the exported Bundle is not valid FHIR R4: {where}: {first['msg']}"
        raise ConversionError(msg, code="fhir-export-invalid") from exc


def plan_from_bundle(bundle: Mapping[str, Any]) -> tuple[SuccessPlan, list[Consent]]:
    """Read a Bundle written by :func:`plan_to_bundle` back as the plan and consents.

    Raises:
        InputError: The Bundle holds no Success Plan CarePlan.
        ConversionError: A resource does not make a valid canonical record.
    """
    by_url: dict[str, dict[str, Any]] = {}
    for entry in as_list(bundle.get("entry")):
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
            by_url[str(entry.get("fullUrl"))] = entry["resource"]

    def unref(reference: Mapping[str, Any]) -> str | None:
        target = by_url.get(str(reference.get("reference")))
        return canonical_id_of(target) if target else None

    plans = [
        r for r in by_url.values()
        if r.get("resourceType") == "CarePlan"
        and any(c["system"] == SP_PLAN for c in cc_codings(r.get("category")))
    ]  # fmt: skip
    if not plans:
        msg = (
            "the Bundle holds no Success Plan CarePlan; was it written by successplan?"
        )
        raise InputError(msg, code="fhir-no-plan")
    care_plan = plans[0]
    data = care_plan_in(care_plan) | read_extras(care_plan)

    patient = by_url.get(str(care_plan["subject"].get("reference")))
    if (
        patient is not None
        and canonical_id_of(patient) != f"person-of-{data.get('id')}"
    ):
        data["person"] = patient_in(patient) | read_extras(patient)

    tasks = {
        str(r["focus"].get("reference")): r
        for r in by_url.values()
        if r.get("resourceType") == "Task" and isinstance(r.get("focus"), dict)
    }
    data["findings"] = [
        finding_in(by_url[url]) | read_extras(by_url[url])
        for url in _finding_urls(care_plan, by_url)
    ]
    data["goals"] = [
        goal_in(by_url[g["reference"]], unref) | read_extras(by_url[g["reference"]])
        for g in as_list(care_plan.get("goal"))
    ]
    data["services"] = []
    for activity in as_list(care_plan.get("activity")):
        url = activity["reference"]["reference"]
        request = by_url[url]
        data["services"].append(
            service_in(request, tasks.get(url), unref) | read_extras(request)
        )
    data["team"] = []
    for team_ref in as_list(care_plan.get("careTeam")):
        for p in as_list(by_url[team_ref["reference"]].get("participant")):
            role = next(
                iter(
                    c["code"]
                    for c in cc_codings(p.get("role"))
                    if c["system"] == SP_TEAM_ROLE
                ),
                None,
            )
            data["team"].append({"type": "TeamMember", "role": role} | read_extras(p))

    consents = [
        consent_from_fhir(
            r, record_id=str(r.get("id")), patient_system="urn:fhir/Patient"
        )
        for r in by_url.values()
        if r.get("resourceType") == "Consent"
    ]
    try:
        plan = SuccessPlan.model_validate(data)
    except ValidationError as exc:
        msg = f"the Bundle's plan is not a valid canonical SuccessPlan: {exc}"
        raise ConversionError(msg, code="fhir-import-invalid") from exc
    return plan, consents


def _finding_urls(
    care_plan: Mapping[str, Any], by_url: Mapping[str, dict[str, Any]]
) -> list[str]:
    order = [str(a.get("reference")) for a in as_list(care_plan.get("addresses"))]
    observations = [
        url for url, r in by_url.items()
        if r.get("resourceType") == "Observation" and canonical_id_of(r)
    ]  # fmt: skip
    urls = order + observations
    return sorted(urls, key=lambda u: _position(by_url, u))


def _position(by_url: Mapping[str, Any], url: str) -> int:
    return list(by_url).index(url)
