"""Results cached per store version: a byte-bounded LRU of serialised results.

Keys include the store version, so a new version never sees an old answer; entries of old
versions age out as new ones arrive.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Final, Generic, Protocol, TypeVar

ENTRY_OVERHEAD: Final = 200
"""Bytes counted per entry on top of its body and key."""


class _Sized(Protocol):
    @property
    def body(self) -> bytes: ...


Entry = TypeVar("Entry", bound=_Sized)


class ResultCache(Generic[Entry]):
    """At most `max_bytes` of results (anything with a `body`); an entry larger than
    `max_entry_bytes` is not kept.

    >>> cache = ResultCache(1000)
    >>> cache.get("k") is None
    True
    """

    def __init__(self, max_bytes: int, max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 4 if max_entry_bytes is None else max_entry_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _cost(key: str, result: Entry) -> int:
        return len(key) + len(result.body) + ENTRY_OVERHEAD

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Entry | None:
        with self._lock:
            result = self._entries.get(key)
            if result is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return result

    def put(self, key: str, result: Entry) -> None:
        cost = self._cost(key, result)
        if self.max_bytes <= 0 or cost > self.max_entry_bytes:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= self._cost(key, previous)
            self._entries[key] = result
            self._size += cost
            while self._size > self.max_bytes:
                old_key, old = self._entries.popitem(last=False)
                self._size -= self._cost(old_key, old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0
