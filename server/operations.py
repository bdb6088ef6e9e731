"""Operations endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from healthgraph.graph.current import VersionSource
from healthgraph.graph.versions import NoCurrentVersionError, VersionInfo
from healthgraph.server.metrics import CONTENT_TYPE, Metrics
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

NO_STORE = {"Cache-Control": "no-store"}


def current_or_none(versions: VersionSource) -> VersionInfo | None:
    try:
        return versions.current()
    except (NoCurrentVersionError, OSError, ValueError, KeyError):
        return None


def routes(versions: VersionSource, metrics: Metrics) -> list[Route]:
    async def healthz(request: Request) -> Response:
        """Alive: the process answers. Says nothing about the store."""
        return PlainTextResponse("ok", headers=NO_STORE)

    async def readyz(request: Request) -> Response:
        """Ready: a complete store version is current (503 before the first build)."""
        version = current_or_none(versions)
        if version is None:
            return JSONResponse(
                {"status": 503, "ready": False, "error": "Service Unavailable",
                 "message": "no store version is current yet"},
                status_code=503, headers={**NO_STORE, "Retry-After": "5"},
            )
        return JSONResponse(
            {"status": 200, "ready": True, "version": version.id,
             "built_at": version.built_at.isoformat(), "triples": version.triples},
            headers=NO_STORE,
        )

    async def metrics_endpoint(request: Request) -> Response:
        body = metrics.exposition(lambda: current_or_none(versions))
        return Response(body, media_type=CONTENT_TYPE, headers=NO_STORE)

    return [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/readyz", readyz, methods=["GET", "HEAD"]),
        Route("/metrics", metrics_endpoint, methods=["GET", "HEAD"]),
    ]
