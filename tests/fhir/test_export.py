from __future__ import annotations

import json
from pathlib import Path

import pytest

from successplan.adapters.fhir import plan_from_bundle, plan_to_bundle
from successplan.errors import InputError
from successplan.schemas import SuccessPlan

from ._plans import SUBJECT, rich_consent, rich_plan


def test_a_rich_plan_survives_the_round_trip_and_the_bundle_is_valid_r4() -> None:
    plan, consent = rich_plan(), rich_consent()
    bundle = plan_to_bundle(plan, [consent], validate=True)
    again, consents = plan_from_bundle(bundle)
    assert again.model_dump(mode="json") == plan.model_dump(mode="json")
    assert consents == [consent]


def test_the_bundle_holds_the_resources_fhir_readers_expect() -> None:
    bundle = plan_to_bundle(rich_plan(), [rich_consent()])
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == [
        "Patient", "CarePlan", "Condition", "Condition", "Observation", "Goal",
        "ServiceRequest", "Task", "CareTeam", "Consent",
    ]  # fmt: skip
    by_kind = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
    task, request = by_kind["Task"], by_kind["ServiceRequest"]
    assert task["status"] == "completed" and request["status"] == "completed"
    assert task["focus"]["reference"] == next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"] is request
    )
    sud = bundle["entry"][3]["resource"]
    assert {"42CFRPart2", "NORDSCLCD", "ETH"} <= {
        s["code"] for s in sud["meta"]["security"]
    }
    assert by_kind["Goal"]["target"][0]["detailString"] == "No risk"


def test_a_minimal_plan_round_trips() -> None:
    plan = SuccessPlan.model_validate({"id": "p", "subject": SUBJECT})
    again, consents = plan_from_bundle(plan_to_bundle(plan))
    assert again == plan and consents == []


def test_a_bundle_without_a_plan_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        plan_from_bundle({"resourceType": "Bundle", "type": "collection", "entry": []})
    assert info.value.code == "fhir-no-plan"


EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_plan_survives_the_round_trip(example: Path) -> None:
    plan = SuccessPlan.model_validate_json(example.read_bytes())
    bundle = plan_to_bundle(plan, [], validate=True)
    back, _ = plan_from_bundle(json.loads(json.dumps(bundle)))
    assert back.model_dump(mode="json") == plan.model_dump(mode="json")
