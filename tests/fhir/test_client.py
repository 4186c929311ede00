from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from successplan.adapters import CheckpointStore, RecordWriter, RetryPolicy
from successplan.adapters.fhir import (
    FhirClient,
    FhirConverter,
    SmartBackendAuth,
    SmartCredentials,
    pull_search,
)
from successplan.errors import (
    ConfigurationError,
    FatalSourceError,
    RetriableSourceError,
)

from ._mapper import TableMapper
from .conftest import Keys, Sleeps, patients


def _client(
    fake: Any, sleeps: Sleeps, keys: Keys | None = None, alg: str = "RS384"
) -> FhirClient:
    auth = None
    if keys is not None:
        fake.public_key = keys.public
        creds = SmartCredentials(
            "district-app", keys.private_pem, algorithm=alg, scope="system/Patient.rs"
        )  # type: ignore[arg-type]
        auth = SmartBackendAuth(
            creds, f"{fake.base}/fhir", retry=RetryPolicy(attempts=3)
        )
    return FhirClient(
        f"{fake.base}/fhir", auth=auth, retry=RetryPolicy(attempts=4), sleep=sleeps
    )


async def _all_ids(client: FhirClient, kind: str = "Patient") -> list[str]:
    ids = []
    async with client:
        async for page in client.search(kind, {"_count": "2"}):
            ids += [r.resource["id"] for r in page.resources]
    return ids


def test_search_follows_next_links_over_every_page(fake: Any, sleeps: Sleeps) -> None:
    fake.resources["Patient"] = patients(5)
    ids = asyncio.run(_all_ids(_client(fake, sleeps)))
    assert ids == ["p0", "p1", "p2", "p3", "p4"]
    assert fake.hits["/fhir/Patient"] == 3


def test_search_retries_429_and_503_honoring_retry_after(
    fake: Any, sleeps: Sleeps
) -> None:
    fake.resources["Patient"] = patients(3)
    fake.fault("/fhir/Patient", (429, {"Retry-After": "7"}), (503, {}))
    ids = asyncio.run(_all_ids(_client(fake, sleeps)))
    assert ids == ["p0", "p1", "p2"]
    assert sleeps.waits[0] == 7.0
    assert len(sleeps.waits) == 2


def test_search_retries_a_dropped_connection(fake: Any, sleeps: Sleeps) -> None:
    fake.resources["Patient"] = patients(1)
    fake.fault("/fhir/Patient", "drop")
    assert asyncio.run(_all_ids(_client(fake, sleeps))) == ["p0"]


def test_search_gives_up_after_the_policy_attempts(fake: Any, sleeps: Sleeps) -> None:
    fake.fault("/fhir/Patient", *[(503, {})] * 4)
    with pytest.raises(RetriableSourceError, match="4 tries: HTTP 503"):
        asyncio.run(_all_ids(_client(fake, sleeps)))


def test_search_does_not_retry_a_404(fake: Any, sleeps: Sleeps) -> None:
    fake.fault("/fhir/Patient", (404, {}))
    with pytest.raises(FatalSourceError) as info:
        asyncio.run(_all_ids(_client(fake, sleeps)))
    assert info.value.code == "http-404"
    assert sleeps.waits == []


def test_a_next_link_to_another_server_is_refused(fake: Any, sleeps: Sleeps) -> None:
    fake.resources["Patient"] = patients(3)
    fake.foreign_next = True
    with pytest.raises(FatalSourceError) as info:
        asyncio.run(_all_ids(_client(fake, sleeps)))
    assert info.value.code == "fhir-foreign-link"


def test_a_plain_http_server_elsewhere_is_refused() -> None:
    with pytest.raises(ConfigurationError) as info:
        FhirClient("http://fhir.example.org/r4")
    assert info.value.code == "insecure-url"


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_smart_backend_token_is_sent_as_bearer(
    fake: Any, sleeps: Sleeps, rsa_keys: Keys, ec_keys: Keys, alg: str
) -> None:
    keys = rsa_keys if alg == "RS384" else ec_keys
    fake.resources["Patient"] = patients(3)
    ids = asyncio.run(_all_ids(_client(fake, sleeps, keys, alg)))
    assert ids == ["p0", "p1", "p2"]
    assert fake.hits["/auth/token"] == 1
    assert all(h and h.startswith("Bearer ") for h in fake.auth_headers)


def test_a_revoked_token_is_renewed_once_on_401(
    fake: Any, sleeps: Sleeps, rsa_keys: Keys
) -> None:
    fake.resources["Patient"] = patients(4)
    client = _client(fake, sleeps, rsa_keys)

    async def run() -> list[str]:
        ids = []
        async with client:
            async for page in client.search("Patient", {"_count": "2"}):
                ids += [r.resource["id"] for r in page.resources]
                fake.revoke_tokens()
        return ids

    assert asyncio.run(run()) == ["p0", "p1", "p2", "p3"]
    assert fake.hits["/auth/token"] == 2


def test_a_client_the_server_does_not_know_is_a_fatal_error(
    fake: Any, sleeps: Sleeps, rsa_keys: Keys, ec_keys: Keys
) -> None:
    client = _client(fake, sleeps, rsa_keys)
    fake.public_key = ec_keys.public
    with pytest.raises(FatalSourceError) as info:
        asyncio.run(_all_ids(client))
    assert info.value.code == "smart-auth-failed"
    assert "invalid_client" in info.value.message


def test_a_key_that_does_not_fit_the_algorithm_is_a_configuration_error(
    fake: Any, sleeps: Sleeps, rsa_keys: Keys
) -> None:
    client = _client(fake, sleeps, rsa_keys, alg="ES384")
    with pytest.raises(ConfigurationError) as info:
        asyncio.run(_all_ids(client))
    assert info.value.code == "smart-key-invalid"


def test_a_pull_that_dies_resumes_at_its_page_and_then_pulls_only_changes(
    fake: Any, sleeps: Sleeps, tmp_path: Path
) -> None:
    fake.resources["Patient"] = patients(6)
    checkpoints = CheckpointStore(tmp_path / "state.json")
    out = tmp_path / "out.ndjson"
    key = f"fhir:{fake.base}/fhir:Patient"

    def break_after_two_pages(kind: str, count: int) -> None:
        if fake.hits["/fhir/Patient"] == 2:
            fake.fault("/fhir/Patient", (503, {}), (503, {}))

    async def pull(append: bool, on_page: Any = None) -> None:
        client = FhirClient(
            f"{fake.base}/fhir", retry=RetryPolicy(attempts=2), sleep=sleeps
        )
        async with client:
            with RecordWriter(out, append=append) as writer:
                await pull_search(
                    client,
                    FhirConverter(TableMapper({})),
                    writer,
                    None,
                    checkpoints,
                    types=["Patient"],
                    page_size=2,
                    on_page=on_page,
                )

    with pytest.raises(RetriableSourceError):
        asyncio.run(pull(append=False, on_page=break_after_two_pages))
    assert checkpoints.get(key)["next"].endswith("_offset=4")
    assert len(out.read_text().splitlines()) == 4

    asyncio.run(pull(append=True))
    ids = [
        line.split('"value":"')[1].split('"')[0]
        for line in out.read_text().splitlines()
    ]
    assert ids == ["p0", "p1", "p2", "p3", "p4", "p5"]
    assert checkpoints.get(key) == {
        "next": None,
        "last_updated": "2026-01-01T00:00:05Z",
    }

    fake.resources["Patient"].append({**patients(7)[6], "id": "p-new"})
    asyncio.run(pull(append=False))
    assert len(out.read_text().splitlines()) == 1
    assert "p-new" in out.read_text()
