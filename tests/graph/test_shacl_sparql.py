"""SHACL constraints compiled to SPARQL and merged per node shape: each violation still names
its own property shape (path and message), as pyshacl would report it."""

from __future__ import annotations

from pathlib import Path

import pytest
from healthgraph.graph.validation import Violation, check_shapes
from pyoxigraph import NamedNode, RdfFormat, Store

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
                  sh:message "one name" ] ;
    sh:property [ sh:path ex:size ; sh:maxCount 1 ; sh:datatype xsd:integer ;
                  sh:message "one integer size" ] ;
    sh:property [ sh:path ex:part ; sh:class ex:Part ; sh:minCount 1 ; sh:message "parts" ] ;
    sh:property [ sh:path ex:code ; sh:pattern "^[A-Z]+$" ; sh:message "code letters" ] ;
    sh:property [ sh:path ex:code ; sh:maxCount 1 ; sh:message "one code" ] ;
    sh:property [ sh:path ex:code ; sh:datatype xsd:string ; sh:message "code text" ] .
"""

DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:good a ex:Thing ; ex:name "good" ; ex:size 1 ; ex:part ex:p ; ex:code "AB" .
ex:p a ex:Part .
ex:two-names a ex:Thing ; ex:name "a", "b" ; ex:part ex:p .
ex:no-name a ex:Thing ; ex:part ex:p .
ex:bad-size a ex:Thing ; ex:name "s" ; ex:size "big" ; ex:part ex:p .
ex:two-sizes a ex:Thing ; ex:name "s" ; ex:size 1, 2 ; ex:part ex:p .
ex:no-part a ex:Thing ; ex:name "s" .
ex:wrong-part a ex:Thing ; ex:name "s" ; ex:part ex:good .
ex:bad-code a ex:Thing ; ex:name "s" ; ex:part ex:p ; ex:code "ab" .
ex:two-codes a ex:Thing ; ex:name "s" ; ex:part ex:p ; ex:code "A", "B" .
ex:number-code a ex:Thing ; ex:name "s" ; ex:part ex:p ; ex:code 5 .
"""

EX = "http://example.org/"


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str, str]]:
    shapes = Path(tmp_path_factory.mktemp("shapes")) / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    store = Store()
    store.load(DATA, RdfFormat.TURTLE, to_graph=NamedNode(f"{EX}data"))
    violations: list[Violation] = check_shapes(store, shapes)
    return {(v.focus_node.removeprefix(EX), v.path.removeprefix(EX), v.message) for v in violations}


@pytest.mark.parametrize(
    "expected",
    [
        ("two-names", "name", "one name"),
        ("no-name", "name", "one name"),
        ("bad-size", "size", "one integer size"),
        ("two-sizes", "size", "one integer size"),
        ("no-part", "part", "parts"),
        ("wrong-part", "part", "parts"),
        ("bad-code", "code", "code letters"),
        ("two-codes", "code", "one code"),
        # two value shapes on one path: not merged with each other, each reported
        ("number-code", "code", "code letters"),
        ("number-code", "code", "code text"),
    ],
)
def test_each_violation_names_its_own_property_shape(
    found: set[tuple[str, str, str]], expected: tuple[str, str, str]
) -> None:
    assert expected in found


def test_only_the_broken_nodes_are_reported(found: set[tuple[str, str, str]]) -> None:
    assert {focus for focus, _, _ in found} == {
        "two-names", "no-name", "bad-size", "two-sizes", "no-part", "wrong-part", "bad-code",
        "two-codes", "number-code",
    }
    assert len(found) == 10
