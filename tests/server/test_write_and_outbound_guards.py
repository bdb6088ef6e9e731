"""The guards the SPARQL endpoint issue adds, checked here as abuse control: SERVICE and LOAD
refused unless allow-listed, and the update token compared in constant time."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("healthgraph.server.auth") is None,
    reason="the SPARQL endpoint's update and SERVICE checks are not on this branch yet",
)

TOKEN = "s3cret-token"


@pytest.fixture
def writable(settings: Settings) -> Iterator[httpx.Client]:
    with TestClient(create_app(replace(settings, update_token=TOKEN))) as http:
        yield http


@pytest.mark.parametrize("target", ["http://example.org/sparql", "http://127.0.0.1:9/sparql",
                                    "http://169.254.169.254/latest/meta-data"])
def test_service_outside_the_allow_list_is_refused(client: httpx.Client, target: str) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
    answer = client.get("/sparql", params={"query": query})
    assert answer.status_code == 400
    assert "SERVICE" in answer.json()["message"]


def test_load_outside_the_allow_list_is_refused(writable: httpx.Client) -> None:
    answer = writable.post("/sparql", content="LOAD <http://169.254.169.254/x>", headers={
        "content-type": "application/sparql-update", "authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 400
    assert "LOAD" in answer.json()["message"]


def test_update_token_is_compared_in_constant_time(
    writable: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hmac

    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    answer = writable.post("/sparql", content="INSERT DATA { <urn:a> <urn:b> <urn:c> }", headers={
        "content-type": "application/sparql-update", "authorization": "Bearer s3cret-tokeX"})
    assert answer.status_code == 403
    assert compared == [(b"s3cret-tokeX", TOKEN.encode())]


def test_update_without_a_token_is_refused(writable: httpx.Client) -> None:
    answer = writable.post("/sparql", content="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                           headers={"content-type": "application/sparql-update"})
    assert answer.status_code == 401
    assert answer.json()["message"]
