"""The partnership search's tables, written into the version's text index with the version.

What the SPARQL of `graph/search.py` reads, per partnership (`graph/search_index.py` answers
the search from them):

- `partnership(pid, iri)`: every `hg:Partnership`;
- `partnership_label(pid, iri, label, sort_key)`: each of its labels, `sort_key` being
  `LCASE(STR(?label))` (pages are ordered by `sort_key`, then the IRI);
- `partnership_text(pid, text)` with an FTS5 trigram index (`partnership_text_fts`): the
  text a keyword must be in, `LCASE(label + " " + summary + " " + place)`, one row per
  combination of values, as the SPARQL `BIND` makes them (every word of a search must be in
  one row);
- `tag(pid, name, value)`: what filters and facets read. `country` (ISO codes), `board`
  (keys: the facet), `board-id` (keys and GSS codes: the filter), `theme` (IRIs), `kind`
  (the `KINDS` of its members) and `year` (`hg:startYear`, an integer).

The tables are filled from SPARQL results streamed through temporary tables keyed by IRI,
so the build holds no per-partnership state in Python.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Final

from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.search import KINDS
from healthgraph.graph.store import solutions
from pyoxigraph import Literal, NamedNode, QuerySolution, Store

SCHEMA: Final = """
CREATE TABLE partnership(pid INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE partnership_label(pid INTEGER NOT NULL, iri TEXT NOT NULL, label TEXT NOT NULL,
                               sort_key TEXT NOT NULL);
CREATE TABLE partnership_text(pid INTEGER NOT NULL, text TEXT NOT NULL);
CREATE VIRTUAL TABLE partnership_text_fts USING fts5(
    text, content='partnership_text', content_rowid='rowid',
    tokenize='trigram case_sensitive 1', detail='full'
);
CREATE TABLE tag(pid INTEGER NOT NULL, name TEXT NOT NULL, value NOT NULL,
                 PRIMARY KEY (pid, name, value)) WITHOUT ROWID;
"""

_KIND_VALUES = " ".join(f"({Literal(kind)} {NamedNode(cls)})" for kind, (cls, _label) in KINDS.items())

_TAG_QUERIES: Final = {
    "country": "?p a hg:Partnership ; hg:country ?c . ?c hg:isoCode ?value .",
    "theme": "?p a hg:Partnership ; hg:theme ?value .",
    "year": "?p a hg:Partnership ; hg:startYear ?value .",
}
"""Tags of a partnership: (?p, ?value) rows."""

_MEMBER_TAG_QUERIES: Final = {
    "board": "?m a hg:HealthBoard ; hg:key ?value .",
    "board-id": "?m a hg:HealthBoard ; hg:key|hg:gssCode ?value .",
    "kind": f"VALUES (?value ?kc) {{ {_KIND_VALUES} }} ?m a ?kc .",
}
"""Tags a partnership takes from its members: (?m, ?value) rows, joined to the (few) members
in SQLite rather than in one SPARQL join per tag over every membership."""

_STAGING = """
CREATE TEMP TABLE staged_label(iri TEXT, label TEXT);
CREATE TEMP TABLE staged_text(iri TEXT, text TEXT);
CREATE TEMP TABLE staged_tag(iri TEXT, name TEXT, value);
CREATE TEMP TABLE staged_member(iri TEXT, member TEXT);
CREATE TEMP TABLE staged_member_tag(member TEXT, name TEXT, value);
"""


def _value(term: object) -> str:
    if isinstance(term, NamedNode | Literal):
        return term.value
    raise TypeError(f"expected an IRI or a literal, got {term!r}")


def _select(store: Store, where: str, variables: str) -> Iterator[QuerySolution]:
    query = sparql_prefixes() + f"SELECT {variables} WHERE {{ {where} }}"
    return iter(solutions(store.query(query, use_default_graph_as_union=True)))


def batches(rows: Iterator[tuple[object, ...]], size: int = 50_000) -> Iterator[list[tuple[object, ...]]]:
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    yield batch


def _year(term: object) -> int | None:
    """An integer start year; anything else matches no year filter (as in SPARQL)."""
    try:
        return int(_value(term))
    except ValueError:
        return None


def _label_rows(store: Store) -> Iterator[tuple[object, ...]]:
    for p, label in _select(store, "?p a hg:Partnership ; rdfs:label ?label", "?p ?label"):
        yield _value(p), _value(label)


def _text_rows(store: Store) -> Iterator[tuple[object, ...]]:
    where = ("?p a hg:Partnership ; rdfs:label ?label . OPTIONAL { ?p dcterms:description ?summary } "
             "OPTIONAL { ?p hg:place ?place }")
    for p, label, summary, place in _select(store, where, "?p ?label ?summary ?place"):
        summary_text = _value(summary) if summary is not None else ""
        place_text = _value(place) if place is not None else ""
        yield _value(p), f"{_value(label)} {summary_text} {place_text}".lower()


def _tag_rows(store: Store, queries: dict[str, str], subject: str) -> Iterator[tuple[object, ...]]:
    for name, where in queries.items():
        for node, term in _select(store, where, f"{subject} ?value"):
            value: object = _year(term) if name == "year" else _value(term)
            if value is not None:
                yield _value(node), name, value


def _member_rows(store: Store) -> Iterator[tuple[object, ...]]:
    for p, member in _select(store, "?p a hg:Partnership ; org:hasMember ?m", "?p ?m"):
        yield _value(p), _value(member)


def write_search_tables(connection: sqlite3.Connection, store: Store) -> int:
    """Fill the search tables from the store; returns the number of partnerships."""
    connection.executescript(SCHEMA + _STAGING)
    partnerships = ((_value(p),) for (p,) in _select(store, "?p a hg:Partnership", "DISTINCT ?p"))
    for batch in batches(partnerships):
        connection.executemany("INSERT OR IGNORE INTO partnership(iri) VALUES (?)", batch)
    staged = (("staged_label", 2, _label_rows(store)), ("staged_text", 2, _text_rows(store)),
              ("staged_tag", 3, _tag_rows(store, _TAG_QUERIES, "?p")),
              ("staged_member", 2, _member_rows(store)),
              ("staged_member_tag", 3, _tag_rows(store, _MEMBER_TAG_QUERIES, "?m")))
    for table, width, rows in staged:
        for batch in batches(rows):
            connection.executemany(f"INSERT INTO temp.{table} VALUES ({', '.join('?' * width)})", batch)
    # LCASE in Python, as for the text: SQLite's lower() folds ASCII only
    connection.create_function("lcase", 1, str.lower, deterministic=True)
    connection.executescript("""
        INSERT INTO partnership_label
            SELECT DISTINCT p.pid, p.iri, s.label, lcase(s.label) FROM temp.staged_label s
            JOIN partnership p ON p.iri = s.iri;
        INSERT INTO partnership_text
            SELECT DISTINCT p.pid, s.text FROM temp.staged_text s JOIN partnership p ON p.iri = s.iri;
        INSERT OR IGNORE INTO tag
            SELECT p.pid, s.name, s.value FROM temp.staged_tag s JOIN partnership p ON p.iri = s.iri;
        CREATE INDEX temp.staged_member_tag_member ON staged_member_tag(member);
        INSERT OR IGNORE INTO tag
            SELECT p.pid, t.name, t.value FROM temp.staged_member s
            JOIN temp.staged_member_tag t ON t.member = s.member JOIN partnership p ON p.iri = s.iri;
        DROP TABLE temp.staged_label;
        DROP TABLE temp.staged_text;
        DROP TABLE temp.staged_tag;
        DROP TABLE temp.staged_member;
        DROP TABLE temp.staged_member_tag;
    """)
    connection.executescript("""
        INSERT INTO partnership_text_fts(rowid, text) SELECT rowid, text FROM partnership_text;
        INSERT INTO partnership_text_fts(partnership_text_fts) VALUES ('optimize');
        CREATE INDEX partnership_text_pid ON partnership_text(pid);
        CREATE INDEX label_order ON partnership_label(sort_key, iri, label);
        CREATE INDEX label_pid ON partnership_label(pid);
        CREATE INDEX tag_value ON tag(name, value, pid);
    """)
    return int(connection.execute("SELECT count(*) FROM partnership").fetchone()[0])
