"""Value types: codes, identifiers, names, addresses, periods, provenance."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from ._base import CanonicalModel, ValueType
from ._categories import DataCategory, field
from ._codes import ContactPointSystem

__all__ = [
    "Address",
    "Coding",
    "ContactPoint",
    "HumanName",
    "Identifier",
    "MappingTrace",
    "NonEmptyStr",
    "Period",
    "Provenance",
]

NonEmptyStr = Annotated[str, StringConstraints(min_length=1)]


class MappingTrace(ValueType):
    """Which crosswalk rule produced a canonical code, and from what."""

    crosswalk: NonEmptyStr = Field(description="Name of the crosswalk file.")
    version: NonEmptyStr = Field(description="Version of the crosswalk.")
    rule: NonEmptyStr = Field(description="Identifier of the rule that matched.")
    source_system: NonEmptyStr = Field(description="Code system of the source code.")
    source_code: NonEmptyStr = Field(description="The source code as received.")


class Coding(ValueType):
    """A code from a named code system."""

    system: NonEmptyStr = Field(
        description="URI or registered name of the code system; never empty."
    )
    code: NonEmptyStr = Field(description="The code within its system.")
    display: str | None = Field(None, description="Human-readable text of the code.")
    version: str | None = Field(None, description="Version of the code system.")
    mapped_from: MappingTrace | None = Field(
        None, description="Set when the code came through a crosswalk."
    )


class Identifier(ValueType):
    """An identifier scoped by the system that issued it."""

    system: NonEmptyStr = Field(
        description=(
            "URI or name of the issuing system, for example an Ed-Fi "
            "studentUniqueId namespace or a FHIR identifier system."
        )
    )
    value: NonEmptyStr = Field(description="The identifier within its system.")
    type: Coding | None = Field(None, description="What kind of identifier it is.")


class Period(ValueType):
    """A span of dates; either end may be open."""

    start: date | None = Field(None, description="First day, inclusive.")
    end: date | None = Field(None, description="Last day, inclusive.")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start is not None and self.end is not None and self.end < self.start:
            msg = "period end is before its start"
            raise ValueError(msg)
        return self


class HumanName(ValueType):
    """A person's name."""

    given: list[NonEmptyStr] = Field(
        default_factory=list, description="Given and middle names, in order."
    )
    family: str | None = Field(None, description="Family name.")
    suffix: str | None = Field(None, description="Generation suffix such as Jr.")
    text: str | None = Field(None, description="The full name as written.")
    use: Literal["official", "preferred", "nickname", "maiden", "old"] | None = Field(
        None, description="What this name is used for."
    )


class Address(ValueType):
    """A postal address."""

    lines: list[str] = Field(default_factory=list, description="Street lines.")
    city: str | None = Field(None, description="City or town.")
    district: str | None = Field(None, description="County or district.")
    state: str | None = Field(None, description="State or province code.")
    postal_code: str | None = Field(None, description="Postal or ZIP code.")
    country: str | None = Field(None, description="ISO 3166 country code.")
    use: Literal["home", "work", "mailing", "temporary", "physical"] | None = Field(
        None, description="What this address is used for."
    )


class ContactPoint(ValueType):
    """A phone number, e-mail address or other way to reach someone."""

    system: ContactPointSystem = Field(description="How it is reached.")
    value: NonEmptyStr = Field(description="The number, address or URL.")
    use: Literal["home", "work", "mobile", "temporary"] | None = Field(
        None, description="What it is used for."
    )
    rank: int | None = Field(None, ge=1, description="Preference order, 1 first.")


class Provenance(CanonicalModel):
    """Where a canonical record came from and how it was made."""

    source_system: NonEmptyStr = field(
        DataCategory.ADMINISTRATIVE,
        "The system the record was read from (for example `edfi`, `fhir`).",
    )
    source_record_id: str | None = field(
        DataCategory.ADMINISTRATIVE,
        "The source's own key for the record.",
        None,
    )
    source_location: str | None = field(
        DataCategory.ADMINISTRATIVE,
        "Where in the source the record was read: a file and line, or a URL.",
        None,
    )
    retrieved_at: datetime | None = field(
        DataCategory.ADMINISTRATIVE, "When the source record was read.", None
    )
    mapping: str | None = field(
        DataCategory.ADMINISTRATIVE, "Name of the mapping that converted it.", None
    )
    mapping_version: str | None = field(
        DataCategory.ADMINISTRATIVE, "Version of that mapping.", None
    )
    recorded_on: date | None = field(
        DataCategory.ADMINISTRATIVE,
        "When the fact was recorded at the source, where known.",
        None,
    )
