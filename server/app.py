"""The Starlette application: routes and middleware declared up front, errors mapped here."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from healthgraph.graph.boards import UnknownBoardError
from healthgraph.graph.current import CurrentVersion, Snapshot, VersionSource
from healthgraph.graph.executor import QueryExecutor
from healthgraph.graph.remote_store import RemoteStoreError, RemoteTimeoutError, RemoteTruncatedError
from healthgraph.graph.search import FilterError
from healthgraph.graph.similarity import UnknownPartnershipError
from healthgraph.graph.versions import NoCurrentVersionError
from healthgraph.server import (
    collaborate,
    contribute,
    dataset,
    graphql,
    ontology,
    operations,
    pipeline,
    queries_api,
    resources,
    sparql,
    ui,
)
from healthgraph.server.errors import GRAPH_ERRORS, HttpError, from_graph_error
from healthgraph.server.graphql.context import Reads
from healthgraph.server.metrics import Metrics
from healthgraph.server.middleware.body_timeout import BodyTimeoutMiddleware
from healthgraph.server.middleware.client_budget import ClientBudgetMiddleware
from healthgraph.server.middleware.metrics import MetricsMiddleware
from healthgraph.server.middleware.replay import ReplayMiddleware
from healthgraph.server.middleware.request_id import RequestIdMiddleware
from healthgraph.server.middleware.security_headers import SecurityHeadersMiddleware
from healthgraph.server.middleware.size_limit import RequestSizeLimitMiddleware
from healthgraph.server.pages import STATIC_DIR, render
from healthgraph.server.settings import Settings
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

log = logging.getLogger(__name__)


class Services:
    """What the handlers share: settings and the current store version."""

    def __init__(self, settings: Settings, versions: VersionSource) -> None:
        self.settings = settings
        self.versions = versions
        self.current = CurrentVersion(versions)
        self.metrics = Metrics()


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services




async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HttpError)
    headers = {**exc.headers, "Cache-Control": "no-store"}
    body = {"status": exc.status, "error": exc.title, "message": exc.message}
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def graph_error(request: Request, exc: Exception) -> Response:
    return await http_error(request, from_graph_error(exc))


async def bad_filter(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FilterError)
    return render(request, "error.html", {
        "title": "Bad search", "message": str(exc), "back": "/partnerships",
    }, status_code=400, headers={"Cache-Control": "no-store"})


async def unknown_board(request: Request, exc: Exception) -> Response:
    return render(request, "error.html", {
        "title": "No such health board",
        "message": f"No health board has the GSS code or key {str(exc)!r}.",
        "back": "/",
    }, status_code=404)


async def unknown_partnership(request: Request, exc: Exception) -> Response:
    return render(request, "error.html", {
        "title": "No such partnership",
        "message": f"No partnership has the key {str(exc)!r}.",
        "back": "/partnerships",
    }, status_code=404)


async def no_version(request: Request, exc: Exception) -> Response:
    return JSONResponse(
        {"status": 503, "error": "Service Unavailable", "message": str(exc)},
        status_code=503,
        headers={"Retry-After": "5"},
    )


async def remote_error(request: Request, exc: Exception) -> Response:
    timeout = isinstance(exc, RemoteTimeoutError)
    truncated = isinstance(exc, RemoteTruncatedError)
    status = 503 if timeout else 500 if truncated else 502
    reason = {503: "Service Unavailable", 500: "Internal Server Error", 502: "Bad Gateway"}[status]
    return JSONResponse(
        {"status": status, "error": reason,
         "message": str(exc)},
        status_code=status, headers={"Cache-Control": "no-store"},
    )


def create_app(
    settings: Settings,
    versions: VersionSource | None = None,
    *,
    executor: QueryExecutor | None = None,
) -> Starlette:
    """The whole web application over the store versions in `settings.state_dir`.
    `executor` runs the queries (default: a pool of its own, closed on shutdown)."""
    services = Services(settings, versions or pipeline.version_source(settings))
    sparql_endpoint = sparql.SparqlEndpoint(
        settings, services.versions, services.current, executor=executor, editor=ui.sparql_editor
    )

    def graphql_reads(snapshot: Snapshot) -> Reads:
        return Reads(sparql_endpoint.guarded(snapshot), snapshot.text_index)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            sparql_endpoint.close()

    routes = [
        *sparql_endpoint.routes(),
        *operations.routes(services.versions, services.metrics),
        *ui.routes(),
        *graphql.routes(settings, lambda: graphql_reads(services.current.snapshot())),
        *resources.routes(),
        *ontology.routes(),
        *dataset.routes(),
        *queries_api.routes(),
        *collaborate.routes(),
        *contribute.routes(),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    middleware = [
        # outermost first: every request gets an id and is counted, even when refused
        Middleware(RequestIdMiddleware),
        Middleware(MetricsMiddleware, metrics=services.metrics),
        Middleware(SecurityHeadersMiddleware),
        Middleware(
            ClientBudgetMiddleware,
            requests_per_second=settings.client_requests_per_second,
            request_burst=settings.client_request_burst,
            query_seconds_per_minute=settings.client_query_seconds_per_minute,
        ),
        Middleware(
            RequestSizeLimitMiddleware,
            max_bytes=settings.max_request_bytes,
            max_header_bytes=settings.max_header_bytes,
        ),
        Middleware(BodyTimeoutMiddleware, seconds=settings.body_timeout),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
            expose_headers=["ETag", "Link", "Last-Modified", "Vary"],
        ),
        Middleware(ReplayMiddleware, cache=sparql_endpoint.replay,
                   version=lambda: services.current.snapshot().version.id),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            **dict.fromkeys(GRAPH_ERRORS, graph_error),
            HttpError: http_error,
            NoCurrentVersionError: no_version,
            FilterError: bad_filter,
            UnknownBoardError: unknown_board,
            UnknownPartnershipError: unknown_partnership,
            RemoteStoreError: remote_error,
            **contribute.EXCEPTION_HANDLERS,
        },
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.sparql = sparql_endpoint
    services.metrics.query_answers = sparql_endpoint.runner.answers
    return app


def app_from_env() -> Starlette:
    """The app from HEALTHGRAPH_* variables: the factory uvicorn workers import
    (`uvicorn --factory healthgraph.server.app:app_from_env`)."""
    return create_app(Settings.from_env())
