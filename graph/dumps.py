"""Whole-graph downloads, written with each store version (before it becomes current).

Three files under `versions/<id>/dumps/`:

- `healthgraph.nq.gz`  every quad, named graphs and all (N-Quads, gzip);
- `healthgraph.ttl`    the union of all graphs, each triple once (Turtle);
- `healthgraph.jsonld` every quad, named graphs as `@graph` objects (JSON-LD, expanded).

Each file's size and SHA-256 go into `version.json`, from where the DCAT description and the
download responses (ETag) read them; nothing is computed per request.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, cast

from healthgraph.graph.store import triples
from pyoxigraph import RdfFormat, Store

DUMPS_DIR: Final = "dumps"
UNION_TRIPLES: Final = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


@dataclass(frozen=True)
class Dump:
    """One download file of a version."""

    file: str
    media_type: str
    title: str
    compression: str | None = None
    bytes: int = 0
    sha256: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "media_type": self.media_type,
            "title": self.title,
            "compression": self.compression,
            "bytes": self.bytes,
            "sha256": self.sha256,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Dump:
        return cls(
            file=str(value["file"]),
            media_type=str(value["media_type"]),
            title=str(value.get("title", value["file"])),
            compression=value.get("compression"),
            bytes=int(value.get("bytes", 0)),
            sha256=str(value.get("sha256", "")),
        )


NQUADS_GZ: Final = Dump("healthgraph.nq.gz", "application/n-quads", "All named graphs (N-Quads, gzip)",
                        compression="application/gzip")
TURTLE: Final = Dump("healthgraph.ttl", "text/turtle", "The union graph (Turtle)")
JSON_LD: Final = Dump("healthgraph.jsonld", "application/ld+json", "All named graphs (JSON-LD)")
KINDS: Final = (NQUADS_GZ, TURTLE, JSON_LD)


def _describe(path: Path, kind: Dump) -> Dump:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return Dump(kind.file, kind.media_type, kind.title, kind.compression, path.stat().st_size,
                digest.hexdigest())


def write_dumps(store: Store, version_dir: Path) -> list[Dump]:
    """Write every dump of `store` into `version_dir/dumps` and describe them."""
    directory = version_dir / DUMPS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    with gzip.open(directory / NQUADS_GZ.file, "wb", compresslevel=6) as handle:
        store.dump(cast(IO[bytes], handle), RdfFormat.N_QUADS)
    union = triples(store.query(UNION_TRIPLES, use_default_graph_as_union=True))
    with (directory / TURTLE.file).open("wb") as handle:
        union.serialize(handle, RdfFormat.TURTLE)
    with (directory / JSON_LD.file).open("wb") as handle:
        store.dump(handle, RdfFormat.JSON_LD)
    return [_describe(directory / kind.file, kind) for kind in KINDS]


def dump_path(version_dir: Path, file: str) -> Path:
    """Where a dump of a version lives (the file name is one of KINDS, checked by the caller)."""
    return version_dir / DUMPS_DIR / file
