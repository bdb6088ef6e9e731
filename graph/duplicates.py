"""Probable duplicates: partnerships and programmes that look like one thing entered twice.

Nothing is merged. Each build writes the report next to the store (`duplicates.json` in the
version directory); `healthgraph validate --duplicates` prints it for the input files and
`/duplicates` shows it.

Candidates are pairs that share a place, a working member, a source page or an uncommon word
of their names (an inverted index, so the work grows with the overlaps, not with the square of
the data). Each candidate pair gets a score in [0, 1] from its evidence:

==========================================  ======
evidence                                    weight
==========================================  ======
close names (token-set similarity s)        0.30 * s
a shared place                              0.20
shared working members (Jaccard j)          0.20 * j
a shared source page (used by ≤ 3 items)    0.15
a shared funder                             0.10
the same start year, or overlapping years   0.10
the same partner countries                  0.05
==========================================  ======

The name similarity weighs each shared word by how rare it is (inverse document frequency over
all names), so "programme" or "Malawi" count for little and "Chitambo" for much. A pair scoring
at least `THRESHOLD` is reported, with every piece of evidence that applied. The weights add up
to 1.1: a pair can carry more evidence than it needs.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.rows import text
from healthgraph.graph.store import EmbeddedStore, Store, Term, solutions

THRESHOLD: Final = 0.4
MAX_SOURCE_USES: Final = 3
REPORT_FILE: Final = "duplicates.json"
MAX_BLOCK: Final = 40
"""A shared value held by more items than this (a common word, a big funder) makes no pairs."""

STOPWORDS: Final = frozenset(
    ["a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "the", "to", "with", "via", "its"]
)


@dataclass
class _Item:
    iri: str
    kind: str
    key: str
    label: str
    start: int | None = None
    end: int | None = None
    places: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    member_labels: dict[str, str] = field(default_factory=dict)
    funders: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @functools.cached_property
    def tokens(self) -> frozenset[str]:
        """The name's content words, computed once (every candidate pair reads them)."""
        return frozenset(name_tokens(self.label))


@dataclass(frozen=True)
class Duplicate:
    """Two items that are probably the same thing, with the evidence."""

    kind: str
    a_key: str
    a_label: str
    a_iri: str
    b_key: str
    b_label: str
    b_iri: str
    b_kind: str
    score: float
    evidence: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        value = asdict(self)
        value["evidence"] = list(self.evidence)
        return value

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Duplicate:
        return cls(**{**value, "evidence": tuple(value["evidence"])})


def name_tokens(name: str) -> set[str]:
    """Content words of a name, lower-case and singular: 'Health Partnerships Programme' ->
    {'health', 'partnership', 'programme'}.

    >>> sorted(name_tokens("Scottish Government Health Partnership Programme (SGHPP)"))
    ['government', 'health', 'partnership', 'programme', 'scottish', 'sghpp']
    """
    words = re.findall(r"[a-z0-9]+", name.lower().replace("programs", "programmes")
                       .replace("program ", "programme "))
    tokens = set()
    for word in words:
        if word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        tokens.add(word)
    return tokens


def token_set_similarity(
    a: Set[str], b: Set[str], weights: Mapping[str, float] | None = None
) -> float:
    """Weight of the shared words over the weight of the shorter name (1.0 when one name
    contains the other); every word weighs 1 unless `weights` says otherwise.

    >>> token_set_similarity({"friends", "chitambo"}, {"chitambo", "hospital"})
    0.5
    """
    if not a or not b:
        return 0.0

    def weight(words: Set[str]) -> float:
        return sum(weights.get(w, 1.0) for w in words) if weights else float(len(words))

    return weight(a & b) / min(weight(a), weight(b))


def _idf(items: Iterable[_Item]) -> dict[str, float]:
    frequency: Counter[str] = Counter()
    total = 0
    for item in items:
        total += 1
        frequency.update(item.tokens)
    return {word: math.log((1 + total) / (1 + n)) + 0.05 for word, n in frequency.items()}


_ITEMS = """
SELECT ?s ?kind ?key ?label ?start ?end WHERE {
  VALUES (?class ?kind) { (hg:Partnership "partnership") (hg:Programme "programme") }
  ?s a ?class ; hg:key ?key ; rdfs:label ?label .
  OPTIONAL { ?s hg:startYear ?start }
  OPTIONAL { ?s hg:endYear ?end }
}"""
_FEATURES = """
SELECT ?s ?feature ?value ?valueLabel WHERE {
  VALUES ?class { hg:Partnership hg:Programme }
  ?s a ?class .
  {
    ?s hg:place ?value . BIND("place" AS ?feature)
  } UNION {
    ?s hg:membership ?m . ?m org:member ?value ; org:role/rdfs:label ?role .
    FILTER(STR(?role) != "funder")
    ?value rdfs:label ?valueLabel .
    BIND("member" AS ?feature)
  } UNION {
    ?s schema:funder ?value . BIND("funder" AS ?feature)
  } UNION {
    ?s hg:funderName ?value . BIND("funder-name" AS ?feature)
  } UNION {
    ?s hg:country ?value . ?value hg:isoCode ?code . FILTER(!STRSTARTS(?code, "GB"))
    BIND("country" AS ?feature)
  } UNION {
    ?s dcterms:source|rdfs:seeAlso ?value . BIND("source" AS ?feature)
  }
}"""


def _rows(store: Store, query: str) -> Iterable[Mapping[str, Term]]:
    """The SELECT rows, streamed from an embedded store (at a million partnerships the
    features are about ten million rows: a list of them would be gigabytes)."""
    if not isinstance(store, EmbeddedStore):
        return store.select(query)
    result = solutions(store.raw.query(query, use_default_graph_as_union=True))
    names = [variable.value for variable in result.variables]
    return ({name: term for name, term in zip(names, solution, strict=True) if term is not None}
            for solution in result)


def _items(store: Store) -> dict[str, _Item]:
    items: dict[str, _Item] = {}
    for row in _rows(store, sparql_prefixes() + _ITEMS):
        iri = text(row, "s")
        start, end = text(row, "start"), text(row, "end")
        items[iri] = _Item(iri, text(row, "kind"), text(row, "key"), text(row, "label"),
                           int(start) if start else None, int(end) if end else None)
    for row in _rows(store, sparql_prefixes() + _FEATURES):
        item = items.get(text(row, "s"))
        if item is None:
            continue
        feature, value = text(row, "feature"), text(row, "value")
        if feature == "place":
            item.places.add(value.strip().lower())
        elif feature == "member":
            item.members.add(value)
            item.member_labels[value] = text(row, "valueLabel")
        elif feature == "funder":
            item.funders.add(value)
        elif feature == "funder-name":
            item.funders.add(" ".join(sorted(name_tokens(re.sub(r"\(.*?\)", "", value)))))
        elif feature == "country":
            item.countries.add(value)
        elif feature == "source":
            item.sources.add(value.rstrip("/"))
    return items


def _block_keys(item: _Item) -> Iterator[tuple[str, str]]:
    for place in item.places:
        yield ("place", place)
    for member in item.members:
        yield ("member", member)
    for source in item.sources:
        yield ("source", source)
    for token in item.tokens:
        yield ("token", token)


def _candidates(items: dict[str, _Item]) -> Iterator[tuple[str, str]]:
    """Each pair of items sharing a block (of at most `MAX_BLOCK`) once, as (lower IRI,
    higher IRI). Streamed item by item: the pairs (about 30 per item) are never all held."""
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri, item in items.items():
        for key in _block_keys(item):
            blocks[key].append(iri)
    for iri in sorted(items):
        partners: set[str] = set()
        for key in _block_keys(items[iri]):
            members = blocks[key]
            if 1 < len(members) <= MAX_BLOCK:
                partners.update(other for other in members if other > iri)
        for other in sorted(partners):
            yield iri, other


def _years_meet(a: _Item, b: _Item) -> bool:
    if a.start is None or b.start is None:
        return False
    if a.start == b.start:
        return True
    a_end, b_end = a.end or a.start, b.end or b.start
    return a.end is not None and b.end is not None and a.start <= b_end and b.start <= a_end


def _name_similarity(a: _Item, b: _Item, idf: Mapping[str, float],
                     name_weight: Mapping[str, float] | None) -> float:
    """`token_set_similarity` of the two names, with each name's own weight read from
    `name_weight` (computed once per item) instead of summed again for every pair."""
    if name_weight is None:
        return token_set_similarity(a.tokens, b.tokens, idf)
    if not a.tokens or not b.tokens:
        return 0.0
    shared = a.tokens & b.tokens
    if not shared:
        return 0.0
    return sum(idf.get(w, 1.0) for w in shared) / min(name_weight[a.iri], name_weight[b.iri])


def _compare(
    a: _Item, b: _Item, idf: Mapping[str, float], source_uses: Mapping[str, int],
    name_weight: Mapping[str, float] | None = None,
) -> tuple[float, list[str]]:
    score, evidence = 0.0, []
    names = _name_similarity(a, b, idf, name_weight)
    if names >= 0.4:
        score += 0.30 * names
        shared = ", ".join(sorted(a.tokens & b.tokens))
        evidence.append(f"close names ({names:.0%} of words shared: {shared})")
    places = a.places & b.places
    if places:
        score += 0.20
        evidence.append("same places: " + ", ".join(sorted(places)))
    members = a.members & b.members
    if members:
        jaccard = len(members) / len(a.members | b.members)
        score += 0.20 * jaccard
        labels = sorted(a.member_labels[m] for m in members)
        evidence.append(f"same members ({jaccard:.0%}): " + ", ".join(labels))
    shared_sources = a.sources & b.sources
    sources = sorted(s for s in shared_sources if source_uses[s] <= MAX_SOURCE_USES) \
        if shared_sources else []
    if sources:
        score += 0.15
        evidence.append("same source page: " + ", ".join(sources))
    if a.funders & b.funders:
        score += 0.10
        evidence.append("same funder")
    if _years_meet(a, b):
        score += 0.10
        evidence.append(f"same years ({a.start}-{a.end or '?'} and {b.start}-{b.end or '?'})")
    if a.countries and a.countries == b.countries:
        score += 0.05
        evidence.append("same partner countries")
    return round(score, 3), evidence


def find_duplicates(store: Store, threshold: float = THRESHOLD) -> list[Duplicate]:
    """Every probable duplicate pair in the store, best first."""
    items = _items(store)
    idf = _idf(items.values())
    source_uses = Counter(source for item in items.values() for source in item.sources)
    name_weight = {iri: sum(idf.get(w, 1.0) for w in item.tokens) for iri, item in items.items()}
    found = []
    for a_iri, b_iri in _candidates(items):
        a, b = items[a_iri], items[b_iri]
        if a.kind != b.kind:
            a, b = (a, b) if a.kind == "partnership" else (b, a)
        score, evidence = _compare(a, b, idf, source_uses, name_weight)
        if score >= threshold:
            found.append(Duplicate(a.kind, a.key, a.label, a.iri, b.key, b.label, b.iri, b.kind,
                                   score, tuple(evidence)))
    return sorted(found, key=lambda d: (-d.score, d.a_label.lower(), d.b_label.lower()))


def write_report(store: Store, directory: Path) -> list[Duplicate]:
    """Find the probable duplicates and write them to `directory/duplicates.json`."""
    found = find_duplicates(store)
    report = {"threshold": THRESHOLD, "duplicates": [d.as_json() for d in found]}
    (directory / REPORT_FILE).write_text(json.dumps(report, indent=1, ensure_ascii=False),
                                         encoding="utf-8")
    return found


def read_report(directory: Path) -> list[Duplicate]:
    """The report a build wrote (empty for a version built before there were reports)."""
    try:
        report = json.loads((directory / REPORT_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return [Duplicate.from_json(value) for value in report["duplicates"]]


def describe(duplicates: Iterable[Duplicate]) -> Iterator[str]:
    """The report as text lines, for the command line."""
    for d in duplicates:
        yield f"{d.score:.2f}  {d.kind} {d.a_key}  ~  {d.b_kind} {d.b_key}"
        for item in d.evidence:
            yield f"      - {item}"
