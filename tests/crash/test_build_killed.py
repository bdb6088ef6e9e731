"""SIGKILL `healthgraph load` at 20 random points of a build of over 500,000 triples.

Two datasets A and B (B = A plus a few triples) are built once for reference. Each attempt
starts a build of the other dataset than the one serving and kills it after a random delay:
three in four within the first 80 % of the shorter reference build (so most kills land during
a build even when the machine's load changes between builds), the others up to 110 % of the
longer one (so some land after the switch). After every kill
the current version opens read-only and serves exactly A or exactly B (quad count and checksum
of its dump); the killed build's directory is removed by the next build; the last build
completes. Dumps are off (`HEALTHGRAPH_BUILD_DUMPS=false`) to keep the test within minutes.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.crash.helpers import HEALTHGRAPH, environment, kill_after, leftovers, served, timed_run

TRIPLES = 500_000
KILLS = 20
EXTRA_IN_B = 1_000


def _write_bulk(path: Path, extra: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(TRIPLES + extra):
            out.write(f'<https://example.org/crash/s{i // 5}> <https://example.org/crash/p{i % 5}> '
                      f'"value {i}" .\n')


@pytest.mark.slow
def test_build_killed_at_random_points_leaves_a_complete_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    bulk = {"A": tmp_path / "a.nt", "B": tmp_path / "b.nt"}
    _write_bulk(bulk["A"], 0)
    _write_bulk(bulk["B"], EXTRA_IN_B)
    state = tmp_path / "state"
    env = environment(state, data, HEALTHGRAPH_BUILD_DUMPS="false")
    load = [HEALTHGRAPH, "load"]

    expected = {}
    durations = []
    for name in ("A", "B"):
        shutil.copyfile(bulk[name], data / "bulk.nt")
        durations.append(timed_run(load, env))
        expected[name] = served(state)
    assert expected["A"].quads >= TRIPLES
    assert expected["B"].quads == expected["A"].quads + EXTRA_IN_B
    assert expected["A"].checksum != expected["B"].checksum
    shortest, longest = min(durations), max(durations)

    rng = random.Random(20261126)
    serving = "B"
    outcomes = {"killed": 0, "finished": 0, "new": 0, "old": 0}
    before = expected["B"]
    for attempt in range(KILLS):
        target = "A" if serving == "B" else "B"
        shutil.copyfile(bulk[target], data / "bulk.nt")
        during = attempt % 4 != 3
        delay = rng.uniform(0.05, shortest * 0.8) if during else rng.uniform(shortest, longest * 1.1)
        code = kill_after(load, env, delay)
        outcomes["finished" if code is not None else "killed"] += 1
        assert code in (None, 0), f"attempt {attempt}: the build failed on its own ({code})"

        after = served(state)
        matches = [name for name, known in expected.items()
                   if (known.quads, known.checksum) == (after.quads, after.checksum)]
        assert matches, f"attempt {attempt} (killed after {delay:.2f} s): partial state {after}"
        if after.version == before.version:
            assert matches == [serving], f"attempt {attempt}: same version, different graph"
            outcomes["old"] += 1
        else:
            assert matches == [target], f"attempt {attempt}: a new version with the wrong graph"
            outcomes["new"] += 1
            serving = target
        before = after

    assert outcomes["killed"] >= KILLS // 2, outcomes
    # the next build succeeds and cleans up what the killed ones left
    target = "A" if serving == "B" else "B"
    shutil.copyfile(bulk[target], data / "bulk.nt")
    timed_run(load, env)
    final = served(state)
    assert (final.quads, final.checksum) == (expected[target].quads, expected[target].checksum)
    assert leftovers(state) == []
    assert not list(state.glob("CURRENT.*.tmp"))
