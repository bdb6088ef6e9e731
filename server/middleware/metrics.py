"""Counts every request by route template, method and status, and times it."""

from __future__ import annotations

import time

from healthgraph.server.metrics import Metrics
from starlette.types import ASGIApp, Message, Receive, Scope, Send

QUERY_ROUTES = ("/sparql", "/graphql", "/queries")


def route_of(scope: Scope) -> str:
    """The matched route's path template (bounded label values), or 'unmatched'."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        elapsed: float | None = None

        async def send_timed(message: Message) -> None:
            nonlocal status, elapsed
            if message["type"] == "http.response.start":
                status = int(message["status"])
                elapsed = time.perf_counter() - started
            await send(message)

        try:
            await self.app(scope, receive, send_timed)
        finally:
            seconds = elapsed if elapsed is not None else time.perf_counter() - started
            self.metrics.observe(route_of(scope), scope["method"], status, seconds)
            if status == 503 and scope.get("path", "").startswith(QUERY_ROUTES):
                self.metrics.deadline_hit()
