from __future__ import annotations

import importlib
import inspect

import pytest

import successplan.schemas

PACKAGES = [
    "successplan.schemas",
    "successplan.adapters",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_public_names_are_unique_and_exist(name: str) -> None:
    module = importlib.import_module(name)
    assert len(set(module.__all__)) == len(module.__all__)
    for public in module.__all__:
        assert hasattr(module, public), public


def test_nothing_private_is_public() -> None:
    for public in successplan.schemas.__all__:
        value = getattr(successplan.schemas, public)
        assert not public.startswith("_")
        if isinstance(value, type) or inspect.isfunction(value):
            origin = getattr(value, "__module__", "successplan.schemas")
            assert origin.startswith("successplan.schemas"), public


def test_record_types_are_pinned() -> None:
    assert sorted(successplan.schemas.RECORD_TYPES) == [
        "Consent",
        "DataSharingAgreement",
        "Deletion",
        "Disclosure",
        "Finding",
        "Goal",
        "IndicatorSeries",
        "Location",
        "Organization",
        "Person",
        "Service",
        "ServiceEngagement",
        "SuccessPlan",
        "TeamMember",
    ]
