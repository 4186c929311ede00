from __future__ import annotations

from pathlib import Path

from successplan.mappings import Mapper, edfi_descriptor_system
from successplan.schemas import DataCategory, Domain, FindingKind

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"


def test_a_rule_gives_the_canonical_coding_with_its_trace() -> None:
    mapper = Mapper.default()
    found = mapper.lookup(edfi_descriptor_system("ProgramTypeDescriptor"), "Homeless")
    assert found is not None and found.matched
    assert found.coding.code == "homeless"
    assert found.attributes["program"] == "homeless"
    assert found.coding.mapped_from is not None
    assert found.coding.mapped_from.crosswalk == "edfi-program-type"
    assert found.trace.source_code == "Homeless"
    assert not mapper.unmapped


def test_a_classifying_crosswalk_keeps_the_source_code() -> None:
    found = Mapper.default().lookup(ICD10, "F10.20")
    assert found is not None
    assert (found.domain, found.category, found.kind) == (
        Domain.BEHAVIORAL_HEALTH,
        DataCategory.HEALTH_SUD,
        FindingKind.NEED,
    )
    assert (found.coding.system, found.coding.code) == (ICD10, "F10.20")


def test_codes_no_rule_names_are_counted_every_time() -> None:
    mapper = Mapper.default()
    system = edfi_descriptor_system("ProgramTypeDescriptor")
    for _ in range(3):
        found = mapper.lookup(system, "Quidditch League")
        assert found is not None and not found.matched
    assert mapper.unmapped[(system, "Quidditch League")] == 3


def test_an_unknown_system_gives_nothing_and_is_counted() -> None:
    mapper = Mapper.default()
    assert mapper.lookup("urn:nobody:codes", "X") is None
    assert mapper.unmapped[("urn:nobody:codes", "X")] == 1


def test_an_overlay_wins(tmp_path: Path) -> None:
    overlay = tmp_path / "district.yaml"
    overlay.write_text(
        "crosswalk: district-program-type\n"
        'version: "2026.1"\n'
        "extends: edfi-program-type\n"
        "rules:\n"
        "  - {code: Homeless, to: {program: other}}\n",
        "utf-8",
    )
    found = Mapper.load([overlay]).lookup(
        edfi_descriptor_system("ProgramTypeDescriptor"), "Homeless"
    )
    assert found is not None
    assert found.attributes["program"] == "other"
    assert found.trace.crosswalk == "district-program-type"


def test_plain_values_stay_attributes_and_the_source_code_is_kept() -> None:
    found = Mapper.default().lookup("http://loinc.org", "44261-6")
    assert found is not None
    assert (found.coding.system, found.coding.code) == ("http://loinc.org", "44261-6")
    assert found.coding.mapped_from is not None
    assert found.attributes["record"] == "indicator"
    assert found.category is DataCategory.HEALTH_MENTAL
