"""OAuth2 client credentials for Ed-Fi: one token shared by every request.

ODS/API 7.3 caps how many live tokens a client may hold, so all concurrent
requests share one token. It is renewed shortly before it expires, and once
more when the server rejects it early (a 401). Neither the secret nor the
token ever reaches a log line or an error message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx
import orjson

from successplan.adapters._http import RetryPolicy, send_with_retry
from successplan.errors import FatalSourceError, RetriableSourceError

__all__ = ["ClientCredentials", "TokenManager"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    """An Ed-Fi API key and secret; the secret is hidden from ``repr``."""

    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, client_secret=***)"


class TokenManager:
    """Issues, shares and renews the bearer token of one API client.

    Args:
        http: The HTTP client to request tokens with.
        token_url: The OAuth token endpoint.
        credentials: The client's key and secret.
        policy: Retry policy for the token request.
        renew_margin: Seconds before expiry at which a token is renewed; a
            token with a short lifetime is renewed after 80% of it instead.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        token_url: str,
        credentials: ClientCredentials,
        *,
        policy: RetryPolicy | None = None,
        renew_margin: float = 120.0,
    ) -> None:
        self._http = http
        self._url = token_url
        self._credentials = credentials
        self._policy = policy or RetryPolicy()
        self._margin = renew_margin
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self.issued = 0

    async def token(self) -> str:
        """Return a valid token, fetching a new one when due."""
        token = self._token
        if token is not None and time.monotonic() < self._renew_at:
            return token
        async with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                await self._fetch()
            assert self._token is not None  # noqa: S101 - set by _fetch
            return self._token

    def reject(self, token: str) -> None:
        """Mark a token the server refused, so the next call fetches anew.

        Concurrent requests that fail with the same token cause one renewal,
        not one each.
        """
        if self._token == token:
            self._token = None

    async def _fetch(self) -> None:
        credentials = self._credentials
        auth = httpx.BasicAuth(credentials.client_id, credentials.client_secret)

        async def send() -> httpx.Response:
            return await self._http.post(
                self._url,
                data={"grant_type": "client_credentials"},
                auth=auth,
            )

        response = await send_with_retry(send, self._policy, what="Ed-Fi token request")
        if response.status_code in (400, 401, 403):
            msg = (
                f"the Ed-Fi API refused the client credentials of key "
                f"`{credentials.client_id}` (HTTP {response.status_code}); check "
                "the key and secret, and that the key is enabled"
            )
            raise FatalSourceError(msg, code="edfi-auth-refused")
        if not response.is_success:
            msg = f"Ed-Fi token request answered HTTP {response.status_code}"
            error = (
                RetriableSourceError
                if response.status_code >= 500
                else FatalSourceError
            )
            raise error(msg, code=f"http-{response.status_code}")
        try:
            body = orjson.loads(response.content)
            token = str(body["access_token"])
            expires = body.get("expires_in")
            lifetime = float(1800 if expires is None else expires)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            msg = "the Ed-Fi token endpoint answered without an `access_token`"
            raise FatalSourceError(msg, code="edfi-auth-invalid") from exc

        margin = min(self._margin, lifetime * 0.2)
        self._token = token
        self._renew_at = time.monotonic() + max(0.0, lifetime - margin)
        self.issued += 1
        logger.info("Ed-Fi token issued; renewing in %.0fs", lifetime - margin)
