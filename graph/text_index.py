"""A text index per store version (SQLite FTS5, trigram tokenizer), built with the version.

Matching semantics, the same as the SPARQL it replaces::

    SELECT ?s WHERE {
      ?s rdfs:label ?label . OPTIONAL { ?s dcterms:description ?description }
      FILTER(CONTAINS(LCASE(STR(?label)), LCASE(?text))
             || CONTAINS(LCASE(STR(COALESCE(?description, ""))), LCASE(?text)))
    } ORDER BY STR(?label) ?s LIMIT ?limit OFFSET ?offset

a case-insensitive substring match on the label or the description of every resource with
an `rdfs:label`, ordered by label (code-point order, as SPARQL and SQLite's BINARY collation
both compare strings) with the IRI as tie-break. The text is lower-cased in Python
(`str.lower`, which is what SPARQL's LCASE does for the text we hold) and indexed with
`tokenize='trigram case_sensitive 1'`: an FTS5 trigram MATCH finds every row containing the
query's trigrams, and `instr` re-checks the exact substring, so results are exactly the
CONTAINS results. Queries under three characters cannot use trigrams and scan the table
(still in SQLite: a rare one about 50 ms at 100k partnerships, 1 s at 1M).

It also holds, for GraphQL `search`, the label of every resource of the `LABELLED_TYPES`
with its GraphQL type name (`TextIndex.labels`: a substring of the label only), and the
partnership search's tables (`graph/search_tables.py`). `PRAGMA user_version` is the format
(`FORMAT`); an index of another format (a version built by older code) is not opened, and
everything it would answer falls back to SPARQL.

The SPARQL extension: a triple pattern `?x hg:textSearch "text"` (full IRI
`<https://w3id.org/healthgraph/ontology#textSearch>`) is replaced, before the query runs,
by `VALUES ?x { ...matching IRIs... }` from this index (see `expand_text_search`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from healthgraph.graph.namespaces import DCTERMS, HG, ORG, RDFS, SCHEMA, SKOS
from healthgraph.graph.search_index import MMAP_BYTES, fts_phrase
from healthgraph.graph.search_tables import batches, write_search_tables
from healthgraph.graph.store import solutions
from pyoxigraph import Store

FILE_NAME: Final = "text.sqlite"
FORMAT: Final = 2
TEXT_SEARCH: Final = f"{HG}textSearch"
MAX_EXPANSION: Final = 10_000
"""The most IRIs one `hg:textSearch` pattern expands to (a longer match is refused)."""

_ENTRIES = f"""
SELECT ?s ?label ?description WHERE {{
  ?s <{RDFS}label> ?label . FILTER(isIRI(?s))
  OPTIONAL {{ ?s <{DCTERMS}description> ?description }}
}}
"""


@dataclass(frozen=True)
class LabelledType:
    name: str
    """The GraphQL type name (`server/graphql/mapping.py`)."""
    rdf_class: str
    label_predicate: str


LABELLED_TYPES: Final = tuple(
    LabelledType(name, rdf_class, predicate)
    for name, rdf_class, predicate in (
        ("Partnership", f"{HG}Partnership", f"{RDFS}label"),
        ("Organisation", f"{ORG}Organization", f"{RDFS}label"),
        ("Country", f"{SCHEMA}Country", f"{RDFS}label"),
        ("Programme", f"{HG}Programme", f"{RDFS}label"),
        ("Document", f"{HG}GuidanceDocument", f"{RDFS}label"),
        ("Role", f"{ORG}Role", f"{RDFS}label"),
        ("Theme", f"{SKOS}Concept", f"{SKOS}prefLabel"),
    )
)
"""What GraphQL `search` looks through, in its order."""

_LABELLED_VALUES = " ".join(
    f'(<{t.rdf_class}> <{t.label_predicate}> "{t.name}")' for t in LABELLED_TYPES)
_LABELLED = f"""
SELECT ?e ?label ?type WHERE {{
  VALUES (?class ?predicate ?type) {{ {_LABELLED_VALUES} }}
  ?e a ?class ; ?predicate ?label . FILTER(isIRI(?e))
}}
"""

_LABELLED_SCHEMA = """
CREATE TABLE labelled(label TEXT NOT NULL, iri TEXT NOT NULL, type TEXT NOT NULL, text TEXT NOT NULL);
CREATE VIRTUAL TABLE labelled_text USING fts5(
    text, content='labelled', content_rowid='rowid', tokenize='trigram case_sensitive 1', detail='full'
);
"""

_SCHEMA = """
CREATE TABLE entry(iri TEXT NOT NULL, label TEXT NOT NULL, text TEXT NOT NULL);
CREATE VIRTUAL TABLE entry_text USING fts5(
    text, content='entry', content_rowid='rowid', tokenize='trigram case_sensitive 1', detail='full'
);
"""


class TextSearchError(ValueError):
    """A text search that cannot be answered (too many matches for a SPARQL expansion)."""


@dataclass(frozen=True)
class Entry:
    iri: str
    label: str
    description: str = ""

    @property
    def text(self) -> str:
        # a line break keeps a match from spanning the label and the description
        return f"{self.label.lower()}\n{self.description.lower()}"


def entries(store: Store) -> Iterator[Entry]:
    """Every labelled resource of the store, streamed."""
    for row in solutions(store.query(_ENTRIES, use_default_graph_as_union=True)):
        description = row["description"]
        yield Entry(row["s"].value, row["label"].value, description.value if description else "")


def _write_labelled(connection: sqlite3.Connection, store: Store, batch: int) -> None:
    connection.executescript(_LABELLED_SCHEMA)
    rows = ((row["label"].value, row["e"].value, row["type"].value, row["label"].value.lower())
            for row in solutions(store.query(_LABELLED, use_default_graph_as_union=True)))
    for rows_batch in batches(rows, batch):
        connection.executemany("INSERT INTO labelled VALUES (?, ?, ?, ?)", rows_batch)
    connection.executescript("""
        INSERT INTO labelled_text(rowid, text) SELECT rowid, text FROM labelled;
        INSERT INTO labelled_text(labelled_text) VALUES ('optimize');
        CREATE INDEX labelled_order ON labelled(label, iri, type);
    """)


def build_text_index(path: Path, items: Iterable[Entry], store: Store | None = None,
                     batch: int = 50_000) -> int:
    """Write a new index at `path` (replacing one there); returns the number of entries.

    With `store`, also the labels GraphQL searches and the partnership search's tables
    (a complete index of this `FORMAT`)."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    count = 0
    try:
        connection.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                                 "PRAGMA temp_store=FILE;" + _SCHEMA)
        for rows_batch in batches(((item.iri, item.label, item.text) for item in items), batch):
            connection.executemany("INSERT INTO entry VALUES (?, ?, ?)", rows_batch)
            count += len(rows_batch)
        connection.execute("INSERT INTO entry_text(rowid, text) SELECT rowid, text FROM entry")
        connection.execute("CREATE INDEX entry_order ON entry(label, iri)")
        connection.execute("INSERT INTO entry_text(entry_text) VALUES ('optimize')")
        if store is not None:
            _write_labelled(connection, store, batch)
            write_search_tables(connection, store)
            connection.execute(f"PRAGMA user_version = {FORMAT}")
        connection.commit()
    finally:
        connection.close()
    return count


class TextIndex:
    """A read-only view of one version's index."""

    SORT_LIMIT: Final = 2_000

    def __init__(self, path: Path, sort_limit: int = SORT_LIMIT) -> None:
        self.path = path
        self.sort_limit = sort_limit
        self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        self.format = int(self._connection.execute("PRAGMA user_version").fetchone()[0])

    def search(self, text: str, limit: int = 50, offset: int = 0) -> list[str]:
        """The IRIs whose label or description contains `text` (any case), in label order.

        Two plans, the same results: a rare needle reads its FTS5 matches and sorts them; a
        common one (over `SORT_LIMIT` matches, or under three characters) walks the label
        index in order and stops after `offset + limit` hits, so it never sorts thousands."""
        needle = text.lower()
        if not needle:
            return []
        if len(needle) >= 3:
            phrase = fts_phrase(needle)
            if self._few_matches("entry_text", phrase):
                sql = (
                    "SELECT entry.iri FROM entry_text JOIN entry ON entry.rowid = entry_text.rowid "
                    "WHERE entry_text MATCH ? AND instr(entry.text, ?) > 0 "
                    "ORDER BY entry.label, entry.iri LIMIT ? OFFSET ?"
                )
                rows = self._connection.execute(sql, (phrase, needle, limit, offset))
                return [iri for (iri,) in rows]
        sql = ("SELECT iri FROM entry INDEXED BY entry_order WHERE instr(text, ?) > 0 "
               "ORDER BY label, iri LIMIT ? OFFSET ?")
        return [iri for (iri,) in self._connection.execute(sql, (needle, limit, offset))]

    def labels(self, needle: str, limit: int) -> list[tuple[str, str, str]]:
        """(IRI, label, type) of the `LABELLED_TYPES` labels containing `needle` (already
        lower-cased), ordered by label, IRI and type name: one row per label and type."""
        if len(needle) >= 3:
            phrase = fts_phrase(needle)
            if self._few_matches("labelled_text", phrase):
                sql = ("SELECT l.iri, l.label, l.type FROM labelled_text JOIN labelled l "
                       "ON l.rowid = labelled_text.rowid WHERE labelled_text MATCH ? "
                       "AND instr(l.text, ?) > 0 ORDER BY l.label, l.iri, l.type LIMIT ?")
                return [(iri, label, kind) for iri, label, kind
                        in self._connection.execute(sql, (phrase, needle, limit))]
        sql = ("SELECT iri, label, type FROM labelled INDEXED BY labelled_order "
               "WHERE instr(text, ?) > 0 ORDER BY label, iri, type LIMIT ?")
        return [(iri, label, kind) for iri, label, kind in self._connection.execute(sql, (needle, limit))]

    def _few_matches(self, fts_table: str, phrase: str) -> bool:
        """True when `phrase` has at most `sort_limit` FTS5 matches in `fts_table` (then
        sorting them beats walking the label order)."""
        probe = (f"SELECT count(*) FROM (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH ? "
                 "LIMIT ?)")
        count: int = self._connection.execute(probe, (phrase, self.sort_limit + 1)).fetchone()[0]
        return count <= self.sort_limit

    def close(self) -> None:
        self._connection.close()


def open_text_index(path: Path) -> TextIndex | None:
    """The version's index, or None when it has none of this `FORMAT`."""
    if not path.exists():
        return None
    index = TextIndex(path)
    if index.format != FORMAT:
        index.close()
        return None
    return index


_PATTERN = re.compile(
    r"""(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)\s+
        (?:hg:textSearch|<""" + re.escape(TEXT_SEARCH) + r""">)\s+
        "(?P<text>(?:[^"\\]|\\.)*)"\s*(?P<end>[.;]?)""",
    re.VERBOSE,
)


def expand_text_search(query: str, index: TextIndex | None) -> str:
    """`?x hg:textSearch "eye"` -> `VALUES ?x { <iri> ... }` (the index's matches, in order).

    A query without the pattern is returned unchanged; the extension needs `hg:` bound to
    the ontology namespace when written with the prefix."""
    if "textSearch" not in query:
        return query

    def replace(match: re.Match[str]) -> str:
        if index is None:
            raise TextSearchError("this store version has no text index")
        text = bytes(match["text"], "utf-8").decode("unicode_escape")
        found = index.search(text, limit=MAX_EXPANSION + 1)
        if len(found) > MAX_EXPANSION:
            raise TextSearchError(
                f"hg:textSearch {text!r} matches over {MAX_EXPANSION} resources; search for more text"
            )
        values = " ".join(f"<{iri}>" for iri in found)
        # `?x hg:textSearch "a" ; more ...` keeps `?x` as the subject of what follows
        tail = f" {match['var']} " if match["end"] == ";" else " "
        return f"VALUES {match['var']} {{ {values} }}{tail}"

    return _PATTERN.sub(replace, query)
