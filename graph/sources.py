"""What a loader hands to a build: one named graph's worth of RDF, with its provenance."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat


@dataclass(frozen=True)
class Source:
    """One source file, loaded into its own named graph.

    `chunks` is called once per pass and yields serialised RDF in `format`
    (N-Triples for the mapped CSV files). It may raise a loader error part-way:
    the build then fails and nothing of it becomes current.
    """

    name: str
    graph: str
    path: Path
    format: RdfFormat
    chunks: Callable[[], Iterable[str | bytes]]
    description: str = ""

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
