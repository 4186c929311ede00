"""FHIR elements shared by the plan's resources: ids, subjects, labels, codes.

The export writes each canonical record as a FHIR resource and reads it back;
these helpers build and read the pieces every resource type shares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._extras import CANONICAL_ID, coding_out
from ._values import SP_SYSTEM, as_list, cc_codings

__all__ = [
    "ADMIN_GENDER",
    "CONDITION_CLINICAL",
    "CONDITION_VER",
    "GOAL_ACHIEVEMENT",
    "SP_CATEGORY",
    "SP_DOMAIN",
    "SP_FINDING_KIND",
    "SP_PLAN",
    "SP_TEAM_ROLE",
    "J",
    "Ref",
    "Unref",
    "add_security",
    "base_resource",
    "canonical_id_of",
    "category_in",
    "concept",
    "own_code",
    "own_concept",
    "put",
    "subject_in",
    "subject_out",
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


def base_resource(resource_type: str, fhir_id: str, record: J) -> J:
    return {
        "resourceType": resource_type,
        "id": fhir_id,
        "identifier": [{"system": CANONICAL_ID, "value": record["id"]}],
    }


def add_security(record: J, resource: J) -> None:
    category = record.get("category")
    if category is None:
        return
    labels = [{"system": SP_CATEGORY, "code": category}]
    labels += [
        {"system": V3_ACT_CODE, "code": code, **({"display": d} if d else {})}
        for code, d in _SENSITIVITY.get(category, [])
    ]
    resource["meta"] = {"security": labels}


def category_in(resource: Mapping[str, Any]) -> str | None:
    meta = resource.get("meta") or {}
    for label in as_list(meta.get("security")):
        if isinstance(label, dict) and label.get("system") == SP_CATEGORY:
            return str(label.get("code"))
    return None


def subject_out(record: J, patient_ref: str) -> J:
    out: J = {"reference": patient_ref}
    if record.get("subject"):
        out["identifier"] = {k: record["subject"][k] for k in ("system", "value")}
    return out


def subject_in(reference: Any) -> J | None:
    if isinstance(reference, dict) and isinstance(reference.get("identifier"), dict):
        ident = reference["identifier"]
        if ident.get("system") and ident.get("value"):
            return {"system": ident["system"], "value": ident["value"]}
    return None


def concept(codings: list[J], text: str | None = None) -> J:
    out: J = {}
    if codings:
        out["coding"] = [coding_out(c) for c in codings]
    if text:
        out["text"] = text
    return out


def own_concept(system: str, code: str) -> J:
    return {"coding": [{"system": system, "code": code}]}


def own_code(value: Any, system: str) -> str | None:
    for coding in cc_codings(value):
        if coding["system"] == system:
            return str(coding["code"])
    return None


def put(out: J, key: str, value: Any) -> None:
    if value is not None and value != [] and value != {}:
        out[key] = value
