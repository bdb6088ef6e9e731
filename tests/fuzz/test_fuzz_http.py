"""Generated requests at the HTTP level: any method on any route, arbitrary header values,
bodies of random bytes, wrong encodings (Latin-1, UTF-16), deep nesting and sizes past the
limit: no 5xx, every 4xx readable."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzzing
from tests.fuzz.sound import assert_sound

ROUTES = ["/", "/sparql", "/graphql", "/queries", "/queries/twinning", "/queries/openapi.json",
          "/partnerships", "/map", "/boards/S08000024", "/id/country/mw", "/doc/country/mw",
          "/doc/country/mw.ttl", "/ontology", "/dataset", "/.well-known/void",
          "/dumps/healthgraph.ttl", "/static/site.css", "/healthz", "/readyz", "/metrics",
          "/nowhere", "/id/", "/static/../pyproject.toml"]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
CONTENT_TYPES = ["application/sparql-query", "application/sparql-update",
                 "application/x-www-form-urlencoded", "application/json", "application/graphql",
                 "application/graphql-response+json", "text/plain; charset=utf-16",
                 "multipart/form-data; boundary=x", "application/json; charset=latin-1", ""]
HUGE = b"<a body of 1,000,001 bytes>"
HUGE_QUERY = "<a query string of 60,002 bytes, over the fuzzed app's 50,000>"
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                    blacklist_characters="\x7f"), max_size=60)


@st.composite
def body(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "latin1", "utf16", "nested-json", "nested-graphql",
                                 "json", "form", "huge", "empty"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "latin1":
        return ("query=SELECT * { ?s ?p \"" + draw(st.text(max_size=20)) + "\u00e9\" }").encode(
            "latin-1", "replace")
    if kind == "utf16":
        return ('{"query": "{ countries { nodes { label } } }"}'
                if draw(st.booleans()) else "ASK {}").encode("utf-16")
    if kind == "nested-json":
        depth = draw(st.integers(100, 200_000))
        return b'{"query": ' + b"[" * depth + b"]" * draw(st.sampled_from([0, depth])) + b"}"
    if kind == "nested-graphql":
        depth = draw(st.integers(10, 20_000))
        return json.dumps({"query": "{ partnerships " + "{ nodes " * depth + "}" * depth
                           + " }"}).encode()
    if kind == "json":
        return json.dumps(draw(st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(
                st.sampled_from(["query", "variables", "operationName", "extensions", "x"]), c,
                max_size=4),
            max_leaves=12))).encode()
    if kind == "form":
        return draw(st.sampled_from([b"query=", b"update=", b"query=ASK{}&query=ASK{}",
                                     b"%zz=%zz", b"query=%ff%fe", b"&&&=", b"a" * 1000]))
    if kind == "huge":
        return HUGE  # expanded in the test, so that a failure report stays short
    return b""


@pytest.mark.slow
@fuzzing(examples=3000)
@given(path=st.sampled_from(ROUTES), method=st.sampled_from(METHODS), payload=body(),
       content_type=st.sampled_from(CONTENT_TYPES),
       headers=st.dictionaries(
           st.sampled_from(["accept", "accept-language", "if-none-match", "if-modified-since",
                            "x-request-id", "authorization", "origin", "range",
                            "accept-encoding", "cookie", "x-forwarded-for"]),
           header_text, max_size=4),
       query_string=st.one_of(st.just(""), st.text(max_size=40),
                              st.sampled_from(["query=%ff", "_mediatype=%00", "page=-1",
                                               "format=" + "x" * 200, HUGE_QUERY])))
def test_any_request_gets_a_sound_answer(
    fuzz_client: httpx.Client, path: str, method: str, payload: bytes, content_type: str,
    headers: dict[str, str], query_string: str,
) -> None:
    all_headers = {**headers}
    if content_type:
        all_headers["content-type"] = content_type
    if query_string == HUGE_QUERY:
        query_string = "a=" + "b" * 60_000
    url = path + ("?" + quote(query_string, safe="=&%+") if query_string else "")
    sent = (method, url[:200], all_headers, payload[:200])
    if payload == HUGE:
        payload = b"x" * 1_000_001
    content = payload if method not in ("GET", "HEAD") else None
    answer = fuzz_client.request(method, url, content=content,
                                 headers={k: v.encode("latin-1") for k, v in all_headers.items()})
    assert_sound(answer, sent)
