"""The real app over the shipped data, budgets off (the fuzzers send thousands of requests),
a 50,000-byte request limit (httpx cannot send URLs past 64 KiB to test the limit on),
server errors returned as responses so that a 5xx is seen rather than raised."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from starlette.testclient import TestClient


def fuzzing(examples: int) -> hypothesis_settings:
    """Fixed number of examples, no example database, no per-example deadline."""
    return hypothesis_settings(
        max_examples=examples, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )


@pytest.fixture(scope="module")
def fuzz_client(settings: Settings) -> Iterator[httpx.Client]:
    open_settings = replace(settings, client_requests_per_second=0,
                            client_query_seconds_per_minute=0, max_request_bytes=50_000)
    with TestClient(create_app(open_settings), raise_server_exceptions=False) as http:
        yield http
