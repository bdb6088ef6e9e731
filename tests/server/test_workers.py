"""`healthgraph serve --workers N`: every worker serves the current version and follows a switch."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings

from tests.live_server import free_port


def _etags(url: str, count: int) -> set[str]:
    # new connections each time, so the kernel spreads them over the worker processes
    return {httpx.get(url, params={"query": "ASK {}"}, timeout=10).headers["etag"] for _ in range(count)}


def test_two_workers_serve_and_pick_up_a_new_version(fresh_settings: Settings) -> None:
    first = pipeline.build(fresh_settings, lambda _: None)
    port = free_port()
    env = {**os.environ, "HEALTHGRAPH_STATE_DIR": str(fresh_settings.state_dir),
           "HEALTHGRAPH_DATA_DIR": str(fresh_settings.data_dir)}
    command = [str(Path(sys.executable).parent / "healthgraph"), "serve", "--workers", "2",
               "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                before = _etags(url, 8)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.3)
        assert len(before) == 1  # every worker serves the same version
        second = pipeline.build(fresh_settings, lambda _: None)
        assert second.id != first.id
        after = _etags(url, 16)
        assert len(after) == 1 and after != before  # and every worker moved to the new one
    finally:
        server.terminate()
        server.wait(timeout=30)
