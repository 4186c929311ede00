"""The person a plan is about, and the people around them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import model_validator

from ._base import CanonicalModel
from ._categories import DataCategory, field
from ._codes import ProgramType
from ._record import Record
from ._types import (
    Address,
    Coding,
    ContactPoint,
    HumanName,
    Identifier,
    Period,
)

__all__ = [
    "PROGRAM_CATEGORIES",
    "Contact",
    "Enrollment",
    "LanguageUse",
    "Person",
    "ProgramParticipation",
]

#: The data category of taking part in each kind of program.
PROGRAM_CATEGORIES: dict[ProgramType, DataCategory] = {
    ProgramType.SPECIAL_EDUCATION: DataCategory.EDUCATION_SPECIAL,
    ProgramType.SECTION_504: DataCategory.EDUCATION_SPECIAL,
    ProgramType.ENGLISH_LEARNER: DataCategory.EDUCATION,
    ProgramType.HOMELESS: DataCategory.ECONOMIC,
    ProgramType.FOSTER_CARE: DataCategory.WELFARE,
    ProgramType.SCHOOL_MEALS: DataCategory.ECONOMIC,
    ProgramType.MIGRANT: DataCategory.DEMOGRAPHIC,
    ProgramType.NEGLECTED_DELINQUENT: DataCategory.JUSTICE,
    ProgramType.GIFTED_TALENTED: DataCategory.EDUCATION,
    ProgramType.TITLE_I: DataCategory.EDUCATION,
    ProgramType.CAREER_TECHNICAL: DataCategory.EDUCATION,
    ProgramType.OTHER: DataCategory.EDUCATION,
}


class LanguageUse(CanonicalModel):
    """A language a person uses, and how."""

    language: Coding = field(
        DataCategory.DEMOGRAPHIC, "The language (BCP 47 / ISO 639 or a source code)."
    )
    uses: list[
        Literal["home", "native", "primary", "spoken", "written", "correspondence"]
    ] = field(
        DataCategory.DEMOGRAPHIC, "How the language is used.", default_factory=list
    )
    preferred: bool = field(
        DataCategory.DEMOGRAPHIC, "The language to use with this person.", False
    )
    interpreter_needed: bool | None = field(
        DataCategory.DEMOGRAPHIC, "Whether an interpreter is needed.", None
    )


class Enrollment(CanonicalModel):
    """Attendance at a school or program over a period."""

    organization: Identifier = field(
        DataCategory.DIRECTORY, "The school or program, by identifier."
    )
    organization_name: str | None = field(
        DataCategory.DIRECTORY, "Name of the school or program.", None
    )
    grade_level: Coding | None = field(
        DataCategory.DIRECTORY, "Grade level during the enrollment.", None
    )
    school_year: int | None = field(
        DataCategory.DIRECTORY,
        "School year, named by the calendar year it ends in.",
        None,
        ge=1900,
        le=2200,
    )
    entry_date: date | None = field(DataCategory.DIRECTORY, "First day.", None)
    exit_date: date | None = field(DataCategory.EDUCATION, "Last day.", None)
    exit_reason: Coding | None = field(
        DataCategory.EDUCATION, "Why the enrollment ended.", None
    )
    primary: bool | None = field(
        DataCategory.DIRECTORY, "Whether this is the primary school.", None
    )

    @model_validator(mode="after")
    def _ordered(self) -> Enrollment:
        if (
            self.entry_date is not None
            and self.exit_date is not None
            and self.exit_date < self.entry_date
        ):
            msg = "exit_date is before entry_date"
            raise ValueError(msg)
        return self


class Contact(CanonicalModel):
    """A parent, guardian or other adult connected to the person."""

    name: HumanName = field(DataCategory.DIRECTORY, "The contact's name.")
    relationship: Coding | None = field(
        DataCategory.DIRECTORY,
        "Relationship to the person (mother, foster parent).",
        None,
    )
    identifiers: list[Identifier] = field(
        DataCategory.ADMINISTRATIVE,
        "The contact's own identifiers.",
        default_factory=list,
    )
    guardian: bool | None = field(
        DataCategory.WELFARE, "Whether the contact is a legal guardian.", None
    )
    educational_rights: bool | None = field(
        DataCategory.WELFARE, "Whether the contact holds educational rights.", None
    )
    lives_with: bool | None = field(
        DataCategory.DIRECTORY, "Whether the person lives with the contact.", None
    )
    emergency_contact: bool | None = field(
        DataCategory.DIRECTORY, "Whether to call the contact in an emergency.", None
    )
    contact_priority: int | None = field(
        DataCategory.DIRECTORY, "Order in which to reach contacts, 1 first.", None, ge=1
    )
    languages: list[LanguageUse] = field(
        DataCategory.DEMOGRAPHIC, "Languages the contact uses.", default_factory=list
    )
    telecom: list[ContactPoint] = field(
        DataCategory.DIRECTORY, "How to reach the contact.", default_factory=list
    )
    addresses: list[Address] = field(
        DataCategory.DIRECTORY, "The contact's addresses.", default_factory=list
    )


class ProgramParticipation(CanonicalModel):
    """Taking part in a program such as special education or school meals."""

    program: ProgramType = field(
        DataCategory.EDUCATION, "The kind of program.", follows_record=True
    )
    category: DataCategory | None = field(
        DataCategory.ADMINISTRATIVE,
        "Data category of this participation; defaults from the program type.",
        None,
        follows_record=True,
    )
    code: Coding | None = field(
        DataCategory.EDUCATION,
        "The program as the source names it.",
        None,
        follows_record=True,
    )
    organization: Identifier | None = field(
        DataCategory.EDUCATION,
        "The organization that runs the program.",
        None,
        follows_record=True,
    )
    period: Period | None = field(
        DataCategory.EDUCATION,
        "When the person took part.",
        None,
        follows_record=True,
    )
    status: Coding | None = field(
        DataCategory.EDUCATION,
        "Participation status as the source names it (active, suspended).",
        None,
        follows_record=True,
    )
    services: list[Coding] = field(
        DataCategory.EDUCATION,
        "Services received in the program.",
        default_factory=list,
        follows_record=True,
    )
    reason: Coding | None = field(
        DataCategory.EDUCATION,
        "Why the person qualified (a disability, a meal eligibility level).",
        None,
        follows_record=True,
    )

    @model_validator(mode="after")
    def _default_category(self) -> ProgramParticipation:
        if self.category is None:
            self.category = PROGRAM_CATEGORIES[self.program]
        return self


class Person(Record):
    """A child or young person, as one source knows them."""

    type: Literal["Person"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "Person"
    )
    identifiers: list[Identifier] = field(
        DataCategory.DIRECTORY,
        "Identifiers from every system that knows the person.",
        min_length=1,
    )
    names: list[HumanName] = field(
        DataCategory.DIRECTORY, "The person's names.", default_factory=list
    )
    birth_date: date | None = field(DataCategory.DIRECTORY, "Date of birth.", None)
    sex: Coding | None = field(DataCategory.DEMOGRAPHIC, "Sex as recorded.", None)
    gender_identity: Coding | None = field(
        DataCategory.DEMOGRAPHIC, "Gender identity, where recorded.", None
    )
    races: list[Coding] = field(
        DataCategory.DEMOGRAPHIC, "Races as recorded.", default_factory=list
    )
    hispanic_latino: bool | None = field(
        DataCategory.DEMOGRAPHIC, "Hispanic or Latino ethnicity.", None
    )
    languages: list[LanguageUse] = field(
        DataCategory.DEMOGRAPHIC, "Languages the person uses.", default_factory=list
    )
    addresses: list[Address] = field(
        DataCategory.DIRECTORY, "Addresses.", default_factory=list
    )
    telecom: list[ContactPoint] = field(
        DataCategory.DIRECTORY,
        "Phone numbers and e-mail addresses.",
        default_factory=list,
    )
    enrollments: list[Enrollment] = field(
        DataCategory.DIRECTORY, "Schools and programs attended.", default_factory=list
    )
    contacts: list[Contact] = field(
        DataCategory.DIRECTORY,
        "Parents, guardians and other contacts.",
        default_factory=list,
    )
    programs: list[ProgramParticipation] = field(
        DataCategory.ADMINISTRATIVE,
        "Programs taken part in; each carries its own category.",
        default_factory=list,
    )
