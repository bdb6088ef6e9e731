"""How compiled GraphQL queries scale: synthetic partnerships in an in-memory store.

    .venv/bin/python bench/graphql_compile_scale.py [--partnerships 50000]

Writes N partnerships (3 memberships, a theme and a place each) over 2,000 organisations and
20 countries, then times the SPARQL the compiler writes for three selections on a page of
100: fields only, one list (members -> role, organisation -> country), three lists (plus
places and themes). Each should stay near the cost of finding the page, whatever N is.
"""

from __future__ import annotations

import argparse
import sys
import time

from healthgraph.graph.store import EmbeddedStore
from healthgraph.server.graphql.compiler import RootPattern, Terms, build_plan, compile_query
from pyoxigraph import Literal, NamedNode, Quad, Store
from strawberry.types.nodes import SelectedField

HG = "https://w3id.org/healthgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
BASE = "https://w3id.org/healthgraph/id/"


def synthetic(n: int) -> EmbeddedStore:
    quads: list[Quad] = []

    def add(s: str, p: str, o: NamedNode | Literal) -> None:
        quads.append(Quad(NamedNode(s), NamedNode(p), o))

    for c in range(20):
        add(f"{BASE}country/c{c}", f"{RDF}type", NamedNode("https://schema.org/Country"))
        add(f"{BASE}country/c{c}", f"{RDFS}label", Literal(f"Country {c}"))
    for o in range(2000):
        add(f"{BASE}organisation/o{o}", f"{RDF}type", NamedNode(f"{ORG}Organization"))
        add(f"{BASE}organisation/o{o}", f"{RDFS}label", Literal(f"Organisation {o}"))
        add(f"{BASE}organisation/o{o}", f"{HG}country", NamedNode(f"{BASE}country/c{o % 20}"))
    for role in ("lead", "partner"):
        add(f"{BASE}role/{role}", f"{RDFS}label", Literal(role))
    for p in range(n):
        iri = f"{BASE}partnership/p{p:07d}"
        add(iri, f"{RDF}type", NamedNode(f"{HG}Partnership"))
        add(iri, f"{RDFS}label", Literal(f"Partnership {p:07d}"))
        add(iri, f"{HG}theme", NamedNode(f"{BASE}theme/t{p % 50}"))
        add(iri, f"{HG}place", Literal(f"Place {p % 300}"))
        for k in range(3):
            org = (p * 7 + k) % 2000
            membership = f"{BASE}membership/p{p}/o{org}/{k}"
            add(iri, f"{HG}membership", NamedNode(membership))
            add(membership, f"{ORG}member", NamedNode(f"{BASE}organisation/o{org}"))
            add(membership, f"{ORG}role", NamedNode(f"{BASE}role/{'lead' if k == 0 else 'partner'}"))
    store = Store()
    store.bulk_extend(quads)
    store.optimize()
    return EmbeddedStore(store)


def field(name: str, *selections: SelectedField) -> SelectedField:
    return SelectedField(name=name, directives={}, arguments={}, selections=list(selections),
                         alias=None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partnerships", type=int, default=50_000)
    args = parser.parse_args()
    store = synthetic(args.partnerships)
    members = field("members", field("role", field("label")),
                    field("organisation", field("label"), field("country", field("label"))))
    shapes = {
        "fields only": [field("label")],
        "one list (members -> role, organisation -> country)": [field("label"), members],
        "three lists (+ places, themes)": [field("label"), members, field("places"),
                                           field("themes", field("iri"))],
    }
    print(f"{args.partnerships:,} partnerships, page of 100, best of 3\n")
    print("| selection | ms | rows |")
    print("| --- | ---: | ---: |")
    for name, selection in shapes.items():
        plan = build_plan("Partnership", selection)
        root = RootPattern(patterns=(f"?e0 a <{HG}Partnership> .",), terms=Terms(), limit=101)
        query = compile_query(plan, root).text
        times = []
        for _ in range(3):
            started = time.perf_counter()
            rows = store.select(query)
            times.append(time.perf_counter() - started)
        print(f"| {name} | {min(times) * 1000:.0f} | {len(rows)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
