from __future__ import annotations

import importlib
import pkgutil

import successplan.adapters.fhir as fhir

PUBLIC = {
    "DEFAULT_TYPES",
    "BulkExport",
    "BulkFile",
    "BulkManifest",
    "FhirClient",
    "FhirConverter",
    "MapperLike",
    "RawResource",
    "SearchPage",
    "SmartBackendAuth",
    "SmartCredentials",
    "consent_from_fhir",
    "consent_to_fhir",
    "iter_document",
    "iter_ndjson",
    "iter_value",
    "plan_from_bundle",
    "plan_to_bundle",
    "pull_bulk",
    "pull_search",
    "read_path",
    "validate_r4",
}


def test_the_public_names_are_pinned() -> None:
    assert set(fhir.__all__) == PUBLIC
    for name in fhir.__all__:
        assert getattr(fhir, name) is not None


def test_every_private_module_declares_its_names() -> None:
    for info in pkgutil.iter_modules(fhir.__path__):
        module = importlib.import_module(f"{fhir.__name__}.{info.name}")
        assert info.name.startswith("_"), info.name
        names = module.__all__
        assert len(set(names)) == len(names), info.name
        for name in names:
            assert hasattr(module, name), f"{info.name}.{name}"
