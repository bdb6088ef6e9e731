"""What every fuzzed answer must be: no 5xx but a deadline 503, every 4xx readable."""

from __future__ import annotations

import json

import httpx


def assert_sound(answer: httpx.Response, sent: object) -> None:
    status = answer.status_code
    if status == 503:
        message = _message(answer)
        assert message and ("deadline" in message or "time" in message), (sent, answer.text[:500])
        return
    assert status < 500, f"{status} for {sent!r}:\n{answer.text[:2000]}"
    if 400 <= status < 500:
        assert _message(answer), f"{status} without a readable message for {sent!r}: {answer.text[:500]}"


def _message(answer: httpx.Response) -> str:
    """The human-readable part of an error answer ('' if there is none)."""
    if answer.request.method == "HEAD":
        return "HEAD"
    content_type = answer.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = json.loads(answer.content)
        except ValueError:
            return ""
        if isinstance(body, dict):
            if isinstance(body.get("message"), str):
                return str(body["message"])
            errors = body.get("errors")
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                return str(errors[0].get("message", ""))
        return ""
    if content_type.startswith("text/html"):
        return answer.text if "<h1" in answer.text or "<title" in answer.text else ""
    return answer.text.strip()
