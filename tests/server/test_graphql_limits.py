"""Abusive GraphQL requests are refused with clear errors before anything runs; caches hit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import graphql
from healthgraph.server.graphql.context import Reads
from healthgraph.server.graphql.schema import CACHE_SIZE
from healthgraph.server.settings import Settings
from starlette.applications import Starlette
from starlette.testclient import TestClient
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from tests.server.test_graphql_compile import CountingStore

GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}


@pytest.fixture
def counted(settings: Settings) -> Iterator[tuple[TestClient, CountingStore]]:
    store = CountingStore(CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store)
    app = Starlette(routes=graphql.routes(settings, lambda: Reads(store)))  # type: ignore[arg-type]
    with TestClient(app) as client:
        yield client, store


def _refused(client: TestClient, store: CountingStore, query: str, expected: str,
             variables: dict[str, object] | None = None) -> None:
    response = client.post("/graphql", json={"query": query, "variables": variables},
                           headers=GRAPHQL_RESPONSE)
    body = response.json()
    messages = " | ".join(error["message"] for error in body["errors"])
    assert expected in messages, messages
    assert store.queries == [], "a refused request must not reach the store"
    assert response.status_code in (200, 400)


def test_over_deep_query_is_refused(counted: tuple[TestClient, CountingStore]) -> None:
    client, store = counted
    deep = "label"
    for _ in range(6):
        deep = f"members {{ organisation {{ memberships {{ partnership {{ {deep} }} }} }} }}"
    _refused(client, store, f"{{ partnerships {{ nodes {{ {deep} }} }} }}",
             "exceeds maximum operation depth of 10")


def test_over_wide_query_is_refused(counted: tuple[TestClient, CountingStore]) -> None:
    client, store = counted
    fields = " ".join(["label key iri description places status"] * 400)
    _refused(client, store, f"{{ partnerships {{ nodes {{ {fields} }} }} }}",
             "Document contains more than 2000 tokens")


def test_alias_bomb_is_refused(counted: tuple[TestClient, CountingStore]) -> None:
    client, store = counted
    aliases = " ".join(f"a{i}: partnerships {{ totalCount }}" for i in range(50))
    _refused(client, store, f"{{ {aliases} }}", "50 aliases found. Allowed: 30")


def test_huge_page_literal_is_refused(counted: tuple[TestClient, CountingStore]) -> None:
    client, store = counted
    _refused(client, store, "{ partnerships(first: 100000) { totalCount } }",
             "'partnerships(first: 100000)' asks for too many items; pages hold 0 to 100 items")


def test_huge_page_variable_is_refused(counted: tuple[TestClient, CountingStore]) -> None:
    client, store = counted
    _refused(client, store, "query($n: Int!) { organisations(first: $n) { totalCount } }",
             "first: 5000 is out of range; ask for 0 to 100 items", {"n": 5000})


def test_search_page_is_bounded(counted: tuple[TestClient, CountingStore]) -> None:
    client, store = counted
    _refused(client, store, '{ search(text: "a", first: 101) { iri } }', "asks for too many items")


def test_internal_errors_are_masked(settings: Settings) -> None:
    class Broken:
        def select(self, query: str, bindings: object = None) -> object:
            raise RuntimeError("disk on fire at /var/secret/path")

    app = Starlette(routes=graphql.routes(settings, lambda: Reads(Broken())))  # type: ignore[arg-type]
    with TestClient(app) as client:
        response = client.post("/graphql", json={"query": "{ partnerships { totalCount } }"})
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == "Internal server error."
    assert "secret" not in response.text


def test_parser_and_validation_caches_hit_across_requests(counted: tuple[TestClient, CountingStore]) -> None:
    client, _store = counted
    query = '{ country(isoCode: "MW") { label partnerships { label } } }'
    client.post("/graphql", json={"query": query})
    parse_before = _get_parse_cache(CACHE_SIZE).cache_info().hits
    validate_before = _get_validate_cache(CACHE_SIZE).cache_info().hits
    for _ in range(3):
        assert client.post("/graphql", json={"query": query}).json()["data"]["country"]
    assert _get_parse_cache(CACHE_SIZE).cache_info().hits == parse_before + 3
    assert _get_validate_cache(CACHE_SIZE).cache_info().hits == validate_before + 3
