"""Generated GraphQL documents (hypothesis-graphql from the live schema: valid operations with
arbitrary arguments and selections) and broken ones, to /graphql by POST and GET: no 5xx,
every error readable, no internal detail leaked."""

from __future__ import annotations

import json

import httpx
import pytest
from healthgraph.server.graphql.sdl import sdl
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from tests.fuzz.conftest import fuzzing
from tests.fuzz.sound import assert_sound

SCHEMA = sdl()
valid_documents = from_schema(SCHEMA)


@st.composite
def broken_document(draw: st.DrawFn) -> str:
    text = draw(valid_documents)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(["", "{", "}", "(", "$", "...", "@skip", "\x00", "é"])) \
        + text[at + draw(st.integers(0, 5)):]


def _assert_graphql_sound(answer: httpx.Response, document: str) -> None:
    assert_sound(answer, document)
    if answer.status_code == 200:
        body = answer.json()
        assert "data" in body or "errors" in body
    for error in answer.json().get("errors", []) if "json" in answer.headers.get(
            "content-type", "") else []:
        assert "Traceback" not in error.get("message", "")


@pytest.mark.slow
@fuzzing(examples=1500)
@given(document=st.one_of(valid_documents, valid_documents, broken_document()),
       how=st.sampled_from(["post", "post", "get"]))
def test_generated_graphql_never_breaks_the_endpoint(
    fuzz_client: httpx.Client, document: str, how: str
) -> None:
    if how == "post":
        answer = fuzz_client.post(
            "/graphql", content=json.dumps({"query": document}),
            headers={"content-type": "application/json",
                     "accept": "application/graphql-response+json"})
    else:
        answer = fuzz_client.get("/graphql", params={"query": document},
                                 headers={"accept": "application/json"})
    _assert_graphql_sound(answer, document)


@pytest.mark.slow
@fuzzing(examples=500)
@given(variables=st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children,
                                                                       max_size=4),
    max_leaves=20))
def test_arbitrary_variables_are_refused_readably(fuzz_client: httpx.Client, variables: object) -> None:
    document = "query Q($key: String!, $first: Int) { partnership(key: $key) { label } " \
               "partnerships(first: $first) { nodes { label } } }"
    answer = fuzz_client.post("/graphql", json={"query": document, "variables": {"key": variables,
                                                                                 "first": variables}})
    _assert_graphql_sound(answer, document)
