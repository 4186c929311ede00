"""Organizations, consents, data sharing agreements and disclosures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, model_validator

from ._base import CanonicalModel
from ._categories import DataCategory, field
from ._codes import ConsentStatus, PurposeOfUse, Sector
from ._record import Record
from ._types import (
    Address,
    Coding,
    ContactPoint,
    HumanName,
    Identifier,
    NonEmptyStr,
    Period,
)

__all__ = [
    "Consent",
    "ConsentProvision",
    "DataSharingAgreement",
    "Deletion",
    "Disclosure",
    "Grantor",
    "Organization",
]


class Organization(Record):
    """A school, district, agency, clinic, nonprofit or other provider."""

    type: Literal["Organization"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "Organization"
    )
    identifiers: list[Identifier] = field(
        DataCategory.DIRECTORY, "Identifiers (NCES id, NPI, EIN).", default_factory=list
    )
    name: NonEmptyStr = field(DataCategory.DIRECTORY, "Name.")
    alternate_names: list[str] = field(
        DataCategory.DIRECTORY, "Other names.", default_factory=list
    )
    sector: Sector = field(DataCategory.DIRECTORY, "The sector it works in.")
    description: str | None = field(DataCategory.DIRECTORY, "What it does.", None)
    parent_id: str | None = field(
        DataCategory.DIRECTORY, "Id of the parent organization.", None
    )
    website: str | None = field(DataCategory.DIRECTORY, "Website.", None)
    email: str | None = field(DataCategory.DIRECTORY, "E-mail address.", None)
    telecom: list[ContactPoint] = field(
        DataCategory.DIRECTORY, "Phone numbers.", default_factory=list
    )
    addresses: list[Address] = field(
        DataCategory.DIRECTORY, "Addresses.", default_factory=list
    )
    legal_status: str | None = field(
        DataCategory.DIRECTORY, "Legal form (nonprofit, government).", None
    )
    tax_id: str | None = field(DataCategory.DIRECTORY, "Tax identifier.", None)
    year_incorporated: int | None = field(
        DataCategory.DIRECTORY, "Year incorporated.", None, ge=1600, le=2200
    )
    languages: list[Coding] = field(
        DataCategory.DIRECTORY, "Languages its staff speak.", default_factory=list
    )


class Grantor(CanonicalModel):
    """The person who gives a consent."""

    relationship: Literal[
        "self", "parent", "guardian", "caregiver", "caseworker", "court", "other"
    ] = field(DataCategory.GOVERNANCE, "Their relationship to the subject.")
    name: HumanName | None = field(DataCategory.GOVERNANCE, "Their name.", None)
    identifier: Identifier | None = field(
        DataCategory.GOVERNANCE, "Their identifier.", None
    )


class ConsentProvision(CanonicalModel):
    """One rule of a consent: permit or deny some data for some purposes."""

    decision: Literal["permit", "deny"] = field(
        DataCategory.GOVERNANCE, "Whether this rule permits or denies."
    )
    categories: list[DataCategory] = field(
        DataCategory.GOVERNANCE,
        "Data categories it covers; empty means every category.",
        default_factory=list,
    )
    purposes: list[PurposeOfUse] = field(
        DataCategory.GOVERNANCE,
        "Purposes it covers; empty means every purpose.",
        default_factory=list,
    )
    recipients: list[str] = field(
        DataCategory.GOVERNANCE,
        "Ids of the organizations it covers; empty means every recipient.",
        default_factory=list,
    )
    period: Period | None = field(
        DataCategory.GOVERNANCE, "When the rule applies, if narrower.", None
    )


class Consent(Record):
    """A consent to share a person's data, or a refusal.

    A consent is read strictly: whatever its provisions do not permit is denied.
    """

    type: Literal["Consent"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "Consent"
    )
    subject: Identifier = field(DataCategory.DIRECTORY, "Whose data.")
    status: ConsentStatus = field(DataCategory.GOVERNANCE, "Lifecycle.")
    grantor: Grantor = field(DataCategory.GOVERNANCE, "Who gave it.")
    discloser: str | None = field(
        DataCategory.GOVERNANCE, "Id of the organization that may disclose.", None
    )
    provisions: list[ConsentProvision] = field(
        DataCategory.GOVERNANCE, "Its rules, read in order.", min_length=1
    )
    period: Period | None = field(DataCategory.GOVERNANCE, "When it is in force.", None)
    signed_on: date | None = field(DataCategory.GOVERNANCE, "When it was signed.", None)
    revoked_on: date | None = field(
        DataCategory.GOVERNANCE, "When it was revoked.", None
    )
    redisclosure_allowed: bool = field(
        DataCategory.GOVERNANCE,
        "Whether recipients may pass the data on.",
        False,
    )
    minor_consent: bool = field(
        DataCategory.GOVERNANCE,
        "Whether a minor gave it alone, for services they may consent to.",
        False,
    )
    legal_basis: list[Coding] = field(
        DataCategory.GOVERNANCE,
        "Laws or policies it answers to (FERPA, 42 CFR Part 2).",
        default_factory=list,
    )
    document_url: str | None = field(
        DataCategory.GOVERNANCE, "Where the signed document is kept.", None
    )

    @model_validator(mode="after")
    def _revocation_is_consistent(self) -> Consent:
        if self.revoked_on is not None and self.status is not ConsentStatus.REVOKED:
            msg = "revoked_on is set but status is not `revoked`"
            raise ValueError(msg)
        return self


class DataSharingAgreement(Record):
    """An agreement between organizations to share data for stated purposes."""

    type: Literal["DataSharingAgreement"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "DataSharingAgreement"
    )
    title: NonEmptyStr = field(DataCategory.GOVERNANCE, "Title.")
    parties: list[str] = field(
        DataCategory.GOVERNANCE, "Ids of the organizations bound by it.", min_length=2
    )
    purposes: list[PurposeOfUse] = field(
        DataCategory.GOVERNANCE, "Purposes it allows.", min_length=1
    )
    categories: list[DataCategory] = field(
        DataCategory.GOVERNANCE, "Data categories it covers.", min_length=1
    )
    legal_basis: list[Coding] = field(
        DataCategory.GOVERNANCE,
        "The exceptions or authorities it relies on.",
        default_factory=list,
    )
    status: Literal["draft", "active", "expired", "terminated"] = field(
        DataCategory.GOVERNANCE, "Lifecycle."
    )
    period: Period | None = field(DataCategory.GOVERNANCE, "When it is in force.", None)
    signed_on: date | None = field(DataCategory.GOVERNANCE, "When it was signed.", None)
    redisclosure_allowed: bool = field(
        DataCategory.GOVERNANCE, "Whether recipients may pass data on.", False
    )
    requires_consent: bool = field(
        DataCategory.GOVERNANCE,
        "Whether each disclosure also needs the family's consent.",
        True,
    )
    document_url: str | None = field(
        DataCategory.GOVERNANCE, "Where the signed agreement is kept.", None
    )


class Disclosure(Record):
    """One release of a person's data to a party, as the family sees it."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "required": ["emergency"],
                "properties": {"emergency": {"const": True}},
            },
            "then": {
                "required": ["justification"],
                "properties": {"justification": {"type": "string", "minLength": 1}},
            },
        }
    )

    type: Literal["Disclosure"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "Disclosure"
    )
    subject: Identifier = field(DataCategory.DIRECTORY, "Whose data.")
    at: datetime = field(DataCategory.GOVERNANCE, "When it was released.")
    recipient: NonEmptyStr = field(
        DataCategory.GOVERNANCE, "Id of the receiving organization."
    )
    requester: str | None = field(
        DataCategory.GOVERNANCE, "The client or user who asked.", None
    )
    purpose: PurposeOfUse = field(DataCategory.GOVERNANCE, "Why it was asked for.")
    categories_released: list[DataCategory] = field(
        DataCategory.GOVERNANCE, "Categories released.", default_factory=list
    )
    categories_withheld: list[DataCategory] = field(
        DataCategory.GOVERNANCE, "Categories withheld.", default_factory=list
    )
    records: list[str] = field(
        DataCategory.GOVERNANCE, "Ids of the records released.", default_factory=list
    )
    consents: list[str] = field(
        DataCategory.GOVERNANCE, "Ids of the consents relied on.", default_factory=list
    )
    agreement: str | None = field(
        DataCategory.GOVERNANCE, "Id of the agreement relied on.", None
    )
    obligations: list[
        Literal["redact", "redisclosure-notice", "notify-family", "review"]
    ] = field(DataCategory.GOVERNANCE, "Duties attached.", default_factory=list)
    emergency: bool = field(
        DataCategory.GOVERNANCE, "Whether it was a break-glass release.", False
    )
    justification: str | None = field(
        DataCategory.GOVERNANCE, "Why the emergency release was needed.", None
    )

    @model_validator(mode="after")
    def _emergency_is_justified(self) -> Disclosure:
        if self.emergency and not self.justification:
            msg = "an emergency disclosure needs a justification"
            raise ValueError(msg)
        return self


class Deletion(Record):
    """A record deleted at its source."""

    type: Literal["Deletion"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "Deletion"
    )
    target_type: NonEmptyStr = field(
        DataCategory.ADMINISTRATIVE, "Type of the deleted record."
    )
    target_id: NonEmptyStr = field(
        DataCategory.ADMINISTRATIVE, "Id of the deleted record."
    )
    deleted_at: datetime | None = field(
        DataCategory.ADMINISTRATIVE, "When the source deleted it.", None
    )
