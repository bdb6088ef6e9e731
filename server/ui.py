"""The human pages: landing page, partnership search, map, a board's "Get involved" page and
the SPARQL editor. Each handler reads the request, calls one graph/ function in the thread
pool, and renders a template. Errors (bad filters, unknown boards) are mapped in app.py."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from healthgraph.graph import boards, map_data, search
from healthgraph.graph.current import CurrentVersion, Snapshot
from healthgraph.graph.iris import SLUG_PATTERN, IriMinter
from healthgraph.graph.namespaces import HG, PREFIXES
from healthgraph.graph.queries import load_named_queries
from healthgraph.server.dataset import access_points, dataset_jsonld
from healthgraph.server.pages import render
from healthgraph.server.settings import Settings
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route


def _current(request: Request) -> tuple[Settings, CurrentVersion]:
    services = request.app.state.services
    return services.settings, services.current


def _json_for_script(value: Any) -> Markup:
    """JSON safe to embed in a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _count(snapshot: Snapshot, class_name: str) -> int:
    return int(snapshot.version.statistics.get("classes", {}).get(class_name, 0))


async def home(request: Request) -> Response:
    _settings, current = _current(request)
    snapshot = current.snapshot()
    stats = snapshot.version.statistics
    counts = {
        "partnerships": _count(snapshot, f"{HG}Partnership"),
        "organisations": _count(snapshot, "http://www.w3.org/ns/org#Organization"),
        "countries": sum(1 for iri in stats.get("partnerships_per_country", {})
                         if not iri.rsplit("/", 1)[-1].startswith("gb")),
        "boards": _count(snapshot, f"{HG}HealthBoard"),
        "programmes": _count(snapshot, f"{HG}Programme"),
        "documents": _count(snapshot, f"{HG}GuidanceDocument"),
        "triples": int(stats.get("triples", 0)),
    }
    board_links = await run_in_threadpool(boards.boards, snapshot.store)
    described = dataset_jsonld(snapshot.version, _settings.base_iri, access_points(request))
    return render(request, "home.html", {
        "version": snapshot.version, "counts": counts, "boards": board_links,
        "dataset_jsonld": _json_for_script(described),
    })


async def partnerships(request: Request) -> Response:
    settings, current = _current(request)
    filters = search.Filters.parse(request.query_params)
    canonical = urlencode(filters.params())
    if canonical != request.url.query and any(not v for v in request.query_params.values()):
        # a form sends every field: drop the empty ones so the URL is short and shareable
        return RedirectResponse(f"/partnerships?{canonical}" if canonical else "/partnerships",
                                status_code=303)
    snapshot = current.snapshot()
    result = await run_in_threadpool(
        search.search, snapshot.store, filters, IriMinter(settings.base_iri),
        snapshot.version.statistics, snapshot.search_index,
    )
    return render(request, "partnerships.html", {
        "version": snapshot.version, "result": result, "filters": filters,
        "kinds": search.KINDS, "page_size": search.PAGE_SIZE,
    })


async def world_map(request: Request) -> Response:
    _settings, current = _current(request)
    key = request.query_params.get("partnership", "").strip() or None
    if key is not None and not SLUG_PATTERN.match(key):
        key = None
    snapshot = current.snapshot()
    data = await run_in_threadpool(
        map_data.map_data, snapshot.store, snapshot.version.statistics, key
    )
    return render(request, "map.html", {
        "version": snapshot.version, "data": data, "data_json": _json_for_script(data.as_json()),
        "selected": key,
    })


async def board_page(request: Request) -> Response:
    _settings, current = _current(request)
    snapshot = current.snapshot()
    found = await run_in_threadpool(boards.board, snapshot.store, request.path_params["key"])
    return render(request, "board.html", {"version": snapshot.version, "board": found})


async def board_choice(request: Request) -> Response:
    """The landing page's board form (works without JavaScript): on to the board's page."""
    key = request.query_params.get("key", "").strip()
    if not key:
        return RedirectResponse("/#get-involved", status_code=303)
    return RedirectResponse(f"/boards/{quote(key, safe='')}", status_code=303)


async def sparql_editor(request: Request) -> Response:
    """The YASGUI page served by /sparql to browsers (the HTML branch of the endpoint)."""
    settings, current = _current(request)
    queries = load_named_queries(settings.queries_dir)
    examples = [
        {"name": q.name, "title": q.title, "description": q.description, "query": q.text}
        for q in queries.values()
    ]
    try:
        version = current.snapshot().version
    except LookupError:
        version = None
    return render(request, "sparql.html", {
        "version": version,
        "examples": examples,
        "examples_json": _json_for_script(examples),
        "prefixes": PREFIXES,
        "prefixes_json": _json_for_script(PREFIXES),
        "initial_query": request.query_params.get("query", ""),
    })


def routes() -> list[BaseRoute]:
    """The page routes; /sparql's HTML branch calls `sparql_editor` from the endpoint."""
    return [
        Route("/", home, name="home"),
        Route("/partnerships", partnerships, name="partnerships"),
        Route("/map", world_map, name="map"),
        Route("/boards", board_choice, name="boards"),
        Route("/boards/{key}", board_page, name="board"),
    ]
