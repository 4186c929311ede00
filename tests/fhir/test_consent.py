from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import pytest
from fhir.resources.R4B.consent import Consent as R4Consent

from successplan.adapters.fhir import consent_from_fhir, consent_to_fhir
from successplan.errors import ConversionError
from successplan.schemas import ConsentStatus, PurposeOfUse

from ._plans import rich_consent

SYSTEM = "urn:fhir/Patient"


def _read(resource: dict[str, Any], release: Literal["R4", "R5"] = "R4") -> Any:
    return consent_from_fhir(
        resource, record_id="c", patient_system=SYSTEM, release=release
    )


def _base(**provision: Any) -> dict[str, Any]:
    return {
        "resourceType": "Consent",
        "status": "active",
        "patient": {"reference": "Patient/52"},
        "provision": {"type": "deny", "provision": [{"type": "permit", **provision}]},
    }


def test_a_canonical_consent_survives_the_round_trip_through_fhir() -> None:
    consent = rich_consent()
    resource = consent_to_fhir(consent)
    R4Consent.model_validate(resource)
    assert _read(resource) == consent


def test_an_opt_in_with_a_deny_for_one_recipient() -> None:
    resource = _base(
        purpose=[
            {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                "code": "COC",
            }
        ]
    )
    resource["provision"]["provision"].append(
        {
            "type": "deny",
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "IRCP",
                            }
                        ]
                    },
                    "reference": {"reference": "Organization/54"},
                }
            ],
            "action": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/consentaction",
                            "code": "access",
                        }
                    ]
                }
            ],
        }
    )
    consent = _read(resource)
    assert [(p.decision, p.purposes, p.recipients) for p in consent.provisions] == [
        ("permit", [PurposeOfUse.CARE_COORDINATION], []),
        ("deny", [], ["54"]),
    ]
    assert consent.subject.value == "52"


@pytest.mark.parametrize(
    ("provision", "field"),
    [
        (
            {
                "securityLabel": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                        "code": "R",
                    }
                ]
            },
            "securityLabel[0]",
        ),
        (
            {
                "purpose": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                        "code": "HMARKT",
                    }
                ]
            },
            "purpose[0]",
        ),
        (
            {
                "class": [
                    {
                        "system": "http://hl7.org/fhir/resource-types",
                        "code": "Condition",
                    }
                ]
            },
            "class",
        ),
        (
            {
                "action": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentaction",
                                "code": "collect",
                            }
                        ]
                    }
                ]
            },
            "action",
        ),
        (
            {
                "actor": [
                    {
                        "role": {"coding": [{"code": "IRCP"}]},
                        "reference": {"identifier": {"value": "x"}},
                    }
                ]
            },
            "actor[0]",
        ),
        ({"provision": [{"type": "deny"}]}, "provision"),
    ],
)
def test_a_permit_that_cannot_be_interpreted_is_rejected_with_the_reason(
    provision: dict[str, Any], field: str
) -> None:
    with pytest.raises(ConversionError) as info:
        _read(_base(**provision))
    assert info.value.code == "consent-uninterpretable"
    assert info.value.field == f"Consent.provision.provision[0].{field}"
    assert "not read as a permit" in info.value.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "unknown"}, "Consent.status"),
        ({"patient": {"reference": "Group/1"}}, "Consent.patient"),
    ],
)
def test_a_consent_without_status_or_patient_is_rejected(
    change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ConversionError) as info:
        _read({**_base(), **change})
    assert info.value.field == field


def test_a_consent_without_provisions_permits_nothing() -> None:
    consent = _read(
        {
            "resourceType": "Consent",
            "status": "active",
            "patient": {"reference": "Patient/1"},
        }
    )
    assert [p.decision for p in consent.provisions] == ["deny"]


@pytest.mark.samples
def test_leap_samples(samples: Path) -> None:
    folder = samples / "fhir" / "consent"
    optin = _read(json.loads((folder / "leap-r4-consent-boris-optin.json").read_text()))
    assert optin.status is ConsentStatus.ACTIVE
    assert [(p.decision, p.recipients) for p in optin.provisions] == [
        ("permit", []),
        ("deny", ["54"]),
    ]
    assert optin.period is not None and str(optin.period.end) == "2029-01-01"

    expired = _read(
        json.loads((folder / "leap-r4-consent-boris-expired.json").read_text())
    )
    assert expired.period is not None and str(expired.period.end) == "2016-01-01"

    with pytest.raises(ConversionError) as info:
        _read(
            json.loads(
                (
                    folder / "leap-r4-consent-boris-deny-restricted-label.json"
                ).read_text()
            )
        )
    assert info.value.code == "consent-uninterpretable"

    r5 = json.loads((folder / "leap-r5-consent-boris-optin-with-pou.json").read_text())
    with pytest.raises(ConversionError) as info:
        _read(r5)
    assert info.value.code == "fhir-version-mismatch"
    read = _read(r5, "R5")
    assert [(p.decision, p.purposes) for p in read.provisions] == [
        ("permit", [PurposeOfUse.TREATMENT, PurposeOfUse.EMERGENCY])
    ]
    assert [c.code for c in read.legal_basis] == ["hipaa-self-pay"]


@pytest.mark.samples
def test_gravity_disclosure_consent_has_no_provision_so_it_permits_nothing(
    samples: Path,
) -> None:
    path = (
        samples
        / "fhir"
        / "sdoh-gravity"
        / "Consent-SDOHCC-ConsentInformationDisclosureExample.json"
    )
    consent = _read(json.loads(path.read_text()))
    assert [p.decision for p in consent.provisions] == ["deny"]
    assert [c.code for c in consent.legal_basis] == ["hipaa-auth"]


@pytest.mark.parametrize("scope", ["treatment", "research", "adr"])
def test_a_consent_that_is_not_about_privacy_is_never_a_sharing_permit(
    scope: str,
) -> None:
    resource = {
        "resourceType": "Consent",
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": scope,
                }
            ]
        },
        "patient": {"reference": "Patient/52"},
        "provision": {"type": "permit"},
    }
    with pytest.raises(ConversionError) as info:
        _read(resource)
    assert info.value.code == "consent-uninterpretable"
    assert info.value.field == "Consent.scope"


def test_a_privacy_consent_or_one_without_scope_is_read() -> None:
    resource = _base()
    assert _read(resource).status is ConsentStatus.ACTIVE
    resource["scope"] = {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                "code": "patient-privacy",
            }
        ]
    }
    assert _read(resource).status is ConsentStatus.ACTIVE
