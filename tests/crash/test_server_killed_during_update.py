"""SIGKILL `healthgraph serve` (and its query workers) in the middle of a SPARQL Update, at
random points: the state then serves the old graph or the complete updated one, a new server
starts and is ready, and the next update succeeds. Needs the update path (SPARQL endpoint
issue); skipped without it."""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.crash.helpers import environment, leftovers, served
from tests.live_server import free_port

TOKEN = "crash-test-token"
UPDATE = """PREFIX ex: <https://example.org/update/>
INSERT { GRAPH ex:copy { ?s ex:copied ?o } } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isLiteral(?o)) }"""
KILLS = 5

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("healthgraph.server.auth") is None,
    reason="SPARQL Update over HTTP is not on this branch yet",
)


def _start(state: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = environment(state, state, HEALTHGRAPH_UPDATE_TOKEN=TOKEN, HEALTHGRAPH_PORT=str(port),
                      HEALTHGRAPH_HOST="127.0.0.1", HEALTHGRAPH_BUILD_DUMPS="false")
    process = subprocess.Popen([sys.executable, "-m", "healthgraph.server.cli", "serve"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)


def _kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)  # the server and its query workers
    process.wait(timeout=30)


def _update(url: str) -> int | None:
    try:
        return httpx.post(f"{url}/sparql", content=UPDATE, timeout=120, headers={
            "content-type": "application/sparql-update", "authorization": f"Bearer {TOKEN}"}
        ).status_code
    except httpx.HTTPError:
        return None


@pytest.mark.slow
def test_server_killed_during_update_leaves_a_complete_version(
    built_state: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    shutil.copytree(built_state, state)
    old = served(state)
    process, url = _start(state)
    started = time.monotonic()
    assert _update(url) in (200, 204)
    duration = time.monotonic() - started
    _kill(process)
    new = served(state)
    assert new.quads > old.quads

    rng = random.Random(3)
    for attempt in range(KILLS):
        shutil.rmtree(state)
        shutil.copytree(built_state, state)
        process, url = _start(state)
        sender = threading.Thread(target=_update, args=(url,), daemon=True)
        sender.start()
        delay = rng.uniform(0.0, duration * 1.1)
        time.sleep(delay)
        _kill(process)
        sender.join(timeout=30)
        after = served(state)
        assert (after.quads, after.checksum) in {(old.quads, old.checksum),
                                                 (new.quads, new.checksum)}, (
            f"attempt {attempt} (killed {delay:.2f} s into the update): partial state")
        # a new server starts on what is there, and the next update succeeds
        process, url = _start(state)
        assert httpx.get(f"{url}/readyz").json()["version"] == after.version
        if after.checksum == old.checksum:
            assert _update(url) in (200, 204)
        _kill(process)
        assert leftovers(state) == []
        assert served(state).checksum == new.checksum
