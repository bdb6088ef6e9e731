"""GraphQL reads the store as /sparql does: answers cached per version, queries that may run
long in a worker process stopped at the deadline, with a message the client sees."""

from __future__ import annotations

import dataclasses
from collections import Counter

from healthgraph.graph.executor import QueryExecutor
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}
PARTNERSHIPS = {"query": "{ partnerships(first: 5) { nodes { key label countries { label } } } }"}


def _answers(client: TestClient) -> Counter[str]:
    return Counter(client.app.state.sparql.runner.answers)  # type: ignore[attr-defined]


def test_graphql_queries_run_through_the_query_runner_and_repeat_from_its_cache(
    settings: Settings, executor: QueryExecutor
) -> None:
    with TestClient(create_app(settings, executor=executor)) as client:
        before = _answers(client)
        first = client.post("/graphql", json=PARTNERSHIPS, headers=GRAPHQL_RESPONSE)
        ran = _answers(client) - before
        assert first.status_code == 200 and "errors" not in first.json(), first.text
        assert len(first.json()["data"]["partnerships"]["nodes"]) == 5
        assert ran["worker"] + ran["in_process"] >= 1 and ran["cache"] == 0, ran
        again = client.post("/graphql", json=PARTNERSHIPS, headers=GRAPHQL_RESPONSE)
        repeated = _answers(client) - before - ran
        assert again.json() == first.json()
        assert set(repeated) == {"cache"}, repeated


def test_graphql_query_past_the_deadline_is_stopped_and_says_so(
    settings: Settings, executor: QueryExecutor
) -> None:
    hurried = dataclasses.replace(settings, query_timeout=1e-6)
    with TestClient(create_app(hurried, executor=executor)) as client:
        response = client.post("/graphql", json=PARTNERSHIPS, headers=GRAPHQL_RESPONSE)
    body = response.json()
    messages = " | ".join(error["message"] for error in body["errors"])
    assert "deadline of 1e-06 s" in messages, messages
    assert "Internal server error" not in messages
    assert body["data"] is None
