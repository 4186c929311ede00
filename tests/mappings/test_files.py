from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from successplan.errors import MappingError
from successplan.mappings import default_mappings, load_mappings
from successplan.mappings._compile import parse_document
from successplan.schemas import ProgramType, TeamRole

from .conftest import compile_text

Write = Callable[[str, str], Path]

BASE = """
crosswalk: test-roles
version: "1.0"
source: {standard: Test, version: "1"}
systems: [urn:roles]
target: {enum: TeamRole}
on_unmapped: default
default: other
rules:
  - {code: teacher, to: teacher}
  - {codes: [counselor, school counselor], to: counselor}
  - {code: aide, to: other}
"""


def _error(text: str, *overlays: str) -> MappingError:
    with pytest.raises(MappingError) as caught:
        compile_text(text, *overlays)
    return caught.value


def test_codes_that_look_like_numbers_stay_text() -> None:
    crosswalk = compile_text(
        """
        crosswalk: test-grades
        version: 1
        source: {standard: Test, version: "1"}
        systems: [urn:grade]
        target: {system: urn:ceds, codes: {"01": First grade, "09": Ninth grade}}
        rules:
          - {codes: [01, 1], to: 01}
          - {code: 09, to: 09}
        """
    )

    assert crosswalk.version == "1"
    assert crosswalk.translate("urn:grade", "1").code() == "01"
    assert crosswalk.translate("urn:grade", "09").code() == "09"


def test_repeated_key_names_both_lines() -> None:
    error = _error(
        """
        crosswalk: test-x
        version: "1"
        source: {standard: Test, version: "1"}
        version: "2"
        """
    )

    assert error.code == "mapping-invalid"
    assert "line 4" in error.message and "first on line 2" in error.message


def test_shape_error_names_the_line() -> None:
    error = _error(BASE + "  - {code: nurse}\n")

    assert error.code == "mapping-invalid"
    assert "line 12 `rules.3`" in error.message
    assert "needs `to`" in error.message


def test_value_outside_the_code_set_lists_the_valid_ones() -> None:
    error = _error(BASE + "  - {code: nurse, to: nurse-practitioner}\n")

    assert "base.yaml line 12" in error.message
    assert (
        "`nurse-practitioner` is not in canonical code set `TeamRole`" in error.message
    )
    assert "counselor" in error.message


def test_unknown_code_set_is_named() -> None:
    error = _error(BASE.replace("enum: TeamRole", "enum: TeamRoles"))

    assert "`TeamRoles` is not a canonical code set" in error.message
    assert "TeamRole," in error.message


def test_a_file_may_not_name_a_code_twice() -> None:
    error = _error(BASE + "  - {code: Teacher, to: specialist}\n")

    assert error.code == "mapping-duplicate-rule"
    assert "line 9" in error.message and "line 12" in error.message


def test_multi_target_outcome_needs_required_targets() -> None:
    error = _error(
        """
        crosswalk: test-multi
        version: "1"
        source: {standard: Test, version: "1"}
        systems: [urn:x]
        targets:
          domain: {enum: Domain}
          category: {enum: DataCategory}
        rules:
          - {code: a, to: {domain: health}}
        """
    )

    assert "no value for required target(s) category" in error.message


def test_bad_pattern_is_reported() -> None:
    error = _error(BASE + "  - {pattern: '(unclosed', to: other}\n")

    assert "is not a regular expression" in error.message


def test_not_yaml_is_reported_with_its_line(write: Write) -> None:
    path = write("broken.yaml", "crosswalk: x\nrules: [\n")

    with pytest.raises(MappingError) as caught:
        load_mappings([path])

    assert str(path) in caught.value.message
    assert "not valid YAML" in caught.value.message


OVERLAY = """
crosswalk: district-roles
version: "2025.1"
source: {standard: Test, version: "1"}
extends: test-roles
systems: [uri://district.example/roles]
remove: [aide]
rules:
  - {code: teacher, to: specialist}
  - {code: school counselor, to: social-worker}
  - {code: Interventionist, system: uri://district.example/roles, to: specialist}
"""


def test_overlay_replaces_adds_and_removes_rules() -> None:
    crosswalk = compile_text(BASE, OVERLAY)

    teacher = crosswalk.translate("urn:roles", "teacher")
    counselor = crosswalk.translate("urn:roles", "counselor")
    moved = crosswalk.translate("urn:roles", "school counselor")
    local = crosswalk.translate("uri://district.example/roles", "interventionist")
    aide = crosswalk.translate("urn:roles", "aide")

    assert teacher.get(TeamRole) == TeamRole.SPECIALIST
    assert (teacher.crosswalk, teacher.version) == ("district-roles", "2025.1")
    assert counselor.get(TeamRole) == TeamRole.COUNSELOR
    assert counselor.crosswalk == "test-roles"
    assert moved.get(TeamRole) == TeamRole.SOCIAL_WORKER
    assert local.get(TeamRole) == TeamRole.SPECIALIST
    assert aide.outcome == "default"
    assert crosswalk.label == "test-roles@1.0+district-roles@2025.1"
    assert crosswalk.version == "1.0+2025.1"


def test_overlay_may_change_the_policy() -> None:
    crosswalk = compile_text(
        BASE,
        """
        crosswalk: strict-roles
        version: "1"
        source: {standard: Test, version: "1"}
        extends: test-roles
        on_unmapped: error
        """,
    )

    assert crosswalk.on_unmapped == "error"
    with pytest.raises(Exception, match="mapping-unknown-code"):
        crosswalk.translate("urn:roles", "janitor")


def test_later_overlay_wins() -> None:
    second = """
    crosswalk: second
    version: "1"
    source: {standard: Test, version: "1"}
    extends: test-roles
    rules:
      - {code: teacher, to: mentor}
    """

    crosswalk = compile_text(BASE, OVERLAY, second)

    assert crosswalk.translate("urn:roles", "teacher").get(TeamRole) == TeamRole.MENTOR


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (
            "crosswalk: o\nversion: '1'\nextends: test-roles\ntarget: {enum: Sector}\n",
            "an overlay keeps the targets",
        ),
        (
            "crosswalk: o\nversion: '1'\nextends: test-roles\nnormalize: []\n",
            "keeps the base's `normalize`",
        ),
        (
            "crosswalk: o\nversion: '1'\nextends: test-roles\nremove: [nurse]\n",
            "`remove` names `nurse`",
        ),
        (
            "crosswalk: o\nversion: '1'\nextends: nothing-here\n",
            "`extends: nothing-here` names no crosswalk",
        ),
        (
            "crosswalk: test-roles\nversion: '1'\nextends: test-roles\n",
            "a name of its own",
        ),
        (
            "crosswalk: o\nversion: '1'\nextends: test-roles\n"
            "rules:\n  - {code: x, system: urn:elsewhere, to: other}\n",
            "rule system `urn:elsewhere` is not in `systems`",
        ),
    ],
)
def test_overlay_errors(overlay: str, message: str) -> None:
    assert message in _error(BASE, overlay).message


def test_overlay_file_over_a_shipped_crosswalk(write: Write) -> None:
    path = write(
        "programs.yaml",
        """
        crosswalk: gbisd-program-type
        version: "2025.1"
        source: {standard: Test, version: "1"}
        extends: edfi-program-type
        systems: [uri://gbisd.edu/ProgramTypeDescriptor]
        rules:
          - {code: Reading Recovery, to: {program: title-i}}
        """,
    )

    mappings = load_mappings([path.parent])
    found = mappings.get("edfi-program-type").translate_descriptor(
        "uri://gbisd.edu/ProgramTypeDescriptor#Reading Recovery"
    )

    assert found.get(ProgramType) == ProgramType.TITLE_I
    assert found.crosswalk == "gbisd-program-type"
    assert mappings.version != default_mappings().version
    assert "edfi-program-type" in mappings


def test_a_second_declaration_of_a_shipped_crosswalk_is_refused(write: Write) -> None:
    path = write("dup.yaml", BASE.replace("test-roles", "oneroster-role"))

    with pytest.raises(MappingError) as caught:
        load_mappings([path])

    assert "already declared" in caught.value.message
    assert "extends: oneroster-role" in caught.value.message


def test_missing_overlay_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError) as caught:
        load_mappings([tmp_path / "nope.yaml"])

    assert caught.value.code == "mapping-not-found"


def test_unknown_crosswalk_lists_the_known_ones() -> None:
    with pytest.raises(MappingError) as caught:
        default_mappings().get("edfi-programs")

    assert caught.value.code == "mapping-not-found"
    assert "edfi-program-type" in caught.value.message


def test_deprecated_crosswalk_warns_once() -> None:
    crosswalk = compile_text(BASE + "deprecated: use district-roles instead\n")

    with pytest.warns(DeprecationWarning, match="use district-roles instead"):
        crosswalk.translate("urn:roles", "teacher")
    crosswalk.translate("urn:roles", "teacher")


def test_document_is_a_mapping() -> None:
    with pytest.raises(MappingError, match="is a YAML mapping"):
        parse_document("- a\n- b\n", "list.yaml")
