"""Assembling one canonical Person from the Ed-Fi resources about a student.

Ed-Fi spreads a student over many resources: the student (names, birth
date), school associations (enrollments), education organization
associations or, in Data Standard 6, student demographics and directories
(sex, races, languages, addresses), contact associations and the program
associations. Each adds its part to a draft; the draft becomes a Person when
the run ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from successplan.adapters._stream import stable_ids
from successplan.schemas import (
    Address,
    Coding,
    Contact,
    ContactPoint,
    ContactPointSystem,
    HumanName,
    LanguageUse,
    ProgramParticipation,
)

from ._codes import Codes
from ._values import as_bool, as_int, text

__all__ = [
    "PersonDraft",
    "STUDENT_SYSTEM",
    "addresses",
    "languages",
    "names",
    "person_id",
    "telecom",
]

#: Identifier system of Ed-Fi studentUniqueId values.
STUDENT_SYSTEM = "urn:ed-fi:studentUniqueId"

#: The stable id of the Person for an Ed-Fi studentUniqueId.
person_id = stable_ids("Person", "edfi")

_LANGUAGE_USES: dict[
    str, Literal["home", "native", "primary", "spoken", "written", "correspondence"]
] = {
    "home language": "home",
    "native language": "native",
    "dominant language": "primary",
    "primary language": "primary",
    "spoken correspondence": "spoken",
    "written correspondence": "written",
    "correspondence": "correspondence",
}
_ADDRESS_USES: dict[
    str, Literal["home", "work", "mailing", "temporary", "physical"]
] = {
    "home": "home",
    "work": "work",
    "mailing": "mailing",
    "temporary": "temporary",
    "physical": "physical",
    "shelters, transitional housing, awaiting foster care": "temporary",
}
_PHONE_USES: dict[str, Literal["home", "work", "mobile", "temporary"]] = {
    "home": "home",
    "work": "work",
    "mobile": "mobile",
    "emergency 1": "temporary",
    "emergency 2": "temporary",
}


def _code_value(value: Any) -> str:
    word = text(value) or ""
    return word.rpartition("#")[2].strip().lower()


def names(item: dict[str, Any]) -> list[HumanName]:
    """The official and preferred names of a student, contact or staff member."""
    given = [
        n for n in (text(item.get("firstName")), text(item.get("middleName"))) if n
    ]
    result = [
        HumanName(
            given=given,
            family=text(item.get("lastSurname")),
            suffix=text(item.get("generationCodeSuffix")),
            use="official",
        )
    ]
    preferred_first = text(item.get("preferredFirstName"))
    preferred_last = text(item.get("preferredLastSurname"))
    if preferred_first or preferred_last:
        result.append(
            HumanName(
                given=[preferred_first or given[0]]
                if (preferred_first or given)
                else [],
                family=preferred_last or text(item.get("lastSurname")),
                use="preferred",
            )
        )
    return result


def languages(item: dict[str, Any], codes: Codes) -> list[LanguageUse]:
    """The ``languages`` list of an Ed-Fi person, with how each is used."""
    result: list[LanguageUse] = []
    for entry in item.get("languages") or []:
        if not isinstance(entry, dict):
            continue
        coding = codes.coding(entry.get("languageDescriptor"), "LanguageDescriptor")
        if coding is None:
            continue
        uses = []
        for use in entry.get("uses") or []:
            if isinstance(use, dict):
                mapped = _LANGUAGE_USES.get(
                    _code_value(use.get("languageUseDescriptor"))
                )
                if mapped and mapped not in uses:
                    uses.append(mapped)
        result.append(LanguageUse(language=coding, uses=uses, preferred="home" in uses))
    return result


def addresses(item: dict[str, Any]) -> list[Address]:
    """Ed-Fi ``addresses`` as canonical addresses."""
    result: list[Address] = []
    for entry in item.get("addresses") or []:
        if not isinstance(entry, dict):
            continue
        lines = [
            line
            for line in (
                text(entry.get("streetNumberName")),
                text(entry.get("apartmentRoomSuiteNumber")),
                text(entry.get("buildingSiteNumber")),
            )
            if line
        ]
        state = text(entry.get("stateAbbreviationDescriptor"))
        result.append(
            Address(
                lines=lines,
                city=text(entry.get("city")),
                district=text(entry.get("nameOfCounty")),
                state=state.rpartition("#")[2] if state else None,
                postal_code=text(entry.get("postalCode")),
                country="US",
                use=_ADDRESS_USES.get(_code_value(entry.get("addressTypeDescriptor"))),
            )
        )
    return result


def telecom(item: dict[str, Any]) -> list[ContactPoint]:
    """Ed-Fi ``telephones`` and ``electronicMails`` as contact points."""
    result: list[ContactPoint] = []
    for entry in item.get("telephones") or []:
        if isinstance(entry, dict) and text(entry.get("telephoneNumber")):
            rank = as_int(entry.get("orderOfPriority"))
            sms = as_bool(entry.get("textMessageCapabilityIndicator"))
            result.append(
                ContactPoint(
                    system=ContactPointSystem.SMS if sms else ContactPointSystem.PHONE,
                    value=str(text(entry.get("telephoneNumber"))),
                    use=_PHONE_USES.get(
                        _code_value(entry.get("telephoneNumberTypeDescriptor"))
                    ),
                    rank=rank if rank and rank >= 1 else None,
                )
            )
    for entry in item.get("electronicMails") or []:
        if isinstance(entry, dict) and text(entry.get("electronicMailAddress")):
            kind = _code_value(entry.get("electronicMailTypeDescriptor"))
            result.append(
                ContactPoint(
                    system=ContactPointSystem.EMAIL,
                    value=str(text(entry.get("electronicMailAddress"))),
                    use="work" if kind == "work" else "home" if kind else None,
                )
            )
    return result


@dataclass(slots=True)
class PersonDraft:
    """The parts of one student gathered so far."""

    student_id: str
    #: Identifiers as JSON data (``system`` and ``value``).
    identifiers: list[dict[str, str]] = field(default_factory=list)
    names: list[HumanName] = field(default_factory=list)
    birth_date: Any = None
    sex: Coding | None = None
    gender_identity: Coding | None = None
    races: list[Coding] = field(default_factory=list)
    hispanic_latino: bool | None = None
    languages: list[LanguageUse] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    telecom: list[ContactPoint] = field(default_factory=list)
    #: Enrollments as checked JSON data, by school and entry date.
    enrollments: dict[tuple[str, date], dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, tuple[dict[str, Any], Contact | None]] = field(
        default_factory=dict
    )
    programs: dict[tuple[str, ...], ProgramParticipation] = field(default_factory=dict)
    location: str | None = None

    def add_identifier(self, system: str, value: str) -> None:
        """Add an identifier unless the same one is already there.

        Raises:
            ValueError: The system or the value is empty.
        """
        if not system or not value:
            msg = "an identifier needs a system and a value"
            raise ValueError(msg)
        identifier = {"system": system, "value": value}
        if identifier not in self.identifiers:
            self.identifiers.append(identifier)

    def extend(self, target: list[Any], values: list[Any]) -> None:
        """Add values to a list part, skipping ones already present."""
        for value in values:
            if value not in target:
                target.append(value)
