"""Every named query returns its expected rows on the shipped data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.queries import QueryFileError, load_named_queries, read_named_query
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.settings import Settings

ID = "https://w3id.org/healthgraph/id/"
Rows = list[dict[str, str]]


def run(settings: Settings, name: str, **values: str) -> Rows:
    query = load_named_queries(settings.queries_dir)[name]
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    text = query.page_text(1) if query.paginate else query.text
    rows = store.select(text, query.bindings(IriMinter(settings.base_iri), values))
    return [{key: str(term.value) for key, term in row.items()} for row in rows]


def column(rows: Rows, name: str) -> list[str]:
    return [row.get(name, "") for row in rows]


def test_twinning(settings: Settings) -> None:
    rows = run(settings, "twinning")
    assert {(r["memberLabel"], r["memberCountryLabel"]) for r in rows} == {
        ("Ministry of Health (Malawi)", "Malawi"), ("Ministry of Health (Zambia)", "Zambia"),
        ("Scottish Government", "Scotland")}


def test_partnerships_by_country(settings: Settings) -> None:
    assert len(run(settings, "partnerships-by-country")) == 64
    rwanda = run(settings, "partnerships-by-country", country="rw")
    assert len(rwanda) == 11 and {r["country"] for r in rwanda} == {"RW"}


def test_board_partnerships(settings: Settings) -> None:
    rows = run(settings, "board-partnerships")
    assert {(r["label"], r["roleLabel"]) for r in rows} >= {
        ("Edinburgh Malawi Cancer Partnership", "lead"), ("Lothian-Africa health links", "lead")}
    assert len(rows) == 5


def test_lead_champions(settings: Settings) -> None:
    assert len(run(settings, "lead-champions")) == 14
    borders = run(settings, "lead-champions", board="S08000016")
    assert column(borders, "boardLabel") == ["NHS Borders"]


def test_partnerships_by_theme(settings: Settings) -> None:
    rows = run(settings, "partnerships-by-theme")
    assert column(rows, "partnership") == [ID + "partnership/" + key for key in [
        "community-action-and-service-access-for-maternal-newborn-and-child-health",
        "continuum-of-care-throughout-pregnancy-and-birth-at-nkhoma-hospital",
        "deliver-life-to-mothers-girls-and-children-in-the-southern-region-of-malawi",
        "lilongwe-mother-and-baby-programme",
        "maternal-neonatal-and-child-health-in-karonga-malawi",
        "rural-midwifery-project"]]
    assert len(run(settings, "partnerships-by-theme", theme="TRAINING")) == 8


def test_partnerships_by_year(settings: Settings) -> None:
    rows = run(settings, "partnerships-by-year")
    assert column(rows, "label") == ["Emergency Medical System Review Zambia (Central Province)",
                                     "Friends of Chitambo", "Lilongwe Mother and Baby programme",
                                     "MALSCOT \u2013 cervical cancer screen and treat program"]
    assert column(run(settings, "partnerships-by-year", year="1997"), "label") == [
        "University of Strathclyde public health programmes"]


def test_partnerships_per_year(settings: Settings) -> None:
    rows = {r["year"]: int(r["partnerships"]) for r in run(settings, "partnerships-per-year")}
    assert rows["2006"] == 4 and rows["2018"] == 4 and rows["1870"] == 1
    assert sum(rows.values()) == 33 and len(rows) == 17


def test_guidance_followed(settings: Settings) -> None:
    rows = run(settings, "guidance-followed")
    assert {(r["document"], r["via"].rsplit("/", 2)[-2]) for r in rows} == {
        (ID + "document/who-tpi-partnership-preparation-package", "partnership"),
        (ID + "document/who-tpi-partnership-preparation-package", "programme"),
        (ID + "document/who-tpi-taking-action-steps-4-5", "partnership"),
        (ID + "document/who-tpi-taking-action-steps-4-5", "programme")}


def test_organisations_most_partners(settings: Settings) -> None:
    rows = run(settings, "organisations-most-partners")
    assert len(rows) == 25
    assert [(r["label"], r["partners"], r["partnerships"]) for r in rows[:3]] == [
        ("Scottish Government", "112", "66"), ("Ministry of Health (Malawi)", "43", "11"),
        ("Kamuzu University of Health Sciences", "35", "11")]


def test_countries_ranked(settings: Settings) -> None:
    rows = run(settings, "countries-ranked")
    assert [(r["isoCode"], int(r["partnerships"])) for r in rows[:4]] == [
        ("MW", 64), ("ZM", 30), ("RW", 11), ("GB-SCT", 2)]
    assert len(rows) == 14


def test_partnerships_linking_countries(settings: Settings) -> None:
    rows = run(settings, "partnerships-linking-countries")
    assert len(rows) == 8
    assert ID + "partnership/twinning-partnerships-for-improvement-malawi-scotland-and-zambia" in column(
        rows, "partnership")
    assert len(run(settings, "partnerships-linking-countries", country="RW", other="ZM")) == 7


def test_documents_by_publisher(settings: Settings) -> None:
    rows = run(settings, "documents-by-publisher")
    assert column(rows, "document") == [ID + "document/" + key for key in [
        "who-tpi-partnership-preparation-package", "who-tpi-taking-action-steps-4-5",
        "who-apps-evaluation-2009-2014", "who-apps-working-for-safer-health-care-together"]]
    assert len(run(settings, "documents-by-publisher", publisher="scottish-government")) == 11


def test_resources_by_type(settings: Settings) -> None:
    assert len(run(settings, "resources-by-type")) == 50
    countries = run(settings, "resources-by-type", type="https://schema.org/Country")
    assert column(countries, "label")[:3] == ["Ghana", "Kenya", "Malawi"]


def test_similar_partnerships(settings: Settings) -> None:
    rows = run(settings, "similar-partnerships")  # default: friends-of-chitambo
    assert rows[0]["similarKey"] == "foch-chitambo-health-partnership"
    assert "place: Chitambo Hospital" in rows[0]["evidence"]
    scores = [int(s) for s in column(rows, "score")]
    assert scores == sorted(scores, reverse=True)
    other = run(settings, "similar-partnerships", partnership="solar-panels-for-chitambo-hospital")
    assert "oxygen-generating-plant-and-pipeline-for-chitambo-hospital" in column(other, "similarKey")


def test_potential_collaborators(settings: Settings) -> None:
    rows = run(settings, "potential-collaborators")  # default: edinburgh-malawi-cancer-partnership
    keys = column(rows, "organisationKey")
    assert "nkhoma-hospital" in keys and "nhs-lothian" not in keys


TESTED: dict[str, Callable[[Settings], None]] = {
    name.removeprefix("test_").replace("_", "-"): function
    for name, function in list(globals().items()) if name.startswith("test_")
}
# (tests defined below TESTED are not named after a query)


def test_every_named_query_has_a_test(settings: Settings) -> None:
    names = set(load_named_queries(settings.queries_dir))
    assert len(names) >= 12
    assert names <= set(TESTED), sorted(names - set(TESTED))


@pytest.mark.parametrize("name", ["partnerships-by-country", "twinning"])
def test_query_text_runs_as_it_is_with_its_defaults(settings: Settings, name: str) -> None:
    query = load_named_queries(settings.queries_dir)[name]
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    assert store.select(query.text)


def test_paginate_header_is_checked(tmp_path: Path) -> None:
    body = "#+ title: t\n#+ paginate: {}\nSELECT ?s WHERE {{ ?s ?p ?o }}\n"
    (tmp_path / "good.rq").write_text(body.format(10), encoding="utf-8")
    query = read_named_query(tmp_path / "good.rq")
    assert query.paginate == 10
    assert query.page_text(3).endswith("LIMIT 10 OFFSET 20\n")
    assert query.next_page_probe(3).endswith("LIMIT 1 OFFSET 30\n")
    (tmp_path / "bad.rq").write_text(body.format("lots"), encoding="utf-8")
    with pytest.raises(QueryFileError, match="paginate"):
        read_named_query(tmp_path / "bad.rq")


def _query_file(tmp_path: Path, body: str, params: str = "") -> Path:
    path = tmp_path / "q.rq"
    header = "#+ title: t\n" + (f"#+ params:\n#+   {params}\n" if params else "")
    path.write_text(header + body, encoding="utf-8")
    return path


def test_parameter_not_projected_is_refused_when_read(tmp_path: Path) -> None:
    path = _query_file(tmp_path, "SELECT ?s WHERE { ?s ?p ?country }",
                       "country: {type: country, default: MW}")
    with pytest.raises(QueryFileError, match=r"q\.rq: every parameter \(\?country\) must be a "
                                             "projected variable"):
        read_named_query(path)


@pytest.mark.parametrize("body", [
    "SELECT ?s ?country WHERE { ?s ?p ?country }",
    "SELECT * WHERE { ?s ?p ?country }",
    "CONSTRUCT { ?s ?p ?country } WHERE { ?s ?p ?country }",
    "ASK { ?s ?p ?country }",
])
def test_parameter_projected_or_in_scope_is_accepted(tmp_path: Path, body: str) -> None:
    path = _query_file(tmp_path, body, "country: {type: country, default: MW}")
    assert [p.name for p in read_named_query(path).parameters] == ["country"]


def test_syntax_error_is_refused_when_read_with_the_file_name(tmp_path: Path) -> None:
    path = _query_file(tmp_path, "SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryFileError, match=r"q\.rq: not a valid SPARQL query"):
        read_named_query(path)


def test_query_calling_out_is_read_without_being_prepared(tmp_path: Path) -> None:
    path = _query_file(tmp_path, "ASK { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert read_named_query(path).form == "ASK"
