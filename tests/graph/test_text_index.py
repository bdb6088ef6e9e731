"""The text index gives exactly the results, in the same order, as the CONTAINS query."""

from __future__ import annotations

import pytest
from healthgraph.graph.current import CurrentVersion, Snapshot, contains_query
from healthgraph.graph.text_index import TextIndex, TextSearchError, expand_text_search
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.settings import Settings


@pytest.fixture(scope="module")
def snapshot(settings: Settings) -> Snapshot:
    return CurrentVersion(VersionedStore(settings.state_dir)).snapshot()


def _contains(snapshot: Snapshot, text: str, limit: int, offset: int = 0) -> list[str]:
    rows = snapshot.store.select(contains_query(text, limit, offset))
    return [row["s"].value for row in rows]


def test_every_version_has_a_text_index(snapshot: Snapshot) -> None:
    assert snapshot.text_index is not None
    assert snapshot.version.text_index_path.exists()


@pytest.mark.parametrize("text", ["eye", "Malawi", "TWINNING", "nhs", "Zambia", "ear", "of", "é", "x"])
def test_search_equals_contains(snapshot: Snapshot, text: str) -> None:
    for limit, offset in [(50, 0), (10, 5), (1000, 0)]:
        assert snapshot.search(text, limit, offset) == _contains(snapshot, text, limit, offset)


@pytest.mark.parametrize("text", ["eye", "Malawi", "health", "of"])
def test_both_plans_give_the_same_results(snapshot: Snapshot, text: str) -> None:
    assert snapshot.text_index is not None
    ordered_scan = TextIndex(snapshot.text_index.path, sort_limit=0)
    fts_then_sort = TextIndex(snapshot.text_index.path, sort_limit=10**9)
    for limit, offset in [(50, 0), (7, 3)]:
        assert ordered_scan.search(text, limit, offset) == fts_then_sort.search(text, limit, offset)
        assert ordered_scan.search(text, limit, offset) == _contains(snapshot, text, limit, offset)


def test_search_with_quotes_and_no_match(snapshot: Snapshot) -> None:
    assert snapshot.search('"quoted" text nowhere') == []
    assert snapshot.search("") == []


def test_sparql_extension_expands_to_values(snapshot: Snapshot) -> None:
    query = ('PREFIX hg: <https://w3id.org/healthgraph/ontology#> '
             'SELECT ?p WHERE { ?p hg:textSearch "twinning" . ?p a hg:Partnership }')
    expanded = snapshot.expand(query)
    assert "VALUES ?p {" in expanded and "textSearch" not in expanded
    rows = snapshot.store.select(expanded)
    assert rows and {row["p"].value for row in rows} <= set(snapshot.search("twinning", 10_000))


def test_sparql_extension_without_an_index_is_refused() -> None:
    with pytest.raises(TextSearchError):
        expand_text_search(
            'SELECT * WHERE { ?p <https://w3id.org/healthgraph/ontology#textSearch> "x" }', None
        )


def test_sparql_extension_over_http(client: object) -> None:
    import httpx

    assert isinstance(client, httpx.Client)
    query = ('PREFIX hg: <https://w3id.org/healthgraph/ontology#> '
             'SELECT ?p WHERE { ?p hg:textSearch "twinning" ; a hg:Partnership }')
    response = client.get("/sparql", params={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"]
