from __future__ import annotations

import pytest

from successplan.errors import ConversionError
from successplan.mappings import (
    CANONICAL_SYSTEM_PREFIX,
    normalize_code,
    split_edfi_descriptor,
)
from successplan.schemas import DataCategory, Domain, ProgramType, TeamRole

from .conftest import compile_text

TAXONOMY = """
crosswalk: test-taxonomy
version: "2"
source: {standard: Test, version: "1"}
systems: [urn:a, urn:b]
targets:
  domain: {enum: Domain}
  category: {enum: DataCategory}
rules:
  - {prefix: B, to: {domain: basic-needs, category: services}}
  - {prefix: BD, to: {domain: basic-needs.food, category: services}}
  - {prefix: BD-1800, system: urn:b, to: {domain: health, category: health}}
  - {code: BD-1800.2000, to: {domain: academic, category: plan}}
  - {pattern: 'X-\\d+', to: {domain: family, category: plan}}
  - {prefix: Y, ignore: true}
"""


@pytest.mark.parametrize(
    ("system", "code", "domain", "rule"),
    [
        ("urn:a", "BD-1800.2000", Domain.ACADEMIC, "code:BD-1800.2000"),
        ("urn:a", "bd-1800.2000", Domain.ACADEMIC, "code:BD-1800.2000"),
        ("urn:a", "BD-1800.1000", Domain.FOOD, "prefix:BD"),
        ("urn:b", "BD-1800.1000", Domain.HEALTH, "prefix:BD-1800"),
        ("urn:a", "BH-1800", Domain.BASIC_NEEDS, "prefix:B"),
        ("urn:a", "x-42", Domain.FAMILY, "pattern:X-\\d+"),
    ],
)
def test_exact_then_longest_prefix_then_pattern(
    system: str, code: str, domain: Domain, rule: str
) -> None:
    crosswalk = compile_text(TAXONOMY)

    found = crosswalk.translate(system, code)

    assert found.get(Domain) == domain
    assert found.rule == rule
    assert found.outcome == "matched"


def test_pattern_must_match_the_whole_code() -> None:
    crosswalk = compile_text(TAXONOMY)

    assert crosswalk.lookup("urn:a", "x-42a") is None


def test_ignored_rule_gives_no_values() -> None:
    found = compile_text(TAXONOMY).translate("urn:a", "YB-9500.0500")

    assert found.ignored and found.matched
    assert found.get(Domain) is None
    assert found.coding("domain") is None


def test_unknown_code_with_error_policy_is_a_conversion_error() -> None:
    crosswalk = compile_text(TAXONOMY)

    with pytest.raises(ConversionError) as caught:
        crosswalk.translate("urn:a", "Q-1", field="taxonomy[0].code")

    assert caught.value.code == "mapping-unknown-code"
    assert caught.value.field == "taxonomy[0].code"
    assert "`Q-1`" in caught.value.message
    assert "overlay" in caught.value.message


def test_unknown_system_is_never_guessed() -> None:
    crosswalk = compile_text(TAXONOMY)

    with pytest.raises(ConversionError) as caught:
        crosswalk.translate("urn:other", "BD-1800")

    assert caught.value.code == "mapping-unknown-system"
    assert "urn:a, urn:b" in caught.value.message
    assert crosswalk.lookup("urn:other", "BD-1800") is None


def test_systems_compare_without_case() -> None:
    assert compile_text(TAXONOMY).reads("URN:A")


PROGRAMS = """
crosswalk: test-programs
version: "1.0"
source: {standard: Test, version: "1"}
systems: [uri://ed-fi.org/ProgramTypeDescriptor]
target: {enum: ProgramType}
on_unmapped: default
default: other
rules:
  - {code: Special Education, to: special-education}
  - {codes: [Homeless, McKinney-Vento], to: homeless}
"""


def test_default_policy_traces_the_default() -> None:
    found = compile_text(PROGRAMS).translate_descriptor(
        "uri://ed-fi.org/ProgramTypeDescriptor#Chess Club"
    )

    assert found.get(ProgramType) == ProgramType.OTHER
    assert found.outcome == "default"
    assert found.rule == "default"
    assert found.trace().source_code == "Chess Club"


def test_descriptor_codes_compare_without_case_and_extra_space() -> None:
    found = compile_text(PROGRAMS).translate_descriptor(
        "uri://ed-fi.org/ProgramTypeDescriptor#  special   EDUCATION "
    )

    assert found.get(ProgramType) == ProgramType.SPECIAL_EDUCATION


def test_several_codes_share_one_rule() -> None:
    crosswalk = compile_text(PROGRAMS)
    system = "uri://ed-fi.org/ProgramTypeDescriptor"

    assert crosswalk.translate(system, "mckinney-vento").rule == "code:Homeless"


def test_enum_coding_carries_canonical_system_and_trace() -> None:
    found = compile_text(PROGRAMS).translate(
        "uri://ed-fi.org/ProgramTypeDescriptor", "Homeless"
    )

    coding = found.coding()

    assert coding is not None
    assert coding.system == f"{CANONICAL_SYSTEM_PREFIX}ProgramType"
    assert coding.code == "homeless"
    assert coding.mapped_from is not None
    assert coding.mapped_from.crosswalk == "test-programs"
    assert coding.mapped_from.version == "1.0"
    assert coding.mapped_from.rule == "code:Homeless"


def test_get_checks_the_code_set() -> None:
    found = compile_text(PROGRAMS).translate(
        "uri://ed-fi.org/ProgramTypeDescriptor", "Homeless"
    )

    with pytest.raises(ValueError, match="not `TeamRole`"):
        found.get(TeamRole, "value")
    with pytest.raises(ValueError, match="0 targets of `TeamRole`"):
        found.get(TeamRole)
    with pytest.raises(ValueError, match="no target `role`"):
        found.code("role")


GENDER = """
crosswalk: test-gender
version: "1"
source: {standard: Test, version: "1"}
systems: [urn:sex]
normalize: []
target:
  system: http://hl7.org/fhir/administrative-gender
  codes: {male: Male, female: Female, unknown: Unknown}
on_unmapped: ignore
rules:
  - {code: F, to: female}
  - {code: M, to: male}
"""


def test_system_target_coding_has_display() -> None:
    coding = compile_text(GENDER).translate("urn:sex", "F").coding()

    assert coding is not None
    assert coding.system == "http://hl7.org/fhir/administrative-gender"
    assert (coding.code, coding.display) == ("female", "Female")


def test_empty_normalize_keeps_case() -> None:
    found = compile_text(GENDER).translate("urn:sex", "f")

    assert found.ignored
    assert not found.matched
    assert found.rule == "unmapped"


LANGUAGES = """
crosswalk: test-languages
version: "1"
source: {standard: Test, version: "1"}
systems: [urn:lang]
target: {system: "urn:ietf:bcp:47"}
on_unmapped: passthrough
rules:
  - {codes: [eng], to: en}
"""


def test_passthrough_keeps_the_source_code() -> None:
    crosswalk = compile_text(LANGUAGES)

    kept = crosswalk.translate("urn:lang", " hmn ")

    assert kept.code() == "hmn"
    assert kept.outcome == "passthrough"
    assert crosswalk.translate("urn:lang", "ENG").code() == "en"


CONDITIONS = """
crosswalk: test-conditions
version: "1"
source: {standard: Test, version: "1"}
systems: [icd, sct]
normalize: [casefold, no-dots]
targets:
  category: {enum: DataCategory}
on_unmapped: default
default: {category: health}
rules:
  - {prefix: F1, to: {category: health.sud}}
  - {code: "66214007", to: {category: health.sud}}
  - {code: "233678006", to: {category: health}}
"""


def test_concept_prefers_a_named_code_then_system_order() -> None:
    crosswalk = compile_text(CONDITIONS)

    by_rule = crosswalk.translate_concept(
        [{"system": "icd", "code": "J45.909"}, {"system": "sct", "code": "66214007"}]
    )
    by_order = crosswalk.translate_concept(
        [{"system": "sct", "code": "233678006"}, {"system": "icd", "code": "F11.20"}]
    )

    assert by_rule.get(DataCategory) == DataCategory.HEALTH_SUD
    assert by_rule.source_system == "sct"
    assert by_order.source_code == "F11.20"
    assert by_order.get(DataCategory) == DataCategory.HEALTH_SUD


def test_concept_falls_to_the_policy_with_its_best_coding() -> None:
    found = compile_text(CONDITIONS).translate_concept(
        [{"system": "local", "code": "x"}, {"system": "sct", "code": "1"}]
    )

    assert found.outcome == "default"
    assert found.source_system == "sct"


def test_concept_with_no_readable_system_fails() -> None:
    with pytest.raises(ConversionError) as caught:
        compile_text(CONDITIONS).translate_concept(
            [{"system": "local", "code": "x"}, {"display": "no code"}]
        )

    assert caught.value.code == "mapping-unknown-system"
    assert "got local" in caught.value.message


def test_no_dots_ignores_dots() -> None:
    crosswalk = compile_text(CONDITIONS)

    assert crosswalk.translate("icd", "F1120").rule == "prefix:F1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "uri://ed-fi.org/SexDescriptor#Female",
            ("uri://ed-fi.org/SexDescriptor", "Female"),
        ),
        (
            "uri://ed-fi.org/RelationDescriptor#Father, step",
            ("uri://ed-fi.org/RelationDescriptor", "Father, step"),
        ),
    ],
)
def test_split_edfi_descriptor(value: str, expected: tuple[str, str]) -> None:
    assert split_edfi_descriptor(value) == expected


@pytest.mark.parametrize(
    "value", ["Female", "uri://ed-fi.org/SexDescriptor#", "#Female"]
)
def test_split_rejects_what_is_no_descriptor(value: str) -> None:
    with pytest.raises(ConversionError) as caught:
        split_edfi_descriptor(value, field="sexDescriptor")

    assert caught.value.code == "mapping-bad-descriptor"
    assert "field `sexDescriptor`" in caught.value.message


@pytest.mark.parametrize(
    ("code", "steps", "expected"),
    [
        ("  Excused   Absence ", ["casefold"], "excused absence"),
        ("Z59.41", ["casefold", "no-dots"], "z5941"),
        ("Out of area", ["no-spaces"], "Outofarea"),
    ],
)
def test_normalize_code(code: str, steps: list[str], expected: str) -> None:
    assert normalize_code(code, steps) == expected  # type: ignore[arg-type]


def test_repeated_translations_are_stable() -> None:
    crosswalk = compile_text(TAXONOMY)

    first = crosswalk.translate("urn:a", "BD-1800.1000")
    second = crosswalk.translate("urn:a", "BD-1800.1000")

    assert first == second
    for _ in range(2):
        with pytest.raises(ConversionError):
            crosswalk.translate("urn:other", "BD-1800")
        with pytest.raises(ConversionError):
            crosswalk.translate("urn:a", "Q-1")
