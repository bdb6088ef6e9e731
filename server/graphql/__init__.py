"""The GraphQL API: hand-written types compiled to SPARQL, bounded, over GraphQL-over-HTTP.

`routes(settings, reads)` gives the `/graphql` route; `reads` returns what one request reads
(`Reads`: the store, and its version's text index, both from one snapshot).
"""

from __future__ import annotations

from collections.abc import Callable

from healthgraph.graph.iris import IriMinter
from healthgraph.server.graphql.context import Limits, Reads
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


def view(settings: Settings, reads: Callable[[], Reads]) -> GraphQLView:
    limits = limits_from(settings)
    return GraphQLView(build_schema(limits), reads, IriMinter(settings.base_iri), limits)


def routes(settings: Settings, reads: Callable[[], Reads]) -> list[BaseRoute]:
    return [Route("/graphql", view(settings, reads), name="graphql")]
