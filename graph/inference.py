"""RDFS entailment for the two rules queries rely on: subclass and subproperty.

The closure of `rdfs:subClassOf` / `rdfs:subPropertyOf` is read from the
ontology in the store; the entailed triples not already asserted are written
to their own named graph, so `?x a org:Organization` finds every health board.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from healthgraph.graph import ntriples as nt
from healthgraph.graph.namespaces import RDF, sparql_prefixes
from healthgraph.graph.store import solutions
from pyoxigraph import NamedNode, RdfFormat, Store

_CLOSURE = sparql_prefixes() + """
SELECT DISTINCT ?sub ?super WHERE {{
  ?sub {relation}+ ?super .
  FILTER(isIRI(?sub) && isIRI(?super) && ?sub != ?super)
}}
"""

_ENTAILED_TYPES = sparql_prefixes() + """
SELECT DISTINCT ?s ?super WHERE {{
  VALUES (?class ?super) {{ {pairs} }}
  ?s a ?class .
  MINUS {{ ?s a ?super }}
}}
"""

_ENTAILED_PROPERTIES = sparql_prefixes() + """
SELECT DISTINCT ?s ?super ?o WHERE {{
  VALUES (?property ?super) {{ {pairs} }}
  ?s ?property ?o .
  MINUS {{ ?s ?super ?o }}
}}
"""


def _pairs(store: Store, relation: str) -> list[tuple[str, str]]:
    query = _CLOSURE.format(relation=relation)
    return [
        (row["sub"].value, row["super"].value)
        for row in solutions(store.query(query, use_default_graph_as_union=True))
    ]


def _values(pairs: list[tuple[str, str]]) -> str:
    return " ".join(f"(<{sub}> <{sup}>)" for sub, sup in pairs)


def entailed_triples(store: Store) -> Iterator[str]:
    """N-Triples lines entailed by rdfs9 (subclass) and rdfs7 (subproperty)."""
    class_pairs = _pairs(store, "rdfs:subClassOf")
    if class_pairs:
        query = _ENTAILED_TYPES.format(pairs=_values(class_pairs))
        for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            subject = row["s"]
            if isinstance(subject, NamedNode):
                yield nt.triple(subject.value, f"{RDF}type", nt.iri(row["super"].value))
    property_pairs = _pairs(store, "rdfs:subPropertyOf")
    if property_pairs:
        query = _ENTAILED_PROPERTIES.format(pairs=_values(property_pairs))
        for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            subject = row["s"]
            if isinstance(subject, NamedNode):
                yield f"<{subject.value}> <{row['super'].value}> {row['o']} .\n"


def materialise(store: Store, graph: str) -> int:
    """Write the entailed triples into `graph`; returns how many.

    They are streamed to a temporary N-Triples file first (memory stays flat at any size;
    the store is not written while its own query results are being read), then bulk loaded."""
    count = 0
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".nt") as spool:
        for line in entailed_triples(store):
            spool.write(line)
            count += 1
        spool.flush()
        if count:
            store.bulk_load(path=spool.name, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph))
    return count
