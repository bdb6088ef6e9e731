"""A deadline on reading the request body, so a client sending slowly cannot hold a handler."""

from __future__ import annotations

import asyncio
import time

from healthgraph.server.errors import RequestTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTimeoutMiddleware:
    """The whole body must arrive within `seconds` of the request's start; otherwise reading
    it raises RequestTimeout (408) and the connection is closed."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError("the body timeout must be positive")
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.seconds

        async def timed_receive() -> Message:
            left = deadline - time.monotonic()
            try:
                async with asyncio.timeout(max(left, 0.001)):
                    return await receive()
            except TimeoutError:
                raise RequestTimeout(
                    f"the request body did not arrive within {self.seconds:g} s",
                    headers={"Connection": "close"},
                ) from None

        await self.app(scope, timed_receive, send)
