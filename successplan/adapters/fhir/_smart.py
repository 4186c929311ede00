"""SMART Backend Services: system-to-system tokens from a signed JWT assertion.

The client proves who it is with a short-lived JWT signed by its private key
(RS384 or ES384) and trades it for a bearer token at the server's token
endpoint. There are no refresh tokens: a fresh assertion is signed each time
the token nears its expiry.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx
import jwt

from successplan.adapters._http import RetryPolicy, require_https, send_with_retry
from successplan.errors import ConfigurationError, FatalSourceError

__all__ = ["SmartBackendAuth", "SmartCredentials"]

logger = logging.getLogger(__name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

#: Seconds before expiry at which a token is renewed.
_RENEW_MARGIN = 30.0


@dataclass(frozen=True)
class SmartCredentials:
    """What a backend client needs to get a token.

    Attributes:
        client_id: The client id the server registered.
        private_key: The PEM private key matching the registered public key.
        algorithm: ``RS384`` for an RSA key, ``ES384`` for a P-384 EC key.
        scope: Space-separated scopes, for example ``system/Patient.rs``.
        key_id: The ``kid`` of the registered key, if the server needs it.
        token_url: The token endpoint; discovered from
            ``.well-known/smart-configuration`` when not given.
        jku: URL of the client's JWK Set, sent in the JWT header if set.
    """

    client_id: str
    private_key: bytes = field(repr=False)
    algorithm: Literal["RS384", "ES384"] = "RS384"
    scope: str = "system/*.rs"
    key_id: str | None = None
    token_url: str | None = None
    jku: str | None = None

    @classmethod
    def from_key_file(
        cls, client_id: str, key_file: str | Path, **kwargs: object
    ) -> SmartCredentials:
        """Build credentials with the private key read from a PEM file.

        Raises:
            ConfigurationError: The key file cannot be read.
        """
        try:
            key = Path(key_file).read_bytes()
        except OSError as exc:
            msg = f"cannot read the SMART private key `{key_file}`: {exc.strerror}"
            raise ConfigurationError(msg, code="smart-key-unreadable") from exc
        return cls(client_id, key, **kwargs)  # type: ignore[arg-type]


class SmartBackendAuth:
    """Gets and caches bearer tokens for one FHIR server.

    Args:
        credentials: The client's credentials.
        base_url: The FHIR base URL, used to discover the token endpoint.
        retry: Retry policy for discovery and token requests.
        clock: Returns the current time in seconds (tests pass their own).
    """

    def __init__(
        self,
        credentials: SmartCredentials,
        base_url: str,
        *,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if credentials.algorithm not in ("RS384", "ES384"):
            msg = (
                f"SMART algorithm `{credentials.algorithm}` is not allowed; "
                "use RS384 or ES384"
            )
            raise ConfigurationError(msg, code="smart-algorithm")
        self.credentials = credentials
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._clock = clock
        self._token_url = credentials.token_url
        self._token: str | None = None
        self._expires_at = 0.0

    def invalidate(self) -> None:
        """Forget the cached token, so the next request gets a new one."""
        self._token = None

    async def token(
        self,
        http: httpx.AsyncClient,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> str:
        """Return a valid bearer token, fetching a new one when needed.

        Raises:
            FatalSourceError: The server refused the client (``smart-auth-failed``).
            RetriableSourceError: The token endpoint kept failing.
        """
        if self._token is not None and self._clock() < self._expires_at:
            return self._token

        token_url = await self._discover(http, sleep)
        data = {
            "grant_type": "client_credentials",
            "scope": self.credentials.scope,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.assertion(token_url),
        }

        async def send() -> httpx.Response:
            return await http.post(token_url, data=data)

        kwargs = {"sleep": sleep} if sleep is not None else {}
        response = await send_with_retry(
            send, self.retry, what="SMART token request", **kwargs
        )
        if not response.is_success:
            msg = (
                "the SMART token endpoint refused client "
                f"`{self.credentials.client_id}` with HTTP {response.status_code}"
                f"{_oauth_error(response)}; check the client id, the registered key "
                "and the requested scopes"
            )
            raise FatalSourceError(msg, code="smart-auth-failed")

        body = _json_object(response, "SMART token response")
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            msg = "the SMART token response has no access_token"
            raise FatalSourceError(msg, code="smart-auth-failed")
        lifetime = body.get("expires_in", 300)
        lifetime = float(lifetime) if isinstance(lifetime, int | float) else 300.0
        self._token = token
        self._expires_at = self._clock() + max(0.0, lifetime - _RENEW_MARGIN)
        logger.info("got a SMART access token valid for %.0fs", lifetime)
        return token

    def assertion(self, token_url: str) -> str:
        """Sign a fresh client-assertion JWT for ``token_url``.

        Raises:
            ConfigurationError: The private key does not fit the algorithm.
        """
        now = int(self._clock())
        claims = {
            "iss": self.credentials.client_id,
            "sub": self.credentials.client_id,
            "aud": token_url,
            "exp": now + 300,
            "iat": now,
            "jti": uuid.uuid4().hex,
        }
        headers: dict[str, str] = {"typ": "JWT"}
        if self.credentials.key_id:
            headers["kid"] = self.credentials.key_id
        if self.credentials.jku:
            headers["jku"] = self.credentials.jku
        try:
            return jwt.encode(
                claims,
                self.credentials.private_key,
                algorithm=self.credentials.algorithm,
                headers=headers,
            )
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            msg = (
                f"the SMART private key cannot sign {self.credentials.algorithm}; "
                "RS384 needs an RSA key and ES384 a P-384 EC key, in PEM"
            )
            raise ConfigurationError(msg, code="smart-key-invalid") from exc

    async def _discover(
        self,
        http: httpx.AsyncClient,
        sleep: Callable[[float], Awaitable[None]] | None,
    ) -> str:
        if self._token_url is not None:
            require_https(self._token_url)
            return self._token_url

        url = f"{self.base_url}/.well-known/smart-configuration"

        async def send() -> httpx.Response:
            return await http.get(url, headers={"Accept": "application/json"})

        kwargs = {"sleep": sleep} if sleep is not None else {}
        response = await send_with_retry(
            send, self.retry, what="SMART configuration", **kwargs
        )
        if not response.is_success:
            msg = (
                f"{url} answered HTTP {response.status_code}; pass the token "
                "endpoint explicitly if the server does not publish its SMART "
                "configuration"
            )
            raise FatalSourceError(msg, code="smart-discovery-failed")
        body = _json_object(response, "SMART configuration")
        token_url = body.get("token_endpoint")
        if not isinstance(token_url, str):
            msg = f"{url} names no token_endpoint"
            raise FatalSourceError(msg, code="smart-discovery-failed")
        algs = body.get("token_endpoint_auth_signing_alg_values_supported")
        if isinstance(algs, list) and self.credentials.algorithm not in algs:
            msg = (
                f"the server signs client assertions with {', '.join(map(str, algs))}"
                f" only, not {self.credentials.algorithm}"
            )
            raise ConfigurationError(msg, code="smart-algorithm")
        require_https(token_url)
        self._token_url = token_url
        return token_url


def _json_object(response: httpx.Response, what: str) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError as exc:
        msg = f"the {what} is not JSON"
        raise FatalSourceError(msg, code="smart-auth-failed") from exc
    if not isinstance(body, dict):
        msg = f"the {what} is not a JSON object"
        raise FatalSourceError(msg, code="smart-auth-failed")
    return body


def _oauth_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict) or "error" not in body:
        return ""
    detail = body.get("error_description")
    return f" ({body['error']}{': ' + str(detail) if detail else ''})"
