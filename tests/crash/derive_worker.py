"""Run as a script: derive a new version that adds `n` triples (what a SPARQL Update does)."""

from __future__ import annotations

import sys
from pathlib import Path

from healthgraph.server import pipeline
from healthgraph.server.settings import Settings
from pyoxigraph import NamedNode, RdfFormat, Store


def main(state: str, n: int) -> None:
    settings = Settings(state_dir=Path(state), build_dumps=False)

    def change(store: Store) -> None:
        text = "".join(f'<https://example.org/update/s{i}> <https://example.org/update/p> "{i}" .\n'
                       for i in range(n))
        store.load(text.encode("utf-8"), RdfFormat.N_TRIPLES,
                   to_graph=NamedNode("https://example.org/update"))

    pipeline.versioned_store(settings).derive(change, pipeline.build_options(settings))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
