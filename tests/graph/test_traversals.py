"""The shipped graph answers what the issue asks: the twinning traversal, Lead Champions."""

from __future__ import annotations

from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.queries import load_named_queries
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.settings import Settings

PREFIXES = """PREFIX hg: <https://w3id.org/healthgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _store(settings: Settings):  # type: ignore[no-untyped-def]
    return CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store


def test_twinning_from_malawi_ministry_reaches_zambia_and_scotland(settings: Settings) -> None:
    minter = IriMinter(settings.base_iri)
    rows = _store(settings).select(
        PREFIXES + f"""
        SELECT DISTINCT ?other ?country WHERE {{
          <{minter.organisation("ministry-of-health-malawi")}> org:hasMembership ?m .
          ?m org:organization ?partnership .
          ?partnership hg:programme <{minter.programme("who-twinning-partnerships-for-improvement")}> ;
                       org:hasMember ?other .
          ?other hg:country ?country .
          FILTER(?other != <{minter.organisation("ministry-of-health-malawi")}>)
        }}"""
    )
    found = {(row["other"].value, row["country"].value) for row in rows}
    assert found == {
        (minter.organisation("ministry-of-health-zambia"), minter.country("ZM")),
        (minter.organisation("scottish-government"), minter.country("GB-SCT")),
    }


def test_every_territorial_board_has_a_lead_champion_role(settings: Settings) -> None:
    rows = _store(settings).select(
        PREFIXES + """
        SELECT ?board (COUNT(?post) AS ?posts) WHERE {
          ?board a hg:TerritorialHealthBoard .
          OPTIONAL {
            ?board org:hasPost ?post .
            ?post org:role/hg:key "global-citizenship-lead-champion" .
          }
        } GROUP BY ?board"""
    )
    assert len(rows) == 14
    assert all(int(row["posts"].value) == 1 for row in rows)


def test_subclass_inference_makes_boards_organisations(settings: Settings) -> None:
    rows = _store(settings).select(
        PREFIXES + """SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {
          ?b a hg:HealthBoard , org:Organization }"""
    )
    assert int(rows[0]["n"].value) == 22


def test_every_named_query_runs_with_its_defaults(settings: Settings) -> None:
    minter = IriMinter(settings.base_iri)
    store = _store(settings)
    for name, query in load_named_queries(settings.queries_dir).items():
        rows = store.select(query.text, query.bindings(minter, {}))
        assert rows, f"{name} returned no rows on the shipped data"
