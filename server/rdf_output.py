"""Writing small graphs (a resource, the dataset description) in any format of the conneg table.

JSON-LD is compacted with the project's context (`ontology/context.jsonld`) and refers to it by
the URL it is published at, so a client sees short keys ("label", "country") and can expand
them again.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import rdflib
from healthgraph.server import conneg


@lru_cache(maxsize=4)
def load_context(path: Path) -> dict[str, Any]:
    """The "@context" object of a JSON-LD context file."""
    document = json.loads(path.read_text(encoding="utf-8"))
    context: dict[str, Any] = document["@context"]
    return context


def write_graph(
    graph: rdflib.Graph,
    media: conneg.MediaType,
    *,
    context: dict[str, Any] | None = None,
    context_url: str | None = None,
) -> bytes:
    """`graph` serialised as `media`; JSON-LD compacted with `context`, referenced by `context_url`."""
    name = conneg.RDFLIB_GRAPH_FORMATS[media.name]
    if media is conneg.JSON_LD and context is not None:
        text = graph.serialize(format=name, context=context, auto_compact=True)
        document = json.loads(text)
        if context_url is not None:
            document["@context"] = context_url
        return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
    return graph.serialize(format=name, encoding="utf-8")
