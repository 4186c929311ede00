from __future__ import annotations

import successplan.adapters.edfi as edfi

EXPECTED = {
    "ApiInfo",
    "ClientCredentials",
    "Codes",
    "ConversionRun",
    "EdFiClient",
    "EdFiConverter",
    "EdFiSync",
    "Page",
    "PullOutput",
    "RawRecord",
    "SyncPage",
    "TokenManager",
    "guess_resource",
    "parse_discovery",
    "pull",
    "read_files",
    "read_json",
    "read_ndjson",
    "read_xml",
    "resource_from_name",
    "resources_for",
}


def test_public_names_are_pinned() -> None:
    assert set(edfi.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(edfi, name) is not None


def test_client_credentials_hide_the_secret() -> None:
    assert "hunter2" not in repr(edfi.ClientCredentials("key", "hunter2"))
