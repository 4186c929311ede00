"""Patient to canonical Person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from successplan.adapters._stream import stable_id
from successplan.schemas import (
    Address,
    Coding,
    Contact,
    ContactPoint,
    HumanName,
    Identifier,
    LanguageUse,
    Person,
    Record,
)

from ._values import (
    ResourceContext,
    as_list,
    cc_codings,
    fhir_date,
    identifier_of,
    to_coding,
)

if TYPE_CHECKING:
    from ._convert import FhirConverter

__all__ = ["convert_patient"]

ADMIN_GENDER = "http://hl7.org/fhir/administrative-gender"
US_CORE_RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
US_CORE_ETHNICITY = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity"
_SSN_SYSTEMS = {"http://hl7.org/fhir/sid/us-ssn", "urn:oid:2.16.840.1.113883.4.1"}
_NAME_USE = {
    "usual": "preferred",
    "official": "official",
    "nickname": "nickname",
    "maiden": "maiden",
    "old": "old",
}
_ADDRESS_USE = {
    "home": "home",
    "work": "work",
    "temp": "temporary",
    "billing": "mailing",
}
_TELECOM_SYSTEM = {
    "phone": "phone",
    "fax": "fax",
    "email": "email",
    "url": "url",
    "sms": "sms",
    "pager": "other",
    "other": "other",
}
_TELECOM_USE = {"home": "home", "work": "work", "mobile": "mobile", "temp": "temporary"}
_GUARDIAN_CODES = {"GUARD", "LG"}
_EMERGENCY_CODES = {"C", "ECON"}


def convert_patient(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Convert a Patient: identifiers (never an SSN), names, languages, contacts."""
    identifiers = (
        [Identifier(system=conv.patient_system, value=key.split("/", 1)[1])]
        if key.startswith("Patient/")
        else []
    )
    for item in as_list(res.get("identifier")):
        if not isinstance(item, dict) or item.get("system") in _SSN_SYSTEMS:
            continue
        if any(c["code"] == "SS" for c in cc_codings(item.get("type"))):
            continue
        found = identifier_of(item)
        if found is not None and found not in identifiers:
            identifiers.append(found)
    if not identifiers:
        raise ctx.error(
            field="identifier",
            problem="is empty and the Patient has no id; it cannot be linked",
            code="fhir-no-id",
        )

    races: list[Coding] = []
    hispanic: bool | None = None
    for ext in as_list(res.get("extension")):
        if not isinstance(ext, dict):
            continue
        for sub in as_list(ext.get("extension")):
            coding = sub.get("valueCoding") if isinstance(sub, dict) else None
            if (
                not isinstance(coding, dict)
                or sub.get("url") != "ombCategory"
                or not coding.get("code")
            ):
                continue
            if ext.get("url") == US_CORE_RACE:
                races.append(to_coding(coding))
            elif ext.get("url") == US_CORE_ETHNICITY:
                hispanic = coding["code"] == "2135-2"

    sex = None
    if res.get("gender"):
        mapped = conv.lookup([{"system": ADMIN_GENDER, "code": res["gender"]}])
        sex = (
            mapped.coding
            if mapped is not None
            else Coding(system=ADMIN_GENDER, code=str(res["gender"]))
        )

    person = Person(
        id=stable_id("Person", conv.source, key),
        provenance=conv.provenance(key, ctx.location),
        identifiers=identifiers,
        names=[
            n for n in (_name(v) for v in as_list(res.get("name"))) if n is not None
        ],
        birth_date=fhir_date(res.get("birthDate"), ctx, "birthDate"),
        sex=sex,
        races=races,
        hispanic_latino=hispanic,
        languages=_languages(res.get("communication")),
        addresses=[
            _address(a) for a in as_list(res.get("address")) if isinstance(a, dict)
        ],
        telecom=_telecom(res.get("telecom")),
        contacts=[
            c
            for c in (_contact(v) for v in as_list(res.get("contact")))
            if c is not None
        ],
    )
    return [person]


def _name(value: Any) -> HumanName | None:
    if not isinstance(value, dict):
        return None
    given = [str(g) for g in as_list(value.get("given")) if g]
    suffix = as_list(value.get("suffix"))
    name = HumanName(
        given=given,
        family=value.get("family"),
        suffix=str(suffix[0]) if suffix else None,
        text=value.get("text"),
        use=_NAME_USE.get(str(value.get("use"))),
    )
    return name if (name.given or name.family or name.text) else None


def _address(value: dict[str, Any]) -> Address:
    return Address(
        lines=[str(line) for line in as_list(value.get("line"))],
        city=value.get("city"),
        district=value.get("district"),
        state=value.get("state"),
        postal_code=value.get("postalCode"),
        country=value.get("country"),
        use=_ADDRESS_USE.get(str(value.get("use"))),
    )


def _telecom(values: Any) -> list[ContactPoint]:
    out = []
    for value in as_list(values):
        if not isinstance(value, dict) or not value.get("value"):
            continue
        out.append(
            ContactPoint.model_validate(
                {
                    "system": _TELECOM_SYSTEM.get(str(value.get("system")), "other"),
                    "value": str(value["value"]),
                    "use": _TELECOM_USE.get(str(value.get("use"))),
                    "rank": value.get("rank")
                    if isinstance(value.get("rank"), int) and value["rank"] > 0
                    else None,
                }
            )
        )
    return out


def _languages(values: Any) -> list[LanguageUse]:
    out = []
    for value in as_list(values):
        if not isinstance(value, dict):
            continue
        codings = list(cc_codings(value.get("language")))
        if codings:
            out.append(
                LanguageUse(
                    language=to_coding(codings[0]),
                    preferred=bool(value.get("preferred", False)),
                )
            )
    return out


def _contact(value: Any) -> Contact | None:
    if not isinstance(value, dict):
        return None
    name = _name(value.get("name")) or (
        HumanName(text=str(value["organization"]["display"]))
        if isinstance(value.get("organization"), dict)
        and value["organization"].get("display")
        else None
    )
    if name is None:
        return None
    codings = list(cc_codings(value.get("relationship")))
    codes = {c["code"] for c in codings}
    address = value.get("address")
    return Contact(
        name=name,
        relationship=to_coding(codings[0]) if codings else None,
        guardian=True if codes & _GUARDIAN_CODES else None,
        emergency_contact=True if codes & _EMERGENCY_CODES else None,
        telecom=_telecom(value.get("telecom")),
        addresses=[_address(address)] if isinstance(address, dict) else [],
    )
