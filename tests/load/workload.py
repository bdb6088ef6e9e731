"""A mixed workload (SPARQL, GraphQL, pages) from concurrent asyncio clients, with latencies."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from healthgraph.server.graphql.examples import EXAMPLES

REPO = Path(__file__).resolve().parents[2]
SPARQL = [path.read_text(encoding="utf-8") for path in sorted((REPO / "queries").glob("*.rq"))]
PAGES = ["/", "/partnerships?country=MW", "/partnerships?q=health", "/map", "/boards/S08000024",
         "/doc/country/mw", "/id/country/zm", "/queries/countries-ranked.json", "/dataset",
         "/ontology"]
PATHOLOGICAL = """SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"""


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {
        "sparql": [], "graphql": [], "page": []})
    errors: list[str] = field(default_factory=list)
    pathological: list[int] = field(default_factory=list)

    def all(self) -> list[float]:
        return sorted(value for values in self.latencies.values() for value in values)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


async def _one(http: httpx.AsyncClient, rng: random.Random, tally: Tally) -> None:
    kind = rng.choice(["sparql", "graphql", "page"])
    started = time.perf_counter()
    try:
        if kind == "sparql":
            answer = await http.post("/sparql", data={"query": rng.choice(SPARQL)},
                                     headers={"accept": "application/sparql-results+json"})
        elif kind == "graphql":
            answer = await http.post("/graphql", json={"query": rng.choice(EXAMPLES).query})
        else:
            answer = await http.get(rng.choice(PAGES), follow_redirects=True)
        ok = answer.status_code == 200 and (kind != "graphql" or "errors" not in answer.json())
        if not ok:
            tally.errors.append(f"{kind} {answer.request.url.path}: {answer.status_code} "
                                f"{answer.text[:200]}")
    except httpx.HTTPError as error:
        tally.errors.append(f"{kind}: {type(error).__name__} {error}")
        return
    tally.latencies[kind].append(time.perf_counter() - started)


async def run(base_url: str, *, clients: int, seconds: float, inject_every: float | None,
              inject: Callable[[httpx.AsyncClient], object] | None = None) -> Tally:
    """`clients` loops sending the workload for `seconds`; every `inject_every` seconds one
    pathological query goes out beside them (its status is recorded, not counted as an error)."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:

        async def client(index: int) -> None:
            rng = random.Random(index)
            while time.monotonic() < deadline:
                await _one(http, rng, tally)

        async def injector() -> None:
            assert inject_every is not None
            while time.monotonic() + inject_every < deadline:
                await asyncio.sleep(inject_every)
                answer = await http.post("/sparql", data={"query": PATHOLOGICAL, "timeout": "2"},
                                         headers={"accept": "application/sparql-results+json"})
                tally.pathological.append(answer.status_code)

        tasks = [client(index) for index in range(clients)]
        if inject_every is not None:
            tasks.append(injector())
        await asyncio.gather(*tasks)
    return tally
