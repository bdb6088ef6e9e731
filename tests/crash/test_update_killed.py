"""SIGKILL a SPARQL Update's new version (VersionedStore.derive, which the update path uses)
at random points: the current version is always the old one or the complete new one."""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import pytest
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings

from tests.crash.helpers import environment, kill_after, leftovers, served, timed_run

ADDED = 100_000
KILLS = 5


@pytest.mark.slow
def test_update_killed_at_random_points_leaves_a_complete_version(
    built_state: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    shutil.copytree(built_state, state)
    env = environment(state, tmp_path)
    derive = [sys.executable, "-m", "tests.crash.derive_worker", str(state), str(ADDED)]
    old = served(state)
    duration = timed_run(derive, env)
    new = served(state)
    assert new.quads == old.quads + ADDED

    # back to the old graph: a fresh copy, then kill derivations of it
    shutil.rmtree(state)
    shutil.copytree(built_state, state)
    rng = random.Random(8)
    for attempt in range(KILLS):
        delay = rng.uniform(0.05, duration * 1.1)
        code = kill_after(derive, env, delay)
        after = served(state)
        assert code in (None, 0), f"attempt {attempt}: derive failed on its own ({code})"
        if (after.quads, after.checksum) == (new.quads, new.checksum):
            shutil.rmtree(state)  # it finished: start again from the old graph
            shutil.copytree(built_state, state)
            continue
        assert (after.quads, after.checksum) == (old.quads, old.checksum), (
            f"attempt {attempt} (killed after {delay:.2f} s): partial state")

    pipeline.versioned_store(Settings(state_dir=state)).derive(
        lambda store: None, pipeline.build_options(Settings(state_dir=state, build_dumps=False)))
    assert leftovers(state) == []
    assert served(state).checksum == old.checksum
