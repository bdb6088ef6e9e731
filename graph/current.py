"""One read-only view of the current store version, reopened when the version changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from healthgraph.graph.store import EmbeddedStore
from healthgraph.graph.versions import VersionedStore, VersionInfo


@dataclass(frozen=True)
class Snapshot:
    """A version and a store opened on it: everything one request reads comes from here."""

    version: VersionInfo
    store: EmbeddedStore


class CurrentVersion:
    """Follows the CURRENT pointer; a request holds its snapshot even if a switch happens."""

    def __init__(self, versions: VersionedStore) -> None:
        self.versions = versions
        self._lock = threading.Lock()
        self._stamp: float = -1
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        stamp = self.versions.pointer_stamp()
        snapshot = self._snapshot
        if snapshot is not None and stamp == self._stamp:
            return snapshot
        with self._lock:
            if self._snapshot is None or stamp != self._stamp:
                version = self.versions.current()
                if self._snapshot is None or self._snapshot.version.id != version.id:
                    self._snapshot = Snapshot(
                        version, EmbeddedStore.open_read_only(version.store_path)
                    )
                self._stamp = stamp
            return self._snapshot
