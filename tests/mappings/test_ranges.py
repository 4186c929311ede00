from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from successplan.errors import ConversionError, MappingError
from successplan.mappings import load_mappings, range_overlaps
from successplan.schemas import DataCategory, Domain

from .conftest import compile_text

ICD = """
crosswalk: test-icd
version: "3"
source: {standard: Test, version: "1"}
systems: [icd, other]
normalize: [casefold, no-dots]
targets:
  domain: {enum: Domain}
  category: {enum: DataCategory}
on_unmapped: default
default: {domain: health, category: health}
rules:
  - {prefix: F, to: {domain: behavioral-health, category: health.mental}}
  - {range: [F10, F19], to: {domain: behavioral-health, category: health.sud}}
  - {prefix: F17, to: {domain: health, category: health}}
  - {range: [Z55, Z65], to: {domain: basic-needs, category: health}}
  - {prefix: Z5912, to: {domain: basic-needs.utilities, category: health}}
  - {range: [Z59, Z59], system: other, to: {domain: family, category: plan}}
  - {code: Z65.9, to: {domain: academic, category: plan}}
  - {pattern: 'Z6\\d.*', to: {domain: employment, category: plan}}
"""


@pytest.mark.parametrize(
    ("system", "code", "domain", "rule"),
    [
        ("icd", "F10.20", Domain.BEHAVIORAL_HEALTH, "range:F10-F19"),
        ("icd", "f19.99", Domain.BEHAVIORAL_HEALTH, "range:F10-F19"),
        ("icd", "F17.210", Domain.HEALTH, "prefix:F17"),
        ("icd", "F32.A", Domain.BEHAVIORAL_HEALTH, "prefix:F"),
        ("icd", "F1", Domain.BEHAVIORAL_HEALTH, "prefix:F"),
        ("icd", "Z59.41", Domain.BASIC_NEEDS, "range:Z55-Z65"),
        ("icd", "Z59.12", Domain.UTILITIES, "prefix:Z5912"),
        ("other", "Z59.41", Domain.FAMILY, "range:Z59-Z59"),
        ("icd", "Z65.9", Domain.ACADEMIC, "code:Z65.9"),
        ("icd", "Z66", Domain.EMPLOYMENT, "pattern:Z6\\d.*"),
        ("icd", "Z54.0", Domain.HEALTH, "default"),
    ],
)
def test_exact_then_ranges_and_prefixes_then_pattern(
    system: str, code: str, domain: Domain, rule: str
) -> None:
    found = compile_text(ICD).translate(system, code)

    assert (found.get(Domain), found.rule) == (domain, rule)


def test_sud_range_keeps_its_category() -> None:
    found = compile_text(ICD).translate("icd", "F11.20")

    assert found.get(DataCategory) == DataCategory.HEALTH_SUD


def _rules(*rules: str) -> str:
    body = "\n".join(f"  - {rule}" for rule in rules)
    return (
        "crosswalk: test-r\nversion: '1'\n"
        "source: {standard: Test, version: '1'}\nsystems: [icd]\n"
        f"target: {{enum: Domain}}\nrules:\n{body}\n"
    )


def test_inverted_range_is_an_error_with_file_and_line() -> None:
    text = _rules("{code: A, to: health}", "{range: [F19, F10], to: health}")

    with pytest.raises(MappingError) as caught:
        compile_text(text)

    assert caught.value.code == "mapping-inverted-range"
    assert "base.yaml line 8" in caught.value.message
    assert "`F19`-`F10`" in caught.value.message


def test_range_bounds_need_one_length() -> None:
    with pytest.raises(MappingError, match="same length") as caught:
        compile_text(_rules("{range: [F1, F19], to: health}"))

    assert caught.value.code == "mapping-invalid"


def test_range_and_code_cannot_mix_in_one_rule() -> None:
    with pytest.raises(MappingError, match="exactly one of"):
        compile_text(_rules("{range: [F10, F19], code: F10, to: health}"))


def test_overlapping_ranges_are_reported_with_both_lines() -> None:
    crosswalk = compile_text(
        _rules(
            "{range: [F10, F15], to: health}",
            "{range: [F14, F19], to: academic}",
            "{range: [G10, G19], to: family}",
            "{prefix: G12, to: academic}",
        )
    )

    overlaps = range_overlaps(crosswalk)

    assert [o.shared for o in overlaps] == [("f14", "f15")]
    assert "base.yaml:7" in overlaps[0].message
    assert "base.yaml:8" in overlaps[0].message
    assert crosswalk.translate("icd", "F14.1").get(Domain) == Domain.ACADEMIC


def test_overlay_range_wins_and_the_override_is_traced() -> None:
    overlay = """
    crosswalk: district-icd
    version: "2025.1"
    source: {standard: Test, version: "1"}
    extends: test-icd
    rules:
      - {range: [F10, F19], to: {domain: behavioral-health, category: health.mental}}
    """
    crosswalk = compile_text(ICD, overlay)

    found = crosswalk.translate("icd", "F11.20")

    assert found.get(DataCategory) == DataCategory.HEALTH_MENTAL
    assert (found.crosswalk, found.version) == ("district-icd", "2025.1")
    assert found.overrides == "test-icd@3 range:F10-F19"
    assert found.trace().rule == "range:F10-F19 (overrides test-icd@3 range:F10-F19)"
    assert crosswalk.translate("icd", "F17.2").rule == "prefix:F17"


@pytest.mark.parametrize("policy", ["error", "default", "passthrough", "ignore"])
def test_unmapped_codes_are_counted_whatever_the_policy(policy: str) -> None:
    default = "default: x\n" if policy == "default" else ""
    crosswalk = compile_text(
        "crosswalk: test-u\nversion: '1'\n"
        "source: {standard: Test, version: '1'}\nsystems: [s]\n"
        f"target: {{system: urn:t}}\non_unmapped: {policy}\n{default}"
        "rules:\n  - {code: a, to: b}\n"
    )

    for _ in range(3):
        try:
            found = crosswalk.translate("s", "Q")
        except ConversionError:
            continue
        assert found.source_code == "Q"
        assert found.source_coding().code == "Q"
    crosswalk.translate("s", "a")

    assert crosswalk.unmapped_counts() == {("s", "Q"): 3}


def test_unknown_systems_are_counted_and_counts_reset() -> None:
    crosswalk = compile_text(ICD)

    with pytest.raises(ConversionError):
        crosswalk.translate("urn:nope", "F10")
    assert crosswalk.unmapped[("urn:nope", "F10")] == 1

    crosswalk.reset_counts()
    assert crosswalk.unmapped_counts() == {}


def test_mappings_report_counts_per_crosswalk(
    write: Callable[[str, str], Path],
) -> None:
    path = write("icd.yaml", ICD)
    mappings = load_mappings([path], shipped=False)
    icd = mappings.get("test-icd")

    icd.translate("icd", "Z54.0")
    icd.translate("icd", "Z54.0")
    icd.translate("icd", "F10")

    assert mappings.unmapped_counts() == {("test-icd", "icd", "Z54.0"): 2}


def test_repeated_translation_is_the_same_immutable_object() -> None:
    crosswalk = compile_text(ICD)

    first = crosswalk.translate("icd", "F10.20")

    assert crosswalk.translate("icd", "F10.20") is first
    with pytest.raises(TypeError):
        first.values["domain"] = "x"  # type: ignore[index]
