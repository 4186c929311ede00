"""An async client for the Ed-Fi ODS/API (5.x to 7.x) and the v8 API.

It discovers the API from its root document, shares one OAuth token across
concurrent requests, pages by offset (forward or highest page first) or by
cursor, reads change queries, and retries what may pass (429, 5xx, time-outs,
dropped connections) with backoff that honors Retry-After. Other 4xx answers
are not retried. Log lines and errors name resources and page offsets, never
query values, secrets or student identifiers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any, Self

import httpx
import orjson

from successplan.adapters._http import RetryPolicy, require_https, send_with_retry
from successplan.errors import FatalSourceError, RetriableSourceError

from ._auth import ClientCredentials, TokenManager
from ._discovery import ApiInfo, parse_discovery

__all__ = ["EdFiClient", "Page"]

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 500


@dataclass(slots=True)
class Page:
    """One page of a resource as the API returned it.

    Attributes:
        resource: The resource, for example ``students``, or
            ``students/deletes`` for a change-query child route.
        offset: The page's offset, or the page number under cursor paging.
        items: The decoded items, as received.
        location: Where the page came from, for quarantine entries.
    """

    resource: str
    offset: int
    items: list[Any]
    location: str


def _problem(response: httpx.Response) -> str:
    """Summarize an Ed-Fi error body: RFC 9457 problem details or {message}."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return ""
    if not isinstance(body, dict):
        return ""
    text = body.get("detail") or body.get("message") or body.get("title") or ""
    kind = body.get("type")
    summary = f"{text} ({kind})" if kind else str(text)
    return summary[:300]


class EdFiClient:
    """Reads resources from one Ed-Fi API.

    Use it as an async context manager; :meth:`discover` runs on entry.

    Args:
        base_url: The API root, the URL that serves the discovery document.
        credentials: The client's key and secret.
        concurrency: Requests in flight at most.
        page_size: Items per page (the ODS/API allows at most 500).
        retry: When and how long to wait before trying again.
        timeout: Seconds before a request times out (and is retried).
        use_snapshot: Send ``Use-Snapshot: true`` for a consistent read.
        allow_loopback_http: Allow plain http to this machine (for tests).
        transport: An httpx transport to use instead of the network.
    """

    def __init__(
        self,
        base_url: str,
        credentials: ClientCredentials,
        *,
        concurrency: int = 8,
        page_size: int = MAX_PAGE_SIZE,
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        use_snapshot: bool = False,
        allow_loopback_http: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        require_https(base_url, allow_loopback_http=allow_loopback_http)
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            msg = f"page size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}"
            raise ValueError(msg)
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.concurrency = max(1, concurrency)
        self._credentials = credentials
        self._policy = retry or RetryPolicy()
        self._loopback = allow_loopback_http
        self._headers = {"Accept": "application/json"}
        if use_snapshot:
            self._headers["Use-Snapshot"] = "true"
        self._http = httpx.AsyncClient(
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            limits=httpx.Limits(
                max_connections=self.concurrency,
                max_keepalive_connections=self.concurrency,
            ),
        )
        self._gate = asyncio.Semaphore(self.concurrency)
        self._info: ApiInfo | None = None
        self._tokens: TokenManager | None = None
        self.requests = 0

    async def __aenter__(self) -> Self:
        await self.discover()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    @property
    def info(self) -> ApiInfo:
        """The discovered API; :meth:`discover` must have run."""
        if self._info is None:
            msg = "call discover() (or enter the client) before using it"
            raise RuntimeError(msg)
        return self._info

    @property
    def tokens_issued(self) -> int:
        """How many tokens this client has fetched."""
        return self._tokens.issued if self._tokens else 0

    async def discover(self) -> ApiInfo:
        """Read the discovery document and set up authentication.

        Raises:
            FatalSourceError: The root is not an Ed-Fi API.
            RetriableSourceError: The API kept failing in a retriable way.
        """

        async def send() -> httpx.Response:
            return await self._http.get(self.base_url + "/", headers=self._headers)

        response = await send_with_retry(send, self._policy, what="Ed-Fi discovery")
        self._check(response, what="Ed-Fi discovery")
        try:
            document = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            msg = f"`{self.base_url}` answered discovery with something not JSON"
            raise FatalSourceError(msg, code="edfi-discovery-invalid") from exc
        info = parse_discovery(
            document, self.base_url, allow_loopback_http=self._loopback
        )
        self._info = info
        self._tokens = TokenManager(
            self._http, info.oauth_url, self._credentials, policy=self._policy
        )
        logger.info("Ed-Fi API %s, data standard %s", info.version, info.data_standard)
        return info

    async def get(
        self, url: str, params: dict[str, Any], *, what: str
    ) -> httpx.Response:
        """Send an authenticated GET, retrying what may pass.

        A 401 renews the shared token and tries once more.

        Raises:
            RetriableSourceError: Every try failed in a retriable way.
            FatalSourceError: The API refused the request (other 4xx).
        """
        tokens = self._tokens
        if tokens is None:
            await self.discover()
            tokens = self._tokens
            assert tokens is not None  # noqa: S101 - set by discover
        used: list[str] = []

        async def send() -> httpx.Response:
            token = await tokens.token()
            used.append(token)
            self.requests += 1
            headers = {**self._headers, "Authorization": f"Bearer {token}"}
            return await self._http.get(url, params=params, headers=headers)

        async with self._gate:
            response = await send_with_retry(send, self._policy, what=what)
            if response.status_code == 401:
                logger.info("%s: token refused, renewing it once", what)
                tokens.reject(used[-1])
                response = await send_with_retry(send, self._policy, what=what)
        self._check(response, what=what)
        return response

    def _check(self, response: httpx.Response, *, what: str) -> None:
        if response.is_success:
            return
        status = response.status_code
        detail = _problem(response)
        msg = f"{what} answered HTTP {status}" + (f": {detail}" if detail else "")
        if status == 400:
            msg += f"; is the page size ({self.page_size}) above the host's limit?"
        elif status == 401:
            msg += "; the API refused a freshly issued token"
        elif status == 403:
            msg += (
                "; the key is not authorized for this resource or for these "
                "education organizations"
            )
        if status == 429 or status >= 500:
            raise RetriableSourceError(msg, code=f"http-{status}")
        code = "edfi-not-found" if status == 404 else f"http-{status}"
        raise FatalSourceError(msg, code=code)

    async def _json_list(
        self, url: str, params: dict[str, Any], *, what: str
    ) -> tuple[list[Any], httpx.Response]:
        response = await self.get(url, params, what=what)
        try:
            items = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            msg = f"{what} answered with a body that is not JSON"
            raise RetriableSourceError(msg, code="edfi-page-invalid") from exc
        if not isinstance(items, list):
            msg = f"{what} answered with a JSON {type(items).__name__}, not a list"
            raise FatalSourceError(msg, code="edfi-page-invalid")
        return items, response

    async def available_change_versions(self) -> tuple[int, int]:
        """Return the oldest and newest change versions the API holds.

        Raises:
            FatalSourceError: The API does not offer change queries.
        """
        base = self.info.change_queries_url
        if base is None:
            msg = "this Ed-Fi API offers no change queries"
            raise FatalSourceError(msg, code="edfi-no-change-queries")
        what = "Ed-Fi availableChangeVersions"
        response = await self.get(f"{base}/availableChangeVersions", {}, what=what)
        try:
            body = orjson.loads(response.content)
            return int(body["oldestChangeVersion"]), int(body["newestChangeVersion"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            msg = f"{what} answered without change versions"
            raise FatalSourceError(msg, code="edfi-page-invalid") from exc

    def _params(
        self, min_version: int | None, max_version: int | None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if min_version is not None:
            params["minChangeVersion"] = min_version
        if max_version is not None:
            params["maxChangeVersion"] = max_version
        return params

    async def total_count(
        self,
        resource: str,
        *,
        min_version: int | None = None,
        max_version: int | None = None,
    ) -> int:
        """Return how many items a resource holds in a change-version window."""
        params = {**self._params(min_version, max_version), "limit": 0}
        params["totalCount"] = "true"
        what = f"Ed-Fi {resource} count"
        response = await self.get(self.info.resource_url(resource), params, what=what)
        header = response.headers.get("Total-Count")
        if header is None or not header.strip().isdigit():
            msg = f"{what} answered without a Total-Count header"
            raise FatalSourceError(msg, code="edfi-no-total-count")
        return int(header)

    async def fetch_page(
        self,
        resource: str,
        offset: int,
        *,
        min_version: int | None = None,
        max_version: int | None = None,
        with_total: bool = False,
    ) -> tuple[Page, int | None]:
        """Fetch one offset page, and the total count when asked for.

        ``resource`` may name a change-query child route such as
        ``students/deletes`` or ``students/keyChanges``.
        """
        params = {**self._params(min_version, max_version)}
        params["offset"] = offset
        params["limit"] = self.page_size
        if with_total:
            params["totalCount"] = "true"
        what = f"Ed-Fi {resource} page at offset {offset}"
        url = self.info.resource_url(resource)
        items, response = await self._json_list(url, params, what=what)
        total = response.headers.get("Total-Count")
        location = f"{url}?offset={offset}&limit={self.page_size}"
        page = Page(resource, offset, items, location)
        return page, int(total) if total and total.strip().isdigit() else None

    async def _ordered(
        self,
        fetch: Callable[[int], Coroutine[Any, Any, Page]],
        offsets: Iterator[int],
        *,
        stop_on_short: bool,
    ) -> AsyncIterator[Page]:
        """Fetch pages concurrently and yield them in the order of ``offsets``."""
        pending: deque[asyncio.Task[Page]] = deque()
        try:
            while True:
                while len(pending) < self.concurrency:
                    offset = next(offsets, None)
                    if offset is None:
                        break
                    pending.append(asyncio.create_task(fetch(offset)))
                if not pending:
                    return
                page = await pending.popleft()
                yield page
                if stop_on_short and len(page.items) < self.page_size:
                    return
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def pages(
        self,
        resource: str,
        *,
        min_version: int | None = None,
        max_version: int | None = None,
    ) -> AsyncIterator[Page]:
        """Yield a resource's pages in offset order, fetching ahead concurrently.

        The first page asks for the total count; when the API gives it, later
        pages are scheduled exactly. Paging stops at the first short page.
        """
        first, total = await self.fetch_page(
            resource,
            0,
            min_version=min_version,
            max_version=max_version,
            with_total=True,
        )
        yield first
        if len(first.items) < self.page_size:
            return
        step = self.page_size
        offsets: Iterator[int] = (
            iter(range(step, total, step)) if total is not None else count(step, step)
        )

        async def fetch(offset: int) -> Page:
            page, _ = await self.fetch_page(
                resource, offset, min_version=min_version, max_version=max_version
            )
            return page

        async for page in self._ordered(fetch, offsets, stop_on_short=True):
            yield page

    async def pages_from_last(
        self,
        resource: str,
        total: int,
        *,
        below: int | None = None,
        min_version: int | None = None,
        max_version: int | None = None,
    ) -> AsyncIterator[Page]:
        """Yield pages from the highest offset down to zero.

        Within a fixed change-version window, items only leave (a change moves
        an item past the window's end; a delete removes it), so later items
        shift toward lower offsets. Reading the highest page first means a
        shift can only repeat an item, never skip one.

        Args:
            resource: The resource.
            total: The item count of the window, from :meth:`total_count`.
            below: Resume: only pages with an offset below this one.
            min_version: The window's first change version.
            max_version: The window's last change version.
        """
        step = self.page_size
        last = ((total - 1) // step) * step if total > 0 else -1
        if below is not None:
            last = min(last, below - step)
        offsets = iter(range(last, -1, -step))

        async def fetch(offset: int) -> Page:
            page, _ = await self.fetch_page(
                resource, offset, min_version=min_version, max_version=max_version
            )
            return page

        async for page in self._ordered(fetch, offsets, stop_on_short=False):
            yield page

    async def cursor_pages(
        self,
        resource: str,
        *,
        min_version: int | None = None,
        max_version: int | None = None,
    ) -> AsyncIterator[Page]:
        """Yield pages by cursor (``pageToken``, ODS/API 7.3 and later).

        Raises:
            FatalSourceError: The API does not page by cursor.
        """
        if not self.info.supports_cursor_paging:
            msg = f"Ed-Fi API {self.info.version} does not page by cursor"
            raise FatalSourceError(msg, code="edfi-no-cursor-paging")
        url = self.info.resource_url(resource)
        params = {**self._params(min_version, max_version)}
        params["pageSize"] = self.page_size
        for number in count():
            what = f"Ed-Fi {resource} cursor page {number}"
            items, response = await self._json_list(url, params, what=what)
            yield Page(resource, number, items, f"{url} (cursor page {number})")
            token = response.headers.get("Next-Page-Token")
            if not token or not items:
                return
            params["pageToken"] = token
