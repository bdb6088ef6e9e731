"""Named queries as a web API: formats, typed parameters, pagination, OpenAPI, the CLI."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import time
from pathlib import Path

import pytest
from healthgraph.graph.executor import QueryExecutor
from healthgraph.server.app import create_app
from healthgraph.server.cli import main
from healthgraph.server.settings import Settings
from openapi_spec_validator import validate
from starlette.testclient import TestClient

TWINNING = "https://w3id.org/healthgraph/id/partnership/twinning-partnerships-for-improvement-malawi-scotland-and-zambia"


def test_index_lists_every_query_as_html_and_json(client: TestClient) -> None:
    listing = client.get("/queries", headers={"Accept": "application/json"}).json()["queries"]
    names = {q["name"] for q in listing}
    assert {"twinning", "countries-ranked", "resources-by-type"} <= names and len(names) >= 12
    page = client.get("/queries", headers={"Accept": "text/html"}).text
    for name in names:
        assert f'/queries/{name}"' in page


@pytest.mark.parametrize(("suffix", "media"), [
    ("json", "application/sparql-results+json"), ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml")])
def test_suffix_chooses_the_format(client: TestClient, suffix: str, media: str) -> None:
    response = client.get(f"/queries/countries-ranked.{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


def test_accept_chooses_the_format_and_defaults_to_json(client: TestClient) -> None:
    rows = client.get("/queries/twinning").json()["results"]["bindings"]
    assert TWINNING in {row["partnership"]["value"] for row in rows}
    as_csv = client.get("/queries/partnerships-by-country", params={"country": "RW"},
                        headers={"Accept": "text/csv"})
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == 11
    assert "Accept" in as_csv.headers["vary"]
    html = client.get("/queries/twinning", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert f'href="/id/partnership/{TWINNING.rsplit("/", 1)[-1]}"' in html.text


def test_bad_parameter_value_is_400_naming_parameter_and_type(client: TestClient) -> None:
    for query, parameter, value, expected in [
        ("partnerships-by-country", "country", "Malawi!", "ISO 3166 code"),
        ("partnerships-by-year", "year", "twenty", "a year (an integer)"),
        ("resources-by-type", "type", "not an iri", "http(s) IRI"),
        ("documents-by-publisher", "publisher", "World Health", "slug"),
        ("board-partnerships", "board", "NHS Lothian", "GSS code"),
    ]:
        response = client.get(f"/queries/{query}", params={parameter: value})
        assert response.status_code == 400, query
        message = response.json()["message"]
        assert f"parameter {parameter!r}" in message and expected in message, message


def test_unknown_parameter_and_unknown_query(client: TestClient) -> None:
    response = client.get("/queries/twinning", params={"colour": "red"})
    assert response.status_code == 400 and "'colour'" in response.json()["message"]
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/twinning.png").status_code == 404
    assert client.get("/queries/twinning", headers={"Accept": "image/png"}).status_code == 406


def test_values_are_bound_not_pasted(client: TestClient) -> None:
    response = client.get("/queries/partnerships-by-theme", params={"theme": '") } SELECT * { ?s ?p ?o } #'})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []


def test_pagination_with_link_headers(client: TestClient) -> None:
    first = client.get("/queries/resources-by-type.json")
    assert len(first.json()["results"]["bindings"]) == 50
    assert 'rel="next"' in first.headers["link"] and 'rel="prev"' not in first.headers["link"]
    second = client.get("/queries/resources-by-type.json", params={"page": "2"})
    rows = second.json()["results"]["bindings"]
    assert len(rows) == 42
    assert 'rel="prev"' in second.headers["link"] and 'rel="next"' not in second.headers["link"]
    seen = {r["resource"]["value"] for r in first.json()["results"]["bindings"]} | {
        r["resource"]["value"] for r in rows}
    assert len(seen) == 92
    assert client.get("/queries/resources-by-type", params={"page": "0"}).status_code == 400
    assert client.get("/queries/twinning", params={"page": "2"}).status_code == 400


def test_openapi_document_validates(client: TestClient) -> None:
    document = client.get("/queries/openapi.json").json()
    validate(document)
    operation = document["paths"]["/queries/partnerships-by-country"]["get"]
    country = next(p for p in operation["parameters"] if p["name"] == "country")
    assert country["schema"]["default"] == "MW"
    paged = document["paths"]["/queries/resources-by-type"]["get"]
    assert "page" in {p["name"] for p in paged["parameters"]}


def test_cli_runs_the_same_named_query(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                       capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.setenv("HEALTHGRAPH_STATE_DIR", str(settings.state_dir))
    assert main(["query", "partnerships-linking-countries", "--param", "country=RW",
                 "--param", "other=ZM", "--format", "json"]) == 0
    rows = json.loads(capsysbinary.readouterr().out)["results"]["bindings"]
    assert len(rows) == 7


def test_named_queries_run_under_the_deadline_and_are_cached(
    tmp_path: Path, settings: Settings, executor: QueryExecutor
) -> None:
    """A named query goes where /sparql queries go: a runaway one is stopped at the deadline
    (503, the worker replaced), a repeated one comes from the cache."""
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "runaway.rq").write_text(
        "#+ title: Runaway\n#+ description: a three-way cross join\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n")
    (queries / "country.rq").write_text(
        "#+ title: One country\n#+ description: the label of a country\n"
        "#+ params:\n#+   country: {type: country, description: ISO code}\n"
        "SELECT ?country ?label WHERE { ?c <https://w3id.org/healthgraph/ontology#isoCode> ?country ;\n"
        "  <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n")
    limited = dataclasses.replace(settings, queries_dir=queries, query_timeout=1.0)
    with TestClient(create_app(limited, executor=executor)) as client:
        started = time.monotonic()
        stopped = client.get("/queries/runaway")
        assert stopped.status_code == 503 and "deadline of 1 s" in stopped.json()["message"]
        assert time.monotonic() - started < 2.5
        runner = client.app.state.sparql.runner  # type: ignore[attr-defined]
        for _ in range(2):
            malawi = client.get("/queries/country", params={"country": "MW"})
            assert malawi.status_code == 200 and "Malawi" in malawi.text
        assert runner.answers == {"worker": 1, "cache": 1}
        assert "Malawi" in client.get("/queries/country.html", params={"country": "MW"}).text
