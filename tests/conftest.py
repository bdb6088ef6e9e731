"""Shared fixtures: the shipped data built once into a real on-disk store, and the real app."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
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

from tests.live_server import free_port
from tests.virtuoso_server import WRITER as VIRTUOSO_WRITER
from tests.virtuoso_server import VirtuosoServer, VirtuosoUnavailableError
from tests.virtuoso_server import start as start_virtuoso

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


def _oxigraph_command() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.fail("the `oxigraph` server is not installed (pip install '.[test]')")
    return found


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throw-away `oxigraph serve` on 127.0.0.1 (a free port, its own directory)."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [_oxigraph_command(), "serve", "--location", str(location / "db"),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{url}query", params={"query": "ASK {}"}, timeout=1)
            break
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("oxigraph serve did not start")
            time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def remote_settings(
    settings: Settings, oxigraph_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Settings of an app over `oxigraph serve`, holding the session's built version
    (published through the Graph Store Protocol, switched by the pointer graph)."""
    remote = Settings(state_dir=tmp_path_factory.mktemp("remote-state"), store=oxigraph_server)
    shutil.copytree(settings.state_dir, remote.state_dir, dirs_exist_ok=True)
    pipeline.remote_versions(remote).publish(VersionedStore(remote.state_dir).current())
    return remote


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A throw-away Virtuoso on 127.0.0.1 (its own database directory, a Digest writer user),
    one per test session."""
    try:
        server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    except VirtuosoUnavailableError as error:
        pytest.fail(str(error))
    try:
        yield server
    finally:
        server.stop()


def virtuoso_settings_for(server: VirtuosoServer, state_dir: Path) -> Settings:
    """Settings of an app over `server`: Virtuoso's endpoint layout, Digest auth for writes."""
    user, password = VIRTUOSO_WRITER
    return Settings(
        state_dir=state_dir, store=server.root, store_engine="virtuoso",
        store_update_auth="digest", store_graph_auth="digest",
        store_user=user, store_password=password,
    )


@pytest.fixture(scope="session")
def virtuoso_settings(
    settings: Settings, virtuoso_server: VirtuosoServer, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Settings of an app over Virtuoso, holding the session's built version."""
    remote = virtuoso_settings_for(virtuoso_server, tmp_path_factory.mktemp("virtuoso-state"))
    shutil.copytree(settings.state_dir, remote.state_dir, dirs_exist_ok=True)
    pipeline.remote_versions(remote).publish(VersionedStore(remote.state_dir).current())
    return remote


BACKENDS = ["embedded", "oxigraph", "virtuoso"]
"""The backends every store-contract and endpoint test runs on."""


def backend_settings(request: pytest.FixtureRequest, backend: str) -> Settings:
    fixture = {"embedded": "settings", "oxigraph": "remote_settings",
               "virtuoso": "virtuoso_settings"}[backend]
    chosen: Settings = request.getfixturevalue(fixture)
    return chosen


@pytest.fixture(params=BACKENDS)
def any_settings(request: pytest.FixtureRequest) -> Settings:
    """The app's settings on each backend in turn."""
    return backend_settings(request, request.param)


@pytest.fixture
def any_client(any_settings: Settings) -> Iterator[httpx.Client]:
    """The real app on each backend in turn."""
    with TestClient(create_app(any_settings)) as http:
        yield http
