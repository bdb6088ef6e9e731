"""What the crash tests check after a kill: the served graph, counted and checksummed."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from healthgraph.graph.iris import IriMinter
from healthgraph.graph.versions import VersionedStore
from pyoxigraph import RdfFormat, Store

HEALTHGRAPH = str(Path(sys.executable).with_name("healthgraph"))


@dataclass(frozen=True)
class Served:
    """The graph the current version serves: quads (provenance graph left out, since it
    records load times) and a SHA-256 of their sorted N-Quads."""

    version: str
    quads: int
    checksum: str


def served(state: Path, base_iri: str = "https://w3id.org/healthgraph/") -> Served:
    """Open the current version as the server does (read-only) and checksum what it serves."""
    info = VersionedStore(state).current()
    store = Store.read_only(str(info.store_path))
    metadata = IriMinter(base_iri).metadata_graph
    lines = [
        line for line in store.dump(format=RdfFormat.N_QUADS).decode("utf-8").splitlines()
        if not line.endswith(f"<{metadata}> .")
    ]
    lines.sort()
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    declared = info.triples
    del store
    assert declared > 0, "version.json records no triples"
    return Served(info.id, len(lines), digest)


def leftovers(state: Path) -> list[str]:
    versions = state / "versions"
    return sorted(p.name for p in versions.iterdir() if p.name.startswith(".")) if versions.exists() else []


def kill_after(command: list[str], env: dict[str, str], delay: float) -> int | None:
    """Start `command`, SIGKILL it after `delay` seconds; its exit code if it ended first."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        return process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        return None


def environment(state: Path, data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEALTHGRAPH_")}
    env.update(HEALTHGRAPH_STATE_DIR=str(state), HEALTHGRAPH_DATA_DIR=str(data), **extra)
    return env


def timed_run(command: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=900)
    return time.monotonic() - started
