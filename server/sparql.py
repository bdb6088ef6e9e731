"""The SPARQL 1.1 Protocol endpoint: parse the request, negotiate, run, answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.sparql_form import query_form
from healthgraph.graph.store import Dataset, QuerySyntaxError, ResultFormats
from healthgraph.server import conneg
from healthgraph.server.errors import (
    BadRequest,
    MethodNotAllowed,
    NotAcceptable,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from healthgraph.server.settings import Settings
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
QUERY_CONTENT_TYPE = "application/sparql-query"
UPDATE_CONTENT_TYPE = "application/sparql-update"


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)


def _single(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name, [])
    if len(found) > 1:
        raise BadRequest(f"the {name!r} parameter is given {len(found)} times; give it once")
    return found[0] if found else None


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the {what} is not valid UTF-8 (byte {error.start})") from error


def _parameters(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    return values


async def read_sparql_request(request: Request, settings: Settings) -> SparqlRequest:
    """GET with ?query=, POST form (query= or update=), POST direct (sparql-query/-update)."""
    if len(request.url.query) > settings.max_request_bytes:
        raise PayloadTooLarge(f"the query string is over {settings.max_request_bytes} bytes")
    params = _parameters(
        parse_qsl(_decode(request.url.query.encode("latin-1"), "query string"),
                  keep_blank_values=True)
    )
    body_query: str | None = None
    body_update: str | None = None
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if len(body) > settings.max_request_bytes:
            raise PayloadTooLarge(f"the request body is over {settings.max_request_bytes} bytes")
        if content_type == FORM_CONTENT_TYPE:
            form = _parameters(parse_qsl(_decode(body, "form body"), keep_blank_values=True))
            if "query" in params or "update" in params:
                raise BadRequest("with a form POST, send 'query' or 'update' in the body only")
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif content_type == QUERY_CONTENT_TYPE:
            body_query = _decode(body, "query")
        elif content_type == UPDATE_CONTENT_TYPE:
            body_update = _decode(body, "update")
        else:
            raise UnsupportedMediaType(
                f"POST needs Content-Type {FORM_CONTENT_TYPE}, {QUERY_CONTENT_TYPE} or "
                f"{UPDATE_CONTENT_TYPE}; got {content_type or 'none'!r}"
            )
        if (body_query is not None or body_update is not None) and (
            "query" in params or "update" in params
        ):
            raise BadRequest("the query is in the body; do not also pass 'query'/'update' in the URL")
    elif request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed("use GET or POST", headers={"Allow": "GET, HEAD, POST"})
    query = body_query if body_query is not None else _single(params, "query")
    update = body_update if body_update is not None else _single(params, "update")
    if request.method in ("GET", "HEAD") and update is not None:
        raise BadRequest("an update must be sent with POST")
    if query is not None and update is not None:
        raise BadRequest("send either 'query' or 'update', not both")
    return SparqlRequest(
        query=query,
        update=update,
        default_graphs=tuple(params.get("default-graph-uri", [])) + tuple(
            params.get("using-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", [])) + tuple(
            params.get("using-named-graph-uri", [])),
        format=_single(params, "format"),
        extra=params,
    )


def choose_formats(accept: str | None, form: str | None, wanted: str | None) -> ResultFormats:
    """Result formats for the query's form; 406 when the client accepts none we can write."""
    if wanted:
        solutions = conneg.by_name(wanted, conneg.SOLUTION_FORMATS)
        graph = conneg.by_name(wanted, conneg.GRAPH_FORMATS)
        if solutions is None and graph is None:
            raise BadRequest(f"unknown format {wanted!r}")
    else:
        solutions = conneg.negotiate(accept, conneg.SOLUTION_FORMATS)
        graph = conneg.negotiate(accept, conneg.GRAPH_FORMATS)
    if form in ("SELECT", "ASK") and solutions is None:
        raise NotAcceptable(
            "a SELECT/ASK result can be sent as "
            + ", ".join(f.media_type for f in conneg.SOLUTION_FORMATS)
        )
    if form in ("CONSTRUCT", "DESCRIBE") and graph is None:
        raise NotAcceptable(
            "a CONSTRUCT/DESCRIBE result can be sent as "
            + ", ".join(f.media_type for f in conneg.GRAPH_FORMATS)
        )
    return ResultFormats(
        solutions=conneg.ENGINE_SOLUTION_FORMATS[(solutions or conneg.SPARQL_JSON).name],
        graph=conneg.ENGINE_GRAPH_FORMATS[(graph or conneg.TURTLE).name],
    )


async def run_query(
    current: CurrentVersion, sparql: SparqlRequest, accept: str | None
) -> Response:
    assert sparql.query is not None
    form = query_form(sparql.query)
    formats = choose_formats(accept, form, sparql.format)
    snapshot = current.snapshot()
    dataset = Dataset(sparql.default_graphs, sparql.named_graphs)
    try:
        result = await run_in_threadpool(
            snapshot.store.serialize, sparql.query, formats, dataset=dataset
        )
    except QuerySyntaxError as error:
        raise BadRequest(f"query syntax error: {error}") from error
    media_type = result.media_type
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        media_type += "; charset=utf-8"
    return Response(
        result.body,
        media_type=media_type,
        headers={"Vary": "Accept", "ETag": f'W/"{snapshot.version.id}"'},
    )
