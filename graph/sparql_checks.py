"""Checks on SPARQL text before it runs: outbound requests (SERVICE, LOAD) and the protocol
dataset of an update (`using-graph-uri` / `using-named-graph-uri`).

pyoxigraph makes the HTTP request of a SERVICE clause or a LOAD operation itself, from inside
the engine: left alone, any client could make the server fetch any URL (SSRF). Both are found
with the tokenizer, so the keywords are never confused with the same word in a string, an IRI,
a prefixed name or a comment, and refused unless their target is on the allow list.

>>> outbound_requests('SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
[Outbound(keyword='SERVICE', target='http://example.org/sparql', position='1:12')]
>>> outbound_requests('SELECT * { ?s ?p "SERVICE <http://example.org/>" }')
[]
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from healthgraph.graph.sparql_tokens import Kind, Prologue, Token, position_of, tokens

OUTBOUND_KEYWORDS = frozenset({"SERVICE", "LOAD"})


class OutboundRequestRefused(ValueError):
    """A SERVICE or LOAD whose target is not on the allow list."""


class UpdateDatasetConflict(ValueError):
    """An update names its dataset (USING / WITH) and the request does too."""


@dataclass(frozen=True)
class Outbound:
    keyword: str
    target: str | None
    """The IRI the engine would fetch; None when it is only known at run time (a variable)."""
    position: str


def outbound_requests(text: str, base_iri: str | None = None) -> list[Outbound]:
    """Every SERVICE clause and LOAD operation in `text`, with the IRI it would fetch."""
    lowered = text.lower()
    if not any(keyword.lower() in lowered for keyword in OUTBOUND_KEYWORDS):
        return []  # keywords cannot be escaped (the engine reads \u escapes only in strings
        # and IRIs), so a text without the letters of either has neither
    found: list[Outbound] = []
    prologue = Prologue(base_iri)
    stream = tokens(text)
    for token in stream:
        if token.kind is not Kind.WORD:
            continue
        keyword = token.upper
        if keyword in ("PREFIX", "BASE"):
            prologue.declare(keyword, stream)
        elif keyword in OUTBOUND_KEYWORDS:
            target = next(stream, None)
            if target is not None and target.kind is Kind.WORD and target.upper == "SILENT":
                target = next(stream, None)
            iri = prologue.resolve(target) if target is not None else None
            found.append(Outbound(keyword, iri, position_of(text, token)))
    return found


def check_outbound(text: str, allowed: Collection[str], base_iri: str | None = None) -> None:
    """Raise OutboundRequestRefused for a SERVICE or LOAD whose target is not in `allowed`
    (exact IRIs). A target known only at run time (SERVICE ?var) is always refused."""
    for request in outbound_requests(text, base_iri):
        if request.target is None or request.target not in allowed:
            target = f"<{request.target}>" if request.target else "a target known only at run time"
            raise OutboundRequestRefused(
                f"{request.keyword} to {target} (at {request.position}) is not allowed: this "
                f"endpoint makes no outbound requests except to the configured allow list"
            )


def with_protocol_dataset(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """`update` with the protocol's `using-graph-uri` / `using-named-graph-uri` written in as
    USING / USING NAMED clauses of every INSERT/DELETE ... WHERE operation.

    UpdateDatasetConflict when the update already names a dataset with USING or WITH (SPARQL
    1.1 Protocol, section 2.2.3)."""
    if not using and not using_named:
        return update
    clauses = " ".join(
        [f"USING <{iri}>" for iri in using] + [f"USING NAMED <{iri}>" for iri in using_named]
    )
    pieces: list[str] = []
    copied = 0
    depth = 0
    previous: Token | None = None
    for token in tokens(update):
        if token.kind is Kind.PUNCT and token.text == "{":
            depth += 1
        elif token.kind is Kind.PUNCT and token.text == "}":
            depth -= 1
        elif depth == 0 and token.kind is Kind.WORD:
            keyword = token.upper
            if keyword in ("USING", "WITH"):
                raise UpdateDatasetConflict(
                    f"the update has {keyword} (at {position_of(update, token)}) and the request "
                    f"gives using-graph-uri / using-named-graph-uri: use one or the other"
                )
            if keyword == "WHERE" and previous is not None and previous.text == "}":
                pieces.append(update[copied:token.start])
                pieces.append(clauses + " ")
                copied = token.start
        previous = token
    pieces.append(update[copied:])
    return "".join(pieces)
