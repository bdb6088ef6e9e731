"""Tables (Markdown) and the latency-vs-size plot from bench/results/*.json.

    python bench/report.py            # prints the tables, writes docs/benchmarks-latency.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def _load(prefix: str) -> dict[str, dict[str, object]]:
    found = {}
    for label in SIZES:
        path = RESULTS / f"{prefix}-{label}.json"
        if path.exists():
            found[label] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _seconds(step: object) -> str:
    """'12.3 s', with the step's CPU seconds beside it where the run recorded them."""
    if not isinstance(step, dict) or "seconds" not in step:
        return "not run"
    cpu = step.get("cpu_seconds")
    return f"{step['seconds']:.1f} s" + (f" ({cpu:.1f} s CPU)" if cpu is not None else "")


def load_table() -> str:
    lines = ["| N | triples (CSV graphs) | loaders -> .nt | raw bulk_load | raw bulk_load, named graph "
             "| `oxigraph load` | rdflib parse | our load phase | ours / raw | ours / raw named "
             "| full build | build / raw | build / raw (CPU) | peak RSS build |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, r in _load("load").items():
        raw_step = r["raw_bulk_load"]
        raw = raw_step["seconds"]  # type: ignore[index]
        raw_cpu = raw_step.get("cpu_seconds")  # type: ignore[attr-defined]
        named = r.get("raw_bulk_load_named_graph")
        build = r.get("build") or {}
        phases = build.get("phases", {}) if isinstance(build, dict) else {}
        load = phases.get("load")
        build_cpu = build.get("cpu_seconds") if isinstance(build, dict) else None
        cells = [
            label, f"{r['triples_csv']:,}", _seconds(r["csv_to_ntriples"]),
            f"{_seconds(raw_step)}, {r['raw_bulk_load']['triples_per_s'] / 1000:.0f}k/s",  # type: ignore[index]
            _seconds(named), _seconds(r["oxigraph_load"]), _seconds(r.get("rdflib_parse")),
            f"{load:.1f} s" if load else "-",
            f"{raw / load:.0%}" if load else "-",
            f"{named['seconds'] / load:.0%}" if load and isinstance(named, dict) else "-",
            _seconds(build) if build else "-",
            f"{build['seconds'] / raw:.1f}x" if build else "-",
            f"{build_cpu / raw_cpu:.1f}x" if build_cpu and raw_cpu else "-",
            f"{build['peak_rss_mb']} MB" if build else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def query_table() -> str:
    runs = _load("queries")
    servers = ["ours-embedded", "ours-uncached", "ours-remote", "oxigraph", "rdflib-endpoint"]
    lines = []
    for label, r in runs.items():
        lines.append(f"\n**N = {label}** (median ms of {5} runs after one warm-up)\n")
        lines.append("| query | " + " | ".join(servers) + " |")
        lines.append("|---|" + "---|" * len(servers))
        table = r["servers"]
        queries = list(next(iter(table.values())).keys()) if table else []  # type: ignore[attr-defined]
        for query in queries:
            cells = []
            for server in servers:
                cell = table.get(server, {}).get(query)  # type: ignore[attr-defined]
                if cell is None:
                    cells.append("-")
                elif "error" in cell:
                    cells.append(cell["error"][:40])
                else:
                    cells.append(f"{cell['median_ms']:.1f}")
            lines.append(f"| {query} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = _load("queries")
    if not runs:
        return
    panels = ["ours-embedded", "ours-uncached", "oxigraph"]
    figure, axes = plt.subplots(1, len(panels), figsize=(17, 4.5), sharey=True)
    for axis, server in zip(axes, panels, strict=True):
        queries = [q for r in runs.values() for q in r["servers"].get(server, {})]  # type: ignore[attr-defined]
        queries = list(dict.fromkeys(queries))
        for query in queries:
            xs, ys = [], []
            for label, r in runs.items():
                cell = r["servers"].get(server, {}).get(query)  # type: ignore[attr-defined]
                if cell and "median_ms" in cell:
                    xs.append(SIZES[label])
                    ys.append(cell["median_ms"])
            axis.plot(xs, ys, marker="o", label=query)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("partnerships (N)")
        axis.set_ylabel("median latency (ms)")
        axis.set_title(server)
        axis.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=100)


def main() -> int:
    print(load_table())
    print(query_table())
    plot(ROOT / "docs" / "benchmarks-latency.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
