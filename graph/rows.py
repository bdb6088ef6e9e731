"""Reading SELECT rows (`Store.select`) as plain values, typed."""

from __future__ import annotations

from collections.abc import Mapping

from healthgraph.graph.store import Term
from pyoxigraph import Triple


def text(row: Mapping[str, Term], name: str, default: str = "") -> str:
    """The lexical value (or IRI) bound to `name`, or `default` when unbound.

    >>> from pyoxigraph import Literal
    >>> text({"n": Literal("3")}, "n"), text({}, "n", "none")
    ('3', 'none')
    """
    term = row.get(name)
    if term is None or isinstance(term, Triple):
        return default
    return term.value


def number(row: Mapping[str, Term], name: str, default: int = 0) -> int:
    """The integer bound to `name` (a count, a year), or `default` when unbound."""
    value = text(row, name)
    return int(value) if value else default
