"""FHIR Bulk Data ``$export``: kick-off, status polling, and NDJSON download.

The server answers the kick-off with ``202`` and a status URL. Polling that URL
returns ``202`` (with ``X-Progress`` and ``Retry-After``) until the job is done,
then ``200`` and a manifest of NDJSON files, which are streamed line by line.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import orjson

from successplan.adapters._http import public_url, raise_for_status, require_https
from successplan.errors import FatalSourceError, RetriableSourceError

from ._client import FHIR_JSON, FhirClient, _json_object
from ._read import RawResource, ndjson_line

__all__ = ["BulkExport", "BulkFile", "BulkManifest"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BulkFile:
    """One NDJSON file of an export manifest."""

    type: str
    url: str
    count: int | None = None


@dataclass
class BulkManifest:
    """The completed export: its files, deletions and error files."""

    transaction_time: str
    request: str
    requires_access_token: bool
    output: list[BulkFile] = field(default_factory=list)
    deleted: list[BulkFile] = field(default_factory=list)
    error: list[BulkFile] = field(default_factory=list)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> BulkManifest:
        """Read a manifest from the status endpoint's ``200`` answer.

        Raises:
            FatalSourceError: The manifest lacks ``transactionTime`` or ``output``.
        """
        if "transactionTime" not in body or not isinstance(body.get("output"), list):
            msg = "the $export manifest lacks transactionTime or output"
            raise FatalSourceError(msg, code="fhir-bulk-manifest")

        def files(key: str) -> list[BulkFile]:
            return [
                BulkFile(str(item.get("type")), str(item["url"]), item.get("count"))
                for item in body.get(key) or []
                if isinstance(item, dict) and item.get("url")
            ]

        return cls(
            transaction_time=str(body["transactionTime"]),
            request=str(body.get("request", "")),
            requires_access_token=bool(body.get("requiresAccessToken", False)),
            output=files("output"),
            deleted=files("deleted"),
            error=files("error"),
        )


class BulkExport:
    """Runs one Bulk Data export against a server.

    Args:
        client: The FHIR client (its retry policy, token and sleep are used).
        max_wait: Seconds to keep polling before giving up; the job keeps
            running on the server and can be resumed from its status URL.
    """

    def __init__(self, client: FhirClient, *, max_wait: float = 3600.0) -> None:
        self.client = client
        self.max_wait = max_wait

    async def kick_off(
        self,
        level: Literal["system", "patient"] | str = "patient",
        *,
        types: Sequence[str] = (),
        since: str | None = None,
        type_filters: Sequence[str] = (),
    ) -> str:
        """Start an export and return its status URL.

        Args:
            level: ``system`` for ``[base]/$export``, ``patient`` for
                ``[base]/Patient/$export``, or ``Group/<id>`` for a roster.
            types: Resource types to export (``_type``); all when empty.
            since: Only resources changed after this instant (``_since``).
            type_filters: ``_typeFilter`` queries, such as
                ``Observation?category=survey``.

        Raises:
            FatalSourceError: The server refused the export.
        """
        if level == "system":
            path = "$export"
        elif level == "patient":
            path = "Patient/$export"
        else:
            path = f"{level.strip('/')}/$export"
        params: dict[str, str] = {"_outputFormat": "application/fhir+ndjson"}
        if types:
            params["_type"] = ",".join(types)
        if since:
            params["_since"] = since
        if type_filters:
            params["_typeFilter"] = ",".join(type_filters)

        what = "$export kick-off"
        response = await self.client.request(
            "GET",
            f"{self.client.base_url}/{path}",
            what=what,
            params=params,
            extra_headers={"Prefer": "respond-async", "Accept": FHIR_JSON},
        )
        if response.status_code != 202:
            raise_for_status(response, what=what)
            msg = f"{what} answered HTTP {response.status_code}, expected 202 Accepted"
            raise FatalSourceError(msg, code="fhir-bulk-kickoff")
        status_url = response.headers.get("Content-Location")
        if not status_url:
            msg = f"{what} gave no Content-Location status URL"
            raise FatalSourceError(msg, code="fhir-bulk-kickoff")
        require_https(status_url)
        if not self.client.same_origin(status_url):
            msg = (
                f"{what}: the status URL is on another server; refusing to send "
                "the access token there"
            )
            raise FatalSourceError(msg, code="fhir-foreign-link")
        logger.info("$export started")
        return str(status_url)

    async def wait(
        self,
        status_url: str,
        *,
        on_progress: Callable[[str | None], None] | None = None,
    ) -> BulkManifest:
        """Poll the status URL until the export is done, and return its manifest.

        Each ``202`` answer's ``Retry-After`` sets the next wait (otherwise the
        retry policy's backoff does); ``X-Progress`` goes to ``on_progress``.

        Raises:
            RetriableSourceError: The job is still running after ``max_wait``
                seconds (code ``fhir-bulk-timeout``); poll again later.
            FatalSourceError: The job failed on the server.
        """
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            response = await self.client.request(
                "GET", status_url, what="$export status"
            )
            if response.status_code == 200:
                manifest = BulkManifest.from_json(
                    _json_object(response, "$export manifest")
                )
                logger.info(
                    "$export done: %d files, %d error files",
                    len(manifest.output),
                    len(manifest.error),
                )
                return manifest
            if response.status_code != 202:
                detail = _outcome_text(response.content)
                msg = f"$export job failed with HTTP {response.status_code}{detail}"
                raise_for_status(response, what=f"$export status{detail}")
                raise FatalSourceError(msg, code="fhir-bulk-failed")

            progress = response.headers.get("X-Progress")
            if on_progress is not None:
                on_progress(progress)
            delay = self.client.retry.delay(attempt, response)
            if waited + delay > self.max_wait:
                msg = (
                    f"$export is still running after {waited:.0f}s; resume later "
                    "from the saved status URL"
                )
                raise RetriableSourceError(msg, code="fhir-bulk-timeout")
            logger.info("$export in progress (%s); next poll in %.1fs", progress, delay)
            await self.client.sleep(delay)
            waited += delay

    async def download(
        self, file: BulkFile, *, with_token: bool = True
    ) -> AsyncIterator[RawResource]:
        """Stream the resources of one NDJSON output file.

        Raises:
            RetriableSourceError: The download kept failing or broke off.
            FatalSourceError: The server refused the file.
        """
        require_https(file.url)
        what = f"$export file of {file.type}"
        if with_token and not self.client.same_origin(file.url):
            msg = (
                f"{what}: the manifest asks for the access token on a file at "
                "another server; refusing to send it there"
            )
            raise FatalSourceError(msg, code="fhir-foreign-link")
        location = public_url(file.url)
        response = await self.client.request(
            "GET", file.url, what=what, token=with_token, stream=True
        )
        try:
            if not response.is_success:
                await response.aread()
                raise_for_status(response, what=what)
            number = 0
            try:
                async for line in response.aiter_lines():
                    number += 1
                    for raw in ndjson_line(line, f"{location}:{number}"):
                        yield raw
            except httpx.TransportError as exc:
                msg = f"{what} broke off after line {number}: {type(exc).__name__}"
                raise RetriableSourceError(msg, code="fhir-bulk-download") from exc
        finally:
            await response.aclose()

    async def cancel(self, status_url: str) -> None:
        """Ask the server to stop the export and delete its files."""
        response = await self.client.request(
            "DELETE", status_url, what="$export cancel"
        )
        raise_for_status(response, what="$export cancel")


def _outcome_text(content: bytes) -> str:
    try:
        body = orjson.loads(content)
    except orjson.JSONDecodeError:
        return ""
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return ""
    texts = [
        str(issue.get("diagnostics") or (issue.get("details") or {}).get("text"))
        for issue in body.get("issue") or []
        if isinstance(issue, dict)
    ]
    return f": {'; '.join(texts)}" if texts else ""
