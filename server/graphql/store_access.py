"""The one place the GraphQL layer reads the store: a SELECT run off the event loop.

Kept to one function so it can be switched to the query executor (deadlines, worker
processes) without touching the resolvers.
"""

from __future__ import annotations

from healthgraph.graph.store import Store, Term
from starlette.concurrency import run_in_threadpool


async def select(store: Store, query: str) -> list[dict[str, Term]]:
    rows: list[dict[str, Term]] = await run_in_threadpool(store.select, query)
    return rows
