"""A query worker process: `python -m healthgraph.graph.query_worker`.

It reads jobs from stdin and writes answers to its original stdout, one frame each (see
`frames.py`); anything printed goes to stderr. Each job names the store version to read, so
a worker follows version switches without being told. It runs under a memory limit, dies
with its parent, and is killed by the executor when a job passes its deadline.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healthgraph.graph.frames import FrameReader, Header, PeerGone, widen_pipe, write_frame
from healthgraph.graph.graph_store import GraphNotFoundError, serialize_graph
from healthgraph.graph.ntriples import term_of
from healthgraph.graph.store import (
    Dataset,
    EmbeddedStore,
    QuerySyntaxError,
    ResultFormats,
    ResultTooLargeError,
    SerializedResult,
)
from pyoxigraph import QueryResultsFormat, RdfFormat

PR_SET_PDEATHSIG = 1


class _Stores:
    """The read-only store of the version last asked for (one open at a time)."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._store: EmbeddedStore | None = None

    def open(self, path: str) -> EmbeddedStore:
        if self._store is None or self._path != path:
            self._store = None
            self._store = EmbeddedStore.open_read_only(Path(path))
            self._path = path
        return self._store


def _rdf_format(media_type: str) -> RdfFormat:
    found = RdfFormat.from_media_type(media_type)
    if found is None:
        raise ValueError(f"no RDF format for {media_type}")
    return found


def _results_format(media_type: str) -> QueryResultsFormat:
    found = QueryResultsFormat.from_media_type(media_type)
    if found is None:
        raise ValueError(f"no results format for {media_type}")
    return found


def run_job(stores: _Stores, job: Header) -> SerializedResult:
    store = stores.open(job["store"])
    max_bytes = job.get("max_bytes")
    if job["kind"] == "graph":
        return serialize_graph(store, job.get("graph"), _rdf_format(job["format"]),
                               max_bytes=max_bytes)
    formats = ResultFormats(_results_format(job["solutions"]), _rdf_format(job["graph_format"]))
    dataset = Dataset(tuple(job.get("default_graphs", ())), tuple(job.get("named_graphs", ())))
    bindings = {name: term_of(text) for name, text in job.get("bindings", {}).items()}
    return store.serialize(job["query"], formats, bindings=bindings, dataset=dataset,
                           base_iri=job.get("base_iri"), max_bytes=max_bytes)


def answer(stores: _Stores, job: Header) -> tuple[Header, bytes]:
    """The answer frame for one job: the result, or a named error the executor raises again."""
    error: dict[str, Any]
    try:
        result = run_job(stores, job)
        return {"ok": True, "form": result.form.value, "media_type": result.media_type}, result.body
    except QuerySyntaxError as exc:
        error = {"error": "syntax", "message": str(exc)}
    except GraphNotFoundError as exc:
        error = {"error": "not_found", "message": str(exc)}
    except ResultTooLargeError as exc:
        error = {"error": "too_large", "message": str(exc), "limit": exc.limit}
    except Exception as exc:  # every other failure is reported, not fatal
        error = {"error": "failed", "message": f"{type(exc).__name__}: {exc}"}
    return {"ok": False, **error}, b""


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the parent dies, even in the middle of a query."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory-bytes", type=int, default=0,
                        help="limit of the heap and anonymous memory (RLIMIT_DATA); 0: none")
    parser.add_argument("--parent", type=int, default=0, help="exit at once unless this is our parent")
    args = parser.parse_args(argv)
    if args.memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (args.memory_bytes, args.memory_bytes))
    _die_with_parent()
    if args.parent and os.getppid() != args.parent:
        return 1  # the parent died before the death signal was armed
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server; it closes our pipe
    replies = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    widen_pipe(replies)
    stores = _Stores()
    try:
        write_frame(replies, {"ready": True, "pid": os.getpid()})
        jobs = FrameReader(0)
        while (frame := jobs.read_blocking()) is not None:
            header, body = answer(stores, frame[0])
            write_frame(replies, header, body)
    except PeerGone:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
