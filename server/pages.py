"""HTML pages: one Jinja2 environment over server/templates, shared by every page module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _has_route(request: Request, name: str) -> bool:
    return any(getattr(route, "name", None) == name for route in request.app.routes)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page from `template`; every page gets the request and the current version."""
    values: dict[str, Any] = {"version": None, **(context or {})}
    values["has_route"] = lambda name: _has_route(request, name)
    response: HTMLResponse = templates.TemplateResponse(
        request, template, values, status_code=status_code, headers=headers
    )
    return response
