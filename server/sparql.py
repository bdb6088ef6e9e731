"""The SPARQL 1.1 Protocol endpoint: parse the request, negotiate, run, answer.

GET /sparql?query=, POST form (query= / update=), POST direct (application/sparql-query /
application/sparql-update); GET without a query answers the Service Description (RDF) or the
editor (HTML); GET/HEAD ?graph= / ?default is the read side of the Graph Store Protocol (also
on /store). Queries run in worker processes under a deadline; answers are cached per store
version and carry ETag / Last-Modified.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from healthgraph.graph.current import CurrentVersion, Snapshot, VersionSource
from healthgraph.graph.executor import QueryExecutor
from healthgraph.graph.graph_store import WRITABLE_FORMATS, drop_graph, write_graph
from healthgraph.graph.guarded_store import GuardedStore
from healthgraph.graph.query_runner import QueryRequest, QueryRunner, graph_key, query_key
from healthgraph.graph.remote_store import RemoteStore
from healthgraph.graph.result_cache import ResultCache
from healthgraph.graph.sparql_form import query_form
from healthgraph.graph.store import (
    Dataset,
    EmbeddedStore,
    QueryForm,
    ResultFormats,
    SerializedResult,
    Store,
)
from healthgraph.graph.text_index import TextSearchError
from healthgraph.graph.updates import apply_update
from healthgraph.graph.versions import VersionedStore, VersionInfo
from healthgraph.server import conneg, http_cache
from healthgraph.server.auth import require_writer
from healthgraph.server.errors import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotAcceptable,
    NotImplementedHere,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from healthgraph.server.middleware.replay import ReplayCache
from healthgraph.server.pipeline import build_options
from healthgraph.server.service_description import describe_service, serialize_description
from healthgraph.server.settings import Settings
from pyoxigraph import RdfFormat
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
QUERY_CONTENT_TYPE = "application/sparql-query"
UPDATE_CONTENT_TYPE = "application/sparql-update"
UTF8_NAMES = frozenset({"utf-8", "utf8"})

Page = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    """`format=` values (SPARQLWrapper sends a name and a media type list: both must agree)."""
    timeout: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)

    @property
    def graph_store_target(self) -> tuple[bool, str | None]:
        """(True, IRI or None for the default graph) for a Graph Store read, else (False, None)."""
        if self.query is not None or self.update is not None:
            return False, None
        graph = _single(self.extra, "graph")
        if graph is not None:
            if "default" in self.extra:
                raise BadRequest("give either 'graph' or 'default', not both")
            return True, graph
        return ("default" in self.extra), None


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


def _content_type(request: Request) -> tuple[str, dict[str, str]]:
    """The media type of the body (lower case) and its parameters."""
    raw = request.headers.get("content-type", "")
    media, *params = raw.split(";")
    parameters = {}
    for param in params:
        key, _, value = param.partition("=")
        parameters[key.strip().lower()] = value.strip().strip('"').lower()
    return media.strip().lower(), parameters


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the request body is over {limit} bytes")
    return bytes(body)


async def read_sparql_request(request: Request, settings: Settings) -> SparqlRequest:
    """GET with ?query=, POST form (query= or update=), POST direct (sparql-query/-update)."""
    query_string: bytes = request.scope["query_string"]
    if len(query_string) > settings.max_request_bytes:
        raise PayloadTooLarge(f"the query string is over {settings.max_request_bytes} bytes")
    params = _parameters(
        parse_qsl(_decode(query_string, "query string"), keep_blank_values=True)
    )
    body_query: str | None = None
    body_update: str | None = None
    if request.method == "POST":
        content_type, content_params = _content_type(request)
        charset = content_params.get("charset")
        if charset is not None and charset not in UTF8_NAMES:
            raise UnsupportedMediaType(f"only UTF-8 is accepted, not charset={charset}")
        body = await _read_body(request, settings.max_request_bytes)
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
    parsed = SparqlRequest(
        query=query,
        update=update,
        default_graphs=tuple(params.get("default-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", [])),
        using_graphs=tuple(params.get("using-graph-uri", [])),
        using_named_graphs=tuple(params.get("using-named-graph-uri", [])),
        formats=tuple(params.get("format", [])),
        timeout=_single(params, "timeout"),
        extra=params,
    )
    if update is not None and (parsed.default_graphs or parsed.named_graphs):
        raise BadRequest("an update takes using-graph-uri / using-named-graph-uri, "
                         "not default-graph-uri / named-graph-uri")
    if query is not None and (parsed.using_graphs or parsed.using_named_graphs):
        raise BadRequest("a query takes default-graph-uri / named-graph-uri, "
                         "not using-graph-uri / using-named-graph-uri")
    return parsed


def by_names(
    wanted: Sequence[str], offers: tuple[conneg.MediaType, ...]
) -> conneg.MediaType | None:
    """The one offer every `format=` value names (a name, a media type, or a list of media
    types); BadRequest when they name different ones."""
    found: set[conneg.MediaType] = set()
    for value in wanted:
        chosen = conneg.by_name(value, offers)
        if chosen is None and ("/" in value or "," in value):
            chosen = conneg.negotiate(value, offers) if value.strip() else None
        if chosen is not None:
            found.add(chosen)
    if len(found) > 1:
        raise BadRequest("the 'format' values name different formats: "
                         + ", ".join(sorted(f.media_type for f in found)))
    return found.pop() if found else None


def choose_formats(
    accept: str | None, form: str | None, wanted: str | Sequence[str] | None
) -> ResultFormats:
    """Result formats for the query's form; 406 when the client accepts none we can write."""
    names = [wanted] if isinstance(wanted, str) else list(wanted or ())
    names = [name for name in names if name.strip()]
    if names:
        solutions = by_names(names, conneg.SOLUTION_FORMATS)
        graph = by_names(names, conneg.GRAPH_FORMATS)
        if solutions is None and graph is None:
            raise BadRequest(f"unknown format {', '.join(map(repr, names))}")
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


def choose_graph_format(accept: str | None, wanted: Sequence[str]) -> conneg.MediaType:
    """The RDF format of a graph (Service Description, Graph Store read)."""
    chosen = (by_names(wanted, conneg.GRAPH_FORMATS) if wanted
              else conneg.negotiate(accept, conneg.GRAPH_FORMATS))
    if chosen is None:
        raise NotAcceptable("a graph can be sent as "
                            + ", ".join(f.media_type for f in conneg.GRAPH_FORMATS))
    return chosen


def deadline(settings: Settings, requested: str | None) -> float:
    """The request's deadline in seconds: `timeout` if given, capped by the configured maximum."""
    if requested is None or requested.strip() == "":
        return settings.query_timeout
    try:
        seconds = float(requested)
    except ValueError:
        raise BadRequest(f"timeout must be a number of seconds, got {requested!r}") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise BadRequest(f"timeout must be a positive number of seconds, got {requested!r}")
    return min(seconds, settings.max_query_timeout)


def _content_type_header(media_type: str) -> str:
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return media_type + "; charset=utf-8"
    return media_type


def endpoint_url(request: Request) -> str:
    """This endpoint's own URL (no query string): the base IRI of queries and updates."""
    scope = request.scope
    server = scope.get("server")
    return _own_url(scope["scheme"], request.headers.get("host"), scope.get("root_path", ""),
                    scope["path"], None if server is None else (server[0], server[1]))


@functools.lru_cache(maxsize=256)
def _own_url(scheme: str, host: str | None, root_path: str, path: str,
             server: tuple[str, int | None] | None) -> str:
    headers = [] if host is None else [(b"host", host.encode("latin-1"))]
    scope = {"type": "http", "scheme": scheme, "server": server, "root_path": root_path,
             "path": path, "query_string": b"", "headers": headers}
    return str(URL(scope=scope))


class SparqlEndpoint:
    """The protocol handlers over the current store version. `executor` may be shared
    (tests); otherwise one is made from the settings and closed with `close()`."""

    def __init__(
        self,
        settings: Settings,
        versions: VersionSource,
        current: CurrentVersion,
        *,
        executor: QueryExecutor | None = None,
        editor: Page | None = None,
    ) -> None:
        self.settings = settings
        self.versions = versions
        self.current = current
        self._owns_executor = executor is None
        self.executor = executor or QueryExecutor(
            settings.query_workers,
            memory_bytes=settings.query_memory_bytes,
            max_result_bytes=settings.max_result_bytes,
        )
        self.cache: ResultCache[SerializedResult] = ResultCache(settings.result_cache_bytes)
        self.runner = QueryRunner(self.executor, self.cache, settings.allowed_outbound)
        self.replay = ReplayCache(settings.result_cache_bytes, self.runner.answers)
        self.editor = editor

    def routes(self) -> list[Route]:
        return [
            Route("/sparql", self.sparql, methods=["GET", "HEAD", "POST"], name="sparql"),
            Route("/store", self.graph_store, methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
                  name="graph_store"),
        ]

    def close(self) -> None:
        if self._owns_executor:
            self.executor.close()

    async def sparql(self, request: Request) -> Response:
        parsed = await read_sparql_request(request, self.settings)
        if parsed.query is not None:
            return await self._query(request, parsed)
        if parsed.update is not None:
            return await self._update(request, parsed)
        if request.method == "POST":
            raise BadRequest("a POST to /sparql needs a 'query' or an 'update'")
        is_graph_read, graph = parsed.graph_store_target
        if is_graph_read:
            return await self._graph(request, graph, parsed)
        return await self._describe(request, parsed)

    async def graph_store(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return await self._write_graph(request)
        parsed = await read_sparql_request(request, self.settings)
        is_graph_read, graph = parsed.graph_store_target
        if not is_graph_read:
            raise BadRequest("name the graph: ?graph=<IRI> or ?default")
        return await self._graph(request, graph, parsed)

    async def _query(self, request: Request, parsed: SparqlRequest) -> Response:
        assert parsed.query is not None
        form = query_form(parsed.query)
        formats = choose_formats(request.headers.get("accept"), form, parsed.formats)
        timeout = deadline(self.settings, parsed.timeout)
        snapshot = self.current.snapshot()
        version = snapshot.version
        try:
            expanded = snapshot.expand(parsed.query)  # `?x hg:textSearch "..."` from the text index
        except TextSearchError as error:
            raise BadRequest(str(error)) from error
        query = QueryRequest(
            expanded, formats, form, Dataset(parsed.default_graphs, parsed.named_graphs),
            endpoint_url(request),
        )
        key = query_key(version, query)
        etag = http_cache.entity_tag(key)
        if http_cache.not_modified(request.headers, etag, version.built_at):
            return self._not_modified(etag, version)
        result = await self.answer(snapshot, query, timeout, key)
        response = self._answer(request, result, etag, version)
        self.replay.record(request.scope, version.id, list(response.raw_headers), result.body)
        return response

    def guarded(self, snapshot: Snapshot) -> Store:
        """The snapshot's store with every query answered as this endpoint answers one, under
        the default deadline (for GraphQL, which compiles its own SPARQL). A remote engine
        enforces the deadline itself."""
        store = snapshot.store
        if isinstance(store, EmbeddedStore):
            return GuardedStore(self.runner, snapshot.version, store, self.settings.query_timeout)
        return store

    async def answer(
        self, snapshot: Snapshot, query: QueryRequest, timeout: float, key: str | None = None
    ) -> SerializedResult:
        """The serialised answer over the snapshot's version, under `timeout`: from the cache,
        in this process when provably cheap, else in a worker or on the remote engine."""
        store = snapshot.store
        return await self.runner.query_async(
            snapshot.version, query, timeout, key,
            local=store if isinstance(store, EmbeddedStore) else None,
            engine=store if isinstance(store, RemoteStore) else None,
        )

    async def _graph(self, request: Request, graph: str | None, parsed: SparqlRequest) -> Response:
        chosen = choose_graph_format(request.headers.get("accept"), parsed.formats)
        fmt = conneg.ENGINE_GRAPH_FORMATS[chosen.name]
        timeout = deadline(self.settings, parsed.timeout)
        snapshot = self.current.snapshot()
        if not isinstance(snapshot.store, EmbeddedStore):
            raise NotImplementedHere(
                "on a remote SPARQL engine the Graph Store is read from the engine itself")
        version = snapshot.version
        key = graph_key(version, graph, fmt)
        etag = http_cache.entity_tag(key)
        if http_cache.not_modified(request.headers, etag, version.built_at):
            return self._not_modified(etag, version)
        result = await self.runner.graph_async(version, graph, fmt, timeout, key)
        return self._answer(request, result, etag, version)

    async def _write_graph(self, request: Request) -> Response:
        """PUT (replace), POST (add to) or DELETE a named graph: a new version each, with the
        bearer token, as SPARQL Update."""
        require_writer(request.headers, self.settings.update_token, "writing to the Graph Store")
        if not isinstance(self.versions, VersionedStore):
            raise Forbidden("on a remote SPARQL engine, write to the engine's own Graph Store; "
                            "`healthgraph load` publishes new versions there")
        target = SparqlRequest(extra=_parameters(parse_qsl(
            _decode(request.scope["query_string"], "query string"), keep_blank_values=True)))
        is_graph, graph = target.graph_store_target
        if not is_graph:
            raise BadRequest("name the graph: ?graph=<IRI>")
        if graph is None:
            raise MethodNotAllowed(
                "the default graph is the union of the named graphs and cannot be written; "
                "name the graph to write with ?graph=<IRI>", headers={"Allow": "GET, HEAD"})
        options = build_options(self.settings)
        if request.method == "DELETE":
            await run_in_threadpool(drop_graph, self.versions, options, graph)
            return Response(status_code=204, headers={"Cache-Control": "no-store"})
        content_type, params = _content_type(request)
        fmt = RdfFormat.from_media_type(content_type) if content_type else None
        if fmt not in WRITABLE_FORMATS or params.get("charset", "utf-8") not in UTF8_NAMES:
            raise UnsupportedMediaType(
                "send the graph as " + ", ".join(f.media_type for f in WRITABLE_FORMATS)
                + f" in UTF-8; got {content_type or 'no Content-Type'!r}")
        assert fmt is not None
        body = await _read_body(request, self.settings.max_request_bytes)
        created = await run_in_threadpool(
            functools.partial(write_graph, self.versions, options, graph, body, fmt,
                              replace=request.method == "PUT", base_iri=graph))
        return Response(status_code=201 if created else 204, headers={"Cache-Control": "no-store"})

    async def _update(self, request: Request, parsed: SparqlRequest) -> Response:
        assert parsed.update is not None
        require_writer(request.headers, self.settings.update_token, "SPARQL Update")
        if not isinstance(self.versions, VersionedStore):
            raise Forbidden("on a remote SPARQL engine, updates go to the engine; "
                            "`healthgraph load` publishes new versions there")
        await run_in_threadpool(
            apply_update,
            self.versions,
            build_options(self.settings),
            parsed.update,
            base_iri=endpoint_url(request),
            using=parsed.using_graphs,
            using_named=parsed.using_named_graphs,
            allowed_outbound=self.settings.allowed_outbound,
        )
        return Response(status_code=204, headers={"Cache-Control": "no-store"})

    async def _describe(self, request: Request, parsed: SparqlRequest) -> Response:
        """The Service Description when RDF is preferred (or nothing is asked for), else the
        editor page."""
        accept = request.headers.get("accept")
        offers = (*conneg.GRAPH_FORMATS, conneg.HTML)
        chosen = (by_names(parsed.formats, offers) if parsed.formats
                  else conneg.negotiate(accept, offers))
        if chosen is None:
            raise NotAcceptable("the service description can be sent as "
                                + ", ".join(f.media_type for f in offers))
        if chosen is conneg.HTML and self.editor is not None:
            return await self.editor(request)
        if chosen is conneg.HTML:
            chosen = conneg.TURTLE
        version = self.current.snapshot().version
        url = endpoint_url(request)
        etag = http_cache.entity_tag(hashlib.sha256(
            f"sd {version.id} {chosen.name} {url} {self.settings.update_token is not None}"
            .encode()).hexdigest())
        if http_cache.not_modified(request.headers, etag, version.built_at):
            return self._not_modified(etag, version)
        description = describe_service(
            url, version, update_enabled=self.settings.update_token is not None,
            void_url=str(request.url_for("sparql").replace(path="/.well-known/void")),
        )
        body = serialize_description(description, conneg.ENGINE_GRAPH_FORMATS[chosen.name])
        media_type = conneg.ENGINE_GRAPH_FORMATS[chosen.name].media_type
        return self._answer(request, SerializedResult(QueryForm.CONSTRUCT, body, media_type),
                            etag, version)

    def _headers(self, etag: str, version: VersionInfo) -> dict[str, str]:
        return {"Vary": "Accept", **http_cache.validators(etag, version.built_at)}

    def _not_modified(self, etag: str, version: VersionInfo) -> Response:
        return Response(status_code=304, headers=self._headers(etag, version))

    def _answer(
        self, request: Request, result: SerializedResult, etag: str, version: VersionInfo
    ) -> Response:
        headers = self._headers(etag, version)
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(result.body))
            return Response(b"", headers=headers,
                            media_type=_content_type_header(result.media_type))
        return Response(result.body, headers=headers,
                        media_type=_content_type_header(result.media_type))
