"""Named queries as a web API (the grlc pattern): `/queries`, `/queries/{name}`, OpenAPI.

`GET /queries/{name}?param=value` runs `queries/{name}.rq` with its parameters checked against
their declared types and bound as RDF terms. Results come in the format `Accept` asks for, or a
suffix: `/queries/{name}.json`, `.csv`, `.tsv`, `.xml`, `.ttl`, `.html`. A query whose header says
`paginate: N` returns N rows a page (`?page=2`), with `Link` headers to the first, previous and
next pages. Named queries run as queries on /sparql do (`SparqlEndpoint.answer`): under the
deadline, cached per store version.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from healthgraph.graph.iris import IriMinter
from healthgraph.graph.queries import NamedQuery, ParameterError, load_named_queries
from healthgraph.graph.query_runner import QueryRequest
from healthgraph.graph.sparql_form import query_form
from healthgraph.graph.store import ResultFormats, SerializedResult, Term, solution_rows
from healthgraph.server import conneg
from healthgraph.server.conditional import is_fresh, not_modified, validators
from healthgraph.server.errors import BadRequest, NotAcceptable, NotFound
from healthgraph.server.links import Linker
from healthgraph.server.openapi import openapi_document
from healthgraph.server.pages import render
from pyoxigraph import NamedNode, QueryResultsFormat, RdfFormat, Triple
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from healthgraph.server.app import Services
    from healthgraph.server.sparql import SparqlEndpoint

RESERVED = frozenset({"page"})
ROWS = ResultFormats(QueryResultsFormat.JSON, RdfFormat.N_TRIPLES)
"""Results read back into rows (the HTML table, the next-page probe)."""
MAX_PAGE = 1_000_000
"""Highest page number: keeps OFFSET within what the engine parses (found by fuzzing)."""


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


@lru_cache(maxsize=4)
def _load(directory: Path, _stamp: float) -> dict[str, NamedQuery]:
    return load_named_queries(directory)


def named_queries(directory: Path) -> dict[str, NamedQuery]:
    """The queries in `directory`, re-read when a file changes."""
    stamp = max((p.stat().st_mtime for p in directory.glob("*.rq")), default=0.0)
    return _load(directory, stamp)


def _offers(query: NamedQuery) -> tuple[conneg.MediaType, ...]:
    graph = query.form in ("CONSTRUCT", "DESCRIBE")
    return (*(conneg.GRAPH_FORMATS if graph else conneg.SOLUTION_FORMATS), conneg.HTML)


def _query(request: Request, name: str) -> NamedQuery:
    queries = named_queries(_services(request).settings.queries_dir)
    if name not in queries:
        raise NotFound(f"no named query {name!r}; the list is at /queries")
    return queries[name]


def _values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in values:
            raise BadRequest(f"parameter {key!r} is given more than once; give it once")
        values[key] = value
    return values


def _page(values: dict[str, str], query: NamedQuery) -> int:
    raw = values.pop("page", None)
    if raw is None:
        return 1
    if query.paginate is None:
        raise BadRequest(f"parameter 'page': {query.name} is not paginated")
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest(f"parameter 'page': {raw!r} is not a page number "
                         f"(an integer from 1 to {MAX_PAGE})")
    return int(raw)


def _page_links(request: Request, query: NamedQuery, values: dict[str, str], page: int,
                has_next: bool) -> dict[str, str]:
    def url(number: int) -> str:
        return request.url.path + "?" + urlencode({**values, "page": str(number)})

    links = {"first": url(1)}
    if page > 1:
        links["prev"] = url(page - 1)
    if has_next:
        links["next"] = url(page + 1)
    return links


def _cell(term: Term | None, linker: Linker) -> dict[str, str | None]:
    if term is None:
        return {"text": "", "href": None}
    if isinstance(term, NamedNode):
        return {"text": term.value, "href": linker.href(term.value)}
    text = str(term) if isinstance(term, Triple) else term.value
    return {"text": text, "href": None}


async def run_named_query(request: Request) -> Response:
    services = _services(request)
    raw_name = request.path_params["name"]
    queries = named_queries(services.settings.queries_dir)
    name, suffix = raw_name, None
    if raw_name not in queries:
        stem, dot, ext = raw_name.rpartition(".")
        if dot and stem in queries:
            name = stem
            suffix = conneg.by_name(ext, _offers(queries[stem]))
            if suffix is None:
                raise NotFound(f"{name} has no .{ext} format; try "
                               + ", ".join("." + (f.name if f.name == "json" else f.suffix)
                                           for f in _offers(queries[stem])))
    query = _query(request, name)
    offers = _offers(query)
    media = suffix or conneg.negotiate(request.headers.get("accept"), offers)
    if media is None:
        raise NotAcceptable("results can be sent as " + ", ".join(f.media_type for f in offers),
                            headers={"Vary": "Accept"})
    values = _values(request)
    page = _page(values, query)
    try:
        bindings = query.bindings(IriMinter(services.settings.base_iri), values)
    except ParameterError as error:
        raise BadRequest(str(error)) from error
    snapshot = services.current.snapshot()
    etag = f'W/"{snapshot.version.id}-{media.name}"'
    headers = validators(etag, snapshot.version.built_at)
    if suffix is None:
        headers["Vary"] = "Accept"
    endpoint: SparqlEndpoint = request.app.state.sparql
    timeout = services.settings.query_timeout

    async def run(text: str, formats: ResultFormats = ROWS) -> SerializedResult:
        """Under the deadline, cached per version, as every query on /sparql."""
        asked = QueryRequest(text, formats, query_form(text), bindings=bindings)
        return await endpoint.answer(snapshot, asked, timeout)

    text = query.page_text(page)
    links: dict[str, str] = {}
    if query.paginate:
        has_next = bool(solution_rows((await run(query.next_page_probe(page))).body))
        links = _page_links(request, query, values, page, has_next)
        headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    if is_fresh(request, etag, snapshot.version.built_at):
        return not_modified(headers)
    if media is conneg.HTML:
        rows = solution_rows((await run(text)).body)
        linker = Linker.for_request(request, services.settings.base_iri)
        variables = list(dict.fromkeys(key for row in rows for key in row))
        table = [[_cell(row.get(v), linker) for v in variables] for row in rows]
        return render(request, "query.html", {
            "query": query, "values": values, "variables": variables, "rows": table, "page": page,
            "links": links, "version": snapshot.version,
        }, headers=headers)
    formats = ResultFormats(
        solutions=conneg.ENGINE_SOLUTION_FORMATS[(media if media in conneg.SOLUTION_FORMATS
                                                  else conneg.SPARQL_JSON).name],
        graph=conneg.ENGINE_GRAPH_FORMATS[(media if media in conneg.GRAPH_FORMATS else conneg.TURTLE).name],
    )
    result = await run(text, formats)
    return Response(result.body, media_type=conneg.with_charset(result.media_type), headers=headers)


def _describe(query: NamedQuery, request: Request) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "url": str(request.url_for("named_query", name=query.name)),
        "paginate": query.paginate,
        "parameters": [
            {"name": p.name, "type": p.type.name, "expected": p.type.expected, "default": p.default,
             "required": p.required, "description": p.description}
            for p in query.parameters
        ],
    }


async def index(request: Request) -> Response:
    queries = named_queries(_services(request).settings.queries_dir)
    media = conneg.negotiate(request.headers.get("accept"), (conneg.HTML, conneg.JSON))
    if media is None:
        raise NotAcceptable("the list of queries is offered as text/html or application/json")
    headers = {"Vary": "Accept",
               "Link": f'<{request.url_for("queries_openapi").path}>; rel="service-desc"; '
                       'type="application/vnd.oai.openapi+json;version=3.0"'}
    if media is conneg.JSON:
        return JSONResponse({"queries": [_describe(q, request) for q in queries.values()]}, headers=headers)
    return render(request, "queries.html", {"queries": list(queries.values())}, headers=headers)


async def openapi(request: Request) -> Response:
    queries = named_queries(_services(request).settings.queries_dir)
    server = str(request.base_url).rstrip("/")
    return JSONResponse(openapi_document(queries, server))


def routes() -> list[Route]:
    return [
        Route("/queries", index, methods=["GET", "HEAD"], name="queries"),
        Route("/queries/openapi.json", openapi, methods=["GET", "HEAD"], name="queries_openapi"),
        Route("/queries/{name}", run_named_query, methods=["GET", "HEAD"], name="named_query"),
    ]
