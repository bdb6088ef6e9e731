"""Feeding an iterable of text chunks to pyoxigraph as a binary stream."""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

BLOCK_SIZE = 1 << 20


class ChunkReader(io.RawIOBase):
    """A read-only binary stream over `str` or `bytes` chunks, produced lazily."""

    def __init__(self, chunks: Iterable[str | bytes]) -> None:
        self._chunks: Iterator[str | bytes] = iter(chunks)
        self._current = memoryview(b"")
        self._offset = 0
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(target)
        written = 0
        while written < size:
            if self._offset >= len(self._current):
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._current = memoryview(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                self._offset = 0
                continue
            take = min(size - written, len(self._current) - self._offset)
            target[written : written + take] = self._current[self._offset : self._offset + take]
            self._offset += take
            written += take
        self.bytes_read += written
        return written


def binary_stream(reader: ChunkReader) -> io.BufferedReader:
    """`reader` buffered, as the binary file object bulk loading expects."""
    return io.BufferedReader(reader, BLOCK_SIZE)


def file_blocks(path: Path, size: int = BLOCK_SIZE) -> Iterator[bytes]:
    """The bytes of `path` in blocks, read lazily."""
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(size), b"")


def batched_text(chunks: Iterable[str | bytes], size: int = 1 << 16) -> Iterator[str | bytes]:
    """Joins many small text chunks (one triple each) into blocks of about `size` characters."""
    pending: list[str] = []
    length = 0
    for chunk in chunks:
        if isinstance(chunk, bytes):
            if pending:
                yield "".join(pending)
                pending, length = [], 0
            yield chunk
            continue
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)


class _Producer(threading.Thread):
    """Writes the chunks to a pipe from a thread, so Python produces while the engine parses."""

    def __init__(self, chunks: Iterable[str | bytes], fd: int) -> None:
        super().__init__(daemon=True, name="ntriples-producer")
        self._chunks = chunks
        self._fd = fd
        self.error: BaseException | None = None
        self.bytes_written = 0

    def run(self) -> None:
        try:
            with os.fdopen(self._fd, "wb", buffering=BLOCK_SIZE) as out:
                for chunk in self._chunks:
                    data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                    out.write(data)
                    self.bytes_written += len(data)
        except BrokenPipeError as error:
            self.error = self.error or error
        except BaseException as error:  # handed to the caller, re-raised there
            self.error = error


@contextlib.contextmanager
def piped(chunks: Iterable[str | bytes]) -> Iterator[tuple[str, _Producer]]:
    """A path (`/dev/fd/N`) the engine reads natively while a thread writes `chunks` into it.

    pyoxigraph releases the GIL while it reads and parses a path, so producing the text
    (Python) and parsing it (Rust) overlap on two cores. An error raised by `chunks` is
    re-raised here after the reader finished, so a build never succeeds on partial input."""
    read_fd, write_fd = os.pipe()
    producer = _Producer(chunks, write_fd)
    producer.start()
    failure: BaseException | None = None
    try:
        yield f"/dev/fd/{read_fd}", producer
    except BaseException as error:
        failure = error
    finally:
        os.close(read_fd)  # a reader that stopped early makes the writer fail and finish
        producer.join()
    # the producer's own error (a LoadError part-way) explains a reader error on cut input
    if producer.error is not None and not isinstance(producer.error, BrokenPipeError):
        raise producer.error
    if failure is not None:
        raise failure
