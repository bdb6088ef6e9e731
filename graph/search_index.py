"""The partnership search's tables in the version's text index, and the search they answer.

What `graph/search.py` asks the store with SPARQL (the partnerships matching some filters,
how many, one page of them in label order, and the counts of each facet), answered from
tables written with the version instead, with the same results:

- `partnership(pid, iri)`: every `hg:Partnership`;
- `partnership_label(pid, iri, label, sort_key)`: each of its labels, `sort_key` being
  `LCASE(STR(?label))` (pages are ordered by `sort_key`, then the IRI);
- `partnership_text(pid, text)` with an FTS5 trigram index: the text a keyword must be in,
  `LCASE(label + " " + summary + " " + place)`, one row per combination of values, as the
  SPARQL `BIND` makes them (every word of a search must be in one row);
- `tag(pid, name, value)`: what filters and facets read. `country` (ISO codes), `board`
  (keys: the facet), `board-id` (keys and GSS codes: the filter), `theme` (IRIs), `kind`
  (the `KINDS` of its members) and `year` (`hg:startYear`, an integer).

The tables are filled from SPARQL results streamed through temporary tables keyed by IRI,
so the build holds no per-partnership state in Python.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Final

from healthgraph.graph.iris import IriMinter
from healthgraph.graph.namespaces import sparql_prefixes
from healthgraph.graph.search import KINDS, PAGE_SIZE, Filters
from healthgraph.graph.store import solutions
from pyoxigraph import Literal, NamedNode, QuerySolution, Store

MMAP_BYTES: Final = 2_147_418_112
"""SQLite's largest memory map: a new connection reads pages from the OS cache without copying."""

SORT_LIMIT: Final = 2_000
"""Pages of larger results walk the label order instead of sorting the matches."""

SCAN_SHARE: Final = 0.25
"""Facets of matches over this share of all partnerships read the facet's tags in order."""

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


def _batches(rows: Iterator[tuple[object, ...]], size: int = 50_000) -> Iterator[list[tuple[object, ...]]]:
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
    for batch in _batches(partnerships):
        connection.executemany("INSERT OR IGNORE INTO partnership(iri) VALUES (?)", batch)
    staged = (("staged_label", 2, _label_rows(store)), ("staged_text", 2, _text_rows(store)),
              ("staged_tag", 3, _tag_rows(store, _TAG_QUERIES, "?p")),
              ("staged_member", 2, _member_rows(store)),
              ("staged_member_tag", 3, _tag_rows(store, _MEMBER_TAG_QUERIES, "?m")))
    for table, width, rows in staged:
        for batch in _batches(rows):
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


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class SearchIndex:
    """The search tables of one version, read-only."""

    def __init__(self, path: Path, sort_limit: int = SORT_LIMIT, scan_share: float = SCAN_SHARE) -> None:
        self.path = path
        self.sort_limit = sort_limit
        self.scan_share = scan_share

    def reader(self, minter: IriMinter) -> IndexedSearch:
        """A connection for one search (its matches go in temporary tables of its own)."""
        return IndexedSearch(self.path, minter, self.sort_limit, self.scan_share)


class IndexedSearch:
    """Answers one search's questions; the matches of each set of filters are kept while open."""

    def __init__(self, path: Path, minter: IriMinter, sort_limit: int, scan_share: float) -> None:
        self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        self._minter = minter
        self._sort_limit = sort_limit
        self._scan_share = scan_share
        self._sets: dict[Filters, str] = {}
        self._all: int | None = None

    def __enter__(self) -> IndexedSearch:
        return self

    def __exit__(self, *_: object) -> None:
        self._connection.close()

    def _matches(self, filters: Filters) -> str:
        """The name of a temporary table holding the pids matching `filters`."""
        key = replace(filters, page=1)
        if key in self._sets:
            return self._sets[key]
        conditions: list[str] = []
        parameters: list[object] = []

        def tagged(name: str, value: object) -> None:
            conditions.append("SELECT pid FROM tag WHERE name = ? AND value = ?")
            parameters.extend((name, value))

        if filters.country:
            tagged("country", filters.country)
        if filters.board:
            tagged("board-id", filters.board)
        if filters.theme:
            tagged("theme", self._minter.theme(filters.theme))
        if filters.kind:
            tagged("kind", filters.kind)
        if filters.year_from is not None or filters.year_to is not None:
            low = filters.year_from if filters.year_from is not None else -(10**9)
            high = filters.year_to if filters.year_to is not None else 10**9
            conditions.append("SELECT pid FROM tag WHERE name = 'year' AND value >= ? AND value <= ?")
            parameters.extend((low, high))
        if filters.q:
            conditions.append(self._text_condition(filters.q.lower().split(), parameters))
        table = f"matches{len(self._sets)}"
        # each condition reads only its own matches (an index range or the FTS5 hits)
        selected = " INTERSECT ".join(conditions) or "SELECT pid FROM partnership"
        self._connection.execute(f"CREATE TEMP TABLE {table}(pid INTEGER PRIMARY KEY)")
        self._connection.execute(f"INSERT OR IGNORE INTO temp.{table} {selected}", parameters)
        self._sets[key] = table
        return table

    @staticmethod
    def _text_condition(words: list[str], parameters: list[object]) -> str:
        """Every word in one row of a partnership's text: FTS5 finds the rows holding the
        trigrams of the words of three characters or more, `instr` checks every word."""
        checks = " AND ".join("instr(t.text, ?) > 0" for _ in words)
        long_words = [word for word in words if len(word) >= 3]
        if long_words:
            parameters.append(" AND ".join(_fts_phrase(word) for word in long_words))
            parameters.extend(words)
            return ("SELECT t.pid FROM partnership_text_fts f JOIN partnership_text t "
                    f"ON t.rowid = f.rowid WHERE partnership_text_fts MATCH ? AND {checks}")
        parameters.extend(words)
        return f"SELECT t.pid FROM partnership_text t WHERE {checks}"

    def count(self, filters: Filters) -> int:
        return self._size(self._matches(filters))

    def page(self, filters: Filters) -> list[tuple[str, str]]:
        """(IRI, label) rows of the filters' page, by lower-cased label then IRI."""
        size, offset = PAGE_SIZE, (filters.page - 1) * PAGE_SIZE
        if filters.empty:
            rows = self._connection.execute(
                "SELECT iri, label FROM partnership_label ORDER BY sort_key, iri, label LIMIT ? OFFSET ?",
                (size, offset))
            return [(iri, label) for iri, label in rows]
        table = self._matches(filters)
        if self.count(filters) > self._sort_limit:
            sql = (f"SELECT iri, label FROM partnership_label INDEXED BY label_order "
                   f"WHERE pid IN (SELECT pid FROM temp.{table}) "
                   "ORDER BY sort_key, iri, label LIMIT ? OFFSET ?")
        else:
            sql = (f"SELECT l.iri, l.label FROM temp.{table} m CROSS JOIN partnership_label l "
                   "ON l.pid = m.pid ORDER BY l.sort_key, l.iri, l.label LIMIT ? OFFSET ?")
        return [(iri, label) for iri, label in self._connection.execute(sql, (size, offset))]

    def facet_counts(self, name: str, filters: Filters) -> dict[str, int]:
        """How many partnerships each value of facet `name` gives, the other filters kept.

        A small set of matches looks up each match's tags; a large one (over `SCAN_SHARE` of
        the partnerships) reads the facet's tags in value order and keeps the matches'."""
        narrowed = filters.without(name)
        tag_name = "year" if name == "decade" else name
        if narrowed.empty:
            source, where = "tag", ""
        else:
            table = self._matches(narrowed)
            if self._size(table) > self._scan_share * self._partnerships():
                source, where = "tag INDEXED BY tag_value", f"AND pid IN (SELECT pid FROM temp.{table})"
            else:
                source, where = f"temp.{table} m CROSS JOIN tag ON tag.pid = m.pid", ""
        value = "value - (value % 10 + 10) % 10" if name == "decade" else "value"  # FLOOR
        rows = self._connection.execute(
            f"SELECT {value}, count(DISTINCT tag.pid) FROM {source} WHERE name = ? {where} GROUP BY 1",
            (tag_name,))
        counts: dict[str, int] = {}
        for found, n in rows:
            key = str(found).rsplit("/", 1)[-1] if name == "theme" else str(found)
            counts[key] = int(n)
        return counts

    def _size(self, table: str) -> int:
        return int(self._connection.execute(f"SELECT count(*) FROM temp.{table}").fetchone()[0])

    def _partnerships(self) -> int:
        if self._all is None:
            self._all = int(self._connection.execute("SELECT count(*) FROM partnership").fetchone()[0])
        return self._all
