"""A small deterministic N-Triples dataset of synthetic partnerships, for the SPARQL endpoint
benchmark (the CSV-level generator of the data-scale work can replace it once it lands).

    python bench/synthetic_nt.py --partnerships 10000 > /tmp/partnerships.nt

Partnership i: a hg:Partnership with a label, a country (of 50), a theme (of 12), a start year
and two member organisations (of partnerships / 5). Organisation j: an org:Organization with a
label and a country. The same size always gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Final

BASE: Final = "https://w3id.org/healthgraph/"
HG: Final = "https://w3id.org/healthgraph/ontology#"
RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL: Final = "http://www.w3.org/2000/01/rdf-schema#label"
ORG: Final = "http://www.w3.org/ns/org#"
SCHEMA: Final = "https://schema.org/"
XSD_GYEAR: Final = "http://www.w3.org/2001/XMLSchema#gYear"
COUNTRIES: Final = 50
THEMES: Final = 12


def partnership(i: int) -> str:
    return f"{BASE}id/partnership/synthetic-{i}"


def organisation(j: int) -> str:
    return f"{BASE}id/organisation/synthetic-{j}"


def country(k: int) -> str:
    return f"{BASE}id/country/synthetic-{k}"


def theme(t: int) -> str:
    return f"{BASE}id/theme/synthetic-{t}"


def organisations(partnerships: int) -> int:
    return max(10, partnerships // 5)


def triples(partnerships: int) -> Iterator[str]:
    orgs = organisations(partnerships)
    for k in range(COUNTRIES):
        yield f'<{country(k)}> <{RDF_TYPE}> <{SCHEMA}Country> .\n'
        yield f'<{country(k)}> <{LABEL}> "Country {k}"@en .\n'
    for t in range(THEMES):
        yield f'<{theme(t)}> <{LABEL}> "Theme {t}"@en .\n'
    for j in range(orgs):
        yield f'<{organisation(j)}> <{RDF_TYPE}> <{ORG}Organization> .\n'
        yield f'<{organisation(j)}> <{LABEL}> "Organisation {j}"@en .\n'
        yield f'<{organisation(j)}> <{HG}country> <{country(j % COUNTRIES)}> .\n'
    for i in range(partnerships):
        p = partnership(i)
        yield f'<{p}> <{RDF_TYPE}> <{HG}Partnership> .\n'
        yield f'<{p}> <{LABEL}> "Partnership {i}"@en .\n'
        yield f'<{p}> <{HG}country> <{country(i % COUNTRIES)}> .\n'
        yield f'<{p}> <{HG}theme> <{theme(i % THEMES)}> .\n'
        yield f'<{p}> <{HG}startYear> "{2000 + i % 25}"^^<{XSD_GYEAR}> .\n'
        yield f'<{p}> <{ORG}hasMember> <{organisation((i * 7) % orgs)}> .\n'
        yield f'<{p}> <{ORG}hasMember> <{organisation((i * 13 + 1) % orgs)}> .\n'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partnerships", type=int, default=10_000)
    args = parser.parse_args()
    sys.stdout.writelines(triples(args.partnerships))
    return 0


if __name__ == "__main__":
    sys.exit(main())
