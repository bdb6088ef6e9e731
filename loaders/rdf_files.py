"""RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) as named-graph sources.

Each file is parsed completely before the build starts, so a syntax error is
reported with its line and column and nothing is loaded.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from healthgraph.graph.iris import IriMinter, slugify
from healthgraph.graph.sources import Source
from healthgraph.graph.streams import file_blocks
from healthgraph.loaders.errors import LoadError
from pyoxigraph import RdfFormat, parse

FORMATS: Final[dict[str, RdfFormat]] = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".jsonld": RdfFormat.JSON_LD,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
}


def rdf_format(path: Path) -> RdfFormat:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise LoadError(path, None, "unknown RDF file extension", value=path.suffix,
                        expected="one of " + ", ".join(FORMATS)) from None


def check_rdf_file(path: Path, base_iri: str) -> int:
    """Parse `path` completely; the number of triples, or a LoadError at the first fault."""
    fmt = rdf_format(path)
    count = 0
    try:
        with path.open("rb") as handle:
            for _ in parse(handle, fmt, base_iri=base_iri):
                count += 1
    except SyntaxError as error:
        line, column, message = _position(error)
        if line is None:
            line = _keyword_line(path, message)
        raise LoadError(path, line, f"invalid {fmt.name}: {message}", column=column,
                        expected=f"valid {fmt.name}") from error
    except UnicodeDecodeError as error:
        raise LoadError(path, _invalid_utf8_line(path), "the file is not valid UTF-8",
                        expected="UTF-8 text") from error
    return count


_KEYWORD = re.compile(r"@[a-z]+")


def _keyword_line(path: Path, message: str) -> int | None:
    """A JSON-LD error without a position names the keyword at fault (`@context value must
    be ...`): the line where that keyword first appears."""
    match = _KEYWORD.search(message)
    if match is None:
        return None
    needle = f'"{match[0]}"'.encode()
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if needle in line:
                return number
    return None


def _invalid_utf8_line(path: Path) -> int | None:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


_POSITION = re.compile(
    r"^Parser error (?:at|between) line (\d+) (?:between )?columns? (\d+)"
    r"(?: and (?:line \d+ column )?\d+)?: "
)


def _position(error: SyntaxError) -> tuple[int | None, int | None, str]:
    """pyoxigraph reports 'Parser error at line 3 column 14: message' (or 'between line 3
    column 14 and line 4 column 2', or 'at line 3 between columns 15 and 26')."""
    text = str(error)
    match = _POSITION.match(text)
    if match:
        return int(match[1]), int(match[2]), text[match.end():]
    return None, None, text


def rdf_file_source(path: Path, minter: IriMinter, *, name: str | None = None) -> Source:
    """A checked RDF file as a source; relative IRIs resolve against the base IRI."""
    check_rdf_file(path, minter.base)
    graph_name = name or slugify(path.stem)
    return Source(
        name=graph_name,
        graph=minter.source_graph(graph_name),
        path=path,
        format=rdf_format(path),
        chunks=lambda: file_blocks(path),
        description=f"{path.name} as published",
    )
