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

# One query per superclass / superproperty, its MINUS limited to that one term: with the
# superclass as a variable, the engine builds the MINUS side from every type triple (every
# triple, for properties) of the store, which at a million partnerships is most of it.
_ENTAILED_TYPES = sparql_prefixes() + """
SELECT DISTINCT ?s WHERE {{
  VALUES ?class {{ {subs} }}
  ?s a ?class .
  MINUS {{ ?s a {super} }}
}}
"""

_ENTAILED_PROPERTIES = sparql_prefixes() + """
SELECT DISTINCT ?s ?o WHERE {{
  VALUES ?property {{ {subs} }}
  ?s ?property ?o .
  MINUS {{ ?s {super} ?o }}
}}
"""


def _pairs(store: Store, relation: str) -> list[tuple[str, str]]:
    query = _CLOSURE.format(relation=relation)
    return [
        (row["sub"].value, row["super"].value)
        for row in solutions(store.query(query, use_default_graph_as_union=True))
    ]


def _by_super(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """superclass -> its subclasses, as a VALUES list (sorted, so a build is repeatable)."""
    subs: dict[str, list[str]] = {}
    for sub, sup in pairs:
        subs.setdefault(sup, []).append(sub)
    return {sup: " ".join(f"<{sub}>" for sub in sorted(subs[sup])) for sup in sorted(subs)}


def entailed_triples(store: Store) -> Iterator[str]:
    """N-Triples lines entailed by rdfs9 (subclass) and rdfs7 (subproperty)."""
    for sup, subs in _by_super(_pairs(store, "rdfs:subClassOf")).items():
        query = _ENTAILED_TYPES.format(subs=subs, super=f"<{sup}>")
        rdf_type, super_class = f"<{RDF}type>", nt.iri(sup)
        for row in solutions(store.query(query, use_default_graph_as_union=True)):
            subject = row["s"]
            if isinstance(subject, NamedNode):
                yield f"<{subject.value}> {rdf_type} {super_class} .\n"
    for sup, subs in _by_super(_pairs(store, "rdfs:subPropertyOf")).items():
        query = _ENTAILED_PROPERTIES.format(subs=subs, super=f"<{sup}>")
        for row in solutions(store.query(query, use_default_graph_as_union=True)):
            subject = row["s"]
            if isinstance(subject, NamedNode):
                yield f"<{subject.value}> <{sup}> {row['o']} .\n"


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
