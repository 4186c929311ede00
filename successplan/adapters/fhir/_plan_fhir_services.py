"""The plan's Goals, and its services as ServiceRequests with their Tasks, as FHIR R4.

The same ``*_out`` / ``*_in`` pairs as ``_plan_fhir``: write the FHIR
elements, and read them back as canonical fields in JSON form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._extras import coding_in
from ._fhir_elements import (
    GOAL_ACHIEVEMENT,
    SP_DOMAIN,
    J,
    Ref,
    Unref,
    add_security,
    base_resource,
    canonical_id_of,
    category_in,
    concept,
    own_code,
    own_concept,
    put,
    subject_in,
    subject_out,
)
from ._values import as_list, cc_codings

__all__ = ["goal_in", "goal_out", "service_in", "service_out", "task_out"]


def goal_out(goal: J, fhir_id: str, patient_ref: str, ref: Ref) -> J:
    """Write a canonical Goal as a Goal."""
    res = base_resource("Goal", fhir_id, goal)
    add_security(goal, res)
    res["lifecycleStatus"] = goal.get("status", "active")
    if goal.get("achievement"):
        res["achievementStatus"] = own_concept(GOAL_ACHIEVEMENT, goal["achievement"])
    res["category"] = [own_concept(SP_DOMAIN, goal["domain"])]
    res["description"] = concept(
        [goal["code"]] if goal.get("code") else [], goal["description"]
    )
    res["subject"] = subject_out(goal, patient_ref)
    put(res, "startDate", goal.get("start_date"))
    targets = []
    for target in goal.get("targets", []):
        t: J = {
            "measure": concept(
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
        put(t, "dueDate", target.get("due"))
        targets.append(t)
    put(res, "target", targets)
    put(
        res, "addresses", [{"reference": ref(fid)} for fid in goal.get("addresses", [])]
    )
    return res


def goal_in(res: Mapping[str, Any], unref: Unref) -> J:
    """Read the canonical Goal fields a Goal holds natively."""
    out: J = {"type": "Goal"}
    put(out, "id", canonical_id_of(res))
    put(out, "subject", subject_in(res.get("subject")))
    put(out, "category", category_in(res))
    put(out, "status", res.get("lifecycleStatus"))
    put(out, "achievement", own_code(res.get("achievementStatus"), GOAL_ACHIEVEMENT))
    put(out, "domain", own_code(res.get("category"), SP_DOMAIN))
    description = res.get("description") or {}
    put(out, "description", description.get("text"))
    codings = list(cc_codings(description))
    if codings:
        out["code"] = coding_in(codings[0])
    put(out, "start_date", res.get("startDate"))
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
            put(target, "unit", t["detailQuantity"].get("unit"))
        elif "detailString" in t:
            target["target"] = t["detailString"]
        put(target, "due", t.get("dueDate"))
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
    res = base_resource("ServiceRequest", fhir_id, service)
    add_security(service, res)
    res["status"] = _REQUEST_STATUS[service.get("status", "requested")]
    res["intent"] = "order"
    res["category"] = [own_concept(SP_DOMAIN, service["domain"])]
    res["code"] = concept(service.get("service_types", []), service["service_name"])
    res["subject"] = subject_out(service, patient_ref)
    put(res, "authoredOn", service.get("referred_on"))
    if service.get("provider_name"):
        res["performer"] = [{"display": service["provider_name"]}]
    if service.get("reason"):
        res["reasonCode"] = [{"text": service["reason"]}]
    put(
        res,
        "reasonReference",
        [{"reference": ref(f)} for f in service.get("addresses", [])],
    )
    put(
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
        "for": subject_out(service, patient_ref),
    }
    put(res, "authoredOn", service.get("referred_on"))
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
    put(out, "id", canonical_id_of(res))
    put(out, "subject", subject_in(res.get("subject")))
    put(out, "category", category_in(res))
    put(out, "domain", own_code(res.get("category"), SP_DOMAIN))
    code = res.get("code") or {}
    put(out, "service_name", code.get("text"))
    out["service_types"] = [coding_in(c) for c in cc_codings(code)]
    if task is not None:
        put(out, "status", task.get("status"))
    put(out, "referred_on", res.get("authoredOn"))
    performers = as_list(res.get("performer"))
    if performers and isinstance(performers[0], dict):
        put(out, "provider_name", performers[0].get("display"))
    reasons = as_list(res.get("reasonCode"))
    if reasons and isinstance(reasons[0], dict):
        put(out, "reason", reasons[0].get("text"))
    out["addresses"] = [
        r for r in (unref(x) for x in as_list(res.get("reasonReference"))) if r
    ]
    out["supports_goals"] = [
        r for r in (unref(x) for x in as_list(res.get("supportingInfo"))) if r
    ]
    return out


# -- SuccessPlan as CarePlan -------------------------------------------------
