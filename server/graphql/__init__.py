"""The GraphQL API: hand-written types compiled to SPARQL, bounded, over GraphQL-over-HTTP.

`routes(settings, store, text_index)` gives the `/graphql` route; `store` returns the store a
request reads (by default the current version's snapshot), `text_index` that version's text
index (None: `search` runs as SPARQL).
"""

from __future__ import annotations

from collections.abc import Callable

from healthgraph.graph.iris import IriMinter
from healthgraph.graph.store import Store
from healthgraph.graph.text_index import TextIndex
from healthgraph.server.graphql.context import Limits
from healthgraph.server.graphql.http import GraphQLView
from healthgraph.server.graphql.schema import build_schema
from healthgraph.server.settings import Settings
from starlette.routing import BaseRoute, Route


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_depth=settings.graphql_max_depth,
        max_tokens=settings.graphql_max_tokens,
        max_aliases=settings.graphql_max_aliases,
        max_page_size=min(settings.graphql_max_page_size, 100),
    )


def _no_index() -> TextIndex | None:
    return None


def view(settings: Settings, store: Callable[[], Store],
         text_index: Callable[[], TextIndex | None] = _no_index) -> GraphQLView:
    limits = limits_from(settings)
    return GraphQLView(build_schema(limits), store, IriMinter(settings.base_iri), limits, text_index)


def routes(settings: Settings, store: Callable[[], Store],
           text_index: Callable[[], TextIndex | None] = _no_index) -> list[BaseRoute]:
    return [Route("/graphql", view(settings, store, text_index), name="graphql")]
