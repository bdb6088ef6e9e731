"""Generated SPARQL (grammar-shaped, mutated examples, and plain noise) to /sparql by GET,
form POST and direct POST: no 5xx but deadline 503s, every 4xx readable."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzzing
from tests.fuzz.sound import assert_sound

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = [path.read_text(encoding="utf-8") for path in sorted((REPO / "queries").glob("*.rq"))]
PREFIXES = """PREFIX hg: <https://w3id.org/healthgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
PREDICATES = ["a", "rdfs:label", "hg:country", "org:hasMember", "hg:theme", "hg:startYear",
              "org:organization", "<https://w3id.org/healthgraph/ontology#nope>", "hg:"]
OBJECTS = ["hg:Partnership", "hg:HealthBoard", "<https://w3id.org/healthgraph/id/country/mw>",
           '"Malawi"', '"Malawi"@en', "42", "3.5e2", '"2004"^^xsd:gYear', "true", "[]",
           '"\\u00e9\\n\\t"', '"""multi\nline"""', "_:b0", "()", "(1 2)"]
FUNCTIONS = ["STR", "LCASE", "UCASE", "STRLEN", "isIRI", "isLiteral", "LANG", "DATATYPE",
             "BOUND", "ABS", "ROUND", "MD5", "SHA256", "ENCODE_FOR_URI", "YEAR", "xsd:integer",
             "xsd:dateTime", "NOW", "RAND", "UUID", "STRUUID", "BNODE", "IRI"]

variable = st.sampled_from(["?a", "?b", "?c", "?d", "$e", "?_", "?label", "?x1"])


@st.composite
def expression(draw: st.DrawFn, depth: int = 0) -> str:
    leaf = st.one_of(variable, st.sampled_from(OBJECTS), st.integers(-10**20, 10**20).map(str),
                     st.text(max_size=20).map(lambda t: '"' + t.replace("\\", "").replace('"', "")
                                               .replace("\n", "") + '"'))
    if depth > 2 or draw(st.booleans()):
        return draw(leaf)
    kind = draw(st.sampled_from(["call", "binary", "regex", "in", "not"]))
    inner = expression(depth + 1)
    if kind == "call":
        return f"{draw(st.sampled_from(FUNCTIONS))}({draw(inner)})"
    if kind == "binary":
        op = draw(st.sampled_from(["=", "!=", "<", ">", "+", "-", "*", "/", "&&", "||"]))
        return f"({draw(inner)} {op} {draw(inner)})"
    if kind == "regex":
        pattern = draw(st.sampled_from(["a", "^M", "(a+)+$", "[", "\\\\d{2,}", ".*.*.*x", ""]))
        return f'REGEX(STR({draw(variable)}), "{pattern}", "{draw(st.sampled_from(["", "i", "q", "zz"]))}")'
    if kind == "in":
        return f"({draw(inner)} IN ({draw(inner)}, {draw(inner)}))"
    return f"!({draw(inner)})"


@st.composite
def group(draw: st.DrawFn) -> str:
    """A connected basic graph pattern (each pattern shares a variable with the one before),
    with optional FILTER / OPTIONAL / BIND / VALUES / UNION around it."""
    chain = ["?a", "?b", "?c", "?d"]
    parts = []
    for index in range(draw(st.integers(1, 3))):
        obj = chain[index + 1] if draw(st.booleans()) else draw(st.sampled_from(OBJECTS))
        parts.append(f"{chain[index]} {draw(st.sampled_from(PREDICATES))} {obj} .")
    for extra in draw(st.lists(st.sampled_from(["filter", "optional", "bind", "values", "union",
                                                "minus", "graph", "service"]), max_size=2)):
        if extra == "filter":
            parts.append(f"FILTER({draw(expression())})")
        elif extra == "optional":
            parts.append(f"OPTIONAL {{ ?a rdfs:label {draw(variable)} }}")
        elif extra == "bind":
            parts.append(f"BIND({draw(expression())} AS ?bound)")
        elif extra == "values":
            parts.append(f"VALUES ?a {{ {draw(st.sampled_from(OBJECTS))} UNDEF }}")
        elif extra == "union":
            parts = [f"{{ {' '.join(parts)} }} UNION {{ ?a a hg:Country }}"]
        elif extra == "minus":
            parts.append("MINUS { ?a a hg:Country }")
        elif extra == "service":  # never reached: refused before it runs (not allow-listed)
            target = draw(st.sampled_from(["http://127.0.0.1:9/sparql", "<http://example.org/>"]))
            parts.append(f"SERVICE SILENT <{target.strip('<>')}> {{ ?a ?p ?o }}")
        else:
            parts = [f"GRAPH ?g {{ {' '.join(parts)} }}"]
    return " ".join(parts)


@st.composite
def grammar_query(draw: st.DrawFn) -> str:
    body = draw(group())
    form = draw(st.sampled_from(["select", "distinct", "count", "ask", "construct", "describe"]))
    limit = f" LIMIT {draw(st.integers(0, 50))}" + (
        f" OFFSET {draw(st.integers(0, 10**6))}" if draw(st.booleans()) else "")
    prefix = PREFIXES if draw(st.integers(0, 9)) else ""
    if form == "select":
        return f"{prefix}SELECT * WHERE {{ {body} }}{limit}"
    if form == "distinct":
        return f"{prefix}SELECT DISTINCT ?a WHERE {{ {body} }} ORDER BY ?a{limit}"
    if form == "count":
        return (f"{prefix}SELECT ?a (COUNT(*) AS ?n) (SAMPLE({draw(expression())}) AS ?s) "
                f"WHERE {{ {body} }} GROUP BY ?a{limit}")
    if form == "ask":
        return f"{prefix}ASK {{ {body} }}"
    if form == "construct":
        return f"{prefix}CONSTRUCT {{ ?a ?p ?o }} WHERE {{ {body} ?a ?p ?o }}{limit}"
    return f"{prefix}DESCRIBE ?a WHERE {{ {body} }}{limit}"


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(EXAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["cut", "insert", "truncate"]))
        if action == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif action == "insert":
            text = text[:at] + draw(st.text(min_size=1, max_size=8)) + text[at:]
        else:
            text = text[:at]
    return text


sparql_text = st.one_of(grammar_query(), grammar_query(), mutated_example(),
                        st.text(max_size=200))
ACCEPTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/ld+json", "*/*", "",
           "application/n-triples", "image/png", "text/html;q=0.1, */*;q=0.2"]


@pytest.mark.slow
@fuzzing(examples=2500)
@given(query=sparql_text, how=st.sampled_from(["get", "form", "direct"]),
       accept=st.sampled_from(ACCEPTS))
def test_generated_sparql_never_breaks_the_endpoint(
    fuzz_client: httpx.Client, query: str, how: str, accept: str
) -> None:
    headers = {"accept": accept} if accept else {}
    if how == "get":
        answer = fuzz_client.get("/sparql", params={"query": query}, headers=headers)
    elif how == "form":
        answer = fuzz_client.post("/sparql", data={"query": query}, headers=headers)
    else:
        answer = fuzz_client.post(
            "/sparql", content=query.encode("utf-8", "surrogatepass"),
            headers={**headers, "content-type": "application/sparql-query"})
    assert_sound(answer, query)


@pytest.mark.slow
def test_no_query_worker_is_left_crashed(fuzz_client: httpx.Client) -> None:
    """After the fuzzing (same app), every query worker slot holds a live worker."""
    executor = fuzz_client.app.state.sparql.executor  # type: ignore[attr-defined]
    assert executor.wait_until_full(30)
    assert len(executor.pids()) == executor.size
    assert fuzz_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
