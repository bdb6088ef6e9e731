"""Load throughput at one size, side by side, from one run:

Each step runs in a child process; its wall time and its CPU seconds (user + system, all
threads) are both recorded, since the CPU figure is what a shared machine distorts least.

1. our CSV -> store: the real build (`pipeline.build`: loaders, bulk load, inference, SHACL,
   statistics, text index, optimize), with the time of its load phase and of the whole build;
2. the same triples as one N-Triples file (written by the loaders), raw `Store.bulk_load`, into
   the default graph and into one named graph (what a build writes: quads, six indexes);
3. `oxigraph load` of that file (the server's own loader, a separate process);
4. rdflib parsing that file into a `Graph` (only up to --rdflib-max triples).

    python bench/load.py /tmp/hg-100k --out bench/results/load-100k.json [--skip-build | --build-only]

`--build-only` runs only the build and adds it to the raw figures already in `--out` (at 1M
the raw loads take half an hour and do not depend on our code).

Peak memory (RSS) is measured per step in a child process.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
OXIGRAPH = str(Path(sys.executable).parent / "oxigraph")


def _children_cpu() -> float:
    """CPU seconds (user + system, every thread) of the child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child(code: str, *args: str) -> tuple[float, float, int, str]:
    """Run `code` in a fresh interpreter: (seconds, CPU seconds, peak RSS in MB, stderr)."""
    started, cpu = time.monotonic(), _children_cpu()
    done = subprocess.run([PYTHON, "-c", code, *args], capture_output=True, text=True, check=True)
    elapsed = time.monotonic() - started
    rss = int(done.stdout.strip().splitlines()[-1]) // 1024
    return elapsed, _children_cpu() - cpu, rss, done.stderr


_RSS = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"

_BUILD = """
import sys
from pathlib import Path
from healthgraph.server import pipeline
from healthgraph.server.cli import Progress
from healthgraph.server.settings import Settings
settings = Settings(data_dir=Path(sys.argv[1]), state_dir=Path(sys.argv[2]))
info = pipeline.build(settings, Progress())
print(info.triples, file=sys.stderr)
""" + _RSS

_WRITE_NT = """
import sys
from pathlib import Path
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings
settings = Settings(data_dir=Path(sys.argv[1]))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for source in pipeline.collect_sources(settings):
        if source.path.suffix == ".csv":
            for chunk in source.chunks():
                out.write(chunk)
""" + _RSS

_BULK = """
import sys
from pyoxigraph import RdfFormat, Store
Store(sys.argv[2]).bulk_load(path=sys.argv[1], format=RdfFormat.N_TRIPLES)
""" + _RSS

# The same into one named graph: a build keeps each source in a graph of its own, and quads
# in named graphs have six indexes to write where the default graph's triples have three.
_BULK_NAMED = """
import sys
from pyoxigraph import NamedNode, RdfFormat, Store
Store(sys.argv[2]).bulk_load(path=sys.argv[1], format=RdfFormat.N_TRIPLES,
                             to_graph=NamedNode("https://example.org/bench/graph"))
""" + _RSS

_RDFLIB = """
import sys, rdflib
g = rdflib.Graph(); g.parse(sys.argv[1], format="nt"); print(len(g), file=sys.stderr)
""" + _RSS


def _build(data: Path, state: Path,
           budget: float | None) -> tuple[float, float, int, str, bool]:
    """The real build in a child process, stopped after `budget` seconds if given:
    (seconds, CPU seconds, peak RSS MB or -1 when stopped, progress log, finished)."""
    started, cpu = time.monotonic(), _children_cpu()
    log_path = state.parent / "build.log"  # the progress, live: `tail -f` it during a long build
    print(f"build progress: {log_path}", file=sys.stderr)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen([PYTHON, "-c", _BUILD, str(data), str(state)],
                                   stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            out, _ = process.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return (time.monotonic() - started, _children_cpu() - cpu, -1,
                    log_path.read_text(encoding="utf-8"), False)
    err = log_path.read_text(encoding="utf-8")
    if process.returncode != 0:
        raise RuntimeError(f"build failed: {err[-2000:]}")
    return (time.monotonic() - started, _children_cpu() - cpu,
            int(out.strip().splitlines()[-1]) // 1024, err, True)


PHASES = (  # a progress line's words -> the phase that ended with it
    ("loaded ", "load"), ("inferred ", "inference"), ("data conforms", "shacl"),
    ("computed statistics", "statistics"), ("built the text index", "text_index"),
    ("optimized", "optimize"), ("wrote ", "dumps"), ("probable duplicates", "duplicates_wait"),
    ("version ", "switch"),
)


def _phase_seconds(log: str) -> dict[str, float]:
    """Seconds per build phase, from the progress lines ('[   12.3s] message'). The
    duplicates report runs beside statistics .. dumps, so `duplicates_wait` is only what was
    left of it after the dumps."""
    stamps = [(float(m[1]), m[2]) for m in re.finditer(r"\[\s*([\d.]+)s\] (.*)", log)]
    phases: dict[str, float] = {}
    last = 0.0
    for stamp, message in stamps:
        key = next((name for words, name in PHASES if words in message), message.split(" ")[0])
        phases[key] = round(phases.get(key, 0.0) + stamp - last, 1)
        last = stamp
    return phases


def _add_build(results: dict[str, object], data: Path, work: Path,
               budget: float | None) -> dict[str, object]:
    seconds, cpu, rss, log, finished = _build(data, work / "state", budget)
    build: dict[str, object] = {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": rss,
                                "phases": _phase_seconds(log), "finished": finished,
                                "log": log[-4000:]}
    results["build"] = build
    print(log, file=sys.stderr)
    return build


def _load_rate(build: dict[str, object], triples: object) -> None:
    phases = build["phases"]
    if isinstance(triples, int) and isinstance(phases, dict):
        build["load_triples_per_s"] = triples / phases.get("load", build["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hg-bench")
    parser.add_argument("--skip-build", action="store_true", help="only the raw loads")
    parser.add_argument("--build-only", action="store_true",
                        help="only the build, added to the raw figures already in --out")
    parser.add_argument("--rdflib-max", type=int, default=6_000_000)
    parser.add_argument("--build-budget", type=float, default=None,
                        help="stop the build after this many seconds (phases done are reported)")
    args = parser.parse_args(argv)
    work = args.work / args.data.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if args.build_only:
        earlier = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
        results = {**earlier, "data": str(args.data)}
        build = _add_build(results, args.data, work, args.build_budget)
        _load_rate(build, earlier.get("triples_csv"))
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
        return 0
    results: dict[str, object] = {"data": str(args.data)}
    # The build runs first, so that its store is ready for the query mix as soon as possible.
    build = None if args.skip_build else _add_build(results, args.data, work, args.build_budget)

    nt_file = work / "data.nt"
    seconds, cpu, rss, _ = _child(_WRITE_NT, str(args.data), str(nt_file))
    triples = sum(1 for _ in nt_file.open("rb"))
    results["triples_csv"] = triples
    results["csv_to_ntriples"] = {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": rss}
    print(f"loaders -> N-Triples file: {triples} triples in {seconds:.1f} s", file=sys.stderr)

    seconds, cpu, rss, _ = _child(_BULK, str(nt_file), str(work / "raw-store"))
    results["raw_bulk_load"] = {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": rss,
                                "triples_per_s": triples / seconds}
    print(f"raw bulk_load: {seconds:.1f} s", file=sys.stderr)
    shutil.rmtree(work / "raw-store", ignore_errors=True)

    seconds, cpu, rss, _ = _child(_BULK_NAMED, str(nt_file), str(work / "raw-store"))
    results["raw_bulk_load_named_graph"] = {"seconds": seconds, "cpu_seconds": cpu,
                                            "peak_rss_mb": rss, "triples_per_s": triples / seconds}
    print(f"raw bulk_load into a named graph: {seconds:.1f} s", file=sys.stderr)
    shutil.rmtree(work / "raw-store", ignore_errors=True)

    started, cpu = time.monotonic(), _children_cpu()
    subprocess.run([OXIGRAPH, "load", "--location", str(work / "ox-store"), "--file", str(nt_file)],
                   check=True, capture_output=True)
    seconds = time.monotonic() - started
    results["oxigraph_load"] = {"seconds": seconds, "cpu_seconds": _children_cpu() - cpu,
                                "triples_per_s": triples / seconds}
    print(f"oxigraph load: {seconds:.1f} s", file=sys.stderr)
    shutil.rmtree(work / "ox-store", ignore_errors=True)

    if triples <= args.rdflib_max:
        seconds, cpu, rss, _ = _child(_RDFLIB, str(nt_file))
        results["rdflib_parse"] = {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": rss,
                                   "triples_per_s": triples / seconds}
        print(f"rdflib parse: {seconds:.1f} s", file=sys.stderr)

    if build is not None:
        _load_rate(build, triples)
    nt_file.unlink()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
