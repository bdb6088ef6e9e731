"""Per-request state: the store snapshot, the limits, and the request's DataLoaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from healthgraph.graph.iris import IriMinter
from healthgraph.graph.store import Store
from healthgraph.graph.text_index import TextIndex
from healthgraph.server.graphql import fetch
from healthgraph.server.graphql.compiler import Record
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import Selection


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_tokens: int = 2000
    max_aliases: int = 30
    max_page_size: int = 100


class Reads(NamedTuple):
    """What one request reads, from one snapshot: the store, and its version's text index
    (None: `search` runs as SPARQL)."""

    store: Store
    text_index: TextIndex | None = None


@dataclass
class Context:
    """What every resolver of one request reads; built in the view's `get_context`."""

    store: Store
    minter: IriMinter
    limits: Limits
    request: Any = None
    response: Any = None
    text_index: TextIndex | None = None
    """The version's text index (`search` reads it; None: `search` runs as SPARQL)."""
    _loaders: dict[tuple[str, str], DataLoader[str, Record | None]] = field(default_factory=dict)

    def by_iri(self, entity_name: str, selections: Sequence[Selection],
               signature: str) -> DataLoader[str, Record | None]:
        """A loader of entities by IRI for one type and selection: one VALUES query per batch.

        Aliased root lookups (`a: country(iri: ..) b: country(iri: ..)`) share one query.
        """
        key = (entity_name, signature)
        loader = self._loaders.get(key)
        if loader is None:
            async def load(iris: list[str]) -> list[Record | None]:
                found = await fetch.fetch_by_iris(self.store, entity_name, selections, iris)
                return [found.get(iri) for iri in iris]

            loader = self._loaders[key] = DataLoader(load_fn=load)
        return loader
