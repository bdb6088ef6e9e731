"""Pages for finding collaborators and avoiding duplicated work: a partnership's related
partnerships and potential collaborators, the duplicate report of the current version, and a
board's "Get involved" page. Each handler calls one graph/ function in the thread pool."""

from __future__ import annotations

from healthgraph.graph import duplicates, get_involved, provenance, similarity
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.iris import SLUG_PATTERN, IriMinter
from healthgraph.graph.store import Store
from healthgraph.server.pages import render
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

RELATED_LIMIT = 10


def _current(request: Request) -> CurrentVersion:
    current: CurrentVersion = request.app.state.services.current
    return current


def related_context(store: Store, key: str) -> dict[str, object]:
    """What the `_related.html` partial needs for partnership `key` (for any page that shows
    a partnership: this module's own page and the linked-data page)."""
    return {
        "similar": similarity.similar(store, key, RELATED_LIMIT),
        "collaborators": similarity.potential_collaborators(store, key, RELATED_LIMIT),
        "submissions": provenance.submissions_of(store, key),
    }


def partnership_sections(store: Store, base_iri: str, iri: str) -> dict[str, object]:
    """The related sections for the linked-data page of `iri` when it is a partnership (the
    keys `_related.html` reads), else nothing."""
    prefix = IriMinter(base_iri).partnership("x")[:-1]
    key = iri.removeprefix(prefix)
    if not iri.startswith(prefix) or not SLUG_PATTERN.match(key):
        return {}
    try:
        return {"related_key": key, **related_context(store, key)}
    except similarity.UnknownPartnershipError:
        return {}


async def related(request: Request) -> Response:
    snapshot = _current(request).snapshot()
    key = request.path_params["key"]
    context = await run_in_threadpool(related_context, snapshot.store, key)
    label = await run_in_threadpool(similarity.label_of, snapshot.store, key)
    return render(request, "related.html", {
        "version": snapshot.version, "key": key, "label": label, **context,
    })


async def duplicate_report(request: Request) -> Response:
    snapshot = _current(request).snapshot()
    found = await run_in_threadpool(duplicates.read_report, snapshot.version.path)
    return render(request, "duplicates.html", {
        "version": snapshot.version, "duplicates": found, "threshold": duplicates.THRESHOLD,
    })


async def get_involved_page(request: Request) -> Response:
    snapshot = _current(request).snapshot()
    found = await run_in_threadpool(
        get_involved.get_involved, snapshot.store, request.path_params["board"]
    )
    return render(request, "get_involved.html", {"version": snapshot.version, "page": found})


def routes() -> list[BaseRoute]:
    return [
        Route("/partnerships/{key}/related", related, name="related"),
        Route("/duplicates", duplicate_report, name="duplicates"),
        Route("/get-involved/{board}", get_involved_page, name="get-involved"),
    ]
