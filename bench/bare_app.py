"""The floor of a Python SPARQL server, for the benchmark's reference: Starlette + pyoxigraph
and nothing else (no deadline, limits, caches, negotiation or middleware). `uvicorn --factory
--app-dir bench bare_app:app` over the current version of HEALTHGRAPH_STATE_DIR."""

from __future__ import annotations

import os
from pathlib import Path

from healthgraph.graph.versions import VersionedStore
from pyoxigraph import QueryResultsFormat
from pyoxigraph import Store as OxStore
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def app() -> Starlette:
    path = VersionedStore(Path(os.environ["HEALTHGRAPH_STATE_DIR"])).current().store_path
    store = OxStore.read_only(str(path))

    async def sparql(request: Request) -> Response:
        results = store.query(request.query_params["query"], use_default_graph_as_union=True)
        body = results.serialize(format=QueryResultsFormat.JSON)  # type: ignore[union-attr]
        return Response(body, media_type="application/sparql-results+json")

    return Starlette(routes=[Route("/sparql", sparql)])
