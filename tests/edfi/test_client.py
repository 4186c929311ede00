from __future__ import annotations

import asyncio
from typing import Any

import pytest

from successplan.adapters import RetryPolicy
from successplan.adapters.edfi import ClientCredentials, EdFiClient
from successplan.errors import (
    ConfigurationError,
    FatalSourceError,
    RetriableSourceError,
)
from tests._server import serve

from ._fake_edfi import FakeEdFi
from ._fixtures import dataset

CREDS = ClientCredentials("test-key", "test-secret")
FAST = RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.2)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _pull(url: str, resource: str, **kwargs: Any) -> list[dict[str, Any]]:
    options: dict[str, Any] = {"page_size": 10, "retry": FAST, "concurrency": 4}
    options.update(kwargs)
    async with EdFiClient(url, CREDS, **options) as client:
        return [item async for page in client.pages(resource) for item in page.items]


def test_discovery_reads_version_data_standard_and_urls() -> None:
    fake = FakeEdFi(dataset(3), version="7.3", data_standard="6.0.0")

    async def go(url: str) -> Any:
        async with EdFiClient(url, CREDS) as client:
            return client.info

    with serve(fake) as url:
        info = run(go(url))
    assert info.version == "7.3"
    assert info.data_standard_major == 6
    assert info.supports_cursor_paging
    assert info.data_url == f"{url}/data/v3"
    assert info.resource_url("students") == f"{url}/data/v3/ed-fi/students"


def test_v8_data_url_has_no_v3() -> None:
    fake = FakeEdFi(dataset(25), version="8.0")
    with serve(fake) as url:
        items = run(_pull(url, "students"))
    assert len(items) == 25


@pytest.mark.parametrize("total", [0, 1, 9, 10, 11, 57])
def test_offset_paging_returns_every_item_once(total: int) -> None:
    fake = FakeEdFi(dataset(total))
    with serve(fake) as url:
        items = run(_pull(url, "students"))
    assert sorted(i["studentUniqueId"] for i in items) == sorted(
        s["studentUniqueId"] for s in dataset(total)["students"]
    )
    assert len({i["id"] for i in items}) == total


def test_cursor_paging_on_ods_73() -> None:
    fake = FakeEdFi(dataset(33), version="7.3")

    async def go(url: str) -> list[Any]:
        async with EdFiClient(url, CREDS, page_size=10, retry=FAST) as client:
            return [i async for p in client.cursor_pages("students") for i in p.items]

    with serve(fake) as url:
        items = run(go(url))
    assert len({i["id"] for i in items}) == 33 == len(items)


def test_cursor_paging_refused_before_73() -> None:
    fake = FakeEdFi(dataset(3), version="7.1")

    async def go(url: str) -> None:
        async with EdFiClient(url, CREDS, retry=FAST) as client:
            async for _ in client.cursor_pages("students"):
                pass

    with serve(fake) as url, pytest.raises(FatalSourceError) as caught:
        run(go(url))
    assert caught.value.code == "edfi-no-cursor-paging"


@pytest.mark.parametrize("fault", ["429", "500", "drop", "503-date"])
def test_retriable_faults_lose_and_double_nothing(fault: str) -> None:
    fake = FakeEdFi(dataset(95), faults={2: fault, 5: fault, 6: fault})
    with serve(fake) as url:
        items = run(_pull(url, "students"))
    assert len(items) == 95
    assert len({i["id"] for i in items}) == 95


def test_retry_after_is_honored() -> None:
    # With a 5 s backoff the test would take 5 s; Retry-After says 0.05 s.
    policy = RetryPolicy(attempts=3, base_delay=5.0)
    fake = FakeEdFi(dataset(5), faults={1: "429"})
    with serve(fake) as url:
        items = run(_pull(url, "students", retry=policy, page_size=10))
    assert len(items) == 5
    assert fake.status_log[429] == 1


def test_token_revoked_mid_run_is_renewed_once() -> None:
    fake = FakeEdFi(dataset(80), revoke_tokens_at={4})
    with serve(fake) as url:
        items = run(_pull(url, "students", concurrency=1))
    assert len({i["id"] for i in items}) == 80
    assert fake.tokens_issued == 2


def test_token_is_shared_across_concurrent_requests() -> None:
    fake = FakeEdFi(dataset(200))
    with serve(fake) as url:
        items = run(_pull(url, "students", concurrency=8))
    assert len(items) == 200
    assert fake.tokens_issued == 1


def test_token_renewed_before_expiry() -> None:
    fake = FakeEdFi(dataset(30), token_lifetime=0)
    with serve(fake) as url:
        items = run(_pull(url, "students", concurrency=1))
    assert len(items) == 30
    assert fake.tokens_issued >= 3


def test_wrong_secret_is_fatal_and_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeEdFi(dataset(3))
    caplog.set_level("DEBUG")
    bad = ClientCredentials("test-key", "s3cr3t-value")
    with serve(fake) as url, pytest.raises(FatalSourceError) as caught:
        run(_bad(url, bad))
    assert caught.value.code == "edfi-auth-refused"
    assert "s3cr3t-value" not in caplog.text
    assert "s3cr3t-value" not in str(caught.value)
    assert "s3cr3t-value" not in repr(bad)


async def _bad(url: str, creds: ClientCredentials) -> None:
    async with EdFiClient(url, creds, retry=FAST) as client:
        async for _ in client.pages("students"):
            pass


def test_other_4xx_is_not_retried() -> None:
    fake = FakeEdFi(dataset(3), max_limit=5)
    with serve(fake) as url, pytest.raises(FatalSourceError) as caught:
        run(_pull(url, "students", page_size=10))
    assert caught.value.code == "http-400"
    assert "page size" in str(caught.value)
    assert fake.status_log[400] == 1


def test_persistent_500_gives_up_as_retriable() -> None:
    fake = FakeEdFi(dataset(3), faults=dict.fromkeys(range(1, 20), "500"))
    policy = RetryPolicy(attempts=3, base_delay=0.01)
    with serve(fake) as url, pytest.raises(RetriableSourceError):
        run(_pull(url, "students", retry=policy))
    assert fake.status_log[500] == 3


def test_timeout_is_retried() -> None:
    fake = FakeEdFi(dataset(5), faults={1: "slow"})
    with serve(fake) as url:
        items = run(_pull(url, "students", timeout=0.3))
    assert len(items) == 5


def test_plain_http_refused_for_remote_hosts() -> None:
    with pytest.raises(ConfigurationError) as caught:
        EdFiClient("http://ods.example.org/api", CREDS)
    assert caught.value.code == "insecure-url"


def test_discovery_pointing_to_http_is_refused() -> None:
    fake = FakeEdFi(dataset(3), http_urls=True)
    with serve(fake) as url, pytest.raises(ConfigurationError) as caught:
        run(_pull(url, "students"))
    assert caught.value.code == "insecure-url"


def test_change_queries_window_and_deletes() -> None:
    fake = FakeEdFi(dataset(20))
    fake.delete("students", 0, {"studentUniqueId": "900000"})

    async def go(url: str) -> tuple[Any, ...]:
        async with EdFiClient(url, CREDS, page_size=10, retry=FAST) as client:
            oldest, newest = await client.available_change_versions()
            window = [
                i
                async for p in client.pages("students", min_version=5, max_version=10)
                for i in p.items
            ]
            page, _ = await client.fetch_page("students/deletes", 0, min_version=1)
            return oldest, newest, window, page.items

    with serve(fake) as url:
        oldest, newest, window, deletes = run(go(url))
    assert (oldest, newest) == (0, 41)
    assert len(window) == 6
    assert deletes[0]["keyValues"] == {"studentUniqueId": "900000"}
