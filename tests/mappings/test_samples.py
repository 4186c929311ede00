"""Every code in the shared public samples goes through the shipped crosswalks."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from successplan.errors import ConversionError
from successplan.mappings import (
    AIRS_TAXONOMY,
    GRAVITY_SDOH_CATEGORY,
    ONEROSTER_GRADE,
    ONEROSTER_ORG_TYPE,
    ONEROSTER_ROLE,
    ONEROSTER_SEX,
    default_mappings,
    split_edfi_descriptor,
)
from successplan.schemas import DataCategory, Domain

pytestmark = pytest.mark.samples

MAPPINGS = default_mappings()

#: Descriptor types whose every value in the samples must have its own rule.
COVERED = {
    "AttendanceEventCategoryDescriptor",
    "BehaviorDescriptor",
    "DisabilityDescriptor",
    "EducationOrganizationCategoryDescriptor",
    "GradeLevelDescriptor",
    "ImmunizationTypeDescriptor",
    "LanguageDescriptor",
    "ProgramTypeDescriptor",
    "RaceDescriptor",
    "RelationDescriptor",
    "Section504DisabilityDescriptor",
    "SexDescriptor",
    "StaffClassificationDescriptor",
}


def _descriptors(folder: Path) -> Iterator[str]:
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".xml", ".jsonl", ".json"):
            text = path.read_text("utf-8")
            yield from re.findall(r"uri://ed-fi\.org/[A-Za-z]+Descriptor#[^<\"]+", text)


def test_edfi_sample_descriptors_all_have_rules(samples: Path) -> None:
    seen: dict[str, set[str]] = {}
    for value in _descriptors(samples / "edfi"):
        system, code = split_edfi_descriptor(value)
        seen.setdefault(system.rsplit("/", 1)[1], set()).add(code)

    missing = []
    for descriptor in sorted(COVERED & seen.keys()):
        system = f"uri://ed-fi.org/{descriptor}"
        readers = MAPPINGS.reading(system)
        assert readers, f"no crosswalk reads {descriptor}"
        for code in sorted(seen[descriptor]):
            for crosswalk in readers:
                found = crosswalk.translate(system, code)
                if not found.matched:
                    missing.append(f"{crosswalk.name}: {descriptor}#{code}")

    assert len(COVERED & seen.keys()) >= 10
    assert missing == []


def _resources(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.rglob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        if data.get("resourceType") == "Bundle":
            yield from (entry["resource"] for entry in data.get("entry", []))
        elif "resourceType" in data:
            yield data


def test_fhir_sample_conditions_classify(samples: Path) -> None:
    conditions = MAPPINGS.get("fhir-condition")
    categories = {}
    for resource in _resources(samples / "fhir"):
        if resource["resourceType"] != "Condition":
            continue
        found = conditions.translate_concept(resource["code"]["coding"])
        categories[found.source_code] = found.get(DataCategory)

    assert categories["192127007"] == DataCategory.HEALTH_MENTAL
    assert categories["233678006"] == DataCategory.HEALTH
    assert categories["Z59.4"] == DataCategory.HEALTH
    assert len(categories) >= 9


def test_fhir_sample_statuses_and_sdoh_domains(samples: Path) -> None:
    checked = 0
    for resource in _resources(samples / "fhir" / "sdoh-gravity"):
        kind = resource["resourceType"]
        for concept in resource.get("category", []):
            for coding in concept.get("coding", []):
                if coding.get("system") == GRAVITY_SDOH_CATEGORY:
                    found = MAPPINGS.get("fhir-sdoh-category").translate(
                        GRAVITY_SDOH_CATEGORY, coding["code"]
                    )
                    assert found.get(Domain) == Domain.FOOD
                    checked += 1
        if kind == "Task":
            MAPPINGS.get("fhir-task-status").translate(
                "http://hl7.org/fhir/task-status", resource["status"]
            )
            checked += 1
        if kind == "Goal":
            MAPPINGS.get("fhir-goal-status").translate(
                "http://hl7.org/fhir/goal-status", resource["lifecycleStatus"]
            )
            checked += 1

    assert checked >= 5


def test_airs_sample_taxonomy_codes_all_translate(samples: Path) -> None:
    taxonomy = MAPPINGS.get("airs-taxonomy")
    codes = set()
    for path in sorted((samples / "airs").glob("*.xml")):
        codes.update(re.findall(r"<Code>([^<]+)</Code>", path.read_text("utf-8")))

    outcomes = {code: taxonomy.translate(AIRS_TAXONOMY, code) for code in codes}

    assert len(outcomes) > 50
    assert any(
        found.get(Domain) == Domain.BEHAVIORAL_HEALTH for found in outcomes.values()
    )
    assert all(found.matched for found in outcomes.values())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_oneroster_sample_codes_all_translate(samples: Path) -> None:
    checks = [
        ("users.csv", "role", "oneroster-role", ONEROSTER_ROLE),
        ("roles.csv", "role", "oneroster-role", ONEROSTER_ROLE),
        ("enrollments.csv", "role", "oneroster-role", ONEROSTER_ROLE),
        ("orgs.csv", "type", "oneroster-org-type", ONEROSTER_ORG_TYPE),
        ("demographics.csv", "sex", "oneroster-sex", ONEROSTER_SEX),
        ("users.csv", "grades", "oneroster-grade", ONEROSTER_GRADE),
        ("classes.csv", "grades", "oneroster-grade", ONEROSTER_GRADE),
    ]
    done = 0
    for folder in sorted((samples / "oneroster").iterdir()):
        for file, column, name, system in checks:
            path = folder / file
            if not path.is_file():
                continue
            for row in _rows(path):
                for value in (row.get(column) or "").split(","):
                    if value.strip():
                        try:
                            MAPPINGS.get(name).translate(system, value)
                        except (
                            ConversionError
                        ) as exc:  # pragma: no cover - shown on failure
                            pytest.fail(f"{path.name} {column}={value!r}: {exc}")
                        done += 1

    assert done >= 10
