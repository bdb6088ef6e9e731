"""Reading one CSV file of the input format: header check, rows with their line numbers."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthgraph.loaders.errors import LoadError

_Reader = Any


@dataclass(frozen=True)
class Row:
    """One record, with the line it starts on."""

    path: Path
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column].strip()

    def error(
        self, column: str, message: str, *, value: str | None = None, expected: str | None = None
    ) -> LoadError:
        return LoadError(self.path, self.line, message, column=column, value=value, expected=expected)


def _first_undecodable_line(path: Path) -> tuple[int, bytes]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number, raw
    return 0, b""


def read_table(path: Path, columns: Sequence[str]) -> Iterator[Row]:
    """The rows of `path`, which must have every column in `columns` (extra ones are refused)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                raise LoadError(path, 1, "the file is empty", expected="a header row")
            header = [name.strip().lstrip("\ufeff") for name in header]
            missing = [name for name in columns if name not in header]
            unknown = [name for name in header if name not in columns]
            if missing or unknown:
                problem = f"missing column(s) {missing}" if missing else f"unknown column(s) {unknown}"
                raise LoadError(path, 1, problem, expected=f"columns {list(columns)}")
            line = reader.line_num + 1
            for record in _records(reader, path):
                if not any(cell.strip() for cell in record):
                    line = reader.line_num + 1
                    continue
                if len(record) != len(header):
                    raise LoadError(
                        path, line, f"row has {len(record)} fields, the header has {len(header)}",
                        expected="one value per column (quote values that contain commas)",
                    )
                yield Row(path, line, dict(zip(header, record, strict=True)))
                line = reader.line_num + 1
    except UnicodeDecodeError as error:
        number, raw = _first_undecodable_line(path)
        raise LoadError(
            path, number or None, "the file is not valid UTF-8",
            value=raw[:80].decode("utf-8", "replace") if raw else None, expected="UTF-8 text",
        ) from error


def _records(reader: _Reader, path: Path) -> Iterator[list[str]]:
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise LoadError(
                path, reader.line_num, f"malformed CSV: {error}", expected="RFC 4180 quoting"
            ) from error
        yield record
