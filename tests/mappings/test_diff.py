from __future__ import annotations

import pytest

from successplan.errors import ConversionError
from successplan.mappings import diff_codes, diff_rules, parse_code_lines

from .conftest import compile_text

OLD = """
crosswalk: test-roles
version: "1"
source: {standard: Test, version: "1"}
systems: [urn:roles]
target: {enum: TeamRole}
rules:
  - {code: teacher, to: teacher}
  - {code: aide, to: other}
  - {code: nurse, to: nurse}
"""

NEW = """
crosswalk: test-roles
version: "2"
source: {standard: Test, version: "1"}
systems: [urn:roles]
target: {enum: TeamRole}
on_unmapped: default
default: other
rules:
  - {code: teacher, to: teacher}
  - {code: aide, to: specialist}
  - {code: mentor, to: mentor}
"""


def test_diff_rules_lists_every_change() -> None:
    changes = diff_rules(compile_text(OLD), compile_text(NEW))

    assert [(c.change, c.match, c.old, c.new) for c in changes] == [
        ("policy", "(unmapped codes)", "error", "default: other"),
        ("changed", "code aide", "other", "specialist"),
        ("added", "code mentor", None, "mentor"),
        ("removed", "code nurse", "nurse", None),
    ]


def test_same_crosswalk_has_no_changes() -> None:
    assert diff_rules(compile_text(OLD), compile_text(OLD)) == []


def test_diff_codes_replays_observed_codes() -> None:
    observed = [
        ("urn:roles", "teacher"),
        ("urn:roles", "aide"),
        ("urn:roles", "nurse"),
        ("urn:roles", "janitor"),
        ("urn:roles", "aide"),
    ]

    changes = diff_codes(compile_text(OLD), compile_text(NEW), observed)

    assert [(c.code, c.old, c.new) for c in changes] == [
        ("aide", "other", "specialist"),
        ("nurse", "nurse", "other [default]"),
        ("janitor", "error mapping-unknown-code", "other [default]"),
    ]


def test_parse_code_lines() -> None:
    lines = [
        "# observed in the fall export",
        "",
        "urn:roles|teacher",
        "urn:roles\tschool counselor",
        "uri://ed-fi.org/SexDescriptor#Female",
    ]

    assert parse_code_lines(lines) == [
        ("urn:roles", "teacher"),
        ("urn:roles", "school counselor"),
        ("uri://ed-fi.org/SexDescriptor", "Female"),
    ]


def test_parse_code_lines_names_the_bad_line() -> None:
    with pytest.raises(ConversionError) as caught:
        parse_code_lines(["urn:roles|teacher", "teacher"], "codes.txt")

    assert caught.value.code == "mapping-bad-code-line"
    assert "codes.txt line 2" in caught.value.message
