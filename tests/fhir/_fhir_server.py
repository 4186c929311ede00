"""A small FHIR server for tests: search with paging, SMART tokens, $export, faults.

Faults are queued per path: each request to the path takes the next fault, if
any, and answers with it instead of the real response. A fault is a status
code (with optional headers) or ``"drop"``, which starts the answer and then
breaks the connection.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import jwt
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

Fault = tuple[int, dict[str, str]] | str


@dataclass
class FakeFhir:
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    public_key: Any = None
    client_id: str = "district-app"
    token_lifetime: int = 300
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    tokens: set[str] = field(default_factory=set)
    seen_jti: set[str] = field(default_factory=set)
    polls_before_done: int = 2
    retry_after: str = "3"
    bad_line: bool = False
    requires_token: bool = True
    jobs: dict[str, int] = field(default_factory=dict)
    base: str = ""
    file_base: str = ""
    file_query: str = ""
    foreign_next: bool = False
    auth_headers: list[str | None] = field(default_factory=list)

    def fault(self, path: str, *faults: Fault) -> None:
        self.faults[path].extend(faults)

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    # -- the ASGI app ----------------------------------------------------

    def app(self) -> Any:
        routes = [
            Route("/fhir/.well-known/smart-configuration", self.smart_config),
            Route("/auth/token", self.token, methods=["POST"]),
            Route("/fhir/Patient/$export", self.kick_off),
            Route("/fhir/jobs/{job}", self.status, methods=["GET", "DELETE"]),
            Route("/fhir/files/{name}", self.file),
            Route("/fhir/{kind}", self.search),
        ]
        inner = Starlette(routes=routes)

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                path = scope["path"]
                self.hits[path] += 1
                if self.faults[path]:
                    fault = self.faults[path].popleft()
                    if fault == "drop":
                        await send(
                            {
                                "type": "http.response.start",
                                "status": 200,
                                "headers": [(b"content-length", b"1000")],
                            }
                        )
                        await send(
                            {
                                "type": "http.response.body",
                                "body": b'{"resourceType":',
                                "more_body": True,
                            }
                        )
                        msg = "connection dropped on purpose"
                        raise ConnectionError(msg)
                    status, headers = fault  # type: ignore[misc]
                    response = Response(
                        b'{"resourceType":"OperationOutcome"}',
                        status_code=status,
                        headers=headers,
                    )
                    await response(scope, receive, send)
                    return
            await inner(scope, receive, send)

        return app

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization")
        self.auth_headers.append(header)
        if self.public_key is None:
            return True
        return header is not None and header.removeprefix("Bearer ") in self.tokens

    async def smart_config(self, request: Request) -> Response:
        return JSONResponse(
            {
                "token_endpoint": f"{self.base}/auth/token",
                "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
                "grant_types_supported": ["client_credentials"],
            }
        )

    async def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        assertion = str(form.get("client_assertion"))
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        try:
            claims = jwt.decode(
                assertion,
                self.public_key,
                algorithms=["RS384", "ES384"],
                audience=f"{self.base}/auth/token",
                issuer=self.client_id,
            )
        except (jwt.PyJWTError, TypeError, ValueError) as exc:
            return JSONResponse(
                {"error": "invalid_client", "error_description": str(exc)},
                status_code=401,
            )
        if (
            claims["sub"] != self.client_id
            or claims["jti"] in self.seen_jti
            or claims["exp"] > time.time() + 301
        ):
            return JSONResponse(
                {
                    "error": "invalid_client",
                    "error_description": "replayed or bad claims",
                },
                status_code=401,
            )
        self.seen_jti.add(claims["jti"])
        token = uuid.uuid4().hex
        self.tokens.add(token)
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.token_lifetime,
                "scope": form.get("scope"),
            }
        )

    async def search(self, request: Request) -> Response:
        if not self._authorized(request):
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=401)
        kind = request.path_params["kind"]
        items = self.resources.get(kind, [])
        floor = request.query_params.get("_lastUpdated")
        if floor and floor.startswith("gt"):
            items = [
                r for r in items if r.get("meta", {}).get("lastUpdated", "") > floor[2:]
            ]
        count = int(request.query_params.get("_count", "2"))
        offset = int(request.query_params.get("_offset", "0"))
        page = items[offset : offset + count]
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(items),
            "link": [{"relation": "self", "url": str(request.url)}],
            "entry": [
                {
                    "fullUrl": f"{self.base}/fhir/{kind}/{r['id']}",
                    "resource": r,
                    "search": {"mode": "match"},
                }
                for r in page
            ],
        }
        if offset + count < len(items):
            host = "https://elsewhere.example" if self.foreign_next else self.base
            bundle["link"].append(
                {
                    "relation": "next",
                    "url": f"{host}/fhir/{kind}?_count={count}"
                    f"&_offset={offset + count}",
                }
            )
        return Response(orjson.dumps(bundle), media_type="application/fhir+json")

    async def kick_off(self, request: Request) -> Response:
        if not self._authorized(request):
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=401)
        if request.headers.get("prefer") != "respond-async":
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=400)
        job = uuid.uuid4().hex[:8]
        self.jobs[job] = 0
        return Response(
            status_code=202,
            headers={"Content-Location": f"{self.base}/fhir/jobs/{job}"},
        )

    async def status(self, request: Request) -> Response:
        job = request.path_params["job"]
        if job not in self.jobs:
            return JSONResponse(
                {
                    "resourceType": "OperationOutcome",
                    "issue": [{"diagnostics": "no such job"}],
                },
                status_code=404,
            )
        if request.method == "DELETE":
            del self.jobs[job]
            return Response(status_code=202)
        self.jobs[job] += 1
        if self.jobs[job] <= self.polls_before_done:
            progress = f"{self.jobs[job] * 100 // (self.polls_before_done + 1)}%"
            return Response(
                status_code=202,
                headers={"X-Progress": progress, "Retry-After": self.retry_after},
            )
        output = [
            {
                "type": kind,
                "url": f"{self.file_base or self.base}/fhir/files/{kind}.ndjson"
                f"{self.file_query}",
                "count": len(items),
            }
            for kind, items in self.resources.items()
        ]
        return JSONResponse(
            {
                "transactionTime": "2026-01-02T03:04:05Z",
                "request": f"{self.base}/fhir/Patient/$export",
                "requiresAccessToken": self.requires_token,
                "output": output,
                "error": [],
            }
        )

    async def file(self, request: Request) -> Response:
        if self.requires_token and not self._authorized(request):
            return JSONResponse({"resourceType": "OperationOutcome"}, status_code=401)
        kind = request.path_params["name"].removesuffix(".ndjson")
        lines = [orjson.dumps(r) for r in self.resources.get(kind, [])]
        if self.bad_line and len(lines) > 1:
            lines.insert(1, b'{"resourceType": "Patient", broken')
        return Response(b"\n".join(lines) + b"\n", media_type="application/fhir+ndjson")
