"""Store versions: build a complete new store in a fresh directory, then switch atomically.

Layout under the state directory::

    CURRENT                      {"version": "<id>"}  replaced atomically (os.replace)
    versions/<id>/store/         the pyoxigraph store, never written after the switch
    versions/<id>/version.json   build time, sources, statistics, dumps (size, SHA-256)
    versions/<id>/dumps/         the whole graph as downloads (graph/dumps.py)
    versions/<id>/duplicates.json  probable duplicates found by the build (graph/duplicates.py)
    versions/.building-<id>/     a build in progress (or a killed one, removed next time)
    build.lock                   one build at a time (flock)

A build that fails or is killed at any point never touches CURRENT, so the
previous version keeps serving.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import secrets
import shutil
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from healthgraph.graph import ntriples as nt
from healthgraph.graph.dumps import Dump, write_dumps
from healthgraph.graph.duplicates import write_report as write_duplicates_report
from healthgraph.graph.inference import materialise
from healthgraph.graph.namespaces import DCTERMS, HG, PROV, RDF, RDFS, VOID, XSD
from healthgraph.graph.sources import Source
from healthgraph.graph.statistics import compute_statistics
from healthgraph.graph.store import EmbeddedStore
from healthgraph.graph.streams import ChunkReader, batched_text, binary_stream, piped
from healthgraph.graph.text_index import FILE_NAME as TEXT_INDEX_FILE
from healthgraph.graph.text_index import build_text_index
from healthgraph.graph.text_index import entries as text_entries
from healthgraph.graph.validation import require_conformance
from pyoxigraph import NamedNode, RdfFormat, Store

KEEP_VERSIONS = 3
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class NoCurrentVersionError(LookupError):
    """No version has been built yet."""


@dataclass(frozen=True)
class VersionInfo:
    id: str
    path: Path
    built_at: datetime
    statistics: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, str]] = field(default_factory=list)
    dumps: list[Dump] = field(default_factory=list)
    graphs: tuple[str, ...] = ()
    """The version's named graphs on a remote engine (empty for an embedded version)."""

    @property
    def store_path(self) -> Path:
        return self.path / "store"

    @property
    def text_index_path(self) -> Path:
        return self.path / TEXT_INDEX_FILE

    @property
    def triples(self) -> int:
        return int(self.statistics.get("triples", 0))

    @classmethod
    def read(cls, path: Path) -> VersionInfo:
        meta = json.loads((path / "version.json").read_text(encoding="utf-8"))
        return cls(
            id=meta["id"],
            path=path,
            built_at=datetime.fromisoformat(meta["built_at"]),
            statistics=meta.get("statistics", {}),
            sources=meta.get("sources", []),
            dumps=[Dump.from_json(dump) for dump in meta.get("dumps", [])],
        )


@dataclass(frozen=True)
class BuildOptions:
    base_iri: str
    shapes: Path | None
    inferred_graph: str
    metadata_graph: str
    validate: bool = True
    optimize: bool = True
    dumps: bool = True


def _new_version_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class VersionedStore:
    """The versions under one state directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.versions_dir = root / "versions"
        self.pointer = root / "CURRENT"

    def current(self) -> VersionInfo:
        try:
            pointer = json.loads(self.pointer.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NoCurrentVersionError(f"no store version built yet in {self.root}") from None
        return VersionInfo.read(self.versions_dir / pointer["version"])

    def has_current(self) -> bool:
        return self.pointer.exists()

    def open(self, version: VersionInfo) -> EmbeddedStore:
        """A read-only store on `version` (any number of processes may open it)."""
        return EmbeddedStore.open_read_only(version.store_path)

    def pointer_stamp(self) -> float:
        """Changes whenever the current version changes (cheap to poll per request)."""
        try:
            return self.pointer.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    @contextlib.contextmanager
    def _build_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "build.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def build(
        self, sources: Sequence[Source], options: BuildOptions, progress: Progress = _quiet
    ) -> VersionInfo:
        """Build a complete new version from `sources` and make it current."""

        def fill(building: Path, version_id: str) -> None:
            self._build_into(building, version_id, sources, options, progress)

        return self._new_version(fill, progress)

    def derive(
        self,
        change: Callable[[Store], None],
        options: BuildOptions,
        progress: Progress = _quiet,
    ) -> VersionInfo:
        """A new version: a copy of the current one with `change` applied, checked, switched."""

        def fill(building: Path, version_id: str) -> None:
            current = self.current()
            Store.read_only(str(current.store_path)).backup(str(building / "store"))
            store = Store(str(building / "store"))
            change(store)
            self._finish(store, building, version_id, current.sources, options, progress)

        return self._new_version(fill, progress)

    def _new_version(
        self, fill: Callable[[Path, str], None], progress: Progress
    ) -> VersionInfo:
        """Fill a fresh directory with a complete version, then switch to it atomically."""
        with self._build_lock():
            self._remove_abandoned_builds()
            version_id = _new_version_id()
            building = self.versions_dir / f".building-{version_id}"
            building.mkdir(parents=True)
            final = self.versions_dir / version_id
            try:
                fill(building, version_id)
                os.replace(building, final)
                _fsync_dir(self.versions_dir)
                self._switch(version_id)
            except BaseException as error:
                _discard(building, error)
                raise
            self._remove_old_versions()
            info = VersionInfo.read(final)
            progress(f"version {info.id} is current ({info.triples} triples)")
            return info

    def _build_into(
        self,
        building: Path,
        version_id: str,
        sources: Sequence[Source],
        options: BuildOptions,
        progress: Progress,
    ) -> dict[str, Any]:
        store = Store(str(building / "store"))
        loaded_at = datetime.now(UTC)
        described: list[dict[str, str]] = []
        for source in sources:
            started = time.monotonic()
            with piped(batched_text(source.chunks())) as (path, producer):
                store.bulk_load(
                    path=path,
                    format=source.format,
                    base_iri=options.base_iri,
                    to_graph=NamedNode(source.graph),
                )
            progress(
                f"loaded {source.path.name} into <{source.graph}> "
                f"({producer.bytes_written / 1e6:.1f} MB in {time.monotonic() - started:.1f} s)"
            )
            described.append(
                {
                    "name": source.name,
                    "graph": source.graph,
                    "file": source.path.name,
                    "sha256": source.sha256(),
                    "loaded_at": loaded_at.isoformat(),
                    "description": source.description,
                }
            )
        store.bulk_load(
            binary_stream(ChunkReader(_provenance(described, options, version_id))),
            RdfFormat.N_TRIPLES,
            to_graph=NamedNode(options.metadata_graph),
        )
        return self._finish(store, building, version_id, described, options, progress)

    def _finish(
        self,
        store: Store,
        building: Path,
        version_id: str,
        described: list[dict[str, str]],
        options: BuildOptions,
        progress: Progress,
    ) -> dict[str, Any]:
        store.clear_graph(NamedNode(options.inferred_graph))
        inferred = materialise(store, options.inferred_graph)
        progress(f"inferred {inferred} subclass and subproperty triples")
        if options.validate and options.shapes:
            require_conformance(store, options.shapes)
            progress("data conforms to the SHACL shapes")
        # The duplicates report is Python (it holds the GIL); statistics, the text index,
        # optimize and the dumps run in the engine or SQLite (they release it). So the report
        # runs in a thread beside them, and the two share the cores instead of taking turns.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="duplicates") as pool:
            report = pool.submit(write_duplicates_report, EmbeddedStore(store), building)
            statistics = compute_statistics(store, options.base_iri)
            progress("computed statistics")
            entries = build_text_index(building / TEXT_INDEX_FILE, text_entries(store), store)
            progress(f"built the text index ({entries} labelled resources)")
            if options.optimize:
                store.optimize()
                progress("optimized the store")
            dumps = write_dumps(store, building) if options.dumps else []
            if dumps:
                progress(f"wrote {len(dumps)} dumps")
            duplicates = report.result()
            progress(f"{len(duplicates)} probable duplicates reported")
        store.flush()
        del store
        info = {
            "id": version_id,
            "built_at": datetime.now(UTC).isoformat(),
            "statistics": statistics,
            "sources": described,
            "dumps": [dump.as_json() for dump in dumps],
        }
        meta_path = building / "version.json"
        meta_path.write_text(json.dumps(info, indent=1, sort_keys=True), encoding="utf-8")
        return info

    def _switch(self, version_id: str) -> None:
        temporary = self.root / f"CURRENT.{version_id}.tmp"
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump({"version": version_id}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.pointer)
        _fsync_dir(self.root)

    def _remove_abandoned_builds(self) -> None:
        if self.versions_dir.exists():
            for leftover in self.versions_dir.glob(".building-*"):
                shutil.rmtree(leftover, ignore_errors=True)
        for leftover in self.root.glob("CURRENT.*.tmp"):
            leftover.unlink(missing_ok=True)

    def _remove_old_versions(self) -> None:
        current = self.current().id
        complete = sorted(
            path for path in self.versions_dir.iterdir() if not path.name.startswith(".")
        )
        for path in complete[:-KEEP_VERSIONS]:
            if path.name != current:
                shutil.rmtree(path, ignore_errors=True)


def _discard(building: Path, error: BaseException) -> None:
    """Remove a failed build. The traceback's frames still hold the open store: clear them
    so it is closed before its files are removed."""
    traceback.clear_frames(error.__traceback__)
    gc.collect()
    shutil.rmtree(building, ignore_errors=True)


def _provenance(sources: list[dict[str, str]], options: BuildOptions, version_id: str) -> Iterator[str]:
    """PROV metadata: each source graph is an entity generated by this build from a file."""
    activity = f"{options.base_iri}build/{version_id}"
    yield nt.triple(activity, f"{RDF}type", nt.iri(f"{PROV}Activity"))
    for source in sources:
        graph = source["graph"]
        yield nt.triple(graph, f"{RDF}type", nt.iri(f"{PROV}Entity"))
        yield nt.triple(graph, f"{RDF}type", nt.iri(f"{VOID}Dataset"))
        yield nt.triple(graph, f"{RDFS}label", nt.literal(source["file"]))
        yield nt.triple(graph, f"{DCTERMS}description", nt.literal(source["description"]))
        yield nt.triple(graph, f"{PROV}wasGeneratedBy", nt.iri(activity))
        yield nt.triple(
            graph, f"{PROV}generatedAtTime", nt.literal(source["loaded_at"], f"{XSD}dateTime")
        )
        yield nt.triple(graph, f"{HG}sourceFile", nt.literal(source["file"]))
        yield nt.triple(graph, f"{HG}sha256", nt.literal(source["sha256"]))
