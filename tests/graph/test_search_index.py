"""GraphQL `search` and the partnership search answer from the version's text index exactly
as their SPARQL does: on the shipped data, on a generated dataset and on a remote engine."""

from __future__ import annotations

import asyncio
import importlib.util
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from healthgraph.graph.current import CurrentVersion, Snapshot
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.search import Filters, SearchResult, search
from healthgraph.graph.search_index import SearchIndex
from healthgraph.graph.text_index import FORMAT, LABELLED_TYPES, TextIndex, build_text_index, open_text_index
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import pipeline
from healthgraph.server.graphql.mapping import ENTITIES
from healthgraph.server.graphql.search import SEARCHED, Hit, search_labels
from healthgraph.server.settings import Settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

MINTER = IriMinter()
GENERATE = Path(__file__).resolve().parents[2] / "bench" / "generate.py"

NEEDLES = [
    "a", "e", "é", "x", "zz", "of", "eye", "EYE", "Malawi", "health", "care", "nhs lothian",
    "eye care", "cervical screening", "partnership 1", "  malaria  ", "ü", "ł", "Ł", "\u2019", "-",
    '"', "o'", "%", "_", "a%b", "(", "twinning partnership for improvement", "no such thing",
]
"""Common and rare, 1-2 characters, several words, non-ASCII, quotes, LIKE wildcards."""

FILTER_SETS: list[dict[str, str]] = [
    {}, {"country": "MW"}, {"country": "ZM", "kind": "university"}, {"board": "nhs-lothian"},
    {"board": "S08000024"}, {"theme": "maternal-health"}, {"kind": "charity"},
    {"from": "2000", "to": "2015"}, {"from": "2010"}, {"page": "2"}, {"country": "MW", "page": "3"},
]


@pytest.fixture(scope="module")
def shipped(settings: Settings) -> Snapshot:
    return CurrentVersion(VersionedStore(settings.state_dir)).snapshot()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """1,000 synthetic partnerships (bench/generate.py) through the real build."""
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("generated")
    module.Generator(1000).write(folder / "data", progress=None)
    settings = Settings(state_dir=folder / "state", data_dir=folder / "data", build_dumps=False)
    pipeline.build(settings, lambda _message: None)
    return CurrentVersion(VersionedStore(settings.state_dir)).snapshot()


@pytest.fixture(params=["shipped", "generated"])
def snapshot(request: pytest.FixtureRequest) -> Snapshot:
    chosen: Snapshot = request.getfixturevalue(request.param)
    assert chosen.text_index is not None and chosen.text_index.format == FORMAT
    return chosen


def _labels(snapshot: Snapshot, text: str, limit: int, index: TextIndex | None) -> list[Hit]:
    # a thread of its own: an earlier test may leave an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, search_labels(snapshot.store, text, limit, index)).result()


def _search(snapshot: Snapshot, filters: Filters, index: SearchIndex | None,
            statistics: bool = True) -> SearchResult:
    return search(snapshot.store, filters, MINTER,
                  snapshot.version.statistics if statistics else None, index)


def test_searched_types_agree_with_the_graphql_mapping() -> None:
    assert SEARCHED == ("Partnership", "Organisation", "Country", "Programme", "Document", "Role",
                        "Theme")
    for labelled in LABELLED_TYPES:
        entity = ENTITIES[labelled.name]
        assert (labelled.rdf_class, labelled.label_predicate) == (
            entity.rdf_class, entity.label_predicate)


@pytest.mark.parametrize("text", NEEDLES)
def test_graphql_search_from_the_index_equals_contains(snapshot: Snapshot, text: str) -> None:
    for limit in (1, 10, 100):
        assert _labels(snapshot, text, limit, snapshot.text_index) == _labels(snapshot, text, limit, None)


def test_graphql_search_finds_boards_once_and_themes_by_pref_label(shipped: Snapshot) -> None:
    hits = _labels(shipped, "nhs", 100, shipped.text_index)
    assert len({hit.iri for hit in hits}) == len(hits)
    assert any(hit.type == "Organisation" for hit in hits)
    assert any(hit.type == "Theme" for hit in _labels(shipped, "cancer", 100, shipped.text_index))


@pytest.mark.parametrize("text", ["e", "health", "partnership", "a"])
def test_both_label_plans_give_the_same_hits(generated: Snapshot, text: str) -> None:
    assert generated.text_index is not None
    path = generated.text_index.path
    ordered_scan, fts_then_sort = TextIndex(path, sort_limit=0), TextIndex(path, sort_limit=10**9)
    for limit in (7, 100, 700):
        assert ordered_scan.labels(text, limit) == fts_then_sort.labels(text, limit)


@pytest.mark.parametrize("text", NEEDLES)
def test_partnership_search_from_the_index_equals_sparql(snapshot: Snapshot, text: str) -> None:
    for params in FILTER_SETS:
        filters = Filters.parse({"q": text, **params})
        indexed = _search(snapshot, filters, snapshot.search_index)
        assert indexed == _search(snapshot, filters, None), params
        assert indexed.total == 0 or indexed.hits or filters.page > 1


@pytest.mark.parametrize("params", FILTER_SETS)
def test_searches_without_keywords_from_the_index_equal_sparql(snapshot: Snapshot,
                                                                params: dict[str, str]) -> None:
    filters = Filters.parse(params)
    for statistics in (True, False):
        assert _search(snapshot, filters, snapshot.search_index, statistics) == _search(
            snapshot, filters, None, statistics)


@pytest.mark.parametrize("text", ["health", "a", "eye"])
def test_both_page_plans_give_the_same_pages(generated: Snapshot, text: str) -> None:
    assert generated.text_index is not None
    path = generated.text_index.path
    for page in ("1", "4"):
        filters = Filters.parse({"q": text, "page": page})
        assert _search(generated, filters, SearchIndex(path, sort_limit=0)) == _search(
            generated, filters, SearchIndex(path, sort_limit=10**9))


@pytest.mark.parametrize("params", [{"q": "health"}, {"kind": "university", "from": "2000"},
                                    {"country": "GB-SCT", "q": "care"}, {"from": "2010"}])
def test_both_facet_plans_give_the_same_counts(generated: Snapshot, params: dict[str, str]) -> None:
    assert generated.text_index is not None
    path = generated.text_index.path
    filters = Filters.parse(params)
    look_up_tags, read_tags_in_order = SearchIndex(path, scan_share=2.0), SearchIndex(path, scan_share=0.0)
    assert _search(generated, filters, look_up_tags, False) == _search(
        generated, filters, read_tags_in_order, False)


@pytest.fixture(scope="module")
def texts(generated: Snapshot) -> list[str]:
    """Labels, summaries and places of the generated partnerships: where needles come from."""
    assert generated.text_index is not None
    with sqlite3.connect(f"file:{generated.text_index.path}?mode=ro", uri=True) as connection:
        return [text for (text,) in connection.execute(
            "SELECT text FROM partnership_text ORDER BY rowid LIMIT 400")]


@hypothesis_settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_needles_give_the_same_answers(generated: Snapshot, texts: list[str],
                                              data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, max(0, len(source) - 1)))
    length = data.draw(st.integers(1, 12))
    needle = source[start:start + length]
    if data.draw(st.booleans()):
        needle = needle.upper()
    if not needle.strip():
        needle = data.draw(st.text(min_size=1, max_size=3).filter(str.strip))
    assert _labels(generated, needle, 20, generated.text_index) == _labels(generated, needle, 20, None)
    filters = Filters.parse({"q": needle, **data.draw(st.sampled_from(FILTER_SETS))})
    assert _search(generated, filters, generated.search_index) == _search(generated, filters, None)


def test_an_index_of_another_format_is_not_opened(tmp_path: Path, shipped: Snapshot) -> None:
    assert shipped.text_index is not None
    labels_only = tmp_path / "text.sqlite"
    build_text_index(labels_only, [])  # the tables of the first format, no user_version
    assert open_text_index(labels_only) is None
    assert open_text_index(tmp_path / "missing.sqlite") is None
    assert open_text_index(shipped.text_index.path) is not None
    without = Snapshot(shipped.version, shipped.store, None)
    assert without.search_index is None


def test_graphql_over_http_reads_the_index(client: object, shipped: Snapshot) -> None:
    import httpx

    assert isinstance(client, httpx.Client)
    response = client.post("/graphql", json={"query": '{ search(text: "malawi", first: 50) '
                                                      "{ iri label type } }"})
    assert response.status_code == 200, response.text
    expected = _labels(shipped, "malawi", 50, None)
    assert [(h["iri"], h["label"], h["type"]) for h in response.json()["data"]["search"]] == [
        (h.iri, h.label, h.type.upper()) for h in expected]


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_graphql_search_is_refused(client: object, text: str) -> None:
    import httpx

    assert isinstance(client, httpx.Client)
    response = client.post("/graphql", json={"query": "query($t: String!) { search(text: $t) { iri } }",
                                              "variables": {"t": text}})
    assert response.json()["errors"][0]["message"] == "text: give at least one non-space character"


def test_a_remote_version_carries_the_index_built_locally(remote_settings: Settings) -> None:
    remote = CurrentVersion(pipeline.remote_versions(remote_settings)).snapshot()
    assert remote.text_index is not None and remote.search_index is not None
    for text in ("malawi", "eye", "a"):
        assert _labels(remote, text, 20, remote.text_index) == _labels(remote, text, 20, None)
        for params in ({}, {"country": "MW"}):
            filters = Filters.parse({"q": text, **params})
            assert _search(remote, filters, remote.search_index) == _search(remote, filters, None)
