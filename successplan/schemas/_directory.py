"""Directory of community services (from 211 feeds)."""

from __future__ import annotations

from typing import Literal

from ._base import CanonicalModel
from ._categories import DataCategory, field
from ._codes import Domain
from ._record import Record
from ._types import Address, Coding, ContactPoint, NonEmptyStr

__all__ = ["Eligibility", "Fee", "Location", "Schedule", "Service", "ServiceArea"]


class Eligibility(CanonicalModel):
    """Who may use a service."""

    description: str | None = field(DataCategory.DIRECTORY, "In words.", None)
    minimum_age: float | None = field(
        DataCategory.DIRECTORY, "Youngest age.", None, ge=0
    )
    maximum_age: float | None = field(DataCategory.DIRECTORY, "Oldest age.", None, ge=0)
    codes: list[Coding] = field(
        DataCategory.DIRECTORY,
        "Eligibility codes (Open Eligibility, AIRS target terms).",
        default_factory=list,
    )


class Fee(CanonicalModel):
    """What a service costs."""

    description: str | None = field(DataCategory.DIRECTORY, "In words.", None)
    free: bool | None = field(DataCategory.DIRECTORY, "Whether it is free.", None)
    amount: float | None = field(DataCategory.DIRECTORY, "Amount.", None, ge=0)
    currency: str | None = field(DataCategory.DIRECTORY, "ISO 4217 currency.", None)


class ServiceArea(CanonicalModel):
    """Where a service's clients may live."""

    kind: Literal["country", "state", "county", "city", "postal-code", "other"] = field(
        DataCategory.DIRECTORY, "Kind of area."
    )
    value: NonEmptyStr = field(DataCategory.DIRECTORY, "The area's name or code.")
    description: str | None = field(DataCategory.DIRECTORY, "In words.", None)


class Schedule(CanonicalModel):
    """When a service or location is open."""

    description: str | None = field(DataCategory.DIRECTORY, "In words.", None)
    days: list[Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]] = field(
        DataCategory.DIRECTORY, "Days open.", default_factory=list
    )
    opens_at: str | None = field(
        DataCategory.DIRECTORY, "Opening time, HH:MM.", None, pattern=r"^\d{2}:\d{2}$"
    )
    closes_at: str | None = field(
        DataCategory.DIRECTORY, "Closing time, HH:MM.", None, pattern=r"^\d{2}:\d{2}$"
    )


class Location(Record):
    """A place where services are delivered."""

    type: Literal["Location"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "Location"
    )
    organization_id: str | None = field(
        DataCategory.DIRECTORY, "Id of the Organization at this place.", None
    )
    name: NonEmptyStr = field(DataCategory.DIRECTORY, "Name.")
    description: str | None = field(DataCategory.DIRECTORY, "Description.", None)
    addresses: list[Address] = field(
        DataCategory.DIRECTORY, "Addresses.", default_factory=list
    )
    latitude: float | None = field(
        DataCategory.DIRECTORY, "Latitude.", None, ge=-90, le=90
    )
    longitude: float | None = field(
        DataCategory.DIRECTORY, "Longitude.", None, ge=-180, le=180
    )
    telecom: list[ContactPoint] = field(
        DataCategory.DIRECTORY, "Phone numbers.", default_factory=list
    )
    languages: list[Coding] = field(
        DataCategory.DIRECTORY, "Languages spoken here.", default_factory=list
    )
    accessibility: list[str] = field(
        DataCategory.DIRECTORY, "Accessibility features.", default_factory=list
    )
    transportation: str | None = field(
        DataCategory.DIRECTORY, "How to get there.", None
    )
    schedules: list[Schedule] = field(
        DataCategory.DIRECTORY, "Opening hours.", default_factory=list
    )


class Service(Record):
    """A service a provider offers, as a 211 directory lists it."""

    type: Literal["Service"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "Service"
    )
    organization_id: NonEmptyStr = field(
        DataCategory.DIRECTORY, "Id of the providing Organization."
    )
    name: NonEmptyStr = field(DataCategory.DIRECTORY, "Name.")
    alternate_names: list[str] = field(
        DataCategory.DIRECTORY, "Other names.", default_factory=list
    )
    description: str | None = field(DataCategory.DIRECTORY, "Description.", None)
    status: Literal["active", "inactive", "defunct", "temporarily-closed"] = field(
        DataCategory.DIRECTORY, "Whether it runs.", "active"
    )
    taxonomy: list[Coding] = field(
        DataCategory.DIRECTORY,
        "Taxonomy codes (AIRS/211 LA, Open Eligibility).",
        default_factory=list,
    )
    domains: list[Domain] = field(
        DataCategory.DIRECTORY, "Canonical domains it serves.", default_factory=list
    )
    location_ids: list[str] = field(
        DataCategory.DIRECTORY,
        "Ids of the Locations it is offered at.",
        default_factory=list,
    )
    eligibility: list[Eligibility] = field(
        DataCategory.DIRECTORY, "Who may use it.", default_factory=list
    )
    languages: list[Coding] = field(
        DataCategory.DIRECTORY, "Languages it is offered in.", default_factory=list
    )
    fees: list[Fee] = field(
        DataCategory.DIRECTORY, "What it costs.", default_factory=list
    )
    service_areas: list[ServiceArea] = field(
        DataCategory.DIRECTORY, "Where clients may live.", default_factory=list
    )
    application_process: str | None = field(
        DataCategory.DIRECTORY, "How to apply.", None
    )
    required_documents: list[str] = field(
        DataCategory.DIRECTORY, "Documents needed to apply.", default_factory=list
    )
    url: str | None = field(DataCategory.DIRECTORY, "Web page.", None)
    email: str | None = field(DataCategory.DIRECTORY, "E-mail address.", None)
    telecom: list[ContactPoint] = field(
        DataCategory.DIRECTORY, "Phone numbers.", default_factory=list
    )
    schedules: list[Schedule] = field(
        DataCategory.DIRECTORY, "When it is offered.", default_factory=list
    )
