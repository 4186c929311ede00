"""Ed-Fi XML interchange elements, reshaped as the API's JSON.

Interchange files and the API describe the same data with different names:
``<EntryGradeLevel>`` is ``entryGradeLevelDescriptor``, a reference wraps its
keys in an ``...Identity`` element, ``<Name>`` groups what the API keeps at the
top, booleans are ``1``/``0`` and a school year reads ``2021-2022``. This
module turns one element into the API's dict, so one converter reads both.

The rules are general (camelCase names, a ``Descriptor`` suffix for descriptor
URIs, flattened identities, plural names for repeated parts) plus a short
table of the parts that are lists in the API.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

__all__ = ["element_to_api", "identity_of", "resource_of_element"]

#: XML elements whose children belong to the parent in the API.
_GROUPS = frozenset({"Name", "BirthData", "AttendanceEvent", "EducationContentSource"})

#: XML parts that the API holds as a list, with the API's list name.
_LISTS = {
    "Address": "addresses",
    "InternationalAddress": "internationalAddresses",
    "Telephone": "telephones",
    "ElectronicMail": "electronicMails",
    "Language": "languages",
    "Race": "races",
    "Disability": "disabilities",
    "DisabilityDesignation": "designations",
    "StudentCharacteristic": "studentCharacteristics",
    "StudentIndicator": "studentIndicators",
    "StudentIdentificationCode": "studentIdentificationCodes",
    "StaffIdentificationCode": "identificationCodes",
    "OtherName": "otherNames",
    "PersonalIdentificationDocument": "personalIdentificationDocuments",
    "ProgramParticipationStatus": "programParticipationStatuses",
    "SchoolFoodServiceProgramService": "schoolFoodServiceProgramServices",
    "HomelessProgramService": "homelessProgramServices",
    "SpecialEducationProgramService": "specialEducationProgramServices",
    "LanguageInstructionProgramService": "languageInstructionProgramServices",
    "ServiceProvider": "serviceProviders",
    "Behavior": "behaviors",
    "Weapon": "weapons",
    "Discipline": "disciplines",
    "DisciplineIncidentParticipationCode": "disciplineIncidentParticipationCodes",
    "Diagnosis": "diagnoses",
    "AppropriateGradeLevel": "appropriateGradeLevels",
    "AppropriateSex": "appropriateSexes",
    "PopulationServed": "populationServeds",
    "ScoreResult": "scoreResults",
    "PerformanceLevel": "performanceLevels",
    "StudentObjectiveAssessment": "studentObjectiveAssessments",
    "Accommodation": "accommodations",
    "EducationPlan": "educationPlans",
    "Period": "periods",
    "LanguageUse": "uses",
}

_SCHOOL_YEAR = re.compile(r"^\d{4}-(\d{4})$")
_CAMEL = re.compile(r"^([A-Z]+)(?=[A-Z][a-z]|\d|$)|^([A-Z])")


def _camel(name: str) -> str:
    """``IEPReviewDate`` -> ``iepReviewDate``; ``SchoolId`` -> ``schoolId``."""
    match = _CAMEL.match(name)
    if match is None:
        return name
    head = match.group(0)
    return head.lower() + name[len(head) :]


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _is_descriptor(text: str) -> bool:
    return text.startswith("uri://") and "#" in text


def _scalar(name: str, text: str) -> Any:
    if name == "schoolYear":
        match = _SCHOOL_YEAR.match(text)
        if match:
            return int(match.group(1))
    return text


def _identity_keys(element: Any, into: dict[str, Any]) -> None:
    """Flatten a reference's identity: nested references give their keys."""
    for child in element:
        tag = _local(child.tag)
        if not tag:
            continue
        if len(child):
            _identity_keys(child, into)
            continue
        text = (child.text or "").strip()
        name = _camel(tag)
        if _is_descriptor(text):
            name += "Descriptor"
        into.setdefault(name, _scalar(name, text))


def _value(element: Any, ids: dict[str, dict[str, Any]]) -> Any:
    tag = _local(element.tag)
    if tag.endswith("Reference"):
        ref = element.get("ref")
        if ref is not None and not len(element):
            return dict(ids.get(ref, {"ref": ref}))
        keys: dict[str, Any] = {}
        _identity_keys(element, keys)
        return keys
    if not len(element):
        return (element.text or "").strip()
    return _children(element, ids)


def _children(element: Any, ids: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    parent = _local(element.tag)
    for child in element:
        tag = _local(child.tag)
        if not tag:
            continue
        if tag in _GROUPS and len(child):
            for key, value in _children(child, ids).items():
                out.setdefault(key, value)
            continue
        value = _value(child, ids)
        name = _camel(tag)
        if isinstance(value, str) and _is_descriptor(value):
            name += "Descriptor"
        if tag in _LISTS and tag != parent:
            item = value
            if not isinstance(item, dict):
                item = {name: item}
            out.setdefault(_LISTS[tag], []).append(item)
            continue
        if isinstance(value, str):
            value = _scalar(name, value)
        out[name] = value
    return out


def resource_of_element(tag: str) -> str:
    """The API resource an interchange element belongs to (``Staff`` -> ``staffs``)."""
    name = _camel(tag)
    if name.endswith("y") and not name.endswith("ey"):
        return name[:-1] + "ies"
    return name + "s"


def element_to_api(element: Any, ids: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Reshape one interchange element as the API's JSON for its resource.

    Args:
        element: An lxml element, a direct child of the interchange root.
        ids: Keys of elements met earlier in the file, by their ``id``
            attribute; references by ``ref`` resolve through it. The caller
            adds this element's keys after the call.

    Returns:
        The item as the API would return it (without ``id`` and ``_etag``).
    """
    return _children(element, ids)


def identity_of(item: dict[str, Any]) -> dict[str, Any]:
    """The keys another element's ``ref`` to this one stands for.

    A ``<Contact id=...>`` gives ``{contactUniqueId}``; a
    ``<DisciplineIncident id=...>`` gives ``{incidentIdentifier, schoolId}``.
    """
    keys: dict[str, Any] = {}
    for name, value in item.items():
        if isinstance(value, str) and name.endswith(
            ("UniqueId", "Identifier", "IdentificationCode", "Id")
        ):
            keys[name] = value
        elif name.endswith("Reference") and isinstance(value, dict):
            keys.update(value)
    return keys
