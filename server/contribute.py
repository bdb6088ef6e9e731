"""/contribute: propose a new partnership or a correction, as a form (works without
JavaScript) and as a JSON API. A proposal is checked by the loader's rules and the shapes
(server/review.py), queued for review, never written to the store. Size limit, rate limit per
client and a honeypot field against spam."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import parse_qsl

from healthgraph.loaders.contributions import FIELDS, KINDS, ProposalError
from healthgraph.server import review
from healthgraph.server.errors import BadRequest, HttpError, PayloadTooLarge, UnsupportedMediaType
from healthgraph.server.pages import render
from healthgraph.server.ratelimit import RateLimiter
from healthgraph.server.settings import Settings
from healthgraph.server.submissions import UnknownSubmissionError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

HONEYPOT = "website"
"""A field people never see (hidden by CSS, skipped by keyboard); robots fill it in."""


class TooManyRequests(HttpError):
    status = 429
    title = "Too Many Requests"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.services.settings
    return settings


def _limiter(request: Request) -> RateLimiter:
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "submission_limiter", None)
    if limiter is None:
        limiter = RateLimiter(_settings(request).submission_rate_limit)
        state.submission_limiter = limiter
    return limiter


def _check_rate(request: Request) -> None:
    client = request.client.host if request.client else "unknown"
    wait = _limiter(request).retry_after(client)
    if wait is not None:
        raise TooManyRequests(f"too many submissions; try again in {wait} s",
                              headers={"Retry-After": str(wait)})


async def _body(request: Request) -> bytes:
    limit = _settings(request).max_submission_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"a submission is at most {limit} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"a submission is at most {limit} bytes")
    return body


def _form_page(request: Request, values: dict[str, str], errors: dict[str, str],
               status_code: int = 200) -> Response:
    return render(request, "contribute.html", {
        "values": values, "errors": errors, "kinds": KINDS,
        "token": values.get("token") or secrets.token_urlsafe(16), "honeypot": HONEYPOT,
    }, status_code=status_code, headers={"Cache-Control": "no-store"})


async def contribute_form(request: Request) -> Response:
    values = {"kind": "correction"} if request.query_params.get("partnership") else {}
    if request.query_params.get("partnership"):
        values["partnership"] = request.query_params["partnership"][:100]
    return _form_page(request, values, {})


async def contribute_post(request: Request) -> Response:
    body = await _body(request)
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise UnsupportedMediaType("send the form as application/x-www-form-urlencoded")
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    values = {name: str(form.get(name, "")) for name in (*FIELDS, "token")}
    if form.get(HONEYPOT):
        # looks like success to a robot; nothing is checked or queued
        return render(request, "contributed.html", {"submission": None}, status_code=200)
    _check_rate(request)
    try:
        submission = await run_in_threadpool(review.submit, _settings(request), values,
                                             values["token"][:100])
    except ProposalError as error:
        return _form_page(request, values, error.errors, status_code=400)
    return RedirectResponse(f"/contribute/received/{submission.id}", status_code=303)


async def contributed(request: Request) -> Response:
    submission = await run_in_threadpool(review.queue(_settings(request)).get,
                                         request.path_params["id"])
    return render(request, "contributed.html", {"submission": submission},
                  headers={"Cache-Control": "no-store"})


async def api_submit(request: Request) -> Response:
    body = await _body(request)
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise UnsupportedMediaType("send the proposal as application/json")
    try:
        fields: Any = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"the body is not JSON: {error}") from error
    if not isinstance(fields, dict):
        raise BadRequest("the body must be a JSON object with the fields " + ", ".join(FIELDS))
    unknown = sorted(set(fields) - {*FIELDS, "token", HONEYPOT})
    if unknown:
        return JSONResponse({"errors": {name: "is not a field" for name in unknown}}, status_code=422)
    if fields.get(HONEYPOT):
        return JSONResponse({"id": None, "status": "pending"}, status_code=202)
    _check_rate(request)
    token = fields.pop("token", "") or ""
    if not isinstance(token, str):
        return JSONResponse({"errors": {"token": "must be text"}}, status_code=422)
    try:
        submission = await run_in_threadpool(review.submit, _settings(request), fields, token[:100])
    except ProposalError as error:
        return JSONResponse({"errors": error.errors}, status_code=422)
    return JSONResponse(
        {"id": submission.id, "status": submission.status, "partnership": submission.partnership,
         "submitted_at": submission.submitted_at},
        status_code=201, headers={"Location": f"/api/contributions/{submission.id}"},
    )


async def api_status(request: Request) -> Response:
    submission = await run_in_threadpool(review.queue(_settings(request)).get,
                                         request.path_params["id"])
    return JSONResponse({"id": submission.id, "status": submission.status,
                         "partnership": submission.partnership,
                         "submitted_at": submission.submitted_at,
                         "decided_at": submission.decided_at})


async def unknown_submission(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"status": 404, "error": "Not Found", "message": "no such submission"},
                            status_code=404)
    return render(request, "error.html", {
        "title": "No such submission", "message": "No submission has this id.", "back": "/contribute",
    }, status_code=404)


def routes() -> list[BaseRoute]:
    return [
        Route("/contribute", contribute_form, methods=["GET", "HEAD"], name="contribute"),
        Route("/contribute", contribute_post, methods=["POST"]),
        Route("/contribute/received/{id}", contributed, name="contributed"),
        Route("/api/contributions", api_submit, methods=["POST"], name="contributions-api"),
        Route("/api/contributions/{id}", api_status),
    ]


EXCEPTION_HANDLERS = {UnknownSubmissionError: unknown_submission}
