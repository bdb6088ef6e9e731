"""`Partnership.similar` and `Partnership.potentialCollaborators`: the ranked lists of
graph/similarity.py (the named queries similar-partnerships and potential-collaborators), with
the partnerships and organisations they name loaded by IRI in one batch per request (the
request's DataLoaders), so a page of partnerships costs one ranking query per partnership and
one VALUES query per linked type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from healthgraph.graph import similarity
from healthgraph.server.graphql.context import Context
from starlette.concurrency import run_in_threadpool
from strawberry.types.nodes import Selection

MAX_FIRST = 25
Record = dict[str, Any]


def _key(context: Context, root: Record) -> str | None:
    prefix = context.minter.partnership("x")[:-1]
    iri = str(root.get("iri", ""))
    return iri[len(prefix):] if iri.startswith(prefix) else None


def _inner(selections: Sequence[Selection], name: str) -> list[Selection]:
    found: list[Selection] = []
    for selected in selections:
        if getattr(selected, "name", None) == name:
            found.extend(getattr(selected, "selections", []) or [])
    return found


def _first(first: int) -> int:
    return max(0, min(first, MAX_FIRST))


async def _load(context: Context, entity: str, selections: Sequence[Selection],
                iris: list[str]) -> list[Record | None]:
    if not iris or not selections:
        return [{"iri": iri} for iri in iris]
    loader = context.by_iri(entity, selections, repr(selections))
    loaded: list[Record | None] = await loader.load_many(iris)
    return loaded


async def similar(context: Context, root: Record, selections: Sequence[Selection],
                  first: int) -> list[Record]:
    key = _key(context, root)
    if key is None:
        return []
    try:
        found = await run_in_threadpool(similarity.similar, context.store, key, _first(first))
    except similarity.UnknownPartnershipError:
        return []
    partnerships = await _load(context, "Partnership", _inner(selections, "partnership"),
                               [s.iri for s in found])
    return [{"score": s.score, "evidence": list(s.evidence), "partnership": p}
            for s, p in zip(found, partnerships, strict=True) if p is not None]


async def potential_collaborators(context: Context, root: Record, selections: Sequence[Selection],
                                  first: int) -> list[Record]:
    key = _key(context, root)
    if key is None:
        return []
    try:
        found = await run_in_threadpool(similarity.potential_collaborators, context.store, key,
                                        _first(first))
    except similarity.UnknownPartnershipError:
        return []
    organisations = await _load(context, "Organisation", _inner(selections, "organisation"),
                                [c.iri for c in found])
    return [{"score": c.score, "partnershipCount": c.partnerships, "evidence": list(c.evidence),
             "organisation": o}
            for c, o in zip(found, organisations, strict=True) if o is not None]
