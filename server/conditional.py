"""Conditional GET for responses that depend only on the store version (or a file's hash)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response


def http_date(moment: datetime) -> str:
    """An HTTP-date (RFC 9110), e.g. 'Thu, 26 Nov 2026 03:00:26 GMT'."""
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def validators(etag: str, modified: datetime) -> dict[str, str]:
    """ETag and Last-Modified headers; `etag` is the quoted value, weak or strong."""
    return {"ETag": etag, "Last-Modified": http_date(modified)}


def _matches(header: str, etag: str) -> bool:
    wanted = etag.removeprefix("W/")
    candidates = [part.strip() for part in header.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == wanted for c in candidates)


def is_fresh(request: Request, etag: str, modified: datetime) -> bool:
    """True when the client's copy is current (If-None-Match, else If-Modified-Since)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _matches(if_none_match, etag)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return modified.replace(microsecond=0) <= since
    return False


def not_modified(headers: dict[str, str]) -> Response:
    """304 with the validators and the caching headers of the full response."""
    return Response(status_code=304, headers=headers)
