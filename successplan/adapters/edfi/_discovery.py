"""What an Ed-Fi API says about itself: version, data standard and URLs.

Every Ed-Fi API answers ``GET {base}/`` with a discovery document naming its
version, the data models it serves and the URLs of its parts. URLs are taken
from that document rather than guessed, and each one must pass the same https
rule as the base URL, so a discovery document cannot lead the client to plain
http.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from successplan.adapters._http import require_https
from successplan.errors import FatalSourceError

__all__ = ["ApiInfo", "parse_discovery"]


def _version_tuple(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class ApiInfo:
    """The discovered shape of one Ed-Fi API.

    Attributes:
        version: The API's own version, for example ``7.3`` or ``8.0``.
        data_standard: The Ed-Fi data model version, for example ``5.2.0``.
        oauth_url: Where client-credentials tokens are issued.
        data_url: Root of the resource URLs, without a trailing slash.
        change_queries_url: Root of the change-query URLs, if the API has them.
    """

    version: str
    data_standard: str
    oauth_url: str
    data_url: str
    change_queries_url: str | None

    @property
    def data_standard_major(self) -> int:
        """The data standard's major version (3, 4, 5 or 6)."""
        parsed = _version_tuple(self.data_standard)
        return parsed[0] if parsed else 5

    @property
    def supports_cursor_paging(self) -> bool:
        """Whether the API pages with ``pageToken`` (ODS/API 7.3 and later)."""
        return _version_tuple(self.version)[:2] >= (7, 3)

    def resource_url(self, resource: str, namespace: str = "ed-fi") -> str:
        """Return the URL of a resource collection such as ``students``."""
        return f"{self.data_url}/{namespace}/{resource}"


def _url(value: Any, fallback: str, *, allow_loopback_http: bool) -> str:
    url = value if isinstance(value, str) and value else fallback
    url = url.rstrip("/")
    require_https(url, allow_loopback_http=allow_loopback_http)
    return url


def parse_discovery(
    document: Any, base_url: str, *, allow_loopback_http: bool = True
) -> ApiInfo:
    """Read an Ed-Fi discovery document.

    Args:
        document: The decoded JSON of ``GET {base}/``.
        base_url: The base URL the document was read from.
        allow_loopback_http: Accept plain http to this machine (for tests).

    Returns:
        The API's version, data standard and URLs.

    Raises:
        FatalSourceError: The document is not an Ed-Fi discovery document
            (code ``edfi-discovery-invalid``).
        ConfigurationError: A URL in it is not https (code ``insecure-url``).
    """
    if not isinstance(document, dict) or "version" not in document:
        msg = (
            f"`{base_url}` did not answer with an Ed-Fi discovery document "
            "(no `version`); check that --base-url is the API root, the URL "
            "that lists `dataModels` and `urls`"
        )
        raise FatalSourceError(msg, code="edfi-discovery-invalid")

    version = str(document["version"])
    data_standard = "5.0.0"
    for model in document.get("dataModels") or []:
        if isinstance(model, dict) and str(model.get("name", "")).lower() == "ed-fi":
            data_standard = str(model.get("version") or data_standard)
    urls = document.get("urls") if isinstance(document.get("urls"), dict) else {}
    assert isinstance(urls, dict)  # noqa: S101 - narrowed above

    base = base_url.rstrip("/")
    major = _version_tuple(version)[:1]
    data_default = f"{base}/data" if major and major[0] >= 8 else f"{base}/data/v3"
    loopback = allow_loopback_http
    change_queries = urls.get("changeQueries")
    return ApiInfo(
        version=version,
        data_standard=data_standard,
        oauth_url=_url(
            urls.get("oauth"), f"{base}/oauth/token", allow_loopback_http=loopback
        ),
        data_url=_url(
            urls.get("dataManagementApi"), data_default, allow_loopback_http=loopback
        ),
        change_queries_url=(
            _url(change_queries, "", allow_loopback_http=loopback)
            if change_queries
            else f"{base}/changeQueries/v1"
        ),
    )
