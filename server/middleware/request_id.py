"""A request id for every request (X-Request-ID in and out) and one JSON access-log line each."""

from __future__ import annotations

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
access_log = logging.getLogger("healthgraph.access")


def request_id_of(scope: Scope) -> str:
    """The id `RequestIdMiddleware` gave this request ('' outside it)."""
    return str(scope.get("state", {}).get("request_id", ""))


class RequestIdMiddleware:
    """Keeps a well-formed incoming X-Request-ID (else mints one), echoes it on the response
    and logs the request as one structured record (`healthgraph.access`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
        request_id = incoming if _ACCEPTED.fullmatch(incoming) else os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", ()),
                                      (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                _log(scope, request_id, status, started)


def _log(scope: Scope, request_id: str, status: int, started: float) -> None:
    client = scope.get("client")
    access_log.info(
        "%s %s %d", scope["method"], scope["path"], status,
        extra={
            "request_id": request_id,
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "client": client[0] if client else None,
        },
    )
