"""Shared fixtures: the shipped data built once into a real on-disk store, and the real app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from healthgraph.graph.executor import QueryExecutor
from healthgraph.graph.versions import VersionedStore, VersionInfo
from healthgraph.server import pipeline
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A state directory with the shipped data built into one version (read-only for tests)."""
    state = tmp_path_factory.mktemp("state")
    pipeline.build(Settings(state_dir=state), lambda _message: None)
    return state


@pytest.fixture(scope="session")
def settings(built_state: Path) -> Settings:
    return Settings(state_dir=built_state)


@pytest.fixture(scope="session")
def version(settings: Settings) -> VersionInfo:
    return VersionedStore(settings.state_dir).current()


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Settings:
    """Settings over an empty state directory and a private copy of the shipped data."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    return Settings(state_dir=tmp_path / "state", data_dir=data)


@pytest.fixture(scope="session")
def executor() -> Iterator[QueryExecutor]:
    """One pool of query worker processes for the whole session (jobs name their store)."""
    with QueryExecutor(2) as pool:
        yield pool


@pytest.fixture
def client(settings: Settings, executor: QueryExecutor) -> Iterator[httpx.Client]:
    """The real app, driven in-process through httpx (Starlette's TestClient)."""
    with TestClient(create_app(settings, executor=executor)) as http:
        yield http
