"""Same answers: each GraphQL traversal gives what the equivalent SPARQL gives on /sparql."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

PREFIXES = """PREFIX hg: <https://w3id.org/healthgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""

Rows = list[dict[str, str | None]]


@dataclass(frozen=True)
class Traversal:
    name: str
    graphql: str
    sparql: str
    from_graphql: Callable[[dict[str, Any]], Any]
    from_sparql: Callable[[Rows], Any]


def _rows(client: TestClient, query: str) -> Rows:
    response = client.post("/sparql", data={"query": PREFIXES + query},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    body = response.json()
    return [{name: row.get(name, {}).get("value") for name in body["head"]["vars"]}
            for row in body["results"]["bindings"]]


def _tuples(rows: Rows, *names: str) -> set[tuple[str | None, ...]]:
    return {tuple(row[name] for name in names) for row in rows}


TRAVERSALS = [
    Traversal(
        "malawi-scotland-zambia twinning",
        """{ programme(key: "who-twinning-partnerships-for-improvement") {
              partnerships { label members { organisation { label country { label } } } } } }""",
        """SELECT ?p ?m ?c WHERE {
             ?prog hg:key "who-twinning-partnerships-for-improvement" .
             ?partnership hg:programme ?prog ; rdfs:label ?p ; org:hasMember ?member .
             ?member rdfs:label ?m . OPTIONAL { ?member hg:country/rdfs:label ?c } }""",
        lambda d: {(p["label"], m["organisation"]["label"], (m["organisation"]["country"] or {}).get("label"))
                   for p in d["programme"]["partnerships"] for m in p["members"]},
        lambda rows: _tuples(rows, "p", "m", "c"),
    ),
    Traversal(
        "country -> organisations -> memberships -> partnerships -> members -> countries",
        """{ country(isoCode: "MW") { organisations { label memberships { partnership {
              label members { organisation { country { isoCode } } } } } } } }""",
        """SELECT DISTINCT ?o ?p ?code WHERE {
             ?mw hg:isoCode "MW" . ?org a org:Organization ; hg:country ?mw ; rdfs:label ?o ;
                 org:hasMembership/org:organization ?partnership .
             ?partnership rdfs:label ?p ; hg:membership/org:member/hg:country/hg:isoCode ?code }""",
        lambda d: {(o["label"], ms["partnership"]["label"], m["organisation"]["country"]["isoCode"])
                   for o in d["country"]["organisations"] for ms in o["memberships"]
                   for m in ms["partnership"]["members"] if m["organisation"]["country"]},
        lambda rows: _tuples(rows, "o", "p", "code"),
    ),
    Traversal(
        "territorial boards -> Lead Champion post -> role",
        """{ healthBoards(first: 100, where: {boardType: TERRITORIAL}) {
              totalCount nodes { label gssCode posts { role { key label } } } } }""",
        """SELECT ?b ?gss ?role WHERE { ?board a hg:TerritorialHealthBoard ; rdfs:label ?b ;
             hg:gssCode ?gss ; org:hasPost/org:role ?r . ?r hg:key ?role }""",
        lambda d: {(b["label"], b["gssCode"], p["role"]["key"])
                   for b in d["healthBoards"]["nodes"] for p in b["posts"]},
        lambda rows: _tuples(rows, "b", "gss", "role"),
    ),
    Traversal(
        "partnerships in Zambia, counted and listed",
        """{ partnerships(first: 100, where: {country: "ZM"}) { totalCount nodes { iri } } }""",
        """SELECT ?p WHERE { ?p a hg:Partnership ; hg:country/hg:isoCode "ZM" }""",
        lambda d: (d["partnerships"]["totalCount"], {n["iri"] for n in d["partnerships"]["nodes"]}),
        lambda rows: (len(rows), {row["p"] for row in rows}),
    ),
    Traversal(
        "guidance documents -> publisher (organisation or programme)",
        """{ documents(first: 100) { nodes { label publisherName publisher { label }
              publishingProgramme { label } } } }""",
        """SELECT ?d ?name ?pub WHERE { ?doc a hg:GuidanceDocument ; rdfs:label ?d .
             OPTIONAL { ?doc hg:publisherName ?name }
             OPTIONAL { ?doc dcterms:publisher/rdfs:label ?pub } }""",
        lambda d: {(n["label"], n["publisherName"],
                    (n["publisher"] or n["publishingProgramme"] or {}).get("label"))
                   for n in d["documents"]["nodes"]},
        lambda rows: _tuples(rows, "d", "name", "pub"),
    ),
    Traversal(
        "programme -> guidance it follows; partnership -> guidance",
        """{ programmes(first: 100) { nodes { label guidance { label } } }
             partnerships(first: 100) { nodes { label guidance { label } } } }""",
        """SELECT ?s ?d WHERE { ?subject hg:followsGuidance ?doc ; rdfs:label ?s . ?doc rdfs:label ?d }""",
        lambda d: {(n["label"], g["label"]) for root in ("programmes", "partnerships")
                   for n in d[root]["nodes"] for g in n["guidance"]},
        lambda rows: _tuples(rows, "s", "d"),
    ),
    Traversal(
        "theme -> partnerships -> countries",
        """{ theme(key: "twinning") { label partnerships { label countries { isoCode } } } }""",
        """SELECT ?p ?code WHERE { ?t skos:prefLabel ?l . FILTER(STR(?l) = "twinning")
             ?partnership hg:theme ?t ; rdfs:label ?p ; hg:country/hg:isoCode ?code }""",
        lambda d: {(p["label"], c["isoCode"]) for p in d["theme"]["partnerships"] for c in p["countries"]},
        lambda rows: _tuples(rows, "p", "code"),
    ),
    Traversal(
        "Scottish universities and the partnerships they are in",
        """{ organisations(first: 100, where: {country: "GB-SCT", kind: UNIVERSITY}) {
              nodes { label memberships { partnership { label } role { label } } } } }""",
        """SELECT ?o ?p ?r WHERE { ?org a hg:University ; hg:country/hg:isoCode "GB-SCT" ;
             rdfs:label ?o ; org:hasMembership ?m . ?m org:organization/rdfs:label ?p ;
             org:role/rdfs:label ?r }""",
        lambda d: {(o["label"], m["partnership"]["label"], m["role"]["label"])
                   for o in d["organisations"]["nodes"] for m in o["memberships"]},
        lambda rows: _tuples(rows, "o", "p", "r"),
    ),
    Traversal(
        "latest partnerships first: order and page",
        """{ partnerships(first: 15, orderBy: {field: START_YEAR, direction: DESC}) {
              nodes { iri startYear } } }""",
        """SELECT ?p ?y WHERE { ?p a hg:Partnership OPTIONAL { ?p hg:startYear ?y } }
           ORDER BY DESC(?y) ?p LIMIT 15""",
        lambda d: [(n["iri"], n["startYear"]) for n in d["partnerships"]["nodes"]],
        lambda rows: [(row["p"], int(row["y"]) if row["y"] else None) for row in rows],
    ),
    Traversal(
        "search across labels",
        """{ search(text: "Glasgow", first: 100) { iri } }""",
        """SELECT DISTINCT ?e WHERE { VALUES ?class { hg:Partnership org:Organization schema:Country
             hg:Programme hg:GuidanceDocument org:Role }
             ?e a ?class ; rdfs:label ?l . FILTER(CONTAINS(LCASE(STR(?l)), "glasgow")) }""",
        lambda d: {hit["iri"] for hit in d["search"]},
        lambda rows: {row["e"] for row in rows},
    ),
]


@pytest.mark.parametrize("traversal", TRAVERSALS, ids=[t.name for t in TRAVERSALS])
def test_graphql_equals_sparql(client: TestClient, traversal: Traversal) -> None:
    response = client.post("/graphql", json={"query": traversal.graphql})
    body = response.json()
    assert "errors" not in body, body
    expected = traversal.from_sparql(_rows(client, traversal.sparql))
    assert expected, "the SPARQL side must find something"
    assert traversal.from_graphql(body["data"]) == expected


def test_twinning_reaches_malawi_scotland_zambia(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": TRAVERSALS[0].graphql})
    countries = {(m["organisation"]["label"], m["organisation"]["country"]["label"])
                 for p in response.json()["data"]["programme"]["partnerships"] for m in p["members"]}
    assert {("Ministry of Health (Malawi)", "Malawi"), ("Ministry of Health (Zambia)", "Zambia"),
            ("Scottish Government", "Scotland")} <= countries


def test_every_territorial_board_has_its_lead_champion(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": """{ healthBoards(first: 100) {
        nodes { boardType leadChampion { role { key } organisation { label } } label } } }"""})
    boards = response.json()["data"]["healthBoards"]["nodes"]
    territorial = [b for b in boards if b["boardType"] == "TERRITORIAL"]
    assert len(territorial) == 14
    for board in territorial:
        assert board["leadChampion"]["role"]["key"] == "global-citizenship-lead-champion"
        assert board["leadChampion"]["organisation"]["label"] == board["label"]
