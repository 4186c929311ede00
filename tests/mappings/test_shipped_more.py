"""The crosswalks for interventions, OneRoster status and demographics,
screening instruments and vaccines, and the ranges of ``fhir-condition``."""

from __future__ import annotations

import pytest

from successplan.mappings import (
    CVX,
    ICD10CM,
    IMMUNIZATION_GROUP,
    LOINC,
    ONEROSTER_DEMOGRAPHICS,
    ONEROSTER_ROLE,
    ONEROSTER_STATUS,
    default_mappings,
    edfi_descriptor_system,
    range_overlaps,
)
from successplan.schemas import DataCategory, Domain, TeamRole, Tier

MAPPINGS = default_mappings()


def test_no_shipped_crosswalk_has_overlapping_ranges() -> None:
    assert [o.message for cw in MAPPINGS for o in range_overlaps(cw)] == []


@pytest.mark.parametrize(
    ("code", "domain", "category", "rule"),
    [
        ("F10.20", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_SUD, "range:F10-F19"),
        ("F19.99", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_SUD, "range:F10-F19"),
        ("F17.210", Domain.HEALTH, DataCategory.HEALTH, "prefix:F17"),
        ("F32.9", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL, "prefix:F"),
        ("X78.9XXA", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL, None),
        ("X83.8", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL, None),
        ("A56.01", Domain.HEALTH, DataCategory.HEALTH_SENSITIVE, "range:A50-A64"),
        ("A63.0", Domain.HEALTH, DataCategory.HEALTH_SENSITIVE, "range:A50-A64"),
        ("Z34.00", Domain.HEALTH, DataCategory.HEALTH_SENSITIVE, None),
        ("Z3A.20", Domain.HEALTH, DataCategory.HEALTH_SENSITIVE, None),
        ("Z38.00", Domain.HEALTH, DataCategory.HEALTH, "default"),
        ("Z59.41", Domain.FOOD, DataCategory.HEALTH, "prefix:Z594"),
        ("Z59.89", Domain.BASIC_NEEDS, DataCategory.HEALTH, "range:Z55-Z65"),
        ("Z65.8", Domain.BASIC_NEEDS, DataCategory.HEALTH, "range:Z55-Z65"),
        ("Z65.1", Domain.LEGAL, DataCategory.JUSTICE, "prefix:Z651"),
        ("Z57.1", Domain.HEALTH, DataCategory.HEALTH, "prefix:Z57"),
        ("Z66", Domain.HEALTH, DataCategory.HEALTH, "default"),
    ],
)
def test_icd_ranges(
    code: str, domain: Domain, category: DataCategory, rule: str | None
) -> None:
    found = MAPPINGS.get("fhir-condition").translate(ICD10CM, code)

    assert (found.get(Domain), found.get(DataCategory)) == (domain, category)
    if rule is not None:
        assert found.rule == rule


@pytest.mark.parametrize(
    ("code", "domain", "tier"),
    [
        ("Curriculum", Domain.ACADEMIC, Tier.PREVENTION),
        ("Supplement", Domain.ACADEMIC, Tier.EARLY_INTERVENTION),
        ("Practice", None, Tier.EARLY_INTERVENTION),
        ("Other", None, None),
    ],
)
def test_edfi_intervention_classes(
    code: str, domain: Domain | None, tier: Tier | None
) -> None:
    system = edfi_descriptor_system("InterventionClassDescriptor")
    found = MAPPINGS.get("edfi-intervention-class").translate(system, code)

    assert found.matched
    assert (found.get(Domain), found.get(Tier)) == (domain, tier)


@pytest.mark.parametrize(
    ("code", "status"),
    [("active", "active"), ("tobedeleted", "deleted"), ("inactive", "inactive")],
)
def test_oneroster_status(code: str, status: str) -> None:
    found = MAPPINGS.get("oneroster-status").translate(ONEROSTER_STATUS, code)

    assert found.code() == status


@pytest.mark.parametrize(
    ("column", "cdc"),
    [
        ("americanIndianOrAlaskaNative", "1002-5"),
        ("asian", "2028-9"),
        ("blackOrAfricanAmerican", "2054-5"),
        ("nativeHawaiianOrOtherPacificIslander", "2076-8"),
        ("white", "2106-3"),
        ("hispanicOrLatinoEthnicity", "2135-2"),
        ("demographicRaceTwoOrMoreRaces", None),
    ],
)
def test_oneroster_demographics(column: str, cdc: str | None) -> None:
    found = MAPPINGS.get("oneroster-demographics").translate(
        ONEROSTER_DEMOGRAPHICS, column
    )

    assert found.matched and found.code() == cdc


# OneRoster 1.1 user roles and 1.2 roles.csv roles.
@pytest.mark.parametrize(
    "role",
    [
        "administrator",
        "aide",
        "counselor",
        "districtAdministrator",
        "guardian",
        "parent",
        "principal",
        "proctor",
        "relative",
        "siteAdministrator",
        "student",
        "systemAdministrator",
        "teacher",
    ],
)
def test_oneroster_roles_of_both_versions(role: str) -> None:
    found = MAPPINGS.get("oneroster-role").translate(ONEROSTER_ROLE, role)

    assert found.matched and found.get(TeamRole) is not None


@pytest.mark.parametrize(
    ("code", "domain", "category", "record"),
    [
        ("44249-1", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL, "finding"),
        ("44261-6", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL, "indicator"),
        ("89206-7", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL, "finding"),
        ("89204-2", Domain.BEHAVIORAL_HEALTH, DataCategory.HEALTH_MENTAL, "indicator"),
        ("96777-8", Domain.BASIC_NEEDS, DataCategory.HEALTH, "finding"),
        ("93025-5", Domain.BASIC_NEEDS, DataCategory.HEALTH, "finding"),
        ("88122-7", Domain.FOOD, DataCategory.HEALTH, "finding"),
        ("93030-5", Domain.TRANSPORTATION, DataCategory.HEALTH, "finding"),
    ],
)
def test_loinc_screening(
    code: str, domain: Domain, category: DataCategory, record: str
) -> None:
    found = MAPPINGS.get("fhir-loinc-screening").translate(LOINC, code)

    assert (found.get(Domain), found.get(DataCategory)) == (domain, category)
    assert found.code("record") == record


def test_other_loinc_codes_are_left_out_and_counted() -> None:
    crosswalk = MAPPINGS.get("fhir-loinc-screening")

    found = crosswalk.translate(LOINC, "8302-2")

    assert found.outcome == "unmapped"
    assert crosswalk.unmapped[(LOINC, "8302-2")] >= 1


@pytest.mark.parametrize(
    ("code", "groups"),
    [
        ("20", {"dtap-tdap"}),
        ("115", {"dtap-tdap"}),
        ("10", {"polio"}),
        ("03", {"mmr"}),
        ("94", {"mmr", "varicella"}),
        ("146", {"dtap-tdap", "polio", "hib", "hepb"}),
        ("104", {"hepa", "hepb"}),
        ("133", {"pneumococcal"}),
        ("165", {"hpv"}),
        ("136", {"menacwy"}),
        ("163", {"menb"}),
        ("140", {"influenza"}),
        ("208", {"covid-19"}),
    ],
)
def test_cvx_vaccine_groups(code: str, groups: set[str]) -> None:
    found = MAPPINGS.get("fhir-cvx").translate(CVX, code)

    given = {name for name in found.values if name != "category"}
    assert given == groups
    assert found.get(DataCategory) == DataCategory.HEALTH
    for group in groups:
        coding = found.coding(group)
        assert coding is not None
        assert (coding.system, coding.code) == (IMMUNIZATION_GROUP, group)


def test_vaccines_outside_the_groups_are_left_out() -> None:
    assert MAPPINGS.get("fhir-cvx").translate(CVX, "25").outcome == "unmapped"
