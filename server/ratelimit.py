"""A small in-memory rate limit per client (a sliding window of one minute); nothing is
written down, so no address outlives the window."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW = 60.0


class RateLimiter:
    """At most `limit` events per client in any `window` seconds."""

    def __init__(self, limit: int, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """Record one event for `client`; None when allowed, else seconds to wait."""
        now = self.clock()
        with self._lock:
            for key in [k for k, q in self._events.items() if not q or q[-1] <= now - self.window]:
                del self._events[key]
            events = self._events.setdefault(client, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(1, math.ceil(events[0] + self.window - now))
            events.append(now)
            return None
