"""Prometheus metrics of one server process, written in the text exposition format (0.0.4)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping

from healthgraph.graph.versions import VersionInfo

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _labels(**values: str) -> str:
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{key}="{escape(value)}"' for key, value in values.items()) + "}"


class Metrics:
    """Counters and a latency histogram, filled by MetricsMiddleware; the store gauges are
    read from the current version when scraped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: defaultdict[tuple[str, str, str], int] = defaultdict(int)
        self.latency_counts: defaultdict[str, list[int]] = defaultdict(
            lambda: [0] * len(LATENCY_BUCKETS))
        self.latency_sum: defaultdict[str, float] = defaultdict(float)
        self.latency_total: defaultdict[str, int] = defaultdict(int)
        self.deadlines_hit = 0
        self.rejected: defaultdict[str, int] = defaultdict(int)
        self.query_answers: Mapping[str, int] = {}
        """How `/sparql` answered queries (cache, in_process, worker, engine): the runner's
        counters, attached by the app."""

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(route, method, str(status))] += 1
            counts = self.latency_counts[route]
            for index, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    counts[index] += 1
            self.latency_sum[route] += seconds
            self.latency_total[route] += 1
            if status == 429:
                self.rejected["budget"] += 1
            elif status == 413:
                self.rejected["size"] += 1
            elif status == 408:
                self.rejected["body_timeout"] += 1

    def deadline_hit(self) -> None:
        with self._lock:
            self.deadlines_hit += 1

    def exposition(self, current: Callable[[], VersionInfo | None]) -> str:
        lines = [
            "# HELP healthgraph_http_requests_total HTTP requests by route, method and status.",
            "# TYPE healthgraph_http_requests_total counter",
        ]
        with self._lock:
            for (route, method, status), count in sorted(self.requests.items()):
                lines.append(f"healthgraph_http_requests_total"
                              f"{_labels(route=route, method=method, status=status)} {count}")
            lines += [
                "# HELP healthgraph_http_request_duration_seconds Time to the response's start.",
                "# TYPE healthgraph_http_request_duration_seconds histogram",
            ]
            for route, counts in sorted(self.latency_counts.items()):
                for bound, count in zip(LATENCY_BUCKETS, counts, strict=True):
                    lines.append(f"healthgraph_http_request_duration_seconds_bucket"
                                 f"{_labels(route=route, le=f'{bound:g}')} {count}")
                lines.append(f"healthgraph_http_request_duration_seconds_bucket"
                             f"{_labels(route=route, le='+Inf')} {self.latency_total[route]}")
                lines.append(f"healthgraph_http_request_duration_seconds_sum{_labels(route=route)} "
                             f"{self.latency_sum[route]:.6f}")
                lines.append(f"healthgraph_http_request_duration_seconds_count"
                             f"{_labels(route=route)} {self.latency_total[route]}")
            lines += [
                "# HELP healthgraph_query_deadlines_total Queries stopped at their deadline (503).",
                "# TYPE healthgraph_query_deadlines_total counter",
                f"healthgraph_query_deadlines_total {self.deadlines_hit}",
                "# HELP healthgraph_requests_rejected_total Requests refused by a limit.",
                "# TYPE healthgraph_requests_rejected_total counter",
            ]
            for reason in ("budget", "size", "body_timeout"):
                lines.append(f"healthgraph_requests_rejected_total{_labels(reason=reason)} "
                             f"{self.rejected[reason]}")
            lines += [
                "# HELP healthgraph_sparql_answers_total SPARQL queries by how they were answered.",
                "# TYPE healthgraph_sparql_answers_total counter",
            ]
            for path in ("cache", "in_process", "worker", "engine"):
                lines.append(f"healthgraph_sparql_answers_total{_labels(path=path)} "
                             f"{self.query_answers.get(path, 0)}")
        version = current()
        lines += [
            "# HELP healthgraph_store_ready 1 when a store version is current.",
            "# TYPE healthgraph_store_ready gauge",
            f"healthgraph_store_ready {0 if version is None else 1}",
        ]
        if version is not None:
            lines += [
                "# HELP healthgraph_store_version_info The current store version.",
                "# TYPE healthgraph_store_version_info gauge",
                f"healthgraph_store_version_info{_labels(version=version.id)} 1",
                "# HELP healthgraph_store_triples Triples in the current store version.",
                "# TYPE healthgraph_store_triples gauge",
                f"healthgraph_store_triples {version.triples}",
                "# HELP healthgraph_store_built_timestamp_seconds When the current version was built.",
                "# TYPE healthgraph_store_built_timestamp_seconds gauge",
                f"healthgraph_store_built_timestamp_seconds {version.built_at.timestamp():.3f}",
            ]
        return "\n".join(lines) + "\n"
