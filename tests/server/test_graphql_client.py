"""A real Python GraphQL client (gql) runs every documented example against a real uvicorn."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from gql import Client, gql
from gql.transport.httpx import HTTPXTransport
from healthgraph.server.app import create_app
from healthgraph.server.graphql.examples import EXAMPLES
from healthgraph.server.settings import Settings

from tests.live_server import serving

REPO = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"```graphql\n(.*?)```", re.DOTALL)


def documented_queries() -> list[str]:
    found: list[str] = []
    for doc in (REPO / "README.md", REPO / "docs" / "graphql.md"):
        found += FENCE.findall(doc.read_text(encoding="utf-8"))
    return found


@pytest.fixture(scope="module")
def gql_client(settings: Settings) -> Iterator[Client]:
    with serving(create_app(settings)) as base:
        transport = HTTPXTransport(url=f"{base}/graphql", timeout=30)
        client = Client(transport=transport, fetch_schema_from_transport=True)
        with client as _session:
            pass
        yield client


def test_every_graphiql_example_is_documented() -> None:
    documented = [query.strip() for query in documented_queries()]
    for example in EXAMPLES:
        assert example.query.strip() in documented, example.title


@pytest.mark.parametrize("query", documented_queries())
def test_documented_query_runs_with_gql(gql_client: Client, query: str) -> None:
    result = gql_client.execute(gql(query))
    assert result and all(value is not None for value in result.values())


def test_twinning_from_the_readme_with_gql(gql_client: Client) -> None:
    readme = FENCE.findall((REPO / "README.md").read_text(encoding="utf-8"))[0]
    result = gql_client.execute(gql(readme))
    countries = {m["organisation"]["country"]["isoCode"]
                 for p in result["programme"]["partnerships"] for m in p["members"]}
    assert {"MW", "ZM", "GB-SCT"} <= countries
