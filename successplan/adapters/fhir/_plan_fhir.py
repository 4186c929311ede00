"""Each canonical plan record as FHIR R4 elements, and back.

One pair of functions per record type: ``*_out`` writes the FHIR elements,
``*_in`` reads them back as the canonical fields in JSON form. Export uses the
pair to find the fields that do not come back identical and carries those in
extensions (see ``_extras``), so a round trip loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._extras import CANONICAL_ID, coding_in, coding_out
from ._values import SP_SYSTEM, as_list, cc_codings

__all__ = [
    "SP_CATEGORY",
    "SP_DOMAIN",
    "SP_FINDING_KIND",
    "SP_PLAN",
    "SP_TEAM_ROLE",
    "canonical_id_of",
    "care_plan_in",
    "care_plan_out",
    "finding_in",
    "finding_out",
    "goal_in",
    "goal_out",
    "patient_in",
    "patient_out",
    "service_in",
    "service_out",
    "task_out",
]

SP_DOMAIN = f"{SP_SYSTEM}/CodeSystem/domain"
SP_CATEGORY = f"{SP_SYSTEM}/CodeSystem/data-category"
SP_FINDING_KIND = f"{SP_SYSTEM}/CodeSystem/finding-kind"
SP_TEAM_ROLE = f"{SP_SYSTEM}/CodeSystem/team-role"
SP_PLAN = f"{SP_SYSTEM}/CodeSystem/plan-type"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
ADMIN_GENDER = "http://hl7.org/fhir/administrative-gender"

#: Security labels FHIR readers know, added beside the canonical category.
_SENSITIVITY: dict[str, list[tuple[str, str | None]]] = {
    "health.sud": [
        ("ETH", "substance abuse information sensitivity"),
        ("42CFRPart2", None),
        ("NORDSCLCD", None),
    ],
    "health.mental": [("PSY", "psychiatry information sensitivity")],
}

Ref = Callable[[str], str]
Unref = Callable[[Mapping[str, Any]], str | None]
J = dict[str, Any]


def canonical_id_of(resource: Mapping[str, Any]) -> str | None:
    """Return the canonical id a resource carries in its identifiers."""
    for ident in as_list(resource.get("identifier")):
        if isinstance(ident, dict) and ident.get("system") == CANONICAL_ID:
            return str(ident.get("value"))
    return None


def _base(resource_type: str, fhir_id: str, record: J) -> J:
    return {
        "resourceType": resource_type,
        "id": fhir_id,
        "identifier": [{"system": CANONICAL_ID, "value": record["id"]}],
    }


def _security(record: J, resource: J) -> None:
    category = record.get("category")
    if category is None:
        return
    labels = [{"system": SP_CATEGORY, "code": category}]
    labels += [
        {"system": V3_ACT_CODE, "code": code, **({"display": d} if d else {})}
        for code, d in _SENSITIVITY.get(category, [])
    ]
    resource["meta"] = {"security": labels}


def _category_in(resource: Mapping[str, Any]) -> str | None:
    meta = resource.get("meta") or {}
    for label in as_list(meta.get("security")):
        if isinstance(label, dict) and label.get("system") == SP_CATEGORY:
            return str(label.get("code"))
    return None


def _subject_out(record: J, patient_ref: str) -> J:
    out: J = {"reference": patient_ref}
    if record.get("subject"):
        out["identifier"] = {k: record["subject"][k] for k in ("system", "value")}
    return out


def _subject_in(reference: Any) -> J | None:
    if isinstance(reference, dict) and isinstance(reference.get("identifier"), dict):
        ident = reference["identifier"]
        if ident.get("system") and ident.get("value"):
            return {"system": ident["system"], "value": ident["value"]}
    return None


def _concept(codings: list[J], text: str | None = None) -> J:
    out: J = {}
    if codings:
        out["coding"] = [coding_out(c) for c in codings]
    if text:
        out["text"] = text
    return out


def _own(system: str, code: str) -> J:
    return {"coding": [{"system": system, "code": code}]}


def _own_code(value: Any, system: str) -> str | None:
    for coding in cc_codings(value):
        if coding["system"] == system:
            return str(coding["code"])
    return None


def _put(out: J, key: str, value: Any) -> None:
    if value is not None and value != [] and value != {}:
        out[key] = value


# -- Patient ---------------------------------------------------------------


def patient_out(person: J, fhir_id: str) -> J:
    """Write a canonical Person as a Patient."""
    res = _base("Patient", fhir_id, person)
    res["identifier"] += [
        {
            k: v
            for k, v in {
                "system": i["system"],
                "value": i["value"],
                "type": _concept([i["type"]]) if i.get("type") else None,
            }.items()
            if v is not None
        }
        for i in person.get("identifiers", [])
    ]
    names = []
    for name in person.get("names", []):
        n: J = {}
        _put(n, "use", {"preferred": "usual"}.get(name.get("use", ""), name.get("use")))
        _put(n, "text", name.get("text"))
        _put(n, "family", name.get("family"))
        _put(n, "given", name.get("given"))
        _put(n, "suffix", [name["suffix"]] if name.get("suffix") else None)
        names.append(n)
    _put(res, "name", names)
    sex = person.get("sex")
    if sex and sex["system"] == ADMIN_GENDER:
        res["gender"] = sex["code"]
    _put(res, "birthDate", person.get("birth_date"))
    _put(res, "telecom", [dict(t) for t in person.get("telecom", [])])
    _put(
        res,
        "address",
        [
            {
                k: v
                for k, v in {
                    "use": {"physical": "home", "mailing": "billing"}.get(
                        a.get("use", ""), a.get("use")
                    )
                    if a.get("use") in ("home", "work", "temporary")
                    else None,
                    "line": a.get("lines") or None,
                    "city": a.get("city"),
                    "district": a.get("district"),
                    "state": a.get("state"),
                    "postalCode": a.get("postal_code"),
                    "country": a.get("country"),
                }.items()
                if v is not None
            }
            for a in person.get("addresses", [])
        ],
    )
    _put(
        res,
        "communication",
        [
            {
                "language": _concept([lang["language"]]),
                **({"preferred": True} if lang.get("preferred") else {}),
            }
            for lang in person.get("languages", [])
        ],
    )
    contacts = []
    for contact in person.get("contacts", []):
        c: J = {}
        if contact.get("relationship"):
            c["relationship"] = [_concept([contact["relationship"]])]
        c["name"] = {
            k: v
            for k, v in {
                "text": contact["name"].get("text"),
                "family": contact["name"].get("family"),
                "given": contact["name"].get("given") or None,
            }.items()
            if v
        }
        _put(c, "telecom", [dict(t) for t in contact.get("telecom", [])])
        contacts.append(c)
    _put(res, "contact", contacts)
    return res


def patient_in(res: Mapping[str, Any]) -> J:
    """Read the canonical Person fields a Patient holds natively."""
    out: J = {"type": "Person"}
    _put(out, "id", canonical_id_of(res))
    idents = []
    for i in as_list(res.get("identifier")):
        if not isinstance(i, dict) or i.get("system") == CANONICAL_ID:
            continue
        item: J = {"system": i.get("system"), "value": i.get("value")}
        types = list(cc_codings(i.get("type")))
        if types:
            item["type"] = coding_in(types[0])
        idents.append(item)
    out["identifiers"] = idents
    names = []
    for n in as_list(res.get("name")):
        name: J = {"given": n.get("given", [])}
        for key in ("family", "text"):
            _put(name, key, n.get(key))
        if n.get("suffix"):
            name["suffix"] = n["suffix"][0]
        use = {"usual": "preferred"}.get(n.get("use", ""), n.get("use"))
        _put(name, "use", use)
        names.append(name)
    out["names"] = names
    if res.get("gender"):
        out["sex"] = {"system": ADMIN_GENDER, "code": res["gender"]}
    _put(out, "birth_date", res.get("birthDate"))
    out["telecom"] = [dict(t) for t in as_list(res.get("telecom"))]
    out["addresses"] = [
        {
            k: v
            for k, v in {
                "lines": a.get("line", []),
                "city": a.get("city"),
                "district": a.get("district"),
                "state": a.get("state"),
                "postal_code": a.get("postalCode"),
                "country": a.get("country"),
                "use": a.get("use")
                if a.get("use") in ("home", "work", "temporary")
                else None,
            }.items()
            if v is not None
        }
        for a in as_list(res.get("address"))
    ]
    return out


# -- Finding as Condition or Observation -------------------------------------


def finding_out(finding: J, fhir_id: str, patient_ref: str) -> J:
    """Write a need or risk factor as a Condition, anything else as an Observation."""
    is_condition = finding["kind"] in ("need", "risk-factor")
    res = _base("Condition" if is_condition else "Observation", fhir_id, finding)
    _security(finding, res)
    category = [
        _own(SP_FINDING_KIND, finding["kind"]),
        _own(SP_DOMAIN, finding["domain"]),
    ]
    code = _concept(
        [finding["code"]] if finding.get("code") else [], finding.get("description")
    )
    if is_condition:
        status = finding.get("status", "active")
        if status == "entered-in-error":
            res["verificationStatus"] = _own(CONDITION_VER, "entered-in-error")
        else:
            res["clinicalStatus"] = _own(CONDITION_CLINICAL, status)
        res["category"] = category
        _put(res, "code", code)
        res["subject"] = _subject_out(finding, patient_ref)
        _put(res, "recordedDate", finding.get("identified_on"))
    else:
        res["status"] = (
            "entered-in-error"
            if finding.get("status") == "entered-in-error"
            else "final"
        )
        res["category"] = category
        res["code"] = code or {"text": finding["kind"]}
        res["subject"] = _subject_out(finding, patient_ref)
        _put(res, "effectiveDateTime", finding.get("identified_on"))
    return res


def finding_in(res: Mapping[str, Any]) -> J:
    """Read the canonical Finding fields a Condition or Observation holds natively."""
    out: J = {"type": "Finding"}
    _put(out, "id", canonical_id_of(res))
    _put(out, "subject", _subject_in(res.get("subject")))
    _put(out, "kind", _own_code(res.get("category"), SP_FINDING_KIND))
    _put(out, "domain", _own_code(res.get("category"), SP_DOMAIN))
    _put(out, "category", _category_in(res))
    codings = list(cc_codings(res.get("code")))
    if codings:
        out["code"] = coding_in(codings[0])
    text = (res.get("code") or {}).get("text")
    if res["resourceType"] == "Condition":
        _put(out, "description", text)
        if (
            _own_code(res.get("verificationStatus"), CONDITION_VER)
            == "entered-in-error"
        ):
            out["status"] = "entered-in-error"
        else:
            _put(
                out, "status", _own_code(res.get("clinicalStatus"), CONDITION_CLINICAL)
            )
        _put(out, "identified_on", res.get("recordedDate"))
    else:
        if codings or text != out.get("kind"):
            _put(out, "description", text)
        if res.get("status") == "entered-in-error":
            out["status"] = "entered-in-error"
        _put(out, "identified_on", res.get("effectiveDateTime"))
    return out


# -- Goal ------------------------------------------------------------------


def goal_out(goal: J, fhir_id: str, patient_ref: str, ref: Ref) -> J:
    """Write a canonical Goal as a Goal."""
    res = _base("Goal", fhir_id, goal)
    _security(goal, res)
    res["lifecycleStatus"] = goal.get("status", "active")
    if goal.get("achievement"):
        res["achievementStatus"] = _own(GOAL_ACHIEVEMENT, goal["achievement"])
    res["category"] = [_own(SP_DOMAIN, goal["domain"])]
    res["description"] = _concept(
        [goal["code"]] if goal.get("code") else [], goal["description"]
    )
    res["subject"] = _subject_out(goal, patient_ref)
    _put(res, "startDate", goal.get("start_date"))
    targets = []
    for target in goal.get("targets", []):
        t: J = {
            "measure": _concept(
                [target["code"]] if target.get("code") else [], target["measure"]
            )
        }
        value = target["target"]
        if isinstance(value, bool):
            t["detailBoolean"] = value
        elif isinstance(value, int | float):
            t["detailQuantity"] = {
                "value": value,
                **({"unit": target["unit"]} if target.get("unit") else {}),
            }
        else:
            t["detailString"] = value
        _put(t, "dueDate", target.get("due"))
        targets.append(t)
    _put(res, "target", targets)
    _put(
        res, "addresses", [{"reference": ref(fid)} for fid in goal.get("addresses", [])]
    )
    return res


def goal_in(res: Mapping[str, Any], unref: Unref) -> J:
    """Read the canonical Goal fields a Goal holds natively."""
    out: J = {"type": "Goal"}
    _put(out, "id", canonical_id_of(res))
    _put(out, "subject", _subject_in(res.get("subject")))
    _put(out, "category", _category_in(res))
    _put(out, "status", res.get("lifecycleStatus"))
    _put(out, "achievement", _own_code(res.get("achievementStatus"), GOAL_ACHIEVEMENT))
    _put(out, "domain", _own_code(res.get("category"), SP_DOMAIN))
    description = res.get("description") or {}
    _put(out, "description", description.get("text"))
    codings = list(cc_codings(description))
    if codings:
        out["code"] = coding_in(codings[0])
    _put(out, "start_date", res.get("startDate"))
    targets = []
    for t in as_list(res.get("target")):
        target: J = {"measure": (t.get("measure") or {}).get("text")}
        measure_codes = list(cc_codings(t.get("measure")))
        if measure_codes:
            target["code"] = coding_in(measure_codes[0])
        if "detailBoolean" in t:
            target["target"] = t["detailBoolean"]
        elif "detailQuantity" in t:
            target["target"] = t["detailQuantity"].get("value")
            _put(target, "unit", t["detailQuantity"].get("unit"))
        elif "detailString" in t:
            target["target"] = t["detailString"]
        _put(target, "due", t.get("dueDate"))
        target.setdefault("comparator", ">=")
        targets.append(target)
    out["targets"] = targets
    out["addresses"] = [
        rid for rid in (unref(a) for a in as_list(res.get("addresses"))) if rid
    ]
    return out


# -- ServiceEngagement as ServiceRequest and Task ----------------------------

#: Task.status to the ServiceRequest.status that goes with it.
_REQUEST_STATUS = {
    "draft": "draft",
    "requested": "active",
    "received": "active",
    "accepted": "active",
    "ready": "active",
    "in-progress": "active",
    "on-hold": "on-hold",
    "rejected": "revoked",
    "cancelled": "revoked",
    "failed": "revoked",
    "completed": "completed",
    "entered-in-error": "entered-in-error",
}


def service_out(service: J, fhir_id: str, patient_ref: str, ref: Ref) -> J:
    """Write a canonical ServiceEngagement as a ServiceRequest."""
    res = _base("ServiceRequest", fhir_id, service)
    _security(service, res)
    res["status"] = _REQUEST_STATUS[service.get("status", "requested")]
    res["intent"] = "order"
    res["category"] = [_own(SP_DOMAIN, service["domain"])]
    res["code"] = _concept(service.get("service_types", []), service["service_name"])
    res["subject"] = _subject_out(service, patient_ref)
    _put(res, "authoredOn", service.get("referred_on"))
    if service.get("provider_name"):
        res["performer"] = [{"display": service["provider_name"]}]
    if service.get("reason"):
        res["reasonCode"] = [{"text": service["reason"]}]
    _put(
        res,
        "reasonReference",
        [{"reference": ref(f)} for f in service.get("addresses", [])],
    )
    _put(
        res,
        "supportingInfo",
        [{"reference": ref(g)} for g in service.get("supports_goals", [])],
    )
    return res


def task_out(service: J, fhir_id: str, request_ref: str, patient_ref: str) -> J:
    """Write the referral-management Task that tracks a ServiceRequest."""
    res: J = {
        "resourceType": "Task",
        "id": fhir_id,
        "status": service.get("status", "requested"),
        "intent": "order",
        "code": {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/CodeSystem/task-code",
                    "code": "fulfill",
                }
            ]
        },
        "focus": {"reference": request_ref},
        "for": _subject_out(service, patient_ref),
    }
    _put(res, "authoredOn", service.get("referred_on"))
    if service.get("referred_by", {}).get("display"):
        res["requester"] = {"display": service["referred_by"]["display"]}
    if service.get("provider_name"):
        res["owner"] = {"display": service["provider_name"]}
    return res


def service_in(
    res: Mapping[str, Any], task: Mapping[str, Any] | None, unref: Unref
) -> J:
    """Read the ServiceEngagement fields a ServiceRequest and its Task hold."""
    out: J = {"type": "ServiceEngagement"}
    _put(out, "id", canonical_id_of(res))
    _put(out, "subject", _subject_in(res.get("subject")))
    _put(out, "category", _category_in(res))
    _put(out, "domain", _own_code(res.get("category"), SP_DOMAIN))
    code = res.get("code") or {}
    _put(out, "service_name", code.get("text"))
    out["service_types"] = [coding_in(c) for c in cc_codings(code)]
    if task is not None:
        _put(out, "status", task.get("status"))
    _put(out, "referred_on", res.get("authoredOn"))
    performers = as_list(res.get("performer"))
    if performers and isinstance(performers[0], dict):
        _put(out, "provider_name", performers[0].get("display"))
    reasons = as_list(res.get("reasonCode"))
    if reasons and isinstance(reasons[0], dict):
        _put(out, "reason", reasons[0].get("text"))
    out["addresses"] = [
        r for r in (unref(x) for x in as_list(res.get("reasonReference"))) if r
    ]
    out["supports_goals"] = [
        r for r in (unref(x) for x in as_list(res.get("supportingInfo"))) if r
    ]
    return out


# -- SuccessPlan as CarePlan -------------------------------------------------


def care_plan_out(
    plan: J, fhir_id: str, patient_ref: str, refs: Mapping[str, list[str]]
) -> J:
    """Write a SuccessPlan as a CarePlan pointing at its goals, services and team."""
    res = _base("CarePlan", fhir_id, plan)
    res["status"] = plan.get("status", "active")
    res["intent"] = "plan"
    res["category"] = [_own(SP_PLAN, "success-plan")]
    _put(res, "title", plan.get("title"))
    res["subject"] = _subject_out(plan, patient_ref)
    if plan.get("period"):
        res["period"] = dict(plan["period"])
    _put(res, "created", plan.get("created_on"))
    _put(res, "careTeam", [{"reference": r} for r in refs.get("team", [])])
    _put(res, "addresses", [{"reference": r} for r in refs.get("conditions", [])])
    _put(res, "goal", [{"reference": r} for r in refs.get("goals", [])])
    _put(
        res,
        "activity",
        [{"reference": {"reference": r}} for r in refs.get("services", [])],
    )
    return res


def care_plan_in(res: Mapping[str, Any]) -> J:
    """Read the canonical SuccessPlan fields a CarePlan holds natively."""
    out: J = {"type": "SuccessPlan"}
    _put(out, "id", canonical_id_of(res))
    _put(out, "subject", _subject_in(res.get("subject")))
    _put(out, "status", res.get("status"))
    _put(out, "title", res.get("title"))
    if isinstance(res.get("period"), dict):
        out["period"] = {
            k: v for k, v in res["period"].items() if k in ("start", "end")
        }
    _put(out, "created_on", res.get("created"))
    return out
