"""The text index's own latency at a size with no store: a built index replicated N times.

    python bench/search_scaled.py --index /tmp/idx100k/text.sqlite --times 10 --label 1m \
        --out bench/results/search-index-1m.json

Every row of the index (labels, partnership texts, labels in page order, tags) is copied
`--times` times with the IRIs suffixed (`.../key~2`), so the copy has the vocabulary and the
hit rates of the original at `--times` its size. It times only what SQLite answers: GraphQL
`search`'s label rows (`TextIndex.labels`) and the partnership search's total, facets and page
(`SearchIndex`), not the store reads around them (the page's 25 hits, the facet labels:
lookups, measured with the store in `bench/search.py`).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from healthgraph.graph.iris import IriMinter
from healthgraph.graph.search import FACETS, Filters
from healthgraph.graph.search_index import SearchIndex
from healthgraph.graph.text_index import FORMAT, open_text_index

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import NEEDLES, UI_SEARCHES, median_ms  # bench/search.py

_COPIES = """
INSERT INTO main.entry SELECT iri || '~' || :k, label, text FROM source.entry;
INSERT INTO main.labelled SELECT label, iri || '~' || :k, type, text FROM source.labelled;
INSERT INTO main.partnership SELECT pid + :k * :step, iri || '~' || :k FROM source.partnership;
INSERT INTO main.partnership_label
    SELECT pid + :k * :step, iri || '~' || :k, label, sort_key FROM source.partnership_label;
INSERT INTO main.partnership_text SELECT pid + :k * :step, text FROM source.partnership_text;
INSERT INTO main.tag SELECT pid + :k * :step, name, value FROM source.tag;
"""

_INDEXES = """
INSERT INTO entry_text(rowid, text) SELECT rowid, text FROM entry;
INSERT INTO labelled_text(rowid, text) SELECT rowid, text FROM labelled;
INSERT INTO partnership_text_fts(rowid, text) SELECT rowid, text FROM partnership_text;
CREATE INDEX entry_order ON entry(label, iri);
CREATE INDEX labelled_order ON labelled(label, iri, type);
CREATE INDEX partnership_text_pid ON partnership_text(pid);
CREATE INDEX label_order ON partnership_label(sort_key, iri, label);
CREATE INDEX label_pid ON partnership_label(pid);
CREATE INDEX tag_value ON tag(name, value, pid);
"""


def replicate(source: Path, target: Path, times: int) -> None:
    connection = sqlite3.connect(target)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("ATTACH ? AS source", (f"file:{source}?mode=ro",))
    schema = [sql for (sql,) in connection.execute(
        "SELECT sql FROM source.sqlite_master WHERE sql IS NOT NULL AND type = 'table' "
        "AND name NOT LIKE '%text_%' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    schema += [sql for (sql,) in connection.execute(
        "SELECT sql FROM source.sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
    for sql in schema:
        connection.execute(sql)
    step = connection.execute("SELECT max(pid) FROM source.partnership").fetchone()[0] + 1
    for k in range(times):
        for statement in filter(str.strip, _COPIES.split(";")):
            connection.execute(statement, {"k": k, "step": step})
    connection.commit()
    connection.execute("DETACH source")
    connection.executescript(_INDEXES + f"PRAGMA user_version = {FORMAT};")
    connection.commit()
    connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--label", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--replica", type=Path, help="keep the copy here (reused if it exists)")
    args = parser.parse_args(argv)
    results: dict[str, object] = {"label": args.label, "times": args.times}
    with tempfile.TemporaryDirectory() as work:
        path = args.replica or Path(work) / "text.sqlite"
        if not path.exists():
            started = time.monotonic()
            replicate(args.index, path, args.times)
            results["replicate_s"] = time.monotonic() - started
        index = open_text_index(path)
        assert index is not None
        with sqlite3.connect(path) as connection:
            results["partnerships"] = connection.execute("SELECT count(*) FROM partnership").fetchone()[0]
            results["labels"] = connection.execute("SELECT count(*) FROM labelled").fetchone()[0]
        results["graphql_labels_ms"] = {
            needle: median_ms(lambda n=needle: index.labels(n, 70)) for needle in NEEDLES}  # type: ignore[misc]
        print(args.label, results["graphql_labels_ms"], file=sys.stderr)
        search_index, minter = SearchIndex(path), IriMinter()

        def answer(filters: Filters) -> int:
            with search_index.reader(minter) as reader:
                total = 0 if filters.empty else reader.count(filters)  # else from the statistics
                for name in FACETS:
                    if not filters.without(name).empty:  # else from the statistics
                        reader.facet_counts(name, filters)
                reader.page(filters)
            return total

        found: dict[str, object] = {}
        for name, params in UI_SEARCHES.items():
            filters = Filters.parse(params)
            found[name] = {"total": answer(filters), "ms": median_ms(lambda f=filters: answer(f))}  # type: ignore[misc]
            print(args.label, name, found[name], file=sys.stderr)
        results["partnership_search_sqlite"] = found
        index.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
