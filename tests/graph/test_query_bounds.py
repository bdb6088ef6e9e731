"""Provably cheap queries: which texts get a bound, and that the bound holds on a real store."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from healthgraph.graph.query_bounds import (
    _LOOKUP,
    RDF_TYPE,
    Anchor,
    anchored_patterns,
    read_anchors,
    solution_bound,
)
from pyoxigraph import Literal, NamedNode, Quad, Store

EX = "http://example.org/"
PREFIX = f"PREFIX ex: <{EX}> "


@pytest.mark.parametrize(
    ("query", "anchors"),
    [
        (f"SELECT ?p ?o WHERE {{ <{EX}a> ?p ?o }}", [(f"{EX}a", None)]),
        (f"SELECT ?p ?o WHERE {{ <{EX}a> ?p ?o }}\n# a comment, SERVICE <x>", [(f"{EX}a", None)]),
        (PREFIX + "SELECT * { ex:a a ex:T ; ex:p ?x , ?y . }",
         [(f"{EX}a", RDF_TYPE), (f"{EX}a", f"{EX}p"), (f"{EX}a", f"{EX}p")]),
        (PREFIX + 'ASK { ex:a ex:p "x"@en ; ex:q "1"^^ex:int ; ex:r -3 ; ex:s true ; }',
         [(f"{EX}a", f"{EX}p"), (f"{EX}a", f"{EX}q"), (f"{EX}a", f"{EX}r"), (f"{EX}a", f"{EX}s")]),
        (PREFIX + "SELECT DISTINCT ?o { ex:a ?p ?o FILTER(isIRI(?o) && ?p != ex:q) "
                  "OPTIONAL { ex:b ex:p ?o } FILTER regex(str(?o), '^h') } "
                  "ORDER BY DESC(?o) ?p LIMIT 10 OFFSET 2",
         [(f"{EX}a", None), (f"{EX}b", f"{EX}p")]),
        (PREFIX + "CONSTRUCT { ?s ex:seen ?o . _:b ex:of ?o } WHERE { ex:a ex:p ?o }",
         [(f"{EX}a", f"{EX}p")]),
        (PREFIX + "CONSTRUCT WHERE { ex:a ex:p ?o }", [(f"{EX}a", f"{EX}p")]),
    ],
)
def test_queries_anchored_at_constant_subjects_get_their_patterns(
    query: str, anchors: list[tuple[str, str | None]]
) -> None:
    assert anchored_patterns(query) == [Anchor(s, p) for s, p in anchors]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p ?o }",
        f"SELECT * {{ <{EX}a> ?p ?o . ?o ?q ?r }}",
        "SELECT * { _:b ?p ?o }",
        f"SELECT * {{ [] <{EX}p> <{EX}a> }}",
        f"SELECT * {{ <{EX}a> <{EX}p>/<{EX}q> ?o }}",
        f"SELECT * {{ <{EX}a> <{EX}p>* ?o }}",
        f"SELECT * {{ <{EX}a> ^<{EX}p> ?o }}",
        f"SELECT * {{ <{EX}a> <{EX}p>|<{EX}q> ?o }}",
        f"SELECT * {{ <{EX}a> <{EX}p> [ <{EX}q> ?o ] }}",
        f"SELECT * {{ <{EX}a> <{EX}p> ( ?o ) }}",
        f"SELECT * {{ {{ SELECT ?o {{ <{EX}a> ?p ?o }} }} }}",
        f"SELECT * {{ <{EX}a> ?p ?o FILTER EXISTS {{ ?o ?q ?r }} }}",
        f"SELECT * {{ <{EX}a> ?p ?o FILTER NOT EXISTS {{ ?o ?q ?r }} }}",
        f"SELECT * {{ <{EX}a> ?p ?o FILTER(EXISTS {{ ?o ?q ?r }}) }}",
        f"SELECT * {{ <{EX}a> ?p ?o VALUES ?o {{ <{EX}b> }} }}",
        f"SELECT * {{ <{EX}a> ?p ?o }} VALUES ?o {{ <{EX}b> }}",
        f"SELECT * {{ <{EX}a> ?p ?o BIND(1 AS ?x) }}",
        f"SELECT * {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}",
        f"SELECT * {{ SERVICE <{EX}sparql> {{ <{EX}a> ?p ?o }} }}",
        f"SELECT * {{ {{ <{EX}a> ?p ?o }} UNION {{ <{EX}b> ?p ?o }} }}",
        f"SELECT * {{ <{EX}a> ?p ?o MINUS {{ <{EX}b> ?p ?o }} }}",
        f"SELECT (COUNT(*) AS ?n) {{ <{EX}a> ?p ?o }}",
        f"SELECT ?p {{ <{EX}a> ?p ?o }} GROUP BY ?p",
        f"SELECT * FROM <{EX}g> {{ <{EX}a> ?p ?o }}",
        f"BASE <{EX}> SELECT * {{ <a> ?p ?o }}",
        "SELECT * { <a> ?p ?o }",
        "SELECT * { ex:a ?p ?o }",
        PREFIX + r"SELECT * { ex:a\.b ?p ?o }",
        f"DESCRIBE <{EX}a>",
        f"SELECT * {{ <{EX}a> ?p \"unterminated }}",
        f"SELECT * {{ <{EX}a> ?p ?o }} ORDER BY str(?o)",
        f"SELECT * {{ <{EX}a> ?p ?o }} LIMIT 1 LIMIT 2",
        f"INSERT DATA {{ <{EX}a> <{EX}p> <{EX}b> }}",
    ],
)
def test_anything_else_has_no_bound(query: str) -> None:
    assert anchored_patterns(query) is None


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A real on-disk store: `a` has 5 triples in two graphs, `b` 3, `c` none."""
    path: Path = tmp_path_factory.mktemp("bounds") / "store"
    store = Store(str(path))
    g1, g2 = NamedNode(f"{EX}g1"), NamedNode(f"{EX}g2")
    a, b, p, q = (NamedNode(EX + name) for name in ("a", "b", "p", "q"))
    store.extend([
        Quad(a, p, Literal("1"), g1), Quad(a, p, Literal("2"), g1), Quad(a, q, b, g1),
        Quad(a, q, b, g2), Quad(a, NamedNode(RDF_TYPE), NamedNode(f"{EX}T"), g2),
        Quad(b, p, Literal("3"), g1), Quad(b, q, a, g1), Quad(b, q, b, g2),
    ])
    return store


def test_the_bound_is_the_product_of_each_patterns_matches(store: Store) -> None:
    a, b = f"{EX}a", f"{EX}b"
    assert solution_bound(store, [Anchor(a, None)], 1000) == 5
    assert solution_bound(store, [Anchor(a, f"{EX}p")], 1000) == 2
    assert solution_bound(store, [Anchor(a, None), Anchor(b, f"{EX}q")], 1000) == 10
    assert solution_bound(store, [Anchor(f"{EX}c", None)], 1000) == 1  # no match: still >= 1
    assert solution_bound(store, [Anchor(a, None), Anchor(a, None)], 24) is None
    assert solution_bound(store, [Anchor(a, None), Anchor(a, None)], 25) == 25
    assert solution_bound(store, [Anchor("not an iri", None)], 1000) is None


def test_the_bound_holds_for_random_star_queries(store: Store) -> None:
    """Run each query and count: the engine never finds more solutions than the bound."""
    rng = random.Random(7)
    subjects = [f"<{EX}a>", f"<{EX}b>", f"<{EX}c>"]
    predicates = ["?p", "?q", f"<{EX}p>", f"<{EX}q>", "a"]
    objects = ["?x", "?y", "?p", f"<{EX}b>", '"1"', "?o"]
    for _ in range(300):
        patterns = [f"{rng.choice(subjects)} {rng.choice(predicates)} {rng.choice(objects)}"
                    for _ in range(rng.randint(1, 3))]
        optional = f" OPTIONAL {{ {rng.choice(subjects)} ?r ?z }}" if rng.random() < 0.3 else ""
        query = "SELECT * WHERE { " + " . ".join(patterns) + optional + " }"
        anchors = anchored_patterns(query)
        assert anchors is not None, query
        bound = solution_bound(store, anchors, 10_000)
        assert bound is not None
        found = len(list(store.query(query, use_default_graph_as_union=True)))  # type: ignore[arg-type]
        assert found <= bound, query


def test_the_lookup_shortcut_reads_what_the_grammar_reads() -> None:
    """Every text the one-regex shortcut takes gets the same anchors from the full reader;
    texts near the shape that it must leave to the reader, it leaves."""
    rng = random.Random(11)
    gaps = [" ", "", "\n", " # comment\n", "\t"]
    subjects = [f"<{EX}a>", f"<{EX}a#b>", "<urn:x:1>"]
    verbs = ["?p", f"<{EX}p>", "$q"]
    objects = ["?o", f"<{EX}b>", "$o1"]
    heads = ["SELECT ?p ?o", "select *", "SELECT?p", "SELECT $p ?o ?x"]
    taken = 0
    for _ in range(400):
        def gap() -> str:
            return rng.choice(gaps)
        text = (gap() + rng.choice(heads) + gap() + rng.choice(["WHERE", "where", ""]) + gap()
                + "{" + gap() + rng.choice(subjects) + " " + rng.choice(verbs) + " "
                + rng.choice(objects) + gap() + rng.choice([".", ""]) + gap() + "}" + gap())
        if _LOOKUP.fullmatch(text):
            taken += 1
            assert anchored_patterns(text) == read_anchors(text), text
    assert taken > 200
    for near in [f"SELECT ?p {{ <{EX}a> a ?o }}", f"SELECT ?p {{ <{EX}a> ?p 'x' }}",
                 "SELECT ?p { <rel> ?p ?o }", f"SELECT (?p AS ?q) {{ <{EX}a> ?p ?o }}",
                 f"SELECT ?p {{ <{EX}a> ?p ?o }} LIMIT 1", f"SELECT ?p {{ <{EX}a> ?p ?o . }} #"]:
        assert anchored_patterns(near) == read_anchors(near), near
