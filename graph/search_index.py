"""The partnership search answered from the version's search tables (`graph/search_tables.py`).

What `graph/search.py` asks the store with SPARQL (the partnerships matching some filters,
how many, one page of them in label order, and the counts of each facet), answered in SQLite
with the same results. One `IndexedSearch` (a connection) serves one search: the matches of
each set of filters it meets go in a temporary table, read by the count, the page and the
facets.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Final

from healthgraph.graph.iris import IriMinter
from healthgraph.graph.search import PAGE_SIZE, Filters

MMAP_BYTES: Final = 2_147_418_112
"""SQLite's largest memory map: a new connection reads pages from the OS cache without copying."""

SORT_LIMIT: Final = 2_000
"""Pages of larger results walk the label order instead of sorting the matches."""

SCAN_SHARE: Final = 0.25
"""Facets of matches over this share of all partnerships read the facet's tags in order."""

def fts_phrase(word: str) -> str:
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
        """The name of a temporary table holding the pids matching `filters`.

        One condition drives (the keywords' FTS5 hits, else the filter with the fewest
        tagged partnerships) and each other one is a lookup per candidate, so a search
        never reads all of a broad filter's partnerships to keep a few."""
        key = replace(filters, page=1)
        if key in self._sets:
            return self._sets[key]
        conditions = self._conditions(filters)
        words = filters.q.lower().split()
        if any(len(word) >= 3 for word in words):
            driver, parameters = self._text_hits(words)
        elif conditions:
            smallest = min(conditions, key=self._tagged_count)
            conditions.remove(smallest)
            driver, parameters = f"SELECT pid FROM tag WHERE {smallest[0]}", list(smallest[1])
            if words:
                conditions.append(self._text_check(words))
        elif words:
            driver, parameters = self._text_hits(words)
        else:
            driver, parameters = "SELECT pid FROM partnership", []
        probes = " AND ".join(
            f"EXISTS (SELECT 1 FROM tag WHERE tag.pid = x.pid AND {sql})" if sql.startswith("name")
            else sql for sql, _values in conditions) or "1"
        for _sql, values in conditions:
            parameters.extend(values)
        table = f"matches{len(self._sets)}"
        self._connection.execute(f"CREATE TEMP TABLE {table}(pid INTEGER PRIMARY KEY)")
        self._connection.execute(
            f"INSERT OR IGNORE INTO temp.{table} SELECT x.pid FROM ({driver}) x WHERE {probes}",
            parameters)
        self._sets[key] = table
        return table

    def _conditions(self, filters: Filters) -> list[tuple[str, tuple[object, ...]]]:
        """The filters other than keywords, as conditions on `tag` rows."""
        conditions: list[tuple[str, tuple[object, ...]]] = []
        tagged = "name = ? AND value = ?"
        if filters.country:
            conditions.append((tagged, ("country", filters.country)))
        if filters.board:
            conditions.append((tagged, ("board-id", filters.board)))
        if filters.theme:
            conditions.append((tagged, ("theme", self._minter.theme(filters.theme))))
        if filters.kind:
            conditions.append((tagged, ("kind", filters.kind)))
        if filters.year_from is not None or filters.year_to is not None:
            low = filters.year_from if filters.year_from is not None else -(10**9)
            high = filters.year_to if filters.year_to is not None else 10**9
            conditions.append(("name = 'year' AND value >= ? AND value <= ?", (low, high)))
        return conditions

    def _tagged_count(self, condition: tuple[str, tuple[object, ...]]) -> int:
        sql, values = condition
        return int(self._connection.execute(f"SELECT count(*) FROM tag WHERE {sql}", values).fetchone()[0])

    @staticmethod
    def _text_hits(words: list[str]) -> tuple[str, list[object]]:
        """Every word in one row of a partnership's text: FTS5 finds the rows holding the
        trigrams of the words of three characters or more, `instr` checks every word."""
        checks = " AND ".join("instr(t.text, ?) > 0" for _ in words)
        long_words = [word for word in words if len(word) >= 3]
        if long_words:
            return ("SELECT t.pid FROM partnership_text_fts f JOIN partnership_text t "
                    f"ON t.rowid = f.rowid WHERE partnership_text_fts MATCH ? AND {checks}",
                    [" AND ".join(fts_phrase(word) for word in long_words), *words])
        return f"SELECT t.pid FROM partnership_text t WHERE {checks}", list(words)

    @staticmethod
    def _text_check(words: list[str]) -> tuple[str, tuple[object, ...]]:
        """The words as a lookup of one candidate's texts."""
        checks = " AND ".join("instr(t.text, ?) > 0" for _ in words)
        return (f"EXISTS (SELECT 1 FROM partnership_text t WHERE t.pid = x.pid AND {checks})",
                tuple(words))

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
        # a tag is one row per (pid, name, value), so a count of rows counts partnerships;
        # a decade groups years, which a partnership could have more than one of
        value, count = (("value - (value % 10 + 10) % 10", "count(DISTINCT tag.pid)") if name == "decade"
                        else ("value", "count(*)"))
        rows = self._connection.execute(
            f"SELECT {value}, {count} FROM {source} WHERE name = ? {where} GROUP BY 1", (tag_name,))
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
