"""What every HTTP connector shares: retries with backoff, and checkpoints.

The retry decision lives in one small method, :meth:`RetryPolicy.should_retry`,
that a connector overrides when its server misuses status codes.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import random
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from successplan.errors import (
    ConfigurationError,
    FatalSourceError,
    RetriableSourceError,
)

__all__ = [
    "CheckpointStore",
    "public_url",
    "RetryPolicy",
    "raise_for_status",
    "require_https",
    "send_with_retry",
]

logger = logging.getLogger(__name__)

RETRIABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def require_https(url: str, *, allow_loopback_http: bool = True) -> None:
    """Refuse a plain-http URL, except to this machine when allowed.

    Raises:
        ConfigurationError: The URL is not https (code ``insecure-url``).
    """
    parsed = httpx.URL(url)
    if parsed.scheme == "https":
        return
    loopback = parsed.host in {"127.0.0.1", "localhost", "::1"}
    if parsed.scheme == "http" and loopback and allow_loopback_http:
        return
    msg = (
        f"refusing `{parsed.scheme}://{parsed.host}`: only https is allowed "
        "(plain http only to this machine)"
    )
    raise ConfigurationError(msg, code="insecure-url")


def public_url(url: str | httpx.URL) -> str:
    """Return a URL fit for logs and record locations.

    The query, the fragment and any user info are dropped: a query can carry
    student identifiers or a presigned signature.
    """
    parsed = httpx.URL(url)
    return str(parsed.copy_with(query=None, fragment=None, userinfo=b""))


@dataclass
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Attributes:
        attempts: Tries in all, the first included.
        base_delay: Seconds before the first retry; doubles each time.
        max_delay: Cap on one wait, Retry-After included.
        jitter: Fraction of the delay added or taken away at random.
    """

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.2

    def should_retry(self, response: httpx.Response) -> bool:
        """Tell whether a response is worth another try: 429 and 5xx are."""
        return response.status_code in RETRIABLE_STATUS

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before try ``attempt + 1``, honoring Retry-After."""
        if response is not None:
            after = _retry_after(response.headers.get("Retry-After"))
            if after is not None:
                return min(after, self.max_delay)
        base = min(self.base_delay * 2.0 ** (attempt - 1), self.max_delay)
        spread = base * self.jitter
        return max(0.0, base + random.uniform(-spread, spread))  # noqa: S311


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def send_with_retry(
    send: Callable[[], Awaitable[httpx.Response]],
    policy: RetryPolicy,
    *,
    what: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> httpx.Response:
    """Send a request, retrying what the policy calls retriable.

    Args:
        send: Makes and sends the request afresh on each call.
        policy: The retry policy.
        what: A description of the request for errors and logs; it must
            carry no secrets or student identifiers.
        sleep: The sleep function (tests pass a fast one).

    Returns:
        The first response that is not retriable, successful or not.

    Raises:
        RetriableSourceError: Every try failed in a retriable way.
    """
    last_problem = "no attempt made"
    for attempt in range(1, policy.attempts + 1):
        response: httpx.Response | None = None
        try:
            response = await send()
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            last_problem = f"{type(exc).__name__}"
        else:
            if not policy.should_retry(response):
                return response
            last_problem = f"HTTP {response.status_code}"
            await response.aclose()
        if attempt == policy.attempts:
            break
        wait = policy.delay(attempt, response)
        logger.info(
            "retrying %s after %s (try %d of %d, waiting %.2fs)",
            what,
            last_problem,
            attempt + 1,
            policy.attempts,
            wait,
        )
        await sleep(wait)
    msg = f"{what} failed after {policy.attempts} tries: {last_problem}"
    raise RetriableSourceError(msg)


def raise_for_status(response: httpx.Response, *, what: str) -> None:
    """Turn an unsuccessful response into a typed successplan error.

    Raises:
        RetriableSourceError: The status is one a later try may fix.
        FatalSourceError: Any other unsuccessful status.
    """
    if response.is_success:
        return
    msg = f"{what} answered HTTP {response.status_code}"
    if response.status_code in RETRIABLE_STATUS:
        raise RetriableSourceError(msg, code=f"http-{response.status_code}")
    raise FatalSourceError(msg, code=f"http-{response.status_code}")


class CheckpointStore:
    """Checkpoints of a sync, one JSON value per key, in one file.

    Each save rewrites the file atomically (write, fsync, rename), so a run
    killed at any moment leaves either the old or the new checkpoint.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data: dict[str, Any] = {}
        if self.path.exists():
            try:
                self._data = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                msg = f"checkpoint file `{self.path}` cannot be read: {exc}"
                raise ConfigurationError(msg, code="checkpoint-unreadable") from exc

    def get(self, key: str, default: Any = None) -> Any:
        """Return the checkpoint saved under ``key``."""
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Save a checkpoint and make it durable before returning."""
        self._data[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".checkpoint-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._data, handle, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).replace(self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def as_dict(self) -> dict[str, Any]:
        """Return a copy of every checkpoint."""
        return dict(self._data)
