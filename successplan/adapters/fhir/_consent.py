"""FHIR Consent to canonical Consent, strictly.

A canonical consent is read strictly: what its provisions do not permit is
denied. A FHIR Consent is translated only when every criterion of every
provision has a canonical meaning; otherwise it is rejected with the element
that could not be read (code ``consent-uninterpretable``) and never taken as a
permit. The one loosening allowed is one that narrows what is shared: the
actions of a ``deny`` provision are dropped, so it denies every action.

R4 and R4B nest exceptions under one root ``provision``; R5 puts the base
``decision`` at the root and lists the exceptions. Both are read; canonical
consents are written as R4 by ``_consent_out``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationError

from successplan.errors import ConversionError
from successplan.schemas import (
    Coding,
    Consent,
    ConsentProvision,
    ConsentStatus,
    DataCategory,
    Grantor,
    Identifier,
    PurposeOfUse,
)

from ._extras import CANONICAL_ID, coding_in, read_extras
from ._values import (
    SP_SYSTEM,
    ResourceContext,
    as_list,
    cc_codings,
    fhir_date,
    fhir_period,
    identifier_of,
    reference_parts,
)

__all__ = [
    "SP_CATEGORY",
    "SP_PURPOSE",
    "V3_ACT_CODE",
    "V3_ACT_REASON",
    "V3_PARTICIPATION",
    "consent_from_fhir",
]

V3_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
SP_PURPOSE = f"{SP_SYSTEM}/CodeSystem/purpose-of-use"
SP_CATEGORY = f"{SP_SYSTEM}/CodeSystem/data-category"

_PURPOSE_FROM_V3 = {
    "TREAT": PurposeOfUse.TREATMENT,
    "ETREAT": PurposeOfUse.EMERGENCY,
    "BTG": PurposeOfUse.EMERGENCY,
    "COC": PurposeOfUse.CARE_COORDINATION,
    "FAMRQT": PurposeOfUse.FAMILY_ACCESS,
    "PATRQT": PurposeOfUse.FAMILY_ACCESS,
}

_LABEL_FROM_V3 = {
    "ETH": DataCategory.HEALTH_SUD,
    "SUD": DataCategory.HEALTH_SUD,
    "PSY": DataCategory.HEALTH_MENTAL,
    "MH": DataCategory.HEALTH_MENTAL,
}

_RECIPIENT_ROLES = {"IRCP", "PRCP"}
_SHARING_ACTIONS = {"disclose", "access", "use"}
_STATUS = {
    "draft": ConsentStatus.DRAFT,
    "proposed": ConsentStatus.PROPOSED,
    "active": ConsentStatus.ACTIVE,
    "rejected": ConsentStatus.REJECTED,
    "inactive": ConsentStatus.INACTIVE,
    "entered-in-error": ConsentStatus.ENTERED_IN_ERROR,
}


Decision = Literal["permit", "deny"]


def consent_from_fhir(
    resource: dict[str, Any],
    *,
    record_id: str,
    patient_system: str,
    location: str = "",
    release: Literal["R4", "R5"] = "R4",
) -> Consent:
    """Translate a FHIR Consent into a canonical Consent.

    Args:
        resource: The Consent as parsed JSON.
        record_id: The canonical id to give it, unless it carries its own.
        patient_system: Identifier system for a ``Patient/<id>`` reference.
        location: Where it was read, for messages.
        release: ``R4`` (also R4B) or ``R5``.

    Raises:
        ConversionError: It cannot be interpreted (``consent-uninterpretable``),
            belongs to another release (``fhir-version-mismatch``), or has a
            malformed value.
    """
    ctx = ResourceContext(resource, location)
    r5_marks = [
        k
        for k in ("decision", "subject", "grantor", "regulatoryBasis")
        if k in resource
    ]
    if release == "R4" and (r5_marks or isinstance(resource.get("provision"), list)):
        what = r5_marks[0] if r5_marks else "provision"
        raise ctx.error(
            what,
            "is an R5 element; this Consent is R5, not R4 (read it as R5)",
            code="fhir-version-mismatch",
        )

    if release == "R4" and resource.get("scope") is not None:
        scopes = {c["code"] for c in cc_codings(resource["scope"])}
        if "patient-privacy" not in scopes:
            found = ", ".join(sorted(scopes)) or "uncoded"
            raise _uninterpretable(
                ctx,
                "scope",
                f"is `{found}`, not `patient-privacy`; only a privacy consent "
                "governs sharing",
            )

    status = _STATUS.get(str(resource.get("status")))
    if status is None:
        raise _uninterpretable(ctx, "status", f"is `{resource.get('status')}`")
    patient = resource.get("subject" if release == "R5" else "patient")
    subject = _subject(patient, patient_system)
    if subject is None:
        raise _uninterpretable(ctx, "patient", "names no patient")

    if release == "R5":
        base = resource.get("decision", "deny")
        if base not in ("permit", "deny"):
            raise _uninterpretable(ctx, "decision", f"is `{base}`")
        period = fhir_period(resource.get("period"), ctx, "period")
        root: dict[str, Any] = {"type": base}
        exceptions = as_list(resource.get("provision"))
        path = "provision"
        flip = True
    else:
        root = resource.get("provision") or {"type": "deny"}
        base = root.get("type", "deny")
        period = fhir_period(root.get("period"), ctx, "provision.period")
        exceptions = as_list(root.get("provision"))
        path = "provision.provision"
        flip = False

    provisions: list[ConsentProvision] = []
    root_rule = _provision(root, base, ctx, "provision", root=True)
    if base == "permit" or _has_criteria(root):
        provisions.append(root_rule)
    for index, item in enumerate(exceptions):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise _uninterpretable(ctx, where, "is not an object")
        if item.get("provision"):
            raise _uninterpretable(
                ctx, f"{where}.provision", "nests exceptions two deep"
            )
        if flip:
            decision: Decision = "deny" if base == "permit" else "permit"
        else:
            decision = item.get("type") or ("deny" if base == "permit" else "permit")
            if decision not in ("permit", "deny"):
                raise _uninterpretable(ctx, f"{where}.type", f"is `{decision}`")
        provisions.append(_provision(item, decision, ctx, where, root=False))
    if not provisions:
        provisions.append(ConsentProvision(decision="deny"))

    data: dict[str, Any] = {
        "id": _canonical_id(resource) or record_id,
        "subject": subject,
        "status": status,
        "grantor": _grantor(resource, release, subject),
        "discloser": _discloser(resource, release),
        "provisions": provisions,
        "period": period,
        "signed_on": fhir_date(
            resource.get("date" if release == "R5" else "dateTime"), ctx, "dateTime"
        ),
        "legal_basis": _legal_basis(resource, release),
        "document_url": _document_url(resource),
    }
    data.update(read_extras(resource))
    try:
        return Consent.model_validate(data)
    except ValidationError as exc:
        raise _uninterpretable(
            ctx, "", f"does not make a valid consent: {exc.errors()[0]['msg']}"
        ) from exc


def _provision(
    item: dict[str, Any], decision: str, ctx: ResourceContext, where: str, *, root: bool
) -> ConsentProvision:
    for key in (
        "class",
        "code",
        "data",
        "dataPeriod",
        "expression",
        "documentType",
        "resourceType",
    ):
        if item.get(key):
            raise _uninterpretable(
                ctx,
                f"{where}.{key}",
                "restricts by an element with no canonical meaning",
            )

    actions = {
        c["code"]
        for c in cc_codings(item.get("action"))
        if c["system"] == CONSENT_ACTION
    }
    if decision == "permit" and item.get("action") and not actions & _SHARING_ACTIONS:
        raise _uninterpretable(
            ctx,
            f"{where}.action",
            "permits no sharing action (disclose, access or use)",
        )

    purposes: list[PurposeOfUse] = []
    for i, coding in enumerate(as_list(item.get("purpose"))):
        purpose = _purpose(coding)
        if purpose is None:
            raise _uninterpretable(
                ctx,
                f"{where}.purpose[{i}]",
                f"is `{_code(coding)}`, a purpose with no canonical meaning",
            )
        if purpose not in purposes:
            purposes.append(purpose)

    categories: list[DataCategory] = []
    for i, coding in enumerate(as_list(item.get("securityLabel"))):
        category = _category(coding)
        if category is None:
            raise _uninterpretable(
                ctx,
                f"{where}.securityLabel[{i}]",
                f"is `{_code(coding)}`, a label with no canonical data category",
            )
        if category not in categories:
            categories.append(category)

    recipients: list[str] = []
    for i, actor in enumerate(as_list(item.get("actor"))):
        roles = {
            c["code"]
            for c in cc_codings(actor.get("role") if isinstance(actor, dict) else None)
        }
        parts = (
            reference_parts(actor.get("reference")) if isinstance(actor, dict) else None
        )
        if not roles & _RECIPIENT_ROLES or parts is None:
            if decision == "deny":
                continue
            raise _uninterpretable(
                ctx,
                f"{where}.actor[{i}]",
                "is not a recipient named by a literal reference",
            )
        recipients.append(parts[1])

    period = None if root else fhir_period(item.get("period"), ctx, f"{where}.period")
    return ConsentProvision(
        decision=decision,
        categories=categories,
        purposes=purposes,
        recipients=recipients,
        period=period,
    )


def _has_criteria(item: dict[str, Any]) -> bool:
    return any(item.get(k) for k in ("actor", "purpose", "securityLabel"))


def _purpose(coding: Any) -> PurposeOfUse | None:
    if not isinstance(coding, dict):
        return None
    code = str(coding.get("code"))
    if coding.get("system") == SP_PURPOSE:
        try:
            return PurposeOfUse(code)
        except ValueError:
            return None
    if coding.get("system") == V3_ACT_REASON:
        return _PURPOSE_FROM_V3.get(code)
    return None


def _category(coding: Any) -> DataCategory | None:
    if not isinstance(coding, dict):
        return None
    code = str(coding.get("code"))
    if coding.get("system") == SP_CATEGORY:
        try:
            return DataCategory(code)
        except ValueError:
            return None
    if coding.get("system") == V3_ACT_CODE:
        return _LABEL_FROM_V3.get(code)
    return None


def _subject(reference: Any, patient_system: str) -> Identifier | None:
    if not isinstance(reference, dict):
        return None
    if isinstance(reference.get("identifier"), dict):
        found = identifier_of(reference["identifier"])
        if found is not None:
            return found
    parts = reference_parts(reference)
    if parts is None or parts[0] != "Patient":
        return None
    return Identifier(system=patient_system, value=parts[1])


def _grantor(resource: dict[str, Any], release: str, subject: Identifier) -> Grantor:
    people = as_list(resource.get("grantor" if release == "R5" else "performer"))
    for person in people:
        if not isinstance(person, dict):
            continue
        parts = reference_parts(person)
        kind = parts[0] if parts else person.get("type")
        same = (parts is not None and parts[1] == subject.value) or (
            isinstance(person.get("identifier"), dict)
            and identifier_of(person["identifier"]) == subject
        )
        if kind == "Patient" or same:
            return Grantor(relationship="self")
        ident = (
            identifier_of(person["identifier"])
            if isinstance(person.get("identifier"), dict)
            else None
        )
        name = {"text": person["display"]} if person.get("display") else None
        return Grantor.model_validate(
            {"relationship": "other", "identifier": ident, "name": name}
        )
    return Grantor(relationship="other")


def _discloser(resource: dict[str, Any], release: str) -> str | None:
    for org in as_list(resource.get("manager" if release == "R5" else "organization")):
        parts = reference_parts(org)
        if parts is not None:
            return parts[1]
    return None


def _legal_basis(resource: dict[str, Any], release: str) -> list[Coding]:
    key = "regulatoryBasis" if release == "R5" else "policyRule"
    return [Coding.model_validate(coding_in(c)) for c in cc_codings(resource.get(key))]


def _document_url(resource: dict[str, Any]) -> str | None:
    for attachment in as_list(resource.get("sourceAttachment")):
        if isinstance(attachment, dict) and attachment.get("url"):
            return str(attachment["url"])
    parts = reference_parts(resource.get("sourceReference"))
    return f"{parts[0]}/{parts[1]}" if parts else None


def _canonical_id(resource: dict[str, Any]) -> str | None:
    for ident in as_list(resource.get("identifier")):
        if (
            isinstance(ident, dict)
            and ident.get("system") == CANONICAL_ID
            and ident.get("value")
        ):
            return str(ident["value"])
    return None


def _code(coding: Any) -> Any:
    return coding.get("code") if isinstance(coding, dict) else coding


def _uninterpretable(ctx: ResourceContext, field: str, problem: str) -> ConversionError:
    return ctx.error(
        field or "(resource)",
        f"{problem}; the consent cannot be interpreted and is rejected, "
        "not read as a permit",
        code="consent-uninterpretable",
    )
