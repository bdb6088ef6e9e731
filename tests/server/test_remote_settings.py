"""Pointing the app at a SPARQL engine: the settings, what each engine's layout gives, and clear
errors for a misconfigured or unreachable engine."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from healthgraph.graph.remote_store import RemoteStoreError
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import pipeline
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings, SettingsError
from starlette.testclient import TestClient

from tests.live_server import free_port


def test_oxigraph_layout_is_the_default() -> None:
    endpoints = pipeline.endpoints(Settings.from_env({"HEALTHGRAPH_STORE": "http://engine:7878"}))
    assert (endpoints.query_url, endpoints.update_url, endpoints.store_url) == (
        "http://engine:7878/query", "http://engine:7878/update", "http://engine:7878/store")
    assert endpoints.bulk_load_params == (("no_transaction", ""),)


def test_virtuoso_layout_and_digest_auth() -> None:
    endpoints = pipeline.endpoints(Settings.from_env({
        "HEALTHGRAPH_STORE": "http://engine:8890/", "HEALTHGRAPH_STORE_ENGINE": "virtuoso",
        "HEALTHGRAPH_STORE_UPDATE_AUTH": "digest", "HEALTHGRAPH_STORE_GRAPH_AUTH": "digest",
        "HEALTHGRAPH_STORE_USER": "writer", "HEALTHGRAPH_STORE_PASSWORD": "secret"}))
    assert (endpoints.query_url, endpoints.update_url, endpoints.store_url) == (
        "http://engine:8890/sparql", "http://engine:8890/sparql-auth",
        "http://engine:8890/sparql-graph-crud-auth")
    assert endpoints.query_auth is None
    assert isinstance(endpoints.update_auth, httpx.DigestAuth)
    assert isinstance(endpoints.store_auth, httpx.DigestAuth)
    assert endpoints.bulk_load_params == ()


def test_other_engines_give_every_url() -> None:
    env = {"HEALTHGRAPH_STORE": "http://engine:3030/hg/", "HEALTHGRAPH_STORE_ENGINE": "other",
           "HEALTHGRAPH_STORE_QUERY_URL": "http://engine:3030/hg/query",
           "HEALTHGRAPH_STORE_UPDATE_URL": "http://engine:3030/hg/update",
           "HEALTHGRAPH_STORE_GRAPH_URL": "http://engine:3030/hg/data",
           "HEALTHGRAPH_STORE_QUERY_AUTH": "basic", "HEALTHGRAPH_STORE_USER": "u",
           "HEALTHGRAPH_STORE_PASSWORD": "p"}
    endpoints = pipeline.endpoints(Settings.from_env(env))
    assert endpoints.store_url == "http://engine:3030/hg/data"
    assert isinstance(endpoints.query_auth, httpx.BasicAuth)
    del env["HEALTHGRAPH_STORE_GRAPH_URL"]
    with pytest.raises(SettingsError, match="HEALTHGRAPH_STORE_GRAPH_URL"):
        Settings.from_env(env)


@pytest.mark.parametrize(("env", "message"), [
    ({"HEALTHGRAPH_STORE": "engine:7878"}, "HEALTHGRAPH_STORE must be"),
    ({"HEALTHGRAPH_STORE_ENGINE": "fuseki"}, "HEALTHGRAPH_STORE_ENGINE must be"),
    ({"HEALTHGRAPH_STORE_UPDATE_AUTH": "kerberos"}, "must be none, basic or digest"),
    ({"HEALTHGRAPH_STORE_GRAPH_AUTH": "digest"}, "HEALTHGRAPH_STORE_USER"),
])
def test_misconfiguration_is_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_wrong_password_fails_the_publish_with_the_engine_answer(
    virtuoso_settings: Settings, tmp_path: Path
) -> None:
    wrong = Settings.from_env({}, **{**_remote_fields(virtuoso_settings), "store_password": "wrong",
                                    "state_dir": tmp_path})
    version = VersionedStore(virtuoso_settings.state_dir).current()
    before = pipeline.remote_versions(virtuoso_settings).current().id
    with pytest.raises(RemoteStoreError, match="answered 401"):
        pipeline.remote_versions(wrong).publish(version)
    assert pipeline.remote_versions(virtuoso_settings).current().id == before


def test_unreachable_engine_is_a_502_with_a_message(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, store=f"http://127.0.0.1:{free_port()}/")
    with TestClient(create_app(settings)) as client:
        response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 502
    assert "cannot reach the SPARQL engine" in response.json()["message"]


def _remote_fields(settings: Settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in (
        "store", "store_engine", "store_update_auth", "store_graph_auth", "store_user")}
