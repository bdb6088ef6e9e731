"""Abuse control: client budgets (429), size limits (413), the body deadline (408),
security headers, request ids."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import httpx
import pytest
from healthgraph.server.app import create_app
from healthgraph.server.middleware.body_timeout import BodyTimeoutMiddleware
from healthgraph.server.middleware.client_budget import ClientBudgetMiddleware
from healthgraph.server.settings import Settings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

PAGES = ["/", "/partnerships", "/map", "/sparql", "/graphql", "/queries", "/dataset", "/ontology"]


@pytest.fixture
def strict_client(settings: Settings) -> Iterator[httpx.Client]:
    tight = replace(settings, client_requests_per_second=1, client_request_burst=3,
                    max_request_bytes=2_000)
    with TestClient(create_app(tight)) as http:
        yield http


def test_requests_over_budget_get_429_with_retry_after(strict_client: httpx.Client) -> None:
    statuses = [strict_client.get("/ontology").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    answer = strict_client.get("/ontology")
    assert answer.status_code == 429
    assert int(answer.headers["retry-after"]) >= 1
    assert "requests a second" in answer.json()["message"]


def test_health_checks_are_outside_the_budget(strict_client: httpx.Client) -> None:
    for _ in range(10):
        assert strict_client.get("/healthz").status_code == 200
        assert strict_client.get("/readyz").status_code == 200


def test_budget_is_per_client_address() -> None:
    now = [0.0]

    async def ok(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app = ClientBudgetMiddleware(Starlette(routes=[Route("/x", ok)]), requests_per_second=1,
                                 request_burst=1, query_seconds_per_minute=0, clock=lambda: now[0])
    first = TestClient(app, client=("10.0.0.1", 1))
    second = TestClient(app, client=("10.0.0.2", 1))
    assert first.get("/x").status_code == 200
    assert first.get("/x").status_code == 429
    assert second.get("/x").status_code == 200
    now[0] += 1.0
    assert first.get("/x").status_code == 200


def test_query_seconds_over_budget_get_429() -> None:
    now = [0.0]

    async def slow(request: Request) -> PlainTextResponse:
        now[0] += 40.0  # this "query" takes 40 s; the client may spend 30 s a minute
        return PlainTextResponse("rows")

    async def fast(request: Request) -> PlainTextResponse:
        return PlainTextResponse("page")

    app = ClientBudgetMiddleware(Starlette(routes=[Route("/sparql", slow), Route("/other", fast)]),
                                 requests_per_second=0, request_burst=0,
                                 query_seconds_per_minute=30, clock=lambda: now[0])
    http = TestClient(app)
    assert http.get("/sparql").status_code == 200  # 30 (+ 20 refilled, capped) - 40 = -10
    refused = http.get("/sparql")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) == 21  # 10 s owed at 0.5 s a second
    assert "query-seconds" in refused.json()["message"]
    assert http.get("/other").status_code == 200  # not a query route: not charged
    now[0] += 21
    assert http.get("/sparql").status_code == 200


@pytest.mark.parametrize("path", [*PAGES, "/queries/twinning", "/id/country/mw", "/healthz"])
def test_query_string_over_the_limit_is_413(strict_client: httpx.Client, path: str) -> None:
    answer = strict_client.get(path, params={"q": "x" * 3_000})
    assert answer.status_code == 413
    assert "query string" in answer.json()["message"]


@pytest.mark.parametrize("path", ["/sparql", "/graphql", "/queries/twinning", "/partnerships"])
def test_body_over_the_limit_is_413(strict_client: httpx.Client, path: str) -> None:
    answer = strict_client.post(path, content=b"x" * 3_000,
                                headers={"content-type": "application/sparql-query"})
    assert answer.status_code == 413
    assert "body" in answer.json()["message"]


@pytest.mark.parametrize("path", ["/sparql", "/graphql"])
def test_chunked_body_over_the_limit_is_413(strict_client: httpx.Client, path: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"{" * 500

    content_type = "application/json" if path == "/graphql" else "application/sparql-query"
    answer = strict_client.post(path, content=chunks(), headers={"content-type": content_type})
    assert answer.status_code == 413
    assert "body" in answer.json()["message"]


def test_headers_over_the_limit_are_413(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, max_header_bytes=1_000))) as http:
        answer = http.get("/healthz", headers={"x-padding": "p" * 2_000})
    assert answer.status_code == 413


def test_slow_body_is_408() -> None:
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(await request.body())

    from healthgraph.server.app import http_error
    from healthgraph.server.errors import HttpError

    app = BodyTimeoutMiddleware(
        Starlette(routes=[Route("/echo", echo, methods=["POST"])],
                  exception_handlers={HttpError: http_error}),
        seconds=0.2,
    )
    sent: list[dict[str, object]] = []

    async def trickle() -> dict[str, object]:
        await asyncio.sleep(0.1)
        return {"type": "http.request", "body": b"x", "more_body": True}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/echo", "raw_path": b"/echo",
             "query_string": b"", "headers": [], "root_path": "", "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "http_version": "1.1"}
    # in a thread of its own: the end-to-end tests' Playwright leaves a loop on this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(app(scope, trickle, send), 5)).result()  # type: ignore[arg-type]
    assert sent[0]["status"] == 408
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))  # type: ignore[misc]
    assert "did not arrive" in body["message"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_security_headers(client: httpx.Client, path: str) -> None:
    answer = client.get(path, headers={"accept": "text/html"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    csp = answer.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "<script>" not in answer.text  # no inline scripts (data blocks have a type)


def test_api_answers_are_nosniff(client: httpx.Client) -> None:
    answer = client.get("/sparql", params={"query": "ASK {}"},
                        headers={"accept": "application/sparql-results+json"})
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_request_id_is_kept_or_minted(client: httpx.Client) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123"}).headers["x-request-id"] == "abc-123"
    minted = client.get("/healthz", headers={"x-request-id": "bad id\twith spaces"})
    assert len(minted.headers["x-request-id"]) == 32
    assert client.get("/healthz").headers["x-request-id"] != minted.headers["x-request-id"]


def test_access_log_is_structured_with_the_request_id(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    from healthgraph.server.json_logs import JsonFormatter

    with caplog.at_level(logging.INFO, logger="healthgraph.access"):
        client.get("/ontology", headers={"x-request-id": "trace-7"})
    record = next(r for r in caplog.records if getattr(r, "request_id", None) == "trace-7")
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "trace-7"
    assert entry["status"] == 200
    assert entry["path"] == "/ontology"
    assert entry["method"] == "GET"
    assert isinstance(entry["duration_ms"], float)


@pytest.mark.parametrize("body", [b"\x80", b'{"query": ' + b"[" * 100_000, b"[" * 50_000 + b"]" * 50_000],
                         ids=["not utf-8", "nested, truncated", "nested 50,000 deep"])
def test_graphql_body_that_cannot_be_json_is_400(client: httpx.Client, body: bytes) -> None:
    answer = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"]


@pytest.mark.parametrize("page", ["368934881474191033", "0", "-1", "\u0663"])
def test_named_query_page_out_of_range_is_400_naming_page(client: httpx.Client, page: str) -> None:
    answer = client.get("/queries/resources-by-type", params={"page": page})
    assert answer.status_code == 400
    assert "parameter 'page'" in answer.json()["message"]
