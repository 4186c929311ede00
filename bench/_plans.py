"""Realistic synthetic Success Plans for the benchmarks (deterministic)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

DOMAINS = ["academic", "social-emotional", "health", "family", "attendance"]
KINDS = ["strength", "need", "interest"]
TIERS = ["prevention", "early-intervention", "intensive", "enrichment"]
STATUSES = ["requested", "accepted", "in-progress", "completed"]
ROLES = ["coordinator", "teacher", "counselor", "nurse", "parent", "mentor"]
GIVEN = ["Ana", "Ben", "Chloe", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo"]
FAMILY = ["Rivera", "Nguyen", "Okafor", "Smith", "Haddad", "Kowalski", "Tanaka"]


def _day(rng: random.Random, start: date, span: int) -> str:
    return (start + timedelta(days=rng.randrange(span))).isoformat()


def plan(index: int, rng: random.Random) -> dict[str, Any]:
    """Return one plan as a JSON-ready dict."""
    start = date(2025, 8, 25)
    student = {
        "system": "https://district.example/student-id",
        "value": f"S{index:07d}",
    }
    findings = [
        {
            "id": f"p{index}-f{i}",
            "kind": rng.choice(KINDS),
            "domain": rng.choice(DOMAINS),
            "description": f"Observation {i} about the student's progress in class",
            "identified_on": _day(rng, start, 60),
            "method": "review",
        }
        for i in range(rng.randint(2, 6))
    ]
    team = [
        {
            "id": f"p{index}-t{i}",
            "role": rng.choice(ROLES),
            "name": {"given": [rng.choice(GIVEN)], "family": rng.choice(FAMILY)},
            "organization_name": "Lincoln Elementary",
        }
        for i in range(rng.randint(2, 5))
    ]
    goals = [
        {
            "id": f"p{index}-g{i}",
            "description": "Raise reading fluency to grade-level benchmark",
            "domain": "academic",
            "term": "short-term",
            "student_driven": rng.random() < 0.5,
            "addresses": [findings[0]["id"]],
            "targets": [
                {
                    "measure": "words correct per minute",
                    "unit": "wcpm",
                    "baseline": rng.randint(40, 80),
                    "baseline_date": _day(rng, start, 30),
                    "target": 100,
                    "due": "2026-06-12",
                }
            ],
            "action_steps": [
                {
                    "description": "Twice-weekly tutoring",
                    "owner": {"team_member": team[0]["id"]},
                    "status": "in-progress",
                }
            ],
            "progress": [
                {"assessed_on": _day(rng, start, 200), "value": rng.randint(50, 100)}
                for _ in range(rng.randint(1, 3))
            ],
        }
        for i in range(rng.randint(1, 3))
    ]
    services = [
        {
            "id": f"p{index}-s{i}",
            "kind": "referral",
            "service_name": "After-school tutoring",
            "provider_name": "Neighborhood Learning Center",
            "domain": rng.choice(DOMAINS),
            "tier": rng.choice(TIERS),
            "setting": "out-of-school",
            "status": rng.choice(STATUSES),
            "referred_on": _day(rng, start, 90),
            "supports_goals": [goals[0]["id"]],
        }
        for i in range(rng.randint(1, 4))
    ]
    indicators = [
        {
            "id": f"p{index}-i0",
            "code": {
                "system": "https://successplan.org/CodeSystem/Indicator",
                "code": "attendance-rate",
            },
            "domain": "attendance",
            "unit": "%",
            "points": [
                {
                    "as_of": _day(rng, start, 250),
                    "value": round(rng.uniform(80, 100), 1),
                }
                for _ in range(3)
            ],
        }
    ]
    return {
        "type": "SuccessPlan",
        "id": f"plan-{index:07d}",
        "subject": student,
        "profile": "city-connects",
        "status": "active",
        "period": {"start": "2025-08-25", "end": "2026-06-12"},
        "review_dates": [_day(rng, start, 100)],
        "findings": findings,
        "goals": goals,
        "services": services,
        "team": team,
        "indicators": indicators,
    }


def plans(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Yield ``count`` plans, the same ones for the same seed."""
    rng = random.Random(seed)
    for index in range(count):
        yield plan(index, rng)
