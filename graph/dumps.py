"""Whole-graph downloads, written with each store version (before it becomes current).

Three files under `versions/<id>/dumps/`:

- `healthgraph.nq.gz`  every quad, named graphs and all (N-Quads, gzip);
- `healthgraph.ttl`    the union of all graphs (Turtle);
- `healthgraph.jsonld` every quad, named graphs as `@graph` objects (JSON-LD, expanded).

Each file's size and SHA-256 go into `version.json`, from where the DCAT description and the
download responses (ETag) read them; nothing is computed per request.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from healthgraph.graph.namespaces import PREFIXES
from pyoxigraph import RdfFormat, Store, parse, serialize

DUMPS_DIR: Final = "dumps"


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


GZIP_LEVEL: Final = 1
"""zlib level 1: at 10k partnerships 4x faster than level 6, for a file a third larger."""
_BLOCK: Final = 1 << 20


def _gzip(plain: Path, target: Path) -> None:
    """`plain` compressed in blocks (zlib releases the GIL)."""
    with plain.open("rb") as source, gzip.open(target, "wb", compresslevel=GZIP_LEVEL) as sink:
        shutil.copyfileobj(source, sink, _BLOCK)


def _union_turtle(plain: Path, target: Path) -> None:
    """The union of all graphs as one Turtle document, from the N-Quads: each quad's triple in
    turn (a triple held by two graphs is written twice, and is one triple when read: a graph
    is a set; a blank node keeps its label, so it stays one node, as in the union)."""
    quads = parse(path=plain, format=RdfFormat.N_QUADS)
    serialize((quad.triple for quad in quads), target, RdfFormat.TURTLE, prefixes=PREFIXES)


def _json_ld(plain: Path, target: Path) -> None:
    """Every quad as JSON-LD (named graphs as `@graph` objects), from the N-Quads."""
    serialize(parse(path=plain, format=RdfFormat.N_QUADS), target, RdfFormat.JSON_LD)


def write_dumps(store: Store, version_dir: Path) -> list[Dump]:
    """Write every dump of `store` into `version_dir/dumps` and describe them.

    The store is read once: reading terms back out of it is most of the cost of a dump (at
    10k partnerships 2.9 s of CPU for N-Quads, about what bulk loading them cost), while
    parsing that N-Quads text again and writing Turtle or JSON-LD costs 0.8-0.9 s. So the
    engine writes plain N-Quads (given a path, without the GIL), and the three files are made
    from it at once, from three threads."""
    directory = version_dir / DUMPS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".dump-", dir=directory))
    try:
        plain = scratch / "all.nq"
        store.dump(plain, RdfFormat.N_QUADS)
        with ThreadPoolExecutor(max_workers=3, thread_name_prefix="dump") as pool:
            jobs: list[Future[None]] = [
                pool.submit(_gzip, plain, directory / NQUADS_GZ.file),
                pool.submit(_union_turtle, plain, directory / TURTLE.file),
                pool.submit(_json_ld, plain, directory / JSON_LD.file),
            ]
            for job in jobs:
                job.result()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    with ThreadPoolExecutor(max_workers=len(KINDS)) as pool:  # hashlib releases the GIL
        return list(pool.map(lambda kind: _describe(directory / kind.file, kind), KINDS))


def dump_path(version_dir: Path, file: str) -> Path:
    """Where a dump of a version lives (the file name is one of KINDS, checked by the caller)."""
    return version_dir / DUMPS_DIR / file
