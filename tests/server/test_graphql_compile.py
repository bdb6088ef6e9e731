"""A GraphQL request reads the store in as few SPARQL queries as its shape needs.

The store is the real on-disk store of the shipped data, wrapped in a decorator that counts
the queries it is asked; the view is the real GraphQL view.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.store import Bindings, Store, Term
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import graphql
from healthgraph.server.graphql.compiler import Terms
from healthgraph.server.graphql.context import Reads
from healthgraph.server.settings import Settings
from pyoxigraph import Literal, NamedNode
from starlette.applications import Starlette
from starlette.testclient import TestClient


@dataclass
class CountingStore:
    """Our Store, observed: every query passes through to the real store and is counted."""

    inner: Store
    queries: list[str] = field(default_factory=list)

    def select(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]:
        self.queries.append(query)
        return self.inner.select(query, bindings)


@pytest.fixture
def counted(settings: Settings) -> Iterator[tuple[TestClient, CountingStore]]:
    store = CountingStore(CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store)
    app = Starlette(routes=graphql.routes(settings, lambda: Reads(store)))  # type: ignore[arg-type]
    with TestClient(app) as client:
        yield client, store


NESTED = """{
  partnerships(first: 100) {
    totalCount
    pageInfo { hasNextPage }
    nodes { label members { role { label } organisation { label kind country { label isoCode } } } }
  }
}"""


def test_100_partnerships_members_organisation_country_is_one_query(
    counted: tuple[TestClient, CountingStore],
) -> None:
    client, store = counted
    response = client.post("/graphql", json={"query": NESTED})
    data = response.json()["data"]["partnerships"]
    assert "errors" not in response.json()
    assert len(data["nodes"]) == data["totalCount"] == 92
    assert sum(len(node["members"]) for node in data["nodes"]) == 353
    assert all(m["organisation"]["label"] for node in data["nodes"] for m in node["members"])
    assert len(store.queries) <= 2
    assert len(store.queries) == 1


def test_fragments_and_aliases_compile_into_the_same_query(
    counted: tuple[TestClient, CountingStore],
) -> None:
    client, store = counted
    query = """
      fragment Org on Organisation { label country { isoCode } }
      { partnerships(first: 5) { nodes { label
          ... on Partnership { members { organisation { ...Org } } }
          lead: members { role { label } } } } }"""
    response = client.post("/graphql", json={"query": query})
    nodes = response.json()["data"]["partnerships"]["nodes"]
    assert len(nodes) == 5 and all(node["members"] and node["lead"] for node in nodes)
    assert len(store.queries) == 1


def test_lookups_by_iri_are_batched_by_the_dataloader(counted: tuple[TestClient, CountingStore]) -> None:
    client, store = counted
    base = "https://w3id.org/healthgraph/id/country/"
    query = "{ " + " ".join(
        f'c{i}: country(iri: "{base}{code}") {{ label isoCode }}'
        for i, code in enumerate(("mw", "zm", "rw", "gb-sct"))
    ) + " }"
    response = client.post("/graphql", json={"query": query})
    data = response.json()["data"]
    assert {v["isoCode"] for v in data.values()} == {"MW", "ZM", "RW", "GB-SCT"}
    assert len(store.queries) == 1


def test_each_root_field_is_one_query(counted: tuple[TestClient, CountingStore]) -> None:
    client, store = counted
    query = """{ countries(first: 20) { nodes { label organisations { label memberships {
                   partnership { label countries { label } } } } } }
                 healthBoards(first: 30) { nodes { label posts { role { label } } } } }"""
    response = client.post("/graphql", json={"query": query})
    assert "errors" not in response.json()
    assert len(store.queries) == 2


def test_user_values_reach_sparql_only_as_terms() -> None:
    terms = Terms()
    name = terms.bind(Literal('x" } ; DROP ALL ; #'))
    iri = terms.bind(NamedNode("https://w3id.org/healthgraph/id/country/mw"))
    assert (name, iri) == ("?p0", "?p1")
    assert terms.values() == ('VALUES (?p0 ?p1) { ("x\\" } ; DROP ALL ; #" '
                              '<https://w3id.org/healthgraph/id/country/mw>) }\n')
    with pytest.raises(TypeError):
        terms.bind("plain text")  # type: ignore[arg-type]


def test_hostile_name_filter_is_just_a_string(counted: tuple[TestClient, CountingStore]) -> None:
    client, _store = counted
    response = client.post("/graphql", json={
        "query": "query($t: String!) { partnerships(where: {nameContains: $t}) { totalCount } }",
        "variables": {"t": '") } } UNION { ?s ?p ?o } #'}})
    assert response.json() == {"data": {"partnerships": {"totalCount": 0}}}


@pytest.mark.parametrize("fields", ["programmes { label }", "programmes { label } alsoKnownAs"])
def test_roots_without_nested_rows_are_kept(counted: tuple[TestClient, CountingStore], fields: str) -> None:
    client, store = counted
    response = client.post("/graphql", json={
        "query": f"{{ countries(first: 100) {{ totalCount nodes {{ isoCode {fields} }} }} }}"})
    data = response.json()["data"]["countries"]
    assert len(data["nodes"]) == data["totalCount"] == 14
    assert any(node["programmes"] == [] for node in data["nodes"])
    assert any(node["programmes"] for node in data["nodes"])
    codes = [node["isoCode"] for node in data["nodes"]]
    assert len(set(codes)) == 14
    assert len(store.queries) == 1


def test_lists_are_left_joins_on_the_page_not_unions() -> None:
    """Branches joined to the page by UNION were evaluated over every entity (seconds at
    50,000 partnerships); as left joins keyed by ?b they run for the page's roots only."""
    from healthgraph.server.graphql.compiler import RootPattern, build_plan, compile_query
    from strawberry.types.nodes import SelectedField

    def field(name: str, *selections: SelectedField) -> SelectedField:
        return SelectedField(name=name, directives={}, arguments={}, selections=list(selections),
                             alias=None)

    selection = [field("label"), field("places"), field("themes", field("label")),
                 field("members", field("organisation", field("country", field("label"))))]
    plan = build_plan("Partnership", selection)
    text = compile_query(plan, RootPattern(patterns=("?e0 a ?x .",), terms=Terms(), limit=11)).text
    assert "UNION" not in text
    assert "VALUES ?b { 0 1 2 3 }" in text
    assert text.count("OPTIONAL { FILTER(?b = ") == 3
    assert "LIMIT 11 }" in text, "the LIMIT is inside the page subquery"
