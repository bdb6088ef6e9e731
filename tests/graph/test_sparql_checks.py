"""The tokenizer and the checks built on it: SERVICE / LOAD found wherever the engine would
see them and nowhere else; the protocol dataset of an update written in as USING clauses."""

from __future__ import annotations

import pytest
from healthgraph.graph.sparql_checks import (
    OutboundRequestRefused,
    UpdateDatasetConflict,
    check_outbound,
    outbound_requests,
    with_protocol_dataset,
)
from healthgraph.graph.sparql_tokens import Kind, SparqlLexError, tokens
from pyoxigraph import Store

TARGET = "http://127.0.0.1:9/sparql"


def _targets(text: str, base: str | None = None) -> list[tuple[str, str | None]]:
    return [(o.keyword, o.target) for o in outbound_requests(text, base)]


@pytest.mark.parametrize("text", [
    f"SELECT * {{ SERVICE <{TARGET}> {{ ?s ?p ?o }} }}",
    f"select * {{ service silent <{TARGET}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://127.0.0.1:9/> SELECT * { SERVICE ex:sparql { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    f"SELECT * {{ ?s ?p ?o # comment\n SERVICE<{TARGET}>{{?s ?p ?o}} }}",
    f'SELECT * {{ ?s ?p "a \\" string" . SERVICE <{TARGET}> {{ ?s ?p ?o }} }}',
    f"SELECT * {{ ?s ?p '''it's\n''' SERVICE <{TARGET}> {{ }} }}",
    f"SELECT * {{ ?s <http://a\\u003a> ?o SERVICE <{TARGET}> {{ }} }}",
])
def test_service_is_found_with_its_target(text: str) -> None:
    assert _targets(text) == [("SERVICE", TARGET)]


@pytest.mark.parametrize("text", [
    'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:9/>" }',
    "SELECT * { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/>",
    "SELECT * { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:service ?service }",
    "SELECT * { ?s ?p '''SERVICE <http://127.0.0.1:9/> { }''' }",
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:a\\#b ?o } # SERVICE <x>",
])
def test_service_in_strings_iris_names_and_comments_is_not_a_service(text: str) -> None:
    assert _targets(text) == []


def test_service_to_a_variable_is_always_refused() -> None:
    text = "SELECT * { VALUES ?e { <http://x/> } SERVICE ?e { ?s ?p ?o } }"
    assert _targets(text) == [("SERVICE", None)]
    with pytest.raises(OutboundRequestRefused, match="known only at run time"):
        check_outbound(text, {"http://x/"})


def test_load_is_found_in_updates() -> None:
    assert _targets(f"LOAD SILENT <{TARGET}> INTO GRAPH <http://g>") == [("LOAD", TARGET)]


def test_allow_list_is_exact() -> None:
    text = f"SELECT * {{ SERVICE <{TARGET}> {{ ?s ?p ?o }} }}"
    check_outbound(text, {TARGET})
    with pytest.raises(OutboundRequestRefused, match="not allowed"):
        check_outbound(text, {TARGET + "/"})
    with pytest.raises(OutboundRequestRefused):
        check_outbound(text, set())


def test_unterminated_string_is_refused_not_skipped() -> None:
    with pytest.raises(SparqlLexError, match="unterminated string at 1:18"):
        list(tokens('SELECT * { ?s ?p "open SERVICE <http://x/> {} }'))


def test_engine_reads_escapes_only_inside_strings_and_iris() -> None:
    """The tokenizer's premise: pyoxigraph does not turn \\u0053ERVICE into SERVICE."""
    with pytest.raises(SyntaxError):
        Store().query("SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_tokens_kinds() -> None:
    kinds = [t.kind for t in tokens('PREFIX ex: <http://e/> SELECT ?x { ?x ex:p "v"@en ; a _:b }')]
    assert kinds == [Kind.WORD, Kind.PNAME, Kind.IRI, Kind.WORD, Kind.VAR, Kind.PUNCT, Kind.VAR,
                     Kind.PNAME, Kind.STRING, Kind.LANGTAG, Kind.PUNCT, Kind.WORD, Kind.BNODE,
                     Kind.PUNCT]


def test_protocol_dataset_becomes_using_clauses() -> None:
    update = "INSERT { GRAPH <http://o> { ?s a <http://T> } } WHERE { ?s ?p ?o }"
    rewritten = with_protocol_dataset(update, ["http://g1"], ["http://g2"])
    assert rewritten == ("INSERT { GRAPH <http://o> { ?s a <http://T> } } "
                         "USING <http://g1> USING NAMED <http://g2> WHERE { ?s ?p ?o }")
    store = Store()
    store.update(rewritten)


def test_protocol_dataset_and_with_conflict() -> None:
    update = "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    with pytest.raises(UpdateDatasetConflict):
        with_protocol_dataset(update, [], ["http://people"])
    assert with_protocol_dataset(update, [], []) == update
