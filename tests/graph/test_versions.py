"""Store versions: a build becomes current atomically; a failed or killed one changes nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.versions import KEEP_VERSIONS, NoCurrentVersionError, VersionedStore
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings

COUNT_PARTNERSHIPS = (
    "PREFIX hg: <https://w3id.org/healthgraph/ontology#> "
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a hg:Partnership }"
)


def _quiet(_: str) -> None:
    return None


def _partnerships(current: CurrentVersion) -> int:
    return int(current.snapshot().store.select(COUNT_PARTNERSHIPS)[0]["n"].value)


def test_no_version_before_the_first_build(tmp_path: Path) -> None:
    with pytest.raises(NoCurrentVersionError):
        VersionedStore(tmp_path).current()


def test_each_source_file_is_a_named_graph_with_provenance(settings: Settings) -> None:
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    rows = store.select(
        """PREFIX prov: <http://www.w3.org/ns/prov#>
           PREFIX hg: <https://w3id.org/healthgraph/ontology#>
           SELECT ?graph ?file ?time WHERE { ?graph a prov:Entity ; hg:sourceFile ?file ;
           prov:generatedAtTime ?time }"""
    )
    files = {row["file"].value for row in rows}
    assert {"partnerships.csv", "memberships.csv", "organisations.csv", "healthgraph.ttl"} <= files
    graphs = {name.value for name in store.raw.named_graphs()}
    assert {row["graph"].value for row in rows} <= graphs


def test_every_partnership_keeps_its_source_url(settings: Settings) -> None:
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    missing = store.select(
        """PREFIX hg: <https://w3id.org/healthgraph/ontology#>
           PREFIX dcterms: <http://purl.org/dc/terms/>
           SELECT ?p WHERE { ?p a hg:Partnership . FILTER NOT EXISTS { ?p dcterms:source ?s } }"""
    )
    assert missing == []


def test_a_new_build_switches_and_readers_follow(fresh_settings: Settings) -> None:
    first = pipeline.build(fresh_settings, _quiet)
    current = CurrentVersion(VersionedStore(fresh_settings.state_dir))
    assert current.snapshot().version.id == first.id
    before = _partnerships(current)
    partnerships = fresh_settings.data_dir / "partnerships.csv"
    lines = partnerships.read_text(encoding="utf-8").splitlines()
    new_row = lines[1].replace("westgate-matawale-twinning-project", "a-new-partnership", 1)
    partnerships.write_text("\n".join([*lines, new_row]) + "\n", encoding="utf-8")
    second = pipeline.build(fresh_settings, _quiet)
    assert current.snapshot().version.id == second.id != first.id
    assert _partnerships(current) == before + 1


def test_old_versions_are_pruned(fresh_settings: Settings) -> None:
    for _ in range(KEEP_VERSIONS + 2):
        pipeline.build(fresh_settings, _quiet)
    versions = VersionedStore(fresh_settings.state_dir)
    kept = [p for p in versions.versions_dir.iterdir() if not p.name.startswith(".")]
    assert len(kept) == KEEP_VERSIONS


def _big_ntriples(path: Path, triples: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(triples):
            handle.write(f"<http://example.org/s{i}> <http://example.org/p> \"value {i}\" .\n")


def test_build_killed_halfway_leaves_previous_version_serving(fresh_settings: Settings) -> None:
    first = pipeline.build(fresh_settings, _quiet)
    current = CurrentVersion(VersionedStore(fresh_settings.state_dir))
    before = _partnerships(current)
    _big_ntriples(fresh_settings.data_dir / "bulk.nt", 600_000)
    env = {
        **os.environ,
        "HEALTHGRAPH_STATE_DIR": str(fresh_settings.state_dir),
        "HEALTHGRAPH_DATA_DIR": str(fresh_settings.data_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "healthgraph.server.cli", "load"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    versions_dir = fresh_settings.state_dir / "versions"
    deadline = time.monotonic() + 60
    assert process.stderr is not None
    for line in process.stderr:
        if "loaded bulk.nt" in line or time.monotonic() > deadline:
            break
    assert list(versions_dir.glob(".building-*")), "the build should be in progress"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    versions = VersionedStore(fresh_settings.state_dir)
    assert json.loads(versions.pointer.read_text())["version"] == first.id
    assert versions.current().id == first.id
    assert _partnerships(CurrentVersion(versions)) == before

    second = pipeline.build(fresh_settings, _quiet)
    assert versions.current().id == second.id
    assert not list(versions_dir.glob(".building-*"))
    assert second.statistics["graphs"][f"{fresh_settings.base_iri}graph/bulk"] == 600_000
