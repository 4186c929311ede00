"""A fake Ed-Fi ODS/API, as a raw ASGI application, with injectable faults.

It speaks the discovery document, OAuth client credentials, offset and cursor
paging, ``totalCount``, change-version windows, ``/deletes``, ``/keyChanges``
and ``availableChangeVersions``, over whatever items a test gives it. Faults
are keyed by the running number of data requests: a 429 with Retry-After, a
500, a connection dropped half-way through the body, or a slow answer.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import orjson

Scope = dict[str, Any]


def item_id(resource: str, index: int) -> str:
    return hashlib.md5(f"{resource}-{index}".encode()).hexdigest()  # noqa: S324


class _Lazy:
    """Rows that become items only when a page of them is taken."""

    def __init__(self, rows: list[dict[str, Any]], make: Any) -> None:
        self.rows, self.make = rows, make

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: slice) -> list[Any]:
        return [self.make(row) for row in self.rows[index]]


@dataclass
class FakeEdFi:
    """State and behaviour of the fake API; call it as an ASGI app."""

    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    version: str = "7.2"
    data_standard: str = "5.0.0"
    client_id: str = "test-key"
    client_secret: str = "test-secret"  # noqa: S105
    token_lifetime: int = 1800
    max_limit: int = 500
    latency: float = 0.0
    faults: dict[int, str] = field(default_factory=dict)
    revoke_tokens_at: set[int] = field(default_factory=set)
    change_queries: bool = True
    http_urls: bool = False
    deletes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    key_changes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tokens: set[str] = set()
        self.tokens_issued = 0
        self.data_requests = 0
        self.status_log: Counter[int] = Counter()
        self.served: Counter[str] = Counter()
        self.version_counter = 0
        self.rows: dict[str, list[dict[str, Any]]] = {}
        for resource, items in self.data.items():
            self.rows[resource] = []
            for index, body in enumerate(items):
                self.add(resource, body, index=index)

    # -- data -------------------------------------------------------------

    def add(self, resource: str, body: Any, *, index: int | None = None) -> None:
        self.version_counter += 1
        rows = self.rows.setdefault(resource, [])
        number = len(rows) if index is None else index
        rows.append(
            {"id": item_id(resource, number), "cv": self.version_counter, "body": body}
        )

    def touch(self, resource: str, position: int) -> None:
        """Change an item: it gets a new change version."""
        self.version_counter += 1
        self.rows[resource][position]["cv"] = self.version_counter

    def delete(self, resource: str, position: int, key_values: dict[str, Any]) -> None:
        self.version_counter += 1
        row = self.rows[resource].pop(position)
        self.deletes.setdefault(resource, []).append(
            {
                "id": row["id"],
                "changeVersion": self.version_counter,
                "keyValues": key_values,
            }
        )

    def _item(self, row: dict[str, Any]) -> Any:
        body = row["body"]
        if isinstance(body, dict):
            return {"id": row["id"], **body, "_etag": str(row["cv"])}
        return body

    # -- ASGI -------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"].rstrip("/")
        query = {k: v[-1] for k, v in parse_qs(scope["query_string"].decode()).items()}
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        scheme = "http"
        host = headers.get("host", "127.0.0.1")
        base = f"{scheme}://{host}"
        if path == "" and scope["method"] == "GET":
            await self._json(send, 200, self._discovery(base))
            return
        if path == "/oauth/token" and scope["method"] == "POST":
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            await self._token(send, headers, body)
            return
        token = headers.get("authorization", "").removeprefix("Bearer ")
        self.data_requests += 1
        number = self.data_requests
        if number in self.revoke_tokens_at:
            self.tokens.clear()
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self.faults.get(number)
        if fault == "429":
            await self._json(
                send, 429, {"detail": "slow down"}, {"Retry-After": "0.05"}
            )
            return
        if fault == "500":
            await self._json(send, 500, {"message": "boom"})
            return
        if fault == "503-date":
            await self._json(
                send, 503, {}, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
            )
            return
        if fault == "403":
            await self._json(
                send, 403, {"type": "urn:ed-fi:api:security:authorization"}
            )
            return
        if fault == "slow":
            await asyncio.sleep(1.0)
        if token not in self.tokens:
            await self._json(
                send,
                401,
                {"type": "urn:ed-fi:api:security:authentication", "detail": "expired"},
            )
            return
        if path == "/changeQueries/v1/availableChangeVersions":
            if not self.change_queries:
                await self._json(send, 404, {"detail": "not found"})
                return
            await self._json(
                send,
                200,
                {"oldestChangeVersion": 0, "newestChangeVersion": self.version_counter},
            )
            return
        prefix = "/data/ed-fi/" if self.version.startswith("8") else "/data/v3/ed-fi/"
        if not path.startswith(prefix):
            await self._json(send, 404, {"detail": "no such route"})
            return
        await self._collection(send, path.removeprefix(prefix), query, fault)

    def _discovery(self, base: str) -> dict[str, Any]:
        data = f"{base}/data" if self.version.startswith("8") else f"{base}/data/v3"
        urls = {
            "oauth": f"{base}/oauth/token",
            "dataManagementApi": data + "/",
            "changeQueries": f"{base}/changeQueries/v1/",
        }
        if self.http_urls:
            urls["oauth"] = "http://example.org/oauth/token"
        return {
            "version": self.version,
            "informationalVersion": self.version,
            "suite": "3",
            "build": "1.0",
            "apiMode": "Sandbox",
            "dataModels": [{"name": "Ed-Fi", "version": self.data_standard}],
            "urls": urls,
        }

    async def _token(self, send: Any, headers: dict[str, str], body: bytes) -> None:
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        key, secret = form.get("client_id"), form.get("client_secret")
        auth = headers.get("authorization", "")
        if auth.startswith("Basic "):
            key, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if form.get("grant_type") != "client_credentials" or (key, secret) != (
            self.client_id,
            self.client_secret,
        ):
            await self._json(send, 401, {"error": "invalid_client"})
            return
        token = secrets.token_hex(16)
        self.tokens.add(token)
        self.tokens_issued += 1
        await self._json(
            send,
            200,
            {
                "access_token": token,
                "expires_in": self.token_lifetime,
                "token_type": "bearer",
            },
        )

    async def _collection(
        self, send: Any, route: str, query: dict[str, str], fault: str | None
    ) -> None:
        resource, _, child = route.partition("/")
        low = int(query.get("minChangeVersion", -1))
        high = int(query.get("maxChangeVersion", 1 << 62))
        if child in ("deletes", "keyChanges"):
            source = self.deletes if child == "deletes" else self.key_changes
            items: list[dict[str, Any]] | _Lazy = [
                i for i in source.get(resource, []) if low <= i["changeVersion"] <= high
            ]
        elif child:
            await self._json(send, 404, {"detail": "no such route"})
            return
        elif resource not in self.rows:
            await self._json(send, 404, {"type": "urn:ed-fi:api:not-found"})
            return
        else:
            rows = self.rows[resource]
            if low > -1 or high < 1 << 62:
                rows = [r for r in rows if low <= r["cv"] <= high]
            items = _Lazy(rows, self._item)
        extra: dict[str, str] = {}
        if "pageSize" in query or "pageToken" in query:
            size = int(query.get("pageSize", 25))
            start = int(query.get("pageToken", "0") or 0)
            page = items[start : start + size]
            if start + size < len(items):
                extra["Next-Page-Token"] = str(start + size)
        else:
            limit = int(query.get("limit", 25))
            offset = int(query.get("offset", 0))
            if limit > self.max_limit:
                await self._json(
                    send,
                    400,
                    {
                        "type": "urn:ed-fi:api:bad-request:parameter-validation-failed",
                        "detail": "Limit must be between 0 and 500.",
                    },
                )
                return
            page = items[offset : offset + limit]
        if query.get("totalCount") == "true":
            extra["Total-Count"] = str(len(items))
        body = orjson.dumps(page)
        if fault == "drop":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body) + 100).encode()),
                    ],
                }
            )
            await send(
                {
                    "type": "http.response.body",
                    "body": body[: len(body) // 2],
                    "more_body": True,
                }
            )
            msg = "connection dropped on purpose"
            raise ConnectionResetError(msg)
        for entry in page:
            if isinstance(entry, dict) and "id" in entry:
                self.served[f"{route}:{entry['id']}"] += 1
        await self._json(send, 200, body, extra)

    async def _json(
        self, send: Any, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        self.status_log[status] += 1
        payload = body if isinstance(body, bytes) else orjson.dumps(body)
        raw = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ]
        raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})
