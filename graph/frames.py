"""Length-prefixed frames over a pipe: a JSON header and a binary body.

The query executor and its worker processes talk this way: one frame per job, one per answer.
The body of an answer is the serialised result, passed through as bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import struct
import time
from typing import Any, Final

_PREFIX: Final = struct.Struct("!II")
READ_CHUNK: Final = 1 << 20
F_SETPIPE_SZ: Final = getattr(fcntl, "F_SETPIPE_SZ", 1031)

Header = dict[str, Any]


class PeerGone(EOFError):
    """The other end closed the pipe (the process exited or was killed)."""


class FrameTimeout(TimeoutError):
    """No complete frame arrived before the deadline."""


def encode_frame(header: Header) -> bytes:
    """A frame without a body (jobs are all header)."""
    meta = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return _PREFIX.pack(len(meta), 0) + meta


def write_frame(fd: int, header: Header, body: bytes = b"") -> None:
    """Write one frame; PeerGone if the reader has gone."""
    meta = json.dumps(header, separators=(",", ":")).encode("utf-8")
    prefix = _PREFIX.pack(len(meta), len(body)) + meta
    if len(body) <= READ_CHUNK:
        write_all(fd, prefix + body)  # one write: the reader wakes once
    else:
        write_all(fd, prefix)
        write_all(fd, body)


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data`; PeerGone if the reader has gone."""
    view = memoryview(data)
    try:
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except (BrokenPipeError, ConnectionResetError) as error:
        raise PeerGone("the other end of the pipe has gone") from error


def widen_pipe(fd: int) -> None:
    """Ask for a 1 MiB pipe buffer (Linux), so a result crosses in fewer reads; harmless
    where it is not allowed."""
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, F_SETPIPE_SZ, READ_CHUNK)


class FrameReader:
    """Reads frames from a pipe with a deadline (poll, so any fd number works)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._poll = select.poll()
        self._poll.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        self._buffer = bytearray()

    def read(self, deadline: float) -> tuple[Header, bytes]:
        """The next frame; FrameTimeout at `deadline` (time.monotonic), PeerGone at EOF."""
        self._fill(_PREFIX.size, deadline)
        meta_length, body_length = _PREFIX.unpack_from(self._buffer)
        self._fill(_PREFIX.size + meta_length + body_length, deadline)
        frame = self._take()
        assert frame is not None
        return frame

    def read_blocking(self) -> tuple[Header, bytes] | None:
        """Block for the next frame; None when the pipe closes cleanly between frames."""
        while (frame := self._take()) is None:
            chunk = os.read(self.fd, READ_CHUNK)
            if not chunk:
                if self._buffer:
                    raise PeerGone("the pipe closed in the middle of a frame")
                return None
            self._buffer += chunk
        return frame

    def read_available(self) -> tuple[Header, bytes] | None:
        """Read what the pipe has now (call when it is readable); the frame once complete."""
        chunk = os.read(self.fd, READ_CHUNK)
        if not chunk:
            raise PeerGone("the pipe closed before a complete frame")
        self._buffer += chunk
        return self._take()

    def _take(self) -> tuple[Header, bytes] | None:
        if len(self._buffer) < _PREFIX.size:
            return None
        meta_length, body_length = _PREFIX.unpack_from(self._buffer)
        total = _PREFIX.size + meta_length + body_length
        if len(self._buffer) < total:
            return None
        meta = bytes(self._buffer[_PREFIX.size:_PREFIX.size + meta_length])
        body = bytes(self._buffer[_PREFIX.size + meta_length:total])
        del self._buffer[:total]
        return json.loads(meta), body

    def _fill(self, size: int, deadline: float) -> None:
        while len(self._buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._poll.poll(max(1, int(remaining * 1000))):
                if time.monotonic() >= deadline:
                    raise FrameTimeout("no answer before the deadline")
                continue
            chunk = os.read(self.fd, READ_CHUNK)
            if not chunk:
                raise PeerGone("the pipe closed before a complete frame")
            self._buffer += chunk
