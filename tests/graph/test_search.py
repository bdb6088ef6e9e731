"""Partnership search over the shipped graph: filters, counts, facets, statistics."""

from __future__ import annotations

import pytest
from healthgraph.graph.current import CurrentVersion, Snapshot
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.search import PAGE_SIZE, FilterError, Filters, search
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.settings import Settings

MINTER = IriMinter()


@pytest.fixture(scope="module")
def snapshot(settings: Settings) -> Snapshot:
    return CurrentVersion(VersionedStore(settings.state_dir)).snapshot()


def test_no_filter_counts_every_partnership_from_statistics(snapshot: Snapshot) -> None:
    result = search(snapshot.store, Filters(), MINTER, snapshot.version.statistics)
    assert result.total == 92
    assert len(result.hits) == PAGE_SIZE
    countries = {v.value: v.count for v in result.facets["country"]}
    assert countries["MW"] == 64 and countries["ZM"] == 30 and countries["RW"] == 11


def test_statistics_and_queries_give_the_same_facets(snapshot: Snapshot) -> None:
    with_stats = search(snapshot.store, Filters(), MINTER, snapshot.version.statistics)
    without = search(snapshot.store, Filters(), MINTER, None)
    assert with_stats.total == without.total
    for name in ("country", "board", "theme", "kind", "decade"):
        assert {(v.value, v.count) for v in with_stats.facets[name]} == {
            (v.value, v.count) for v in without.facets[name]}, name


def test_country_filter_lists_malawi_partnerships(snapshot: Snapshot) -> None:
    filters = Filters.parse({"country": "mw"})
    assert filters.country == "MW"
    result = search(snapshot.store, filters, MINTER, snapshot.version.statistics)
    assert result.total == 64
    assert all("Malawi" in hit.countries for hit in result.hits)
    last = search(snapshot.store, Filters.parse({"country": "MW", "page": "3"}), MINTER)
    assert len(last.hits) == 64 - 2 * PAGE_SIZE


def test_facets_count_what_each_choice_would_give(snapshot: Snapshot) -> None:
    result = search(snapshot.store, Filters.parse({"country": "MW"}), MINTER)
    countries = {v.value: v.count for v in result.facets["country"]}
    assert countries["ZM"] == 30  # the country facet ignores the country filter itself
    for value in result.facets["board"][:3]:
        narrowed = search(snapshot.store, Filters.parse({"country": "MW", "board": value.value}),
                          MINTER)
        assert narrowed.total == value.count


def test_keyword_board_kind_and_years_combine(snapshot: Snapshot) -> None:
    result = search(snapshot.store, Filters.parse({"q": "cervical screening"}), MINTER)
    assert result.total >= 2
    assert all("cervical" in (h.label + h.summary).lower() for h in result.hits)
    lothian = search(snapshot.store, Filters.parse({"board": "nhs-lothian"}), MINTER)
    by_gss = search(snapshot.store, Filters.parse({"board": "S08000024"}), MINTER)
    assert lothian.total == by_gss.total == 4
    years = search(snapshot.store, Filters.parse({"from": "2005", "to": "2006"}), MINTER)
    assert years.total == 6 and all(h.start_year in (2005, 2006) for h in years.hits)
    universities = search(snapshot.store, Filters.parse({"kind": "university", "country": "RW"}),
                          MINTER)
    assert 0 < universities.total <= 11


def test_decade_facet_counts_match_the_year_filter(snapshot: Snapshot) -> None:
    result = search(snapshot.store, Filters(), MINTER, snapshot.version.statistics)
    decades = {v.value: v.count for v in result.facets["decade"]}
    assert decades["2000"] == 14
    narrowed = search(snapshot.store, Filters.parse({"from": "2000", "to": "2009"}), MINTER)
    assert narrowed.total == 14
    assert {v.value: v.count for v in narrowed.facets["decade"]} == decades


def test_a_keyword_is_bound_as_a_literal_not_pasted(snapshot: Snapshot) -> None:
    nasty = 'x" ) } SELECT * WHERE { ?s ?p ?o } #'
    result = search(snapshot.store, Filters.parse({"q": nasty}), MINTER)
    assert result.total == 0


@pytest.mark.parametrize(("params", "field"), [
    ({"country": "Malawi!"}, "country"),
    ({"board": "NHS Lothian"}, "board"),
    ({"theme": "Maternal Health"}, "theme"),
    ({"kind": "castle"}, "kind"),
    ({"from": "twenty"}, "from"),
    ({"page": "0"}, "page"),
])
def test_bad_filter_values_are_refused(params: dict[str, str], field: str) -> None:
    with pytest.raises(FilterError) as caught:
        Filters.parse(params)
    assert caught.value.field == field


def test_filters_round_trip_through_their_url_parameters() -> None:
    filters = Filters.parse({"q": " maternal  health ", "country": "zm", "kind": "charity",
                             "from": "2010", "page": "2"})
    assert filters.params() == {"q": "maternal health", "country": "ZM", "kind": "charity",
                                "from": "2010", "page": "2"}
    assert Filters.parse(filters.params()) == filters
