"""HTTP validators from the store version: ETag per request, Last-Modified per version, 304."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.datastructures import Headers


def entity_tag(key: str) -> str:
    """A strong ETag from a request key (which already includes the store version)."""
    return f'"{key[:40]}"'


@functools.lru_cache(maxsize=16)  # one string per store version's build time
def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def validators(etag: str, modified: datetime) -> dict[str, str]:
    return {"ETag": etag, "Last-Modified": http_date(modified)}


def _parse_date(text: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def not_modified(headers: Headers, etag: str, modified: datetime) -> bool:
    """Whether the client's copy is current: If-None-Match decides when given (weak
    comparison, RFC 9110 13.1.2), else If-Modified-Since. Only a tag we issued matches
    (not `*`): a request that was never answered has no copy to keep."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since:
        since = _parse_date(if_modified_since)
        return since is not None and modified.replace(microsecond=0) <= since
    return False
