"""Per-client budgets: requests and query-seconds, each a token bucket keyed by the client's
address; a client over either gets 429 with Retry-After."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Clock = Callable[[], float]


@dataclass
class Bucket:
    """`level` tokens, refilled at `rate` a second up to `capacity`."""

    capacity: float
    rate: float
    level: float
    updated: float

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        self.updated = now

    def wait_for(self, amount: float) -> float:
        """Seconds until `amount` tokens are there (0: now)."""
        return max(0.0, (amount - self.level) / self.rate)


@dataclass
class ClientState:
    requests: Bucket
    query_seconds: Bucket


class ClientBudgetMiddleware:
    """Each client (by address) may make `requests_per_second` requests on average with bursts
    of `request_burst`, and spend `query_seconds_per_minute` seconds a minute in query routes
    (`query_paths`, charged with each response's time) with bursts up to that amount.
    A rate of 0 turns that budget off. `exempt_paths` (health checks, metrics) are free."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        requests_per_second: float,
        request_burst: float,
        query_seconds_per_minute: float,
        query_paths: tuple[str, ...] = ("/sparql", "/graphql", "/queries"),
        exempt_paths: tuple[str, ...] = ("/healthz", "/readyz", "/metrics", "/static/"),
        max_clients: int = 100_000,
        clock: Clock = time.monotonic,
    ) -> None:
        if requests_per_second < 0 or query_seconds_per_minute < 0:
            raise ValueError("budgets cannot be negative")
        if requests_per_second > 0 and request_burst < 1:
            raise ValueError("the request burst must be at least 1")
        self.app = app
        self.requests_per_second = requests_per_second
        self.request_burst = float(request_burst)
        self.query_seconds = query_seconds_per_minute
        self.query_paths = query_paths
        self.exempt_paths = exempt_paths
        self.max_clients = max_clients
        self.clock = clock
        self.clients: OrderedDict[str, ClientState] = OrderedDict()

    def _state(self, client: str, now: float) -> ClientState:
        state = self.clients.get(client)
        if state is None:
            state = ClientState(
                Bucket(self.request_burst, self.requests_per_second, self.request_burst, now),
                Bucket(self.query_seconds, self.query_seconds / 60, self.query_seconds, now),
            )
            self.clients[client] = state
            while len(self.clients) > self.max_clients:
                self.clients.popitem(last=False)
        else:
            self.clients.move_to_end(client)
        state.requests.refill(now)
        state.query_seconds.refill(now)
        return state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(self.exempt_paths):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        now = self.clock()
        state = self._state(key, now)
        if self.requests_per_second > 0:
            if state.requests.level < 1:
                wait = state.requests.wait_for(1)
                await _too_many(f"over {self.requests_per_second:g} requests a second "
                                f"(bursts of {self.request_burst:g})", wait)(scope, receive, send)
                return
            state.requests.level -= 1
        charged = self.query_seconds > 0 and path.startswith(self.query_paths)
        if not charged:
            await self.app(scope, receive, send)
            return
        if state.query_seconds.level <= 0:
            wait = state.query_seconds.wait_for(0.001)
            await _too_many(f"over {self.query_seconds:g} query-seconds a minute", wait)(
                scope, receive, send)
            return
        started = self.clock()

        async def send_charged(message: Message) -> None:
            if message["type"] == "http.response.start":
                _charge(state, self.clock(), started)
            await send(message)

        await self.app(scope, receive, send_charged)


def _charge(state: ClientState, now: float, started: float) -> None:
    state.query_seconds.refill(now)
    state.query_seconds.level -= now - started


def _too_many(message: str, wait: float) -> JSONResponse:
    return JSONResponse(
        {"status": 429, "error": "Too Many Requests",
         "message": f"this client is {message}; retry after the time in Retry-After"},
        status_code=429,
        headers={"Retry-After": str(max(1, math.ceil(wait))), "Cache-Control": "no-store"},
    )
