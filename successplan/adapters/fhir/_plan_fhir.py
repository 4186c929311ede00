"""The plan's Patient, Conditions and Observations, and its CarePlan, as FHIR R4.

One pair of functions per record type: ``*_out`` writes the FHIR elements,
``*_in`` reads them back as the canonical fields in JSON form. Export uses the
pair to find the fields that do not come back identical and carries those in
extensions (see ``_extras``), so a round trip loses nothing. Goals, referrals
and their Tasks are in ``_plan_fhir_services``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._extras import CANONICAL_ID, coding_in
from ._fhir_elements import (
    ADMIN_GENDER,
    CONDITION_CLINICAL,
    CONDITION_VER,
    SP_DOMAIN,
    SP_FINDING_KIND,
    SP_PLAN,
    J,
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

__all__ = [
    "care_plan_in",
    "care_plan_out",
    "finding_in",
    "finding_out",
    "patient_in",
    "patient_out",
]


# -- Patient ---------------------------------------------------------------


def patient_out(person: J, fhir_id: str) -> J:
    """Write a canonical Person as a Patient."""
    res = base_resource("Patient", fhir_id, person)
    res["identifier"] += [
        {
            k: v
            for k, v in {
                "system": i["system"],
                "value": i["value"],
                "type": concept([i["type"]]) if i.get("type") else None,
            }.items()
            if v is not None
        }
        for i in person.get("identifiers", [])
    ]
    names = []
    for name in person.get("names", []):
        n: J = {}
        put(n, "use", {"preferred": "usual"}.get(name.get("use", ""), name.get("use")))
        put(n, "text", name.get("text"))
        put(n, "family", name.get("family"))
        put(n, "given", name.get("given"))
        put(n, "suffix", [name["suffix"]] if name.get("suffix") else None)
        names.append(n)
    put(res, "name", names)
    sex = person.get("sex")
    if sex and sex["system"] == ADMIN_GENDER:
        res["gender"] = sex["code"]
    put(res, "birthDate", person.get("birth_date"))
    put(res, "telecom", [dict(t) for t in person.get("telecom", [])])
    put(
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
    put(
        res,
        "communication",
        [
            {
                "language": concept([lang["language"]]),
                **({"preferred": True} if lang.get("preferred") else {}),
            }
            for lang in person.get("languages", [])
        ],
    )
    contacts = []
    for contact in person.get("contacts", []):
        c: J = {}
        if contact.get("relationship"):
            c["relationship"] = [concept([contact["relationship"]])]
        c["name"] = {
            k: v
            for k, v in {
                "text": contact["name"].get("text"),
                "family": contact["name"].get("family"),
                "given": contact["name"].get("given") or None,
            }.items()
            if v
        }
        put(c, "telecom", [dict(t) for t in contact.get("telecom", [])])
        contacts.append(c)
    put(res, "contact", contacts)
    return res


def patient_in(res: Mapping[str, Any]) -> J:
    """Read the canonical Person fields a Patient holds natively."""
    out: J = {"type": "Person"}
    put(out, "id", canonical_id_of(res))
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
            put(name, key, n.get(key))
        if n.get("suffix"):
            name["suffix"] = n["suffix"][0]
        use = {"usual": "preferred"}.get(n.get("use", ""), n.get("use"))
        put(name, "use", use)
        names.append(name)
    out["names"] = names
    if res.get("gender"):
        out["sex"] = {"system": ADMIN_GENDER, "code": res["gender"]}
    put(out, "birth_date", res.get("birthDate"))
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
    res = base_resource(
        "Condition" if is_condition else "Observation", fhir_id, finding
    )
    add_security(finding, res)
    category = [
        own_concept(SP_FINDING_KIND, finding["kind"]),
        own_concept(SP_DOMAIN, finding["domain"]),
    ]
    code = concept(
        [finding["code"]] if finding.get("code") else [], finding.get("description")
    )
    if is_condition:
        status = finding.get("status", "active")
        if status == "entered-in-error":
            res["verificationStatus"] = own_concept(CONDITION_VER, "entered-in-error")
        else:
            res["clinicalStatus"] = own_concept(CONDITION_CLINICAL, status)
        res["category"] = category
        put(res, "code", code)
        res["subject"] = subject_out(finding, patient_ref)
        put(res, "recordedDate", finding.get("identified_on"))
    else:
        res["status"] = (
            "entered-in-error"
            if finding.get("status") == "entered-in-error"
            else "final"
        )
        res["category"] = category
        res["code"] = code or {"text": finding["kind"]}
        res["subject"] = subject_out(finding, patient_ref)
        put(res, "effectiveDateTime", finding.get("identified_on"))
    return res


def finding_in(res: Mapping[str, Any]) -> J:
    """Read the canonical Finding fields a Condition or Observation holds natively."""
    out: J = {"type": "Finding"}
    put(out, "id", canonical_id_of(res))
    put(out, "subject", subject_in(res.get("subject")))
    put(out, "kind", own_code(res.get("category"), SP_FINDING_KIND))
    put(out, "domain", own_code(res.get("category"), SP_DOMAIN))
    put(out, "category", category_in(res))
    codings = list(cc_codings(res.get("code")))
    if codings:
        out["code"] = coding_in(codings[0])
    text = (res.get("code") or {}).get("text")
    if res["resourceType"] == "Condition":
        put(out, "description", text)
        if own_code(res.get("verificationStatus"), CONDITION_VER) == "entered-in-error":
            out["status"] = "entered-in-error"
        else:
            put(out, "status", own_code(res.get("clinicalStatus"), CONDITION_CLINICAL))
        put(out, "identified_on", res.get("recordedDate"))
    else:
        if codings or text != out.get("kind"):
            put(out, "description", text)
        if res.get("status") == "entered-in-error":
            out["status"] = "entered-in-error"
        put(out, "identified_on", res.get("effectiveDateTime"))
    return out


# -- Goal ------------------------------------------------------------------


def care_plan_out(
    plan: J, fhir_id: str, patient_ref: str, refs: Mapping[str, list[str]]
) -> J:
    """Write a SuccessPlan as a CarePlan pointing at its goals, services and team."""
    res = base_resource("CarePlan", fhir_id, plan)
    res["status"] = plan.get("status", "active")
    res["intent"] = "plan"
    res["category"] = [own_concept(SP_PLAN, "success-plan")]
    put(res, "title", plan.get("title"))
    res["subject"] = subject_out(plan, patient_ref)
    if plan.get("period"):
        res["period"] = dict(plan["period"])
    put(res, "created", plan.get("created_on"))
    put(res, "careTeam", [{"reference": r} for r in refs.get("team", [])])
    put(res, "addresses", [{"reference": r} for r in refs.get("conditions", [])])
    put(res, "goal", [{"reference": r} for r in refs.get("goals", [])])
    put(
        res,
        "activity",
        [{"reference": {"reference": r}} for r in refs.get("services", [])],
    )
    return res


def care_plan_in(res: Mapping[str, Any]) -> J:
    """Read the canonical SuccessPlan fields a CarePlan holds natively."""
    out: J = {"type": "SuccessPlan"}
    put(out, "id", canonical_id_of(res))
    put(out, "subject", subject_in(res.get("subject")))
    put(out, "status", res.get("status"))
    put(out, "title", res.get("title"))
    if isinstance(res.get("period"), dict):
        out["period"] = {
            k: v for k, v in res["period"].items() if k in ("start", "end")
        }
    put(out, "created_on", res.get("created"))
    return out
