"""The graphql-http audit suite (npm `graphql-http`, run with Node) against a real uvicorn.

`./dev.sh setup-test` installs Node and the pinned npm packages into tests/conformance/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings

from tests.live_server import serving

HERE = Path(__file__).resolve().parent
AUDITS = 61


def test_graphql_http_audit_passes_every_must_and_should(settings: Settings) -> None:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "graphql-http").is_dir():
        pytest.fail("node and tests/conformance/node_modules are needed: run ./dev.sh setup-test")
    with serving(create_app(settings)) as base:
        run = subprocess.run([node, str(HERE / "audit.mjs"), f"{base}/graphql"],
                             capture_output=True, text=True, timeout=120, check=True)
    results = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert len(results) == AUDITS
    failures = [r for r in results if r["status"] != "ok"]
    assert failures == [], "\n".join(f"{r['id']} {r['name']}: {r['reason']}" for r in failures)
