"""A FHIR REST client: search with paging, reads, and SMART bearer tokens.

Every request goes through the shared retry policy (429 and 5xx retried with
backoff, Retry-After honored). A 401 renews the SMART token once. Paging
follows ``Bundle.link`` ``next`` and refuses links that leave the server, so a
token is never sent elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx
import orjson

from successplan.adapters._http import (
    RetryPolicy,
    public_url,
    raise_for_status,
    require_https,
    send_with_retry,
)
from successplan.errors import FatalSourceError, RetriableSourceError

from ._read import RawResource, iter_value
from ._smart import SmartBackendAuth

__all__ = ["FhirClient", "SearchPage"]

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"


@dataclass
class SearchPage:
    """One page of search results.

    Attributes:
        url: The URL the page was read from.
        number: Page number in this search, 1 first.
        resources: The page's resources (``search.mode`` outcome entries too).
        next_url: The ``next`` link, or ``None`` on the last page.
        last_updated: The newest ``meta.lastUpdated`` on the page.
    """

    url: str
    number: int
    resources: list[RawResource] = field(default_factory=list)
    next_url: str | None = None
    last_updated: str | None = None


class FhirClient:
    """An asynchronous client for one FHIR R4 server.

    Args:
        base_url: The server's FHIR base, https (plain http only to this
            machine).
        auth: SMART Backend Services authorization, if the server needs it.
        retry: When and how long to retry.
        timeout: Seconds for connect, read and write.
        http: An httpx client to use instead of a new one.
        sleep: Sleep function for backoff and polling (tests pass a fast one).
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: SmartBackendAuth | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        http: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        require_https(base_url)
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self._origin = httpx.URL(self.base_url).copy_with(path="/", query=None)
        self._owned = http is None
        self.http = http or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connection pool if this client opened it."""
        if self._owned:
            await self.http.aclose()

    def same_origin(self, url: str) -> bool:
        """Tell whether ``url`` is on the same scheme, host and port as the base."""
        other = httpx.URL(url)
        return (other.scheme, other.host, other.port) == (
            self._origin.scheme,
            self._origin.host,
            self._origin.port,
        )

    async def headers(self, *, token: bool = True) -> dict[str, str]:
        """Return request headers, with a bearer token when SMART is set up."""
        result = {"Accept": FHIR_JSON}
        if token and self.auth is not None:
            bearer = await self.auth.token(self.http, self.sleep)
            result["Authorization"] = f"Bearer {bearer}"
        return result

    async def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Mapping[str, str] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        token: bool = True,
        stream: bool = False,
    ) -> httpx.Response:
        """Send a request with retries and one token renewal on 401.

        Returns:
            The response, whatever its status; callers check it. With
            ``stream`` set its body is not read yet: the caller closes it.

        Raises:
            RetriableSourceError: Every try failed in a retriable way.
        """
        renewed = False
        while True:
            headers = await self.headers(token=token)
            if extra_headers:
                headers.update(extra_headers)

            request = self.http.build_request(
                method, url, params=params, headers=headers
            )

            async def send(request: httpx.Request = request) -> httpx.Response:
                return await self.http.send(request, stream=stream)

            response = await send_with_retry(
                send, self.retry, what=what, sleep=self.sleep
            )
            if response.status_code == 401 and self.auth is not None and not renewed:
                logger.info("%s answered 401; renewing the SMART token", what)
                await response.aclose()
                self.auth.invalidate()
                renewed = True
                continue
            return response

    async def read(self, resource_type: str, resource_id: str) -> dict[str, Any]:
        """Read one resource by type and id.

        Raises:
            FatalSourceError: The resource does not exist or access is denied.
        """
        url = f"{self.base_url}/{resource_type}/{resource_id}"
        what = f"read of a {resource_type}"
        response = await self.request("GET", url, what=what)
        raise_for_status(response, what=what)
        return _json_object(response, what)

    async def search(
        self,
        resource_type: str,
        params: Mapping[str, str] | None = None,
        *,
        resume_url: str | None = None,
    ) -> AsyncIterator[SearchPage]:
        """Search a resource type and yield the result pages, following ``next``.

        Args:
            resource_type: The type searched, for example ``Condition``.
            params: Search parameters of the first page.
            resume_url: A ``next`` link saved by an earlier run; the search
                starts there instead.

        Raises:
            FatalSourceError: The server refused the search, or a ``next``
                link leads to another server (code ``fhir-foreign-link``).
            RetriableSourceError: A page kept failing.
        """
        url = resume_url or f"{self.base_url}/{resource_type}"
        query = None if resume_url else dict(params or {})
        number = 0
        while url:
            number += 1
            what = f"{resource_type} search page {number}"
            if not self.same_origin(url):
                msg = (
                    f"{what}: the server's next link leaves {self._origin}; refusing it"
                )
                raise FatalSourceError(msg, code="fhir-foreign-link")
            response = await self.request("GET", url, what=what, params=query)
            raise_for_status(response, what=what)
            bundle = _json_object(response, what)
            if bundle.get("resourceType") != "Bundle":
                msg = f"{what} is a {bundle.get('resourceType')}, not a Bundle"
                raise FatalSourceError(msg, code="fhir-not-bundle")

            page = SearchPage(url=str(response.url), number=number)
            location = f"{public_url(response.url)} page {number}"
            page.resources = list(iter_value(bundle, location))
            page.next_url = _next_link(bundle)
            page.last_updated = _newest(page.resources)
            logger.info(
                "%s: %d resources%s",
                what,
                len(page.resources),
                "" if page.next_url else " (last page)",
            )
            yield page
            url = page.next_url or ""
            query = None


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        msg = f"{what} is not valid JSON; the server may be failing"
        raise RetriableSourceError(msg, code="fhir-not-json") from exc
    if not isinstance(body, dict):
        msg = f"{what} is not a JSON object"
        raise FatalSourceError(msg, code="fhir-not-json")
    return body


def _next_link(bundle: Mapping[str, Any]) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            return str(url) if url else None
    return None


def _newest(resources: list[RawResource]) -> str | None:
    stamps = [
        str(r.resource["meta"]["lastUpdated"])
        for r in resources
        if isinstance(r.resource, dict)
        and isinstance(r.resource.get("meta"), dict)
        and r.resource["meta"].get("lastUpdated")
    ]
    return max(stamps) if stamps else None
