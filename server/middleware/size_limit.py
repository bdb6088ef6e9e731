"""413 for a query string or a request body over the limit, on every route."""

from __future__ import annotations

from healthgraph.server.errors import PayloadTooLarge
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def too_large(message: str) -> JSONResponse:
    return JSONResponse(
        {"status": 413, "error": PayloadTooLarge.title, "message": message},
        status_code=413,
        headers={"Cache-Control": "no-store", "Connection": "close"},
    )


class RequestSizeLimitMiddleware:
    """Refuses, before the handler runs, a query string or a declared Content-Length over
    `max_bytes`; a body that turns out longer (chunked) raises PayloadTooLarge when read."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_header_bytes: int) -> None:
        if max_bytes <= 0 or max_header_bytes <= 0:
            raise ValueError("size limits must be positive")
        self.app = app
        self.max_bytes = max_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_bytes:
            await too_large(f"the query string is over {self.max_bytes} bytes")(scope, receive, send)
            return
        header_bytes = sum(len(name) + len(value) + 4 for name, value in scope.get("headers", []))
        if header_bytes > self.max_header_bytes:
            await too_large(f"the request headers are over {self.max_header_bytes} bytes")(
                scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await too_large(f"the request body is over {self.max_bytes} bytes")(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLarge(f"the request body is over {self.max_bytes} bytes")
            return message

        await self.app(scope, counting_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
