"""The theme scheme (ontology/themes.ttl) over the themes of the shipped data."""

from __future__ import annotations

from pathlib import Path

import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.store import EmbeddedStore, Store
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings
from pyoxigraph import NamedNode

PREFIXES = """PREFIX hg: <https://w3id.org/healthgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@pytest.fixture(scope="module")
def store(settings: Settings) -> Store:
    return CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store


def test_every_theme_of_the_data_reaches_a_top_concept(store: Store) -> None:
    rows = store.select(PREFIXES + """
        SELECT ?theme WHERE {
          { SELECT DISTINCT ?theme WHERE { ?p hg:theme ?theme } }
          FILTER NOT EXISTS { ?theme skos:broader* ?top . ?top skos:topConceptOf ?scheme }
        }""")
    assert rows == []


def test_the_hierarchy_has_no_cycle(store: Store) -> None:
    assert not store.ask(PREFIXES + "ASK { ?c skos:broader+ ?c }")


def test_every_concept_has_one_english_label(store: Store) -> None:
    rows = store.select(PREFIXES + """
        SELECT ?c (COUNT(?label) AS ?n) WHERE {
          { ?x skos:broader ?c } UNION { ?c skos:broader ?x } UNION { ?c skos:topConceptOf ?s }
          OPTIONAL { ?c skos:prefLabel ?label FILTER(LANG(?label) = "en") }
        } GROUP BY ?c HAVING (COUNT(DISTINCT ?label) != 1)""")
    assert rows == []


def test_cervical_cancer_screening_and_cancer_meet(store: Store) -> None:
    minter = IriMinter()
    for narrow in ("via-screening", "cervical-cancer", "hpv-vaccination", "oesophageal-cancer"):
        assert store.ask(PREFIXES + f"ASK {{ {NamedNode(minter.theme(narrow))} skos:broader+ "
                                    f"{NamedNode(minter.theme('cancer'))} }}"), narrow


def test_theme_iris_follow_the_configured_base(tmp_path: Path) -> None:
    base = "http://localhost:8123/hg/"
    version = pipeline.build(Settings(state_dir=tmp_path / "state", base_iri=base), lambda _m: None)
    built = EmbeddedStore.open_read_only(version.store_path)
    minter = IriMinter(base)
    assert built.ask(PREFIXES + f"ASK {{ {NamedNode(minter.theme('via-screening'))} skos:broader+ "
                                f"{NamedNode(minter.theme('cancer'))} }}")
