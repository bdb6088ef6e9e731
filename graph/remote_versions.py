"""Store versions on a remote SPARQL engine: fresh named graphs per version, one pointer.

A version is built and checked locally first (bulk load, inference, SHACL, statistics, text
index: the same `VersionedStore.build`), then published:

1. the version's description (statistics, sources, graph list, dumps) goes into
   `{base}version/{id}/info` first, so a publish that fails half-way leaves graphs the next
   publish finds and drops;
2. every named graph of the local version is written into a fresh graph
   `{base}version/{id}/graph/{name}` (the version id makes the names new, so nothing a
   reader can see is touched), as Graph Store POSTs of N-Triples of a few MB each, through
   the engine's bulk path where it has one (Oxigraph's `no_transaction`); every mention of a
   graph IRI in the data (the PROV metadata) is renamed to the engine graph on the way;
3. one small SPARQL Update replaces the pointer graph `{base}graph/current`, which holds
   `<{base}graph/current> hg:currentVersion "{id}"`: readers switch on their next request;
4. the graphs of versions older than the last `KEEP_VERSIONS` are dropped.

Readers only ever query with `default-graph-uri`/`named-graph-uri` listing the current
version's graphs, so a half-written version is invisible and a failed publish changes
nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from healthgraph.graph import ntriples as nt
from healthgraph.graph.dumps import Dump
from healthgraph.graph.namespaces import HG
from healthgraph.graph.remote_store import DEFAULT_TIMEOUT, Endpoints, RemoteStore
from healthgraph.graph.versions import KEEP_VERSIONS, NoCurrentVersionError, VersionInfo
from pyoxigraph import Literal, NamedNode, RdfFormat, Store

POINTER_TTL: Final = 1.0
"""Seconds a reader trusts its last look at the pointer (a switch is seen within this)."""


def _text(term: object) -> str:
    """The IRI or lexical form of a result term."""
    if isinstance(term, NamedNode | Literal):
        return term.value
    raise TypeError(f"expected an IRI or a literal, got {term!r}")


def graph_renamer(names: dict[str, str]) -> Callable[[bytes], bytes]:
    """Every mention of a graph IRI in N-Triples -> the graph's engine name (the PROV
    metadata about a graph must name the graph as the engine knows it)."""
    pattern = re.compile(b"<(" + b"|".join(re.escape(n.encode()) for n in names) + b")>")
    renamed = {f"<{old}>".encode(): f"<{new}>".encode() for old, new in names.items()}

    def rename(body: bytes) -> bytes:
        return pattern.sub(lambda m: renamed[m[0]], body) if names else body

    return rename


class RemoteVersions:
    """The versions held by one SPARQL engine, under one base IRI."""

    def __init__(
        self,
        endpoints: Endpoints,
        base_iri: str,
        cache_dir: Path,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        pointer_ttl: float = POINTER_TTL,
    ) -> None:
        self.endpoints = endpoints
        self.base_iri = base_iri
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.pointer_ttl = pointer_ttl
        self.pointer_graph = f"{base_iri}graph/current"
        self._admin = RemoteStore(endpoints, graphs=[self.pointer_graph], timeout=timeout)
        self._lock = threading.Lock()
        self._seen: tuple[float, str | None] = (-1.0, None)

    def version_iri(self, version_id: str) -> str:
        return f"{self.base_iri}version/{version_id}"

    def graph_name(self, version_id: str, graph: str) -> str:
        """`{base}graph/partnerships` of version X -> `{base}version/X/graph/partnerships`."""
        local = graph[len(self.base_iri):] if graph.startswith(self.base_iri) else graph
        return f"{self.version_iri(version_id)}/{local}" if local != graph else (
            f"{self.version_iri(version_id)}/graph/external?iri={graph}")

    def public_name(self, version_id: str, engine_name: str) -> str:
        """The inverse of `graph_name`."""
        root = f"{self.version_iri(version_id)}/"
        local = engine_name[len(root):]
        return local[len("graph/external?iri="):] if local.startswith("graph/external?iri=") else (
            f"{self.base_iri}{local}")

    # -- reading ------------------------------------------------------------------------

    def _current_id(self) -> str | None:
        rows = self._admin.select(
            f"SELECT ?id WHERE {{ GRAPH <{self.pointer_graph}> "
            f"{{ <{self.pointer_graph}> <{HG}currentVersion> ?id }} }}"
        )
        return _text(rows[0]["id"]) if rows else None

    def pointer_stamp(self) -> object:
        """The current version id, looked up at most once per `pointer_ttl` seconds."""
        now = time.monotonic()
        checked, seen = self._seen
        if now - checked < self.pointer_ttl:
            return seen
        with self._lock:
            current = self._current_id()
            self._seen = (time.monotonic(), current)
            return current

    def has_current(self) -> bool:
        return self._current_id() is not None

    def current(self) -> VersionInfo:
        version_id = self._current_id()
        if version_id is None:
            raise NoCurrentVersionError("no store version published on the SPARQL engine yet")
        info_graph = f"{self.version_iri(version_id)}/info"
        reader = RemoteStore(self.endpoints, graphs=[info_graph], timeout=self.timeout)
        rows = reader.select(
            f"SELECT ?info WHERE {{ GRAPH <{info_graph}> "
            f"{{ <{self.version_iri(version_id)}> <{HG}versionInfo> ?info }} }}"
        )
        reader.close()
        if not rows:
            raise NoCurrentVersionError(f"version {version_id} has no description on the engine")
        meta = json.loads(_text(rows[0]["info"]))
        path = self.cache_dir / version_id
        return VersionInfo(
            id=version_id,
            path=path,
            built_at=datetime.fromisoformat(meta["built_at"]),
            statistics=meta.get("statistics", {}),
            sources=meta.get("sources", []),
            graphs=tuple(meta.get("graphs", [])),
            dumps=[Dump.from_json(dump) for dump in meta.get("dumps", [])],
        )

    def open(self, version: VersionInfo) -> RemoteStore:
        aliases = {graph: self.public_name(version.id, graph) for graph in version.graphs}
        return RemoteStore(self.endpoints, graphs=list(version.graphs), timeout=self.timeout,
                           aliases=aliases)

    # -- writing ------------------------------------------------------------------------

    def publish(self, local: VersionInfo, progress: Any = None) -> VersionInfo:
        """Copy a locally built version into fresh named graphs, then switch the pointer."""
        say = progress or (lambda _message: None)
        writer = RemoteStore(self.endpoints, timeout=self.timeout)
        store = Store.read_only(str(local.store_path))
        started = time.monotonic()
        try:
            local_graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))
            names = {graph: self.graph_name(local.id, graph) for graph in local_graphs}
            graphs = list(names.values())
            info = {
                "built_at": local.built_at.isoformat(),
                "statistics": local.statistics,
                "sources": local.sources,
                "graphs": graphs,
                "dumps": [dump.as_json() for dump in local.dumps],
            }
            info_graph = f"{self.version_iri(local.id)}/info"
            text = nt.triple(self.version_iri(local.id), f"{HG}versionInfo", nt.literal(json.dumps(info)))
            writer.put_graph(info_graph, text.encode(), RdfFormat.N_TRIPLES.media_type)
            # the same version published again (or a failed publish of it) starts from nothing
            writer.update(" ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in graphs))
            rename = graph_renamer(names)
            with tempfile.TemporaryDirectory(prefix="healthgraph-publish-") as spool:
                for graph, remote in names.items():
                    path = Path(spool) / "graph.nt"
                    store.dump(str(path), RdfFormat.N_TRIPLES, from_graph=NamedNode(graph))
                    sent = writer.load_graph(remote, path, rename)
                    say(f"published <{graph}> as <{remote}> ({sent / 1e6:.1f} MB)")
            self._cache_files(local)  # before the switch: app servers here find them at once
            # the new pointer first, then the old one out: a reader between the two finds the
            # old version or the new one, never none (a DELETE/INSERT with an OPTIONAL WHERE,
            # one operation, inserts nothing on Virtuoso when the pointer graph is empty)
            pointer, new = f"<{self.pointer_graph}>", nt.literal(local.id)
            writer.update(
                f"INSERT DATA {{ GRAPH {pointer} {{ {pointer} <{HG}currentVersion> {new} }} }} ;\n"
                f"DELETE {{ GRAPH {pointer} {{ {pointer} <{HG}currentVersion> ?old }} }} "
                f"WHERE {{ GRAPH {pointer} {{ {pointer} <{HG}currentVersion> ?old "
                f"FILTER(STR(?old) != {new}) }} }}"
            )
            with self._lock:
                self._seen = (-1.0, None)
            say(f"switched the engine to version {local.id} ({time.monotonic() - started:.1f} s)")
            dropped = time.monotonic()
            self._drop_old_versions(writer, keep=local.id)
            say(f"dropped old versions ({time.monotonic() - dropped:.1f} s)")
        finally:
            del store
            writer.close()
        return self.current()

    def _cache_files(self, local: VersionInfo) -> None:
        """The files beside a version (text index, dumps, duplicates report, ...) are served
        from a local copy: every app server on this machine finds them there."""
        cached = self.cache_dir / local.id
        cached.mkdir(parents=True, exist_ok=True)
        for item in local.path.iterdir():
            if item == local.store_path:
                continue
            if item.is_dir():
                shutil.copytree(item, cached / item.name, dirs_exist_ok=True)
            else:
                shutil.copyfile(item, cached / item.name)

    def _drop_old_versions(self, writer: RemoteStore, keep: str) -> None:
        """Drop every graph of the versions older than the last KEEP_VERSIONS (found through
        their descriptions: `GRAPH ?g {}` lists nothing on some engines)."""
        prefix = f"{self.base_iri}version/"
        rows = writer.select(f"SELECT ?v ?info WHERE {{ GRAPH ?g {{ ?v <{HG}versionInfo> ?info }} }}")
        described = {_text(row["v"])[len(prefix):]: _text(row["info"]) for row in rows
                     if _text(row["v"]).startswith(prefix)}
        old = [v for v in sorted(described)[:-KEEP_VERSIONS] if v != keep]
        drops: list[str] = []
        for version_id in old:
            listed = json.loads(described[version_id]).get("graphs", [])
            drops += [f"DROP SILENT GRAPH <{name}>" for name in [*listed, f"{prefix}{version_id}/info"]]
        if drops:
            writer.update(" ;\n".join(drops))
