from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from successplan.adapters import QuarantineWriter, RecordWriter
from successplan.adapters.fhir import FhirConverter, iter_document, read_path
from successplan.schemas import DataCategory, Domain, FindingKind, TaskStatus

from ._mapper import TableMapper

SNOMED = "http://snomed.info/sct"
GRAVITY = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
TABLE = {
    (GRAVITY, "food-insecurity"): (
        Domain.FOOD,
        DataCategory.ECONOMIC,
        FindingKind.NEED,
    ),
    (SNOMED, "192127007"): (
        Domain.BEHAVIORAL_HEALTH,
        DataCategory.HEALTH_MENTAL,
        FindingKind.NEED,
    ),
}


def _run(
    paths: list[Path] | None = None, docs: list[bytes] | None = None, **kwargs: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], FhirConverter]:
    conv = FhirConverter(TableMapper(TABLE), **kwargs)
    out, bad = io.BytesIO(), io.BytesIO()
    writer, quarantine = RecordWriter(out), QuarantineWriter(bad)
    sources = [list(read_path(p)) for p in paths or []] + [
        list(iter_document(d, f"doc{i}.json")) for i, d in enumerate(docs or [])
    ]
    for raws in sources:
        conv.index(raws)
        conv.run(raws, writer, quarantine, finish=False)
    conv.finish(writer, quarantine)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    problems = [json.loads(line) for line in bad.getvalue().splitlines()]
    return records, problems, conv


def _bundle(*resources: dict[str, Any], urls: bool = False) -> bytes:
    entries = [
        {"resource": r, **({"fullUrl": f"urn:uuid:{r.get('id')}"} if urls else {})}
        for r in resources
    ]
    return json.dumps(
        {"resourceType": "Bundle", "type": "collection", "entry": entries}
    ).encode()


PATIENT = {"resourceType": "Patient", "id": "kid", "birthDate": "2012-01-02"}


@pytest.mark.samples
def test_the_gravity_referral_chain_becomes_a_closed_loop_engagement(
    samples: Path,
) -> None:
    records, problems, _ = _run(
        sorted((samples / "fhir" / "sdoh-gravity").glob("*.json"))
    )
    assert problems == []
    by_type = {r["type"]: r for r in records}
    need, goal, service = (
        by_type["Finding"],
        by_type["Goal"],
        by_type["ServiceEngagement"],
    )
    assert (need["domain"], need["category"], need["kind"]) == (
        "basic-needs.food",
        "economic",
        "need",
    )
    assert need["code"] == {
        "system": SNOMED,
        "code": "733423003",
        "display": "Food insecurity",
    }
    assert goal["addresses"] == [need["id"]] and goal["domain"] == "basic-needs.food"
    assert (
        goal["targets"][0]["target"] == "No risk" and goal["due_date"] == "2020-12-10"
    )
    assert service["status"] == TaskStatus.COMPLETED
    assert service["addresses"] == [need["id"]]
    assert service["provider_name"] == "ABC Coordination Platform"
    assert service["domain"] == "basic-needs.food"
    assert by_type["Consent"]["provisions"] == [
        {"decision": "deny", "categories": [], "purposes": [], "recipients": []}
    ]


@pytest.mark.samples
def test_synthea_bundles_convert_and_skip_what_a_plan_does_not_use(
    samples: Path,
) -> None:
    records, problems, conv = _run(
        sorted((samples / "fhir" / "synthea").glob("*.json"))
    )
    assert problems == []
    types = {r["type"] for r in records}
    assert types == {"Person", "Finding", "ServiceEngagement", "IndicatorSeries"}
    adhd = next(
        r
        for r in records
        if r["type"] == "Finding" and r.get("code", {}).get("code") == "192127007"
    )
    assert adhd["category"] == "health.mental"
    shots = [r for r in records if r["type"] == "IndicatorSeries"]
    assert len(shots) == 2 and all(
        s["code"]["code"] == "immunization-doses" for s in shots
    )
    assert conv.summary.skipped["Encounter"] > 0
    assert sum(conv.mapper.unmapped.values()) > 0  # type: ignore[attr-defined]
    person = next(r for r in records if r["type"] == "Person")
    assert all("ssn" not in i["system"] for i in person["identifiers"])


def test_bad_resources_go_to_quarantine_and_the_rest_converts() -> None:
    doc = _bundle(
        PATIENT,
        {"resourceType": "Spaceship", "id": "s"},
        {"resourceType": "Patient", "id": "bad-date", "birthDate": "2012-13-45"},
        {
            "resourceType": "Condition",
            "id": "c1",
            "subject": {"reference": "urn:uuid:nowhere"},
            "code": {"text": "x"},
        },
        {
            "resourceType": "Observation",
            "id": "o5",
            "status": "final",
            "code": {"text": "x"},
            "triggeredBy": [],
        },
        {"resourceType": "NutritionIntake", "id": "n"},
        {"resourceType": "Claim", "id": "cl"},
        {
            "resourceType": "Condition",
            "id": "ok",
            "subject": {"reference": "Patient/kid"},
            "code": {"text": "Asthma"},
        },
    )
    records, problems, conv = _run(docs=[doc])
    assert [r["type"] for r in records] == ["Person", "Finding"]
    got = {(p["reason"], p["field"]) for p in problems}
    assert got == {
        ("fhir-unknown-type", "Spaceship.resourceType"),
        ("fhir-bad-date", "Patient.birthDate"),
        ("fhir-reference-missing", "Condition.subject"),
        ("fhir-version-mismatch", "Observation.triggeredBy"),
        ("fhir-version-mismatch", "NutritionIntake.resourceType"),
    }
    assert all(p["raw"] for p in problems)
    assert conv.summary.skipped["billing"] == 1


def test_substance_use_is_health_sud_whatever_the_mapping_says() -> None:
    condition = {
        "resourceType": "Condition",
        "id": "sud",
        "subject": {"reference": "Patient/kid"},
        "code": {
            "coding": [
                {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F12.10"}
            ]
        },
    }
    labelled = {
        **condition,
        "id": "lab",
        "code": {"text": "counselling"},
        "meta": {"security": [{"code": "42CFRPart2"}]},
    }
    records, _, _ = _run(docs=[_bundle(condition, labelled)])
    assert [r["category"] for r in records] == ["health.sud", "health.sud"]


@pytest.mark.parametrize(
    ("score", "findings"),
    [(14, 1), (4, 0)],
)
def test_a_phq9_total_is_a_mental_health_indicator_and_a_need_from_ten(
    score: int, findings: int
) -> None:
    obs = {
        "resourceType": "Observation",
        "id": "phq",
        "status": "final",
        "category": [{"coding": [{"code": "survey"}]}],
        "code": {
            "coding": [
                {
                    "system": "http://loinc.org",
                    "code": "44261-6",
                    "display": "PHQ-9 total",
                }
            ]
        },
        "subject": {"reference": "Patient/kid"},
        "effectiveDateTime": "2025-10-01T09:00:00Z",
        "valueQuantity": {"value": score},
    }
    records, _, _ = _run(docs=[_bundle(obs)])
    series = [r for r in records if r["type"] == "IndicatorSeries"]
    assert len(series) == 1 and series[0]["category"] == "health.mental"
    assert series[0]["points"] == [{"as_of": "2025-10-01", "value": float(score)}]
    assert len([r for r in records if r["type"] == "Finding"]) == findings


@pytest.mark.parametrize(
    ("request_status", "task_statuses", "expected"),
    [
        ("active", [], "requested"),
        ("revoked", [], "cancelled"),
        ("active", ["requested", "accepted", "in-progress"], "in-progress"),
        ("active", ["requested", "rejected"], "rejected"),
    ],
)
def test_referral_status_follows_its_latest_task(
    request_status: str, task_statuses: list[str], expected: str
) -> None:
    request = {
        "resourceType": "ServiceRequest",
        "id": "sr",
        "status": request_status,
        "intent": "order",
        "subject": {"reference": "Patient/kid"},
        "code": {"text": "Tutoring"},
    }
    tasks = [
        {
            "resourceType": "Task",
            "id": f"t{i}",
            "status": s,
            "intent": "order",
            "focus": {"reference": "ServiceRequest/sr"},
            "lastModified": f"2025-10-0{i + 1}",
        }
        for i, s in enumerate(task_statuses)
    ]
    records, _, _ = _run(docs=[_bundle(request, *tasks)])
    (service,) = records
    assert service["status"] == expected
    assert [h["status"] for h in service["status_history"]] == task_statuses[:-1]


@pytest.mark.parametrize(
    ("request_status", "expected"),
    [("revoked", "cancelled"), ("entered-in-error", "entered-in-error")],
)
def test_a_withdrawn_request_ends_the_referral_whatever_its_tasks_say(
    request_status: str, expected: str
) -> None:
    request = {
        "resourceType": "ServiceRequest",
        "id": "sr",
        "status": request_status,
        "intent": "order",
        "subject": {"reference": "Patient/kid"},
        "code": {"text": "Tutoring"},
    }
    task = {
        "resourceType": "Task",
        "id": "t1",
        "status": "in-progress",
        "intent": "order",
        "focus": {"reference": "ServiceRequest/sr"},
        "lastModified": "2025-10-01",
    }
    records, _, _ = _run(docs=[_bundle(request, task)])
    (service,) = records
    assert service["status"] == expected
    assert [h["status"] for h in service["status_history"]] == ["in-progress"]


def test_a_task_whose_request_is_missing_is_quarantined() -> None:
    task = {
        "resourceType": "Task",
        "id": "t",
        "status": "accepted",
        "intent": "order",
        "focus": {"reference": "ServiceRequest/gone"},
    }
    records, problems, _ = _run(docs=[_bundle(task)])
    assert records == []
    assert [(p["reason"], p["field"]) for p in problems] == [
        ("fhir-reference-missing", "Task.focus")
    ]


def test_strict_mode_rejects_what_r4_does_not_allow() -> None:
    patient = {**PATIENT, "gender": "female", "unknownElement": 1}
    records, problems, _ = _run(docs=[_bundle(patient)], strict=True)
    assert records == []
    assert problems[0]["reason"] == "fhir-invalid"
    records, problems, _ = _run(docs=[_bundle(patient)])
    assert [r["type"] for r in records] == ["Person"]


def test_a_rerun_gives_the_same_ids() -> None:
    doc = _bundle(
        PATIENT,
        {
            "resourceType": "Goal",
            "id": "g",
            "lifecycleStatus": "active",
            "description": {"text": "Read daily"},
            "subject": {"reference": "Patient/kid"},
        },
    )
    first, _, _ = _run(docs=[doc])
    second, _, _ = _run(docs=[doc])
    assert [r["id"] for r in first] == [r["id"] for r in second]


def test_a_transaction_delete_is_a_deletion_record() -> None:
    doc = json.dumps(
        {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [{"request": {"method": "DELETE", "url": "Goal/g"}}],
        }
    ).encode()
    (deletion,), _, _ = _run(docs=[doc])
    assert deletion["type"] == "Deletion" and deletion["target_type"] == "Goal"


def test_an_r4_care_plan_with_a_contributor_is_read_as_r4() -> None:
    plan = {
        "resourceType": "CarePlan",
        "id": "cp",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "Patient/kid"},
        "contributor": [{"reference": "Practitioner/nurse"}],
        "activity": [
            {"detail": {"status": "in-progress", "code": {"text": "Asthma plan"}}}
        ],
    }
    records, problems, _ = _run(docs=[_bundle(PATIENT, plan)])

    assert problems == []
    assert [r["type"] for r in records] == ["Person", "ServiceEngagement"]


def test_care_plan_activity_ids_survive_a_reordering() -> None:
    def plan(*codes: str) -> dict[str, Any]:
        return {
            "resourceType": "CarePlan",
            "id": "cp",
            "status": "active",
            "intent": "plan",
            "subject": {"reference": "Patient/kid"},
            "activity": [
                {
                    "detail": {
                        "status": "in-progress",
                        "code": {
                            "coding": [{"system": "http://snomed.info/sct", "code": c}],
                            "text": f"activity {c}",
                        },
                    }
                }
                for c in codes
            ],
        }

    first, _, _ = _run(docs=[_bundle(plan("1", "2", "3"))])
    again, _, _ = _run(docs=[_bundle(plan("3", "1", "2"))])
    ids = {r["service_name"]: r["id"] for r in first}
    assert len(set(ids.values())) == 3
    assert {r["service_name"]: r["id"] for r in again} == ids
