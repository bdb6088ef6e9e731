"""Repeated SPARQL GET requests answered with the response the endpoint gave last time.

A response of `GET /sparql?query=...` depends only on the store version and on the request's
query string, Accept header and Host (the endpoint's own URL is the query's base IRI). The
endpoint records each such 200 response here; when the same request comes again for the same
version, this layer sends the recorded status, headers and body without routing, parsing,
negotiating or hashing: the role of a reverse-proxy cache, inside the app. It sits inside every
other middleware, so request ids, metrics, budgets, security headers and CORS still apply.
Conditional requests (If-None-Match, If-Modified-Since) go to the endpoint, which answers 304.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Final, NamedTuple

from healthgraph.graph.result_cache import ResultCache
from starlette.types import ASGIApp, Receive, Scope, Send

PATH: Final = "/sparql"
_CONDITIONAL: Final = frozenset({b"if-none-match", b"if-modified-since"})
Headers = list[tuple[bytes, bytes]]


class Replay(NamedTuple):
    version: str
    headers: Headers
    body: bytes
    route: object
    """The route that answered (metrics label responses by route)."""


def replay_key(scope: Scope) -> str | None:
    """The key of a replayable request: a GET of /sparql that is not conditional; else None."""
    if scope["method"] != "GET" or scope["path"] != PATH:
        return None
    accept = host = b""
    for name, value in scope["headers"]:
        if name == b"accept":
            accept = value
        elif name == b"host":
            host = value
        elif name in _CONDITIONAL:
            return None
    return b"\n".join((scope["scheme"].encode(), host, accept, scope["query_string"])).decode(
        "latin-1")


class ReplayCache:
    """Recorded responses, bounded in bytes like the result cache (the bodies are the same
    objects, so memory is mostly shared)."""

    def __init__(self, max_bytes: int, answers: Counter[str] | None = None) -> None:
        self._responses: ResultCache[Replay] = ResultCache(max_bytes)
        self.answers = answers if answers is not None else Counter()

    def record(self, scope: Scope, version: str, headers: Headers, body: bytes) -> None:
        key = replay_key(scope)
        if key is not None:
            self._responses.put(key, Replay(version, headers, body, scope.get("route")))

    def find(self, scope: Scope) -> Replay | None:
        key = replay_key(scope)
        return self._responses.get(key) if key is not None else None


class ReplayMiddleware:
    """Sends a recorded response for a repeated request of the current version."""

    def __init__(self, app: ASGIApp, *, cache: ReplayCache, version: Callable[[], str]) -> None:
        self.app = app
        self.cache = cache
        self.version = version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PATH:
            found = self.cache.find(scope)
            if found is not None and found.version == self._current():
                self.cache.answers["cache"] += 1
                scope["route"] = found.route
                await send({"type": "http.response.start", "status": 200,
                            "headers": list(found.headers)})
                await send({"type": "http.response.body", "body": found.body})
                return
        await self.app(scope, receive, send)

    def _current(self) -> str | None:
        try:
            return self.version()
        except Exception:  # no current version: the endpoint says so properly
            return None
