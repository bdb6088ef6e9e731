"""An N-Triples file cut into request-sized bodies for Graph Store POSTs.

A graph of millions of triples is sent as many POSTs of whole lines (each at most `size`
bytes, unless one line is longer), because one huge transactional write is what makes
engines slow (Oxigraph's transactional Graph Store write held about 9k triples/s here) and
some refuse large bodies. Blank-node labels are scoped to one request, so every line that
may hold a blank node (`_:` anywhere in it) goes into the last body, all together: the same
label then still names the same node.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "g.nt"
>>> _ = path.write_bytes(b'<a:s> <a:p> "1" .\\n_:b <a:p> "2" .\\n<a:s> <a:q> _:b .\\n<a:t> <a:p> "3" .\\n')
>>> [body.count(b"\\n") for body in ntriples_chunks(path, size=20)]
[1, 1, 2]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

CHUNK_BYTES: Final = 32 << 20
"""Bytes per Graph Store POST: about 250k triples of typical N-Triples."""


def _identity(body: bytes) -> bytes:
    return body


def ntriples_chunks(
    path: Path, size: int = CHUNK_BYTES, rewrite: Callable[[bytes], bytes] = _identity
) -> Iterator[bytes]:
    """The lines of `path` in bodies of about `size` bytes; lines with blank nodes last.
    `rewrite` is applied to each body before it is yielded."""
    blank: list[bytes] = []
    pending = b""
    with path.open("rb") as source:
        while True:
            block = source.read(size)
            if not block:
                break
            block = pending + block
            end = block.rfind(b"\n") + 1
            if end == 0:  # one line longer than `size`: keep reading
                pending = block
                continue
            body, pending = block[:end], block[end:]
            if b"_:" in body:
                kept: list[bytes] = []
                for line in body.splitlines(keepends=True):
                    (blank if b"_:" in line else kept).append(line)
                body = b"".join(kept)
            if body:
                yield rewrite(body)
    if pending:
        if b"_:" in pending:
            blank.append(pending if pending.endswith(b"\n") else pending + b"\n")
        else:
            yield rewrite(pending if pending.endswith(b"\n") else pending + b"\n")
    if blank:
        yield rewrite(b"".join(blank))
