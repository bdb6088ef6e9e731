"""Content negotiation: one table of every media type the server speaks."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class MediaType:
    name: str
    """Short name for `format=` and file suffixes."""
    media_type: str
    aliases: tuple[str, ...] = ()
    suffix: str = ""
    names: tuple[str, ...] = ()
    """More `format=` values clients send (SPARQLWrapper: 'json-ld', 'rdf+xml', 'xml', ...)."""

    @property
    def all_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


SPARQL_JSON: Final = MediaType("json", "application/sparql-results+json", ("application/json",), "srj")
SPARQL_XML: Final = MediaType("xml", "application/sparql-results+xml", ("application/xml",), "srx")
CSV: Final = MediaType("csv", "text/csv", (), "csv")
TSV: Final = MediaType("tsv", "text/tab-separated-values", (), "tsv")
TURTLE: Final = MediaType("turtle", "text/turtle", ("application/x-turtle",), "ttl", ("n3",))
N_TRIPLES: Final = MediaType("ntriples", "application/n-triples", ("text/plain",), "nt",
                             ("n-triples",))
JSON_LD: Final = MediaType("jsonld", "application/ld+json", ("application/json",), "jsonld",
                           ("json-ld", "json"))
RDF_XML: Final = MediaType("rdfxml", "application/rdf+xml", ("application/xml",), "rdf",
                           ("rdf+xml", "xml"))
N_QUADS: Final = MediaType("nquads", "application/n-quads", (), "nq", ("n-quads",))
TRIG: Final = MediaType("trig", "application/trig", (), "trig")
HTML: Final = MediaType("html", "text/html", ("application/xhtml+xml",), "html")
JSON: Final = MediaType("json", "application/json", (), "json")

SOLUTION_FORMATS: Final = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
GRAPH_FORMATS: Final = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)

RESOURCE_FORMATS: Final = (HTML, TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
"""What a linked-data resource (/id, /doc, /dataset, /.well-known/void) is offered as; HTML first."""

RDFLIB_GRAPH_FORMATS: Final[dict[str, str]] = {
    TURTLE.name: "turtle",
    N_TRIPLES.name: "nt",
    JSON_LD.name: "json-ld",
    RDF_XML.name: "xml",
    N_QUADS.name: "nquads",
    TRIG.name: "trig",
}
"""rdflib's serializer name for each graph format (small graphs serialised in Python)."""

ENGINE_SOLUTION_FORMATS: Final[dict[str, QueryResultsFormat]] = {
    SPARQL_JSON.name: QueryResultsFormat.JSON,
    SPARQL_XML.name: QueryResultsFormat.XML,
    CSV.name: QueryResultsFormat.CSV,
    TSV.name: QueryResultsFormat.TSV,
}
ENGINE_GRAPH_FORMATS: Final[dict[str, RdfFormat]] = {
    TURTLE.name: RdfFormat.TURTLE,
    N_TRIPLES.name: RdfFormat.N_TRIPLES,
    JSON_LD.name: RdfFormat.JSON_LD,
    RDF_XML.name: RdfFormat.RDF_XML,
    N_QUADS.name: RdfFormat.N_QUADS,
    TRIG.name: RdfFormat.TRIG,
}


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    specificity: int


def _parse_accept(header: str) -> list[_Range]:
    ranges = []
    for part in header.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        main, _, sub = media.partition("/")
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        specificity = (main != "*") + (sub != "*")
        ranges.append(_Range(main, sub, q, specificity))
    return ranges


def _quality(ranges: list[_Range], media_type: str) -> tuple[float, int]:
    main, _, sub = media_type.partition("/")
    best: _Range | None = None
    for candidate in ranges:
        if candidate.type not in ("*", main) or candidate.subtype not in ("*", sub):
            continue
        if best is None or candidate.specificity > best.specificity:
            best = candidate
    return (best.q, best.specificity) if best else (0.0, -1)


@functools.lru_cache(maxsize=1024)
def negotiate(accept: str | None, offers: tuple[MediaType, ...]) -> MediaType | None:
    """The offer the Accept header prefers (first offer wins ties); None when none is acceptable.
    Remembered: clients send the same few Accept headers again and again."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _parse_accept(accept)
    best: MediaType | None = None
    best_score = (0.0, -1, 0)
    for position, offer in enumerate(offers):
        q, specificity = max(_quality(ranges, media) for media in offer.all_types)
        score = (q, specificity, -position)
        if q > 0 and score > best_score:
            best, best_score = offer, score
    return best


def by_suffix(path: str, offers: tuple[MediaType, ...]) -> tuple[str, MediaType | None]:
    """'/doc/x.ttl' -> ('/doc/x', TURTLE); a path without a known suffix is returned as it is."""
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix:
        for offer in offers:
            if suffix.lower() in (offer.suffix, offer.name):
                return stem, offer
    return path, None


def with_charset(media_type: str) -> str:
    """A Content-Type value: text and JSON/XML types get `; charset=utf-8`."""
    if "charset=" not in media_type and (
        media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    ):
        return media_type + "; charset=utf-8"
    return media_type


def by_name(name: str, offers: tuple[MediaType, ...]) -> MediaType | None:
    """`format=json`, `format=text/turtle` or a suffix ('ttl') to a media type."""
    wanted = name.strip().lower()
    for offer in offers:
        if wanted in (offer.name, offer.suffix, *offer.names, *offer.all_types):
            return offer
    return None
