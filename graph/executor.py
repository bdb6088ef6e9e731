"""Query execution under real deadlines: a pool of worker processes over read-only stores.

pyoxigraph cannot cancel a running query, so every query runs in a worker process
(`query_worker.py`). A job carries the store version's path, the query and the formats; the
worker answers with the engine-serialised bytes. When a job passes its deadline its worker is
killed (SIGKILL) and a fresh one is started in the background, while the other workers go on
answering. Nothing here knows about HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from healthgraph.graph.frames import (
    FrameReader,
    FrameTimeout,
    Header,
    PeerGone,
    encode_frame,
    widen_pipe,
    write_all,
    write_frame,
)
from healthgraph.graph.graph_store import GraphNotFoundError
from healthgraph.graph.ntriples import term_text
from healthgraph.graph.store import (
    Bindings,
    Dataset,
    QueryForm,
    QuerySyntaxError,
    ResultFormats,
    ResultTooLargeError,
    SerializedResult,
)
from pyoxigraph import RdfFormat

log = logging.getLogger(__name__)

WORKER_MODULE: Final = "healthgraph.graph.query_worker"
RESPAWN_ATTEMPTS: Final = 5
SMALL_WRITE: Final = 32_768
"""Jobs up to this size are written straight from the event loop (they fit the pipe)."""


class QueryTimeoutError(TimeoutError):
    """The job did not finish within its deadline; its worker was killed."""

    def __init__(self, deadline: float, *, waiting: bool = False) -> None:
        seconds = f"{deadline:g} s"
        if waiting:
            message = (f"no query worker became free within the deadline of {seconds}: "
                       f"the server is busy, try again later")
        else:
            message = (f"the query did not finish within its deadline of {seconds} and was "
                       f"stopped; simplify it, add a LIMIT, or ask for a longer 'timeout'")
        super().__init__(message)
        self.deadline = deadline


class QueryAbortedError(RuntimeError):
    """The worker died while running the job (most often: it hit the memory limit)."""


class QueryFailedError(RuntimeError):
    """The engine reported an error other than a syntax error."""


class ExecutorClosedError(RuntimeError):
    """The executor has been closed."""


@dataclass(frozen=True)
class QueryJob:
    """Run `query` over the store at `store_path`; the engine writes the result."""

    store_path: Path
    query: str
    formats: ResultFormats
    dataset: Dataset = field(default_factory=Dataset)
    base_iri: str | None = None
    bindings: Bindings | None = None
    """Values substituted for variables (pyoxigraph `substitutions`), sent as N-Triples terms."""

    def message(self) -> Header:
        return {
            "kind": "query",
            "store": str(self.store_path),
            "query": self.query,
            "solutions": self.formats.solutions.media_type,
            "graph_format": self.formats.graph.media_type,
            "default_graphs": list(self.dataset.default_graphs),
            "named_graphs": list(self.dataset.named_graphs),
            "base_iri": self.base_iri,
            "bindings": {name: term_text(term) for name, term in (self.bindings or {}).items()},
        }


@dataclass(frozen=True)
class GraphJob:
    """Serialise one named graph (None: the default graph) of the store at `store_path`."""

    store_path: Path
    graph: str | None
    format: RdfFormat

    def message(self) -> Header:
        return {"kind": "graph", "store": str(self.store_path), "graph": self.graph,
                "format": self.format.media_type}


Job = QueryJob | GraphJob


class _Worker:
    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, close_fds=True
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests = self.process.stdin.fileno()
        widen_pipe(self.requests)
        self.replies = FrameReader(self.process.stdout.fileno())

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, deadline: float) -> None:
        header, _ = self.replies.read(deadline)
        if not header.get("ready"):
            raise PeerGone(f"unexpected first frame from a query worker: {header}")

    def kill(self) -> int | None:
        """SIGKILL and reap: when this returns, the process is gone."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.error("query worker %d did not die after SIGKILL", self.pid)
            code = None
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        return code


class _SyncWaiter:
    """A thread waiting for a free worker."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.worker: _Worker | None = None
        self.abandoned = False

    def deliver(self, worker: _Worker, pool: QueryExecutor) -> bool:
        """Called with the pool's lock held."""
        if self.abandoned:
            return False
        self.worker = worker
        self.event.set()
        return True


class _AsyncWaiter:
    """A coroutine waiting for a free worker, on its own event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[_Worker] = loop.create_future()
        self.abandoned = False

    def deliver(self, worker: _Worker, pool: QueryExecutor) -> bool:
        """Called with the pool's lock held, from any thread."""
        if self.abandoned:
            return False
        try:
            if asyncio._get_running_loop() is self.loop:  # released on the waiter's own loop
                self.loop.call_soon(self._hand_over, worker, pool)
            else:
                self.loop.call_soon_threadsafe(self._hand_over, worker, pool)
        except RuntimeError:  # the loop has closed
            return False
        return True

    def _hand_over(self, worker: _Worker, pool: QueryExecutor) -> None:
        if self.future.done():  # it gave up (deadline, cancelled) in the meantime
            pool._release(worker)
        else:
            self.future.set_result(worker)


class QueryExecutor:
    """A pool of `workers` query worker processes, started on first use.

    `run` blocks (call it from a thread); `run_async` awaits on the running event loop without
    a thread. Both are safe to use at the same time, from any number of threads and loops.
    Each worker runs under `memory_bytes` (RLIMIT_DATA; 0: no limit) and writes at most
    `max_result_bytes`.
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        memory_bytes: int = 0,
        max_result_bytes: int = 256_000_000,
        startup_timeout: float = 60.0,
    ) -> None:
        if workers < 1:
            raise ValueError("a query executor needs at least one worker")
        self.size = workers
        self.memory_bytes = memory_bytes
        self.max_result_bytes = max_result_bytes
        self.startup_timeout = startup_timeout
        self._command = [sys.executable, "-m", WORKER_MODULE, "--memory-bytes", str(memory_bytes),
                         "--parent", str(os.getpid())]
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[_SyncWaiter | _AsyncWaiter] = deque()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._started = False
        self._closed = False
        self._replacing = 0
        # Workers die with the thread that started them (PR_SET_PDEATHSIG follows the thread),
        # so they are all started from this one long-lived thread.
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="query-worker-spawner")
        # An executor dropped without close() (an app that never ran its shutdown) still
        # takes its workers with it.
        weakref.finalize(self, _kill_all, self._all, self._spawner)

    def _new_worker(self) -> _Worker:
        return self._spawner.submit(_Worker, self._command).result()

    def __enter__(self) -> QueryExecutor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._all if w.process.poll() is None)

    def wait_until_full(self, timeout: float) -> bool:
        """Wait until every worker slot has a live, started worker (after a replacement)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._started and self._replacing == 0 and len(self._all) == self.size:
                    return True
            time.sleep(0.02)
        return False

    def start(self) -> None:
        """Start the workers now (otherwise the first job does)."""
        with self._start_lock:
            if self._closed:
                raise ExecutorClosedError("the query executor is closed")
            if self._started:
                return
            workers = [self._new_worker() for _ in range(self.size)]
            deadline = time.monotonic() + self.startup_timeout
            try:
                for worker in workers:
                    worker.wait_ready(deadline)
            except (PeerGone, FrameTimeout) as error:
                for worker in workers:
                    worker.kill()
                raise QueryAbortedError(f"the query workers did not start: {error}") from error
            with self._lock:
                self._all.update(workers)
                self._started = True
            for worker in workers:
                self._release(worker)

    def _release(self, worker: _Worker) -> None:
        """A worker is free: hand it to the longest waiter, or put it in the idle list."""
        with self._lock:
            while self._waiters:
                if self._waiters.popleft().deliver(worker, self):
                    return
            self._idle.append(worker)

    def _pop_idle(self) -> _Worker | None:
        """An idle worker, or None (the caller then waits); dead ones are replaced."""
        while True:
            with self._lock:
                if self._closed:
                    raise ExecutorClosedError("the query executor is closed")
                if not self._idle:
                    return None
                worker = self._idle.popleft()
            if worker.process.poll() is None:
                return worker
            self._replace(worker)

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        worker = self._pop_idle()
        if worker is not None:
            return worker
        waiter = _SyncWaiter()
        with self._lock:
            if self._idle:
                worker = self._idle.popleft()
            else:
                self._waiters.append(waiter)
        if worker is None:
            waiter.event.wait(max(deadline - time.monotonic(), 0))
            with self._lock:
                worker = waiter.worker
                if worker is None:
                    waiter.abandoned = True
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)
                    raise QueryTimeoutError(timeout, waiting=True)
        if worker.process.poll() is not None:
            self._replace(worker)
            return self._acquire(deadline, timeout)
        return worker

    async def _acquire_async(self, deadline: float, timeout: float) -> _Worker:
        worker = self._pop_idle()
        if worker is not None:
            return worker
        waiter = _AsyncWaiter(asyncio.get_running_loop())
        with self._lock:
            if self._idle:
                worker = self._idle.popleft()
            else:
                self._waiters.append(waiter)
        if worker is None:
            try:
                async with asyncio.timeout(max(deadline - time.monotonic(), 0)):
                    worker = await waiter.future
            except TimeoutError:
                with self._lock:
                    waiter.abandoned = True
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)
                raise QueryTimeoutError(timeout, waiting=True) from None
            except asyncio.CancelledError:
                with self._lock:
                    waiter.abandoned = True
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)
                raise
        if worker.process.poll() is not None:
            self._replace(worker)
            return await self._acquire_async(deadline, timeout)
        return worker

    def _message(self, job: Job) -> Header:
        message = job.message()
        message["max_bytes"] = self.max_result_bytes
        return message

    def run(self, job: Job, timeout: float) -> SerializedResult:
        """The serialised result of `job`, or QueryTimeoutError after `timeout` seconds
        (waiting for a free worker counts). Blocks the calling thread."""
        deadline = time.monotonic() + timeout
        self.start()
        worker = self._acquire(deadline, timeout)
        try:
            write_frame(worker.requests, self._message(job))
            header, body = worker.replies.read(deadline)
        except FrameTimeout:
            self._replace(worker)
            raise QueryTimeoutError(timeout) from None
        except PeerGone:
            code = self._replace(worker)
            raise QueryAbortedError(self._death(code)) from None
        except BaseException:
            self._replace(worker)
            raise
        self._release(worker)
        return _result(header, body)

    async def run_async(self, job: Job, timeout: float) -> SerializedResult:
        """`run` for the event loop: the worker's answer is awaited with the loop's reader
        callbacks, no thread involved."""
        deadline = time.monotonic() + timeout
        if not self._started:
            await asyncio.to_thread(self.start)
        worker = await self._acquire_async(deadline, timeout)
        loop = asyncio.get_running_loop()
        try:
            frame = encode_frame(self._message(job))
            if len(frame) <= SMALL_WRITE:
                write_all(worker.requests, frame)  # the pipe is empty: this cannot block
            else:
                await loop.run_in_executor(None, write_all, worker.requests, frame)
            async with asyncio.timeout(max(deadline - time.monotonic(), 0)):
                header, body = await _read_frame_async(loop, worker.replies)
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeoutError(timeout) from None
        except PeerGone:
            code = self._replace(worker)
            raise QueryAbortedError(self._death(code)) from None
        except BaseException:  # cancelled (the client went away): the worker is mid-job
            self._replace(worker)
            raise
        self._release(worker)
        return _result(header, body)

    def _death(self, code: int | None) -> str:
        if code == -signal.SIGABRT and self.memory_bytes:
            return (f"the query needed more than the memory limit of "
                    f"{self.memory_bytes // 1_000_000} MB and was stopped")
        return f"the query worker stopped unexpectedly (exit status {code})"

    def _replace(self, worker: _Worker) -> int | None:
        """Kill `worker` now; start its successor in the background."""
        code = worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return code
            self._replacing += 1
        threading.Thread(target=self._spawn_successor, name="query-worker-respawn",
                         daemon=True).start()
        return code

    def _spawn_successor(self) -> None:
        try:
            for attempt in range(RESPAWN_ATTEMPTS):
                try:
                    worker = self._new_worker()
                except RuntimeError:  # closed meanwhile: the spawner no longer takes work
                    return
                try:
                    worker.wait_ready(time.monotonic() + self.startup_timeout)
                except (PeerGone, FrameTimeout) as error:
                    worker.kill()
                    log.error("query worker failed to start (attempt %d): %s", attempt + 1, error)
                    time.sleep(0.5 * (attempt + 1))
                    continue
                with self._lock:
                    if self._closed:
                        worker.kill()
                        return
                    self._all.add(worker)
                self._release(worker)
                return
        finally:
            with self._lock:
                self._replacing -= 1

    def close(self) -> None:
        """Kill every worker; running jobs end with an error."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
        for worker in workers:
            worker.kill()
        self._spawner.shutdown(wait=False)


async def _read_frame_async(
    loop: asyncio.AbstractEventLoop, reader: FrameReader
) -> tuple[Header, bytes]:
    """The next frame from `reader`'s pipe, read whenever the loop sees it readable."""
    future: asyncio.Future[tuple[Header, bytes]] = loop.create_future()

    def readable() -> None:
        if future.done():
            return
        try:
            frame = reader.read_available()
        except PeerGone as error:
            future.set_exception(error)
            return
        if frame is not None:
            future.set_result(frame)

    loop.add_reader(reader.fd, readable)
    try:
        return await future
    finally:
        loop.remove_reader(reader.fd)


def _kill_all(workers: set[_Worker], spawner: ThreadPoolExecutor) -> None:
    for worker in list(workers):
        worker.kill()
    spawner.shutdown(wait=False)


def _result(header: Header, body: bytes) -> SerializedResult:
    if header.get("ok"):
        return SerializedResult(QueryForm(header["form"]), body, header["media_type"])
    kind, message = header.get("error"), str(header.get("message", ""))
    if kind == "syntax":
        raise QuerySyntaxError(message)
    if kind == "not_found":
        raise GraphNotFoundError(message)
    if kind == "too_large":
        raise ResultTooLargeError(int(header.get("limit", 0)))
    raise QueryFailedError(message)
