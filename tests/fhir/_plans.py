"""A rich canonical plan and consent that use most of the model."""

from __future__ import annotations

from typing import Any

from successplan.schemas import Consent, SuccessPlan

TRACE = {
    "crosswalk": "fhir-conditions",
    "version": "1",
    "rule": "snomed-food",
    "source_system": "http://snomed.info/sct",
    "source_code": "733423003",
}
SUBJECT = {"system": "urn:fhir/Patient", "value": "pat-1"}


def rich_plan() -> SuccessPlan:
    data: dict[str, Any] = {
        "id": "plan-1",
        "subject": SUBJECT,
        "profile": "city-connects",
        "title": "Jamie's success plan",
        "status": "active",
        "period": {"start": "2025-09-01", "end": "2026-06-30"},
        "created_on": "2025-09-10",
        "review_dates": ["2025-12-01"],
        "next_review": "2026-03-01",
        "vision": "I want to be a nurse.",
        "family_languages": [{"system": "urn:ietf:bcp:47", "code": "es"}],
        "provenance": {"source_system": "fhir", "source_record_id": "CarePlan/9"},
        "person": {
            "id": "person-1",
            "identifiers": [
                SUBJECT,
                {
                    "system": "http://hospital.example/mrn",
                    "value": "MRN-7",
                    "type": {
                        "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                        "code": "MR",
                    },
                },
            ],
            "names": [
                {"given": ["Jamie", "Lee"], "family": "Rivera", "use": "official"},
                {"given": ["Jay"], "use": "nickname"},
            ],
            "birth_date": "2012-04-03",
            "sex": {
                "system": "http://hl7.org/fhir/administrative-gender",
                "code": "female",
            },
            "races": [{"system": "urn:oid:2.16.840.1.113883.6.238", "code": "2106-3"}],
            "hispanic_latino": True,
            "languages": [
                {
                    "language": {"system": "urn:ietf:bcp:47", "code": "es"},
                    "preferred": True,
                    "uses": ["home"],
                }
            ],
            "addresses": [
                {"lines": ["1 Main St"], "city": "Springfield", "use": "home"}
            ],
            "telecom": [{"system": "phone", "value": "555-0100", "use": "home"}],
            "contacts": [
                {
                    "name": {
                        "given": ["Ana"],
                        "family": "Rivera",
                        "text": "Ana Rivera",
                    },
                    "relationship": {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                        "code": "MTH",
                    },
                    "guardian": True,
                    "educational_rights": True,
                    "telecom": [{"system": "phone", "value": "555-0101"}],
                }
            ],
        },
        "findings": [
            {
                "id": "finding-food",
                "kind": "need",
                "domain": "basic-needs.food",
                "category": "economic",
                "code": {
                    "system": "http://snomed.info/sct",
                    "code": "733423003",
                    "display": "Food insecurity",
                    "mapped_from": TRACE,
                },
                "description": "Food insecurity",
                "priority": "high",
                "identified_on": "2025-09-05",
                "method": "screening",
                "evidence": [{"system": "fhir", "record": "Observation/hvs-1"}],
            },
            {
                "id": "finding-sud",
                "kind": "risk-factor",
                "domain": "behavioral-health",
                "category": "health.sud",
                "code": {
                    "system": "http://hl7.org/fhir/sid/icd-10-cm",
                    "code": "F12.10",
                },
                "status": "resolved",
            },
            {
                "id": "finding-art",
                "kind": "strength",
                "domain": "enrichment",
                "description": "Draws every day",
                "identified_by": {"role": "teacher", "display": "Ms. Ortiz"},
            },
        ],
        "goals": [
            {
                "id": "goal-1",
                "description": "Reliable access to food at home",
                "domain": "basic-needs.food",
                "code": {"system": "http://snomed.info/sct", "code": "1078229009"},
                "term": "short-term",
                "student_driven": True,
                "status": "active",
                "achievement": "improving",
                "start_date": "2025-09-10",
                "due_date": "2025-12-10",
                "targets": [
                    {
                        "measure": "Food insecurity risk",
                        "code": {"system": "http://loinc.org", "code": "88124-3"},
                        "target": "No risk",
                        "due": "2025-12-10",
                    },
                    {
                        "measure": "Attendance rate",
                        "unit": "%",
                        "baseline": 82.5,
                        "comparator": ">=",
                        "target": 95,
                    },
                ],
                "milestones": [{"description": "Enrolled in pantry", "status": "done"}],
                "action_steps": [
                    {"description": "Call the pantry", "owner": {"team_member": "tm-1"}}
                ],
                "obstacles": [{"description": "No car", "strategy": "Bus pass"}],
                "progress": [{"assessed_on": "2025-10-01", "achievement": "improving"}],
                "addresses": ["finding-food"],
            }
        ],
        "services": [
            {
                "id": "svc-1",
                "kind": "referral",
                "service_name": "Food pantry application assistance",
                "service_types": [
                    {"system": "http://snomed.info/sct", "code": "467771000124109"}
                ],
                "provider_name": "Springfield Food Bank",
                "provider_id": "org-foodbank",
                "domain": "basic-needs.food",
                "tier": "early-intervention",
                "support_level": 2,
                "setting": "community",
                "status": "completed",
                "status_history": [
                    {"status": "requested", "at": "2025-09-11T10:00:00Z"},
                    {"status": "completed", "at": "2025-10-02"},
                ],
                "referred_on": "2025-09-11",
                "referred_by": {"role": "coordinator", "display": "Dr Jan Water"},
                "reason": "Food insecurity",
                "utilization": [
                    {
                        "period": {"start": "2025-09-15", "end": "2025-10-15"},
                        "quantity": 3,
                        "unit": "visit",
                    }
                ],
                "outcome_note": "Enrolled",
                "addresses": ["finding-food"],
                "supports_goals": ["goal-1"],
                "consent": "consent-1",
            }
        ],
        "team": [
            {
                "id": "tm-1",
                "role": "coordinator",
                "name": {"given": ["Sam"], "family": "Lee", "text": "Sam Lee"},
                "organization_name": "Springfield Elementary",
                "lead": True,
            },
            {"id": "tm-2", "role": "parent"},
        ],
        "indicators": [
            {
                "id": "ind-1",
                "code": {
                    "system": "https://successplan.org/indicator",
                    "code": "attendance-rate",
                },
                "domain": "attendance",
                "unit": "%",
                "points": [{"as_of": "2025-10-01", "value": 91.0}],
            }
        ],
        "achievements": [{"kind": "badge", "name": "Reading star"}],
    }
    return SuccessPlan.model_validate(data)


def rich_consent() -> Consent:
    return Consent.model_validate(
        {
            "id": "consent-1",
            "subject": SUBJECT,
            "status": "revoked",
            "revoked_on": "2026-01-05",
            "grantor": {
                "relationship": "parent",
                "name": {"given": ["Ana"], "family": "Rivera", "text": "Ana Rivera"},
                "identifier": {"system": "urn:district:guardian", "value": "G-1"},
            },
            "discloser": "org-clinic",
            "provisions": [
                {
                    "decision": "permit",
                    "categories": ["plan", "services", "health.mental"],
                    "purposes": ["care-coordination", "referral"],
                    "recipients": ["org-foodbank", "org-school"],
                    "period": {"start": "2025-09-01", "end": "2026-01-01"},
                },
                {"decision": "deny", "categories": ["health.sud"]},
            ],
            "period": {"start": "2025-09-01", "end": "2026-08-31"},
            "signed_on": "2025-09-01",
            "redisclosure_allowed": False,
            "minor_consent": True,
            "legal_basis": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentpolicycodes",
                    "code": "hipaa-auth",
                    "mapped_from": TRACE,
                }
            ],
            "document_url": "https://docs.example/consent-1.pdf",
        }
    )
