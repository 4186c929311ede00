from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from successplan.errors import ProfileError
from successplan.schemas import (
    Domain,
    Profile,
    SuccessPlan,
    check_profile,
    list_profiles,
    load_profile,
    record_adapter,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHIPPED = list_profiles()

Plan = dict[str, Any]


def _example(name: str) -> Plan:
    data: Plan = json.loads((EXAMPLES / f"{name}.json").read_text("utf-8"))
    return data


def _issues(plan: Plan, name: str) -> set[tuple[str, str]]:
    return {(i.code, i.path) for i in check_profile(plan, load_profile(name))}


def test_twelve_profiles_ship_each_with_an_example() -> None:
    examples = sorted(path.stem for path in EXAMPLES.glob("*.json"))

    assert len(SHIPPED) >= 12
    assert set(SHIPPED) <= set(examples)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profile_loads(name: str) -> None:
    profile = load_profile(name)

    assert profile.name == name
    assert profile.title and profile.description and profile.reference
    assert profile.required, "a shipped profile requires at least one element"


@pytest.mark.parametrize("name", SHIPPED)
def test_example_fits_the_model_and_its_profile(name: str) -> None:
    text = (EXAMPLES / f"{name}.json").read_text("utf-8")

    plan = SuccessPlan.model_validate_json(text)
    strict = record_adapter().validate_json(text, strict=True)

    assert strict == plan
    assert plan.type == "SuccessPlan"
    assert plan.profile == name
    assert check_profile(plan, load_profile(name)) == []
    assert check_profile(json.loads(text), load_profile(name)) == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        (name, path)
        for name in SHIPPED
        for path in load_profile(name).required
        if "." not in path and "[]" not in path
    ],
)
def test_removing_a_required_element_fails(name: str, path: str) -> None:
    plan = _example(name)
    del plan[path]

    assert ("profile-required", path) in _issues(plan, name)


@pytest.mark.parametrize(
    ("name", "edit", "path"),
    [
        ("city-connects", lambda p: p["services"][1].pop("tier"), "services[1].tier"),
        (
            "cis-student-support",
            lambda p: p["goals"][0]["targets"][0].pop("baseline"),
            "goals[0].targets[0].baseline",
        ),
        (
            "cis-student-support",
            lambda p: p["services"][2].pop("consent"),
            "services[2].consent",
        ),
        (
            "fostered-education",
            lambda p: p["goals"][2].update(milestones=[]),
            "goals[2].milestones",
        ),
        (
            "colorado-isr",
            lambda p: p["person"].pop("birth_date"),
            "person.birth_date",
        ),
        (
            "say-yes-growth",
            lambda p: p["indicators"][1]["sub_indicators"][0]["points"][1].pop(
                "school_year"
            ),
            "indicators[1].sub_indicators[0].points[1].school_year",
        ),
        (
            "agency-isp",
            lambda p: p["services"][1].update(utilization=[]),
            "services[1].utilization",
        ),
        (
            "lrng-playlist",
            lambda p: p["achievements"][1].pop("issuer"),
            "achievements[1].issuer",
        ),
    ],
)
def test_removing_a_nested_required_element_fails(
    name: str, edit: Callable[[Plan], object], path: str
) -> None:
    plan = _example(name)
    edit(plan)

    assert ("profile-required", path) in _issues(plan, name)


@pytest.mark.parametrize(
    "name", [name for name in SHIPPED if load_profile(name).domains]
)
def test_a_domain_outside_the_profile_fails(name: str) -> None:
    allowed = set(load_profile(name).domains)
    outside = next(domain for domain in Domain if domain not in allowed)
    plan = _example(name)
    plan["findings"][0]["domain"] = outside.value

    assert ("profile-domain", "findings[0].domain") in _issues(plan, name)


@pytest.mark.parametrize(
    ("name", "field", "path"),
    [
        (name, field, path)
        for name in SHIPPED
        for field, path in [
            ("goals[].progress[].rating", "goals[0].progress[0].rating"),
            ("person.enrollments[].grade_level", "person.enrollments[0].grade_level"),
            ("goals[].code", "goals[0].code"),
            ("indicators[].code", "indicators[0].code"),
        ]
        if field in load_profile(name).codes
    ],
)
def test_a_code_outside_the_code_list_fails(name: str, field: str, path: str) -> None:
    plan = _example(name)
    node: Any = plan
    for step in path.replace("]", "").replace("[", ".").split("."):
        node = node[int(step)] if step.isdigit() else node[step]
    node["code"] = "not-in-the-list"

    assert ("profile-value", path) in _issues(plan, name)


@pytest.mark.parametrize(
    ("name", "edit", "path"),
    [
        (
            "cis-student-support",
            lambda p: p["services"][0].update(support_level=1),
            "services[0].support_level",
        ),
        (
            "one-degree-portfolio",
            lambda p: p["services"][3].update(status="cancelled"),
            "services[3].status",
        ),
        (
            "one-degree-portfolio",
            lambda p: p["services"][0].update(kind="referral"),
            "services[0].kind",
        ),
        (
            "lrng-playlist",
            lambda p: p["achievements"][0].update(kind="certificate"),
            "achievements[0].kind",
        ),
    ],
)
def test_a_value_outside_the_profile_fails(
    name: str, edit: Callable[[Plan], object], path: str
) -> None:
    plan = _example(name)
    edit(plan)

    assert ("profile-value", path) in _issues(plan, name)


def test_city_connects_needs_a_strength_and_a_need_in_each_domain() -> None:
    plan = _example("city-connects")
    plan["findings"] = [
        f
        for f in plan["findings"]
        if not (f["domain"] == "family" and f["kind"] == "strength")
    ]

    issues = check_profile(plan, load_profile("city-connects"))

    assert [(i.code, i.path) for i in issues] == [("profile-coverage", "findings")]
    assert "`strength` finding in domain `family`" in issues[0].message


def _drop(key: str, test: Callable[[dict[str, Any]], bool]) -> Callable[[Plan], None]:
    def edit(plan: Plan) -> None:
        plan[key] = [item for item in plan[key] if not test(item)]

    return edit


def _same_year(plan: Plan) -> None:
    for series in plan["indicators"]:
        for point in series["points"]:
            point["school_year"] = 2026
        for sub in series["sub_indicators"]:
            for point in sub["points"]:
                point["school_year"] = 2026


@pytest.mark.parametrize(
    ("name", "edit", "path", "wanted"),
    [
        (
            "city-connects",
            _drop("team", lambda m: m["role"] == "coordinator"),
            "team",
            "coordinator",
        ),
        (
            "cis-student-support",
            _drop("findings", lambda f: f["kind"] == "risk-factor"),
            "findings",
            "risk-factor",
        ),
        (
            "colorado-isr",
            _drop("indicators", lambda s: s["domain"] == "readiness.math"),
            "indicators",
            "readiness.math",
        ),
        (
            "fostered-education",
            _drop("team", lambda m: m["role"] == "education-champion"),
            "team",
            "education-champion",
        ),
        (
            "fostered-education",
            lambda p: [g.update(student_driven=False) for g in p["goals"]],
            "goals",
            "one of true",
        ),
        (
            "big-picture-learning",
            lambda p: p["services"][0].update(kind="program"),
            "services",
            "internship",
        ),
        (
            "big-picture-learning",
            _drop("achievements", lambda a: a["kind"] == "exhibition"),
            "achievements",
            "exhibition",
        ),
        (
            "lrng-playlist",
            lambda p: [a.update(kind="award") for a in p["achievements"]],
            "achievements",
            "badge",
        ),
        (
            "arizona-ecap",
            _drop("goals", lambda g: g["domain"] == "extracurricular"),
            "goals",
            "extracurricular",
        ),
        (
            "treehouse-graduation",
            _drop("indicators", lambda s: s["code"]["code"] == "behavior"),
            "indicators",
            "behavior",
        ),
        (
            "treehouse-graduation",
            _drop("goals", lambda g: g["domain"] == "postsecondary"),
            "goals",
            "one of postsecondary, career",
        ),
        ("say-yes-growth", _same_year, "indicators", "at least 2 different"),
        (
            "ma-mycap",
            lambda p: p["team"][1].pop("role_code"),
            "team",
            "caring-adult",
        ),
        (
            "ma-mycap",
            lambda p: [g.update(obstacles=[]) for g in p["goals"]],
            "goals",
            "at least 1 different",
        ),
        (
            "agency-isp",
            lambda p: p["team"][0].update(role="coordinator"),
            "team",
            "case-manager",
        ),
        (
            "agency-isp",
            lambda p: [s.pop("outcome", None) for s in p["services"]],
            "services",
            "services[].outcome",
        ),
    ],
)
def test_a_missing_program_element_fails(
    name: str, edit: Callable[[Plan], object], path: str, wanted: str
) -> None:
    plan = _example(name)
    edit(plan)

    issues = [
        i
        for i in check_profile(plan, load_profile(name))
        if i.code == "profile-includes"
    ]

    assert [i.path for i in issues] == [path]
    assert wanted in issues[0].message


def test_a_coded_include_counts_only_codes_of_its_system() -> None:
    plan = _example("ma-mycap")
    plan["team"][1]["role_code"]["system"] = "https://sis.wrenfield.k12.example/role"

    assert ("profile-includes", "team") in _issues(plan, "ma-mycap")


def test_an_unknown_profile_name_lists_the_shipped_ones() -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile("no-such-program")

    assert caught.value.code == "profile-not-found"
    assert "no-such-program" in caught.value.message
    assert "city-connects" in caught.value.message


def test_a_missing_profile_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(str(tmp_path / "district.yaml"))

    assert caught.value.code == "profile-not-found"
    assert "district.yaml" in caught.value.message


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    source = tmp_path / "broken.yaml"
    source.write_text("name: broken\nrequired: [goals, [findings\n", "utf-8")

    with pytest.raises(ProfileError) as caught:
        load_profile(str(source))

    assert caught.value.code == "profile-invalid"
    assert str(source) in caught.value.message
    assert "not valid YAML" in caught.value.message


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("required:\n  - goals[].wishes", "`goals[].wishes` is not a field"),
        ("domains: [astrology]", "domains.0"),
        ("colour: blue", "colour"),
        ("includes:\n  - path: team[].role", "needs `all_of`, `any_of` or `distinct`"),
        ("includes:\n  - path: team[].badge\n    any_of: [mentor]", "`team[].badge`"),
        ("codes:\n  goals[].code: {system: urn:x}", "codes"),
    ],
)
def test_an_invalid_profile_says_what_is_wrong(
    tmp_path: Path, body: str, complaint: str
) -> None:
    source = tmp_path / "invalid.yaml"
    header = "name: district-plan\ntitle: T\nversion: '1'\ndescription: D\n"
    source.write_text(header + body + "\n", "utf-8")

    with pytest.raises(ProfileError) as caught:
        load_profile(str(source))

    assert caught.value.code == "profile-invalid"
    assert "is not a valid profile" in caught.value.message
    assert complaint in caught.value.message


def test_a_district_profile_by_path_narrows_the_core(tmp_path: Path) -> None:
    source = tmp_path / "harbor-city.yaml"
    source.write_text(
        "\n".join(
            [
                "name: harbor-city-support",
                "title: Harbor City support plan",
                "version: '2025.1'",
                "description: City Connects plus the district's own rules.",
                "required: [family_languages, 'services[].referred_on']",
                "values:",
                "  services[].support_level: [1, 2]",
                "includes:",
                "  - path: team[].role",
                "    all_of: [coordinator, nurse]",
            ]
        ),
        "utf-8",
    )
    profile = load_profile(str(source))
    plan = _example("city-connects")

    assert {(i.code, i.path) for i in check_profile(plan, profile)} == {
        ("profile-required", "services[4].referred_on")
    }

    plan["services"][0]["support_level"] = 3
    plan["team"] = [m for m in plan["team"] if m["role"] != "nurse"]

    assert {(i.code, i.path) for i in check_profile(plan, profile)} == {
        ("profile-required", "services[4].referred_on"),
        ("profile-value", "services[0].support_level"),
        ("profile-includes", "team"),
    }


def test_values_compare_booleans_and_numbers_as_written() -> None:
    profile = Profile.model_validate(
        {
            "name": "flags",
            "title": "Flags",
            "version": "1",
            "description": "Booleans and numbers in value lists.",
            "values": {
                "goals[].student_driven": [True],
                "services[].support_level": [3],
            },
        }
    )
    plan = SuccessPlan.model_validate(_example("cis-student-support"))

    issues = {(i.code, i.path) for i in check_profile(plan, profile)}

    assert profile.values["goals[].student_driven"] == ["true"]
    assert issues == {
        ("profile-value", "goals[1].student_driven"),
        ("profile-value", "services[0].support_level"),
    }
