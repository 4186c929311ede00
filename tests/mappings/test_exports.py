from __future__ import annotations

import inspect

import successplan.mappings


def test_front_door_is_pinned() -> None:
    public = successplan.mappings.__all__

    assert len(set(public)) == len(public)
    assert sorted(public) == sorted(
        [
            *(name for name in public if name.isupper()),
            "CodeChange",
            "Crosswalk",
            "CrosswalkDeprecationWarning",
            "Document",
            "Explanation",
            "Layer",
            "Mapper",
            "MappingResult",
            "Mappings",
            "Outcome",
            "RangeOverlap",
            "Rule",
            "RuleChange",
            "Target",
            "Translation",
            "build_mappings",
            "canonical_system",
            "code_sets",
            "compile_file",
            "crosswalk_json_schema",
            "default_mappings",
            "diff_codes",
            "diff_rules",
            "edfi_descriptor_system",
            "export_crosswalk_schema",
            "load_mappings",
            "normalize_code",
            "parse_code_lines",
            "range_overlaps",
            "read_crosswalk_file",
            "shipped_crosswalk_names",
            "split_edfi_descriptor",
        ]
    )


def test_public_names_come_from_the_package() -> None:
    for name in successplan.mappings.__all__:
        value = getattr(successplan.mappings, name)
        if isinstance(value, type) or inspect.isfunction(value):
            assert value.__module__.startswith("successplan.mappings"), name


def test_system_constants_keep_their_values() -> None:
    assert successplan.mappings.ONEROSTER_ROLE == "urn:oneroster:role"
    assert successplan.mappings.ICD10CM == "http://hl7.org/fhir/sid/icd-10-cm"
    assert successplan.mappings.AIRS_TAXONOMY == "https://211taxonomy.org"
    assert successplan.mappings.EDFI_DESCRIPTOR_PREFIX == "uri://ed-fi.org/"


def test_package_docstring_example_runs() -> None:
    import doctest

    result = doctest.testmod(successplan.mappings)

    assert result.attempted > 0 and result.failed == 0
