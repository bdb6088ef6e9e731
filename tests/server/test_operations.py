"""Operations: /healthz, /readyz (ready only with a current version), /metrics, `stats`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from healthgraph.graph.versions import VersionInfo
from healthgraph.server import cli, pipeline
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient


def test_healthz_is_ok(client: httpx.Client) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.text == "ok"


def test_readyz_names_the_current_version(client: httpx.Client, version: VersionInfo) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["ready"] is True
    assert answer.json()["version"] == version.id
    assert answer.json()["triples"] == version.triples


def test_readyz_is_503_before_the_first_build_and_200_after(fresh_settings: Settings) -> None:
    with TestClient(create_app(fresh_settings)) as http:
        assert http.get("/healthz").status_code == 200
        waiting = http.get("/readyz")
        assert waiting.status_code == 503
        assert waiting.headers["retry-after"]
        assert "no store version" in waiting.json()["message"]
        assert "healthgraph_store_ready 0" in http.get("/metrics").text
        pipeline.build(fresh_settings, lambda _m: None)
        assert http.get("/readyz").status_code == 200


def _sample(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + ("{" if labels else " ")) and all(
            f'{k}="{v}"' in line for k, v in labels.items()
        ):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} {labels} in:\n{text}")


def test_metrics_count_requests_latency_and_the_store(
    client: httpx.Client, version: VersionInfo
) -> None:
    for _ in range(3):
        client.get("/sparql", params={"query": "ASK {}"})
    client.get("/id/country/nowhere-at-all")
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = answer.text
    assert _sample(text, "healthgraph_http_requests_total",
                   route="/sparql", method="GET", status="200") == 3
    assert _sample(text, "healthgraph_http_request_duration_seconds_count", route="/sparql") == 3
    assert _sample(text, "healthgraph_http_request_duration_seconds_bucket",
                   route="/sparql", le="+Inf") == 3
    assert _sample(text, "healthgraph_store_triples") == version.triples
    assert _sample(text, "healthgraph_store_version_info", version=version.id) == 1
    assert _sample(text, "healthgraph_query_deadlines_total") == 0
    # `ASK {}` has a bound (no pattern): answered in process once, then from the cache
    assert _sample(text, "healthgraph_sparql_answers_total", path="in_process") == 1
    assert _sample(text, "healthgraph_sparql_answers_total", path="cache") == 2
    assert _sample(text, "healthgraph_sparql_answers_total", path="worker") == 0
    assert _sample(text, "healthgraph_store_ready") == 1
    # route templates, not raw paths: label values stay bounded
    assert "nowhere-at-all" not in text
    for line in text.splitlines():
        assert line.startswith("#") or re.fullmatch(r"[a-z_]+(\{.*\})? -?[0-9.e+]+", line), line


def test_stats_prints_version_triples_and_class_counts(
    settings: Settings, version: VersionInfo, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEALTHGRAPH_STATE_DIR", str(settings.state_dir))
    assert cli.main(["stats", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["version"] == version.id
    assert summary["triples"] == version.triples
    assert summary["built_at"] == version.built_at.isoformat()
    partnership = "https://w3id.org/healthgraph/ontology#Partnership"
    assert summary["classes"][partnership] == version.statistics["classes"][partnership] > 0
    assert cli.main(["stats"]) == 0
    text = capsys.readouterr().out
    assert f"version   {version.id}" in text
    assert partnership in text


def test_stats_without_a_version_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALTHGRAPH_STATE_DIR", str(tmp_path))
    assert cli.main(["stats"]) == 1
    assert "no store version" in capsys.readouterr().err
