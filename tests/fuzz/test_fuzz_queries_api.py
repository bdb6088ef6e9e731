"""Generated parameters for every named query, from the types /queries/openapi.json declares
(values that fit, values that almost fit, noise), with suffixes, pages and Accept headers:
no 5xx; a 400 names the parameter at fault."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from healthgraph.server.settings import Settings
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzzing
from tests.fuzz.sound import assert_sound


def _operations(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    from healthgraph.graph.queries import load_named_queries
    from healthgraph.server.openapi import openapi_document

    document = openapi_document(load_named_queries(settings.queries_dir), "http://testserver")
    return {path: operation["get"].get("parameters", [])
            for path, operation in document["paths"].items()}


def _value(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    fitting: list[st.SearchStrategy[str]] = [st.text(max_size=40)]
    if schema.get("type") == "integer":
        fitting.append(st.integers(-10**30, 10**30).map(str))
    if "enum" in schema:
        fitting.append(st.sampled_from([str(v) for v in schema["enum"]]))
    if "default" in schema:
        fitting.append(st.just(str(schema["default"])))
    fitting += [st.sampled_from(["MW", "mw", "GB-SCT", "S08000024", "nhs-lothian", "2004", "-1",
                                 "https://w3id.org/healthgraph/id/country/mw", "javascript:x",
                                 "<https://x>", "\" . } DROP ALL #", "%00", "\u202e", "9" * 400])]
    return st.one_of(*fitting)


@st.composite
def named_query_request(draw: st.DrawFn, operations: dict[str, list[dict[str, Any]]]
                        ) -> tuple[str, dict[str, str], str]:
    path = draw(st.sampled_from(sorted(operations)))
    params: dict[str, str] = {}
    for parameter in operations[path]:
        if draw(st.booleans()):
            params[parameter["name"]] = draw(_value(parameter.get("schema", {})))
    if draw(st.booleans()):
        params[draw(st.text(min_size=1, max_size=10))] = draw(st.text(max_size=10))
    suffix = draw(st.sampled_from(["", "", ".csv", ".json", ".tsv", ".xml", ".ttl", ".exe", "."]))
    accept = draw(st.sampled_from(["", "text/csv", "application/sparql-results+json", "text/html",
                                   "text/turtle", "image/gif", "*/*"]))
    return path + suffix, params, accept


@pytest.mark.slow
def test_generated_parameters_never_break_the_queries_api(
    fuzz_client: httpx.Client, settings: Settings
) -> None:
    operations = _operations(settings)
    assert len(operations) >= 10

    @fuzzing(examples=2500)
    @given(request=named_query_request(operations))
    def run(request: tuple[str, dict[str, str], str]) -> None:
        path, params, accept = request
        answer = fuzz_client.get(path, params=params, headers={"accept": accept} if accept else {})
        assert_sound(answer, request)
        if answer.status_code == 400 and "json" in answer.headers.get("content-type", ""):
            message = answer.json()["message"]
            named = [name for name in params if name in message]
            assert named or "page" in message or "parameter" in message or "format" in message, message

    run()
