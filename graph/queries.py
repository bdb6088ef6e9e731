"""Named queries: `queries/*.rq` files with a `#+` YAML header (the grlc convention).

A header declares a title, a description, tags and typed parameters::

    #+ title: Partnerships in a country
    #+ description: ...
    #+ tags: [countries]
    #+ params:
    #+   country: {type: country, default: MW, description: ISO 3166 code}

Each parameter binds the SPARQL variable of the same name as an RDF term
(pyoxigraph substitutions); values are never pasted into the query text. The
engine substitutes only projected variables, so a SELECT query projects every
parameter. Entities are named by their stable keys (hg:isoCode, hg:gssCode,
hg:key), which do not depend on the base IRI, and a query states its defaults
itself with `BIND(COALESCE(?param, default) AS ...)`, so the .rq file run as it
is (on /sparql, in an editor) gives the default answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from healthgraph.graph.iris import (
    GSS_PATTERN,
    ISO_3166_PATTERN,
    InvalidKeyError,
    IriMinter,
    check_slug,
)
from healthgraph.graph.namespaces import XSD
from healthgraph.graph.sparql_checks import outbound_requests
from healthgraph.graph.sparql_form import query_form
from healthgraph.graph.sparql_tokens import SparqlLexError
from healthgraph.graph.store import Term
from pyoxigraph import Literal, NamedNode, Store, Variable


class QueryFileError(ValueError):
    """A named query file whose header cannot be read."""


class ParameterError(ValueError):
    """A parameter value that does not fit its declared type."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        self.name = name
        self.value = value
        self.expected = expected
        super().__init__(f"parameter {name!r}: {value!r} is not {expected}")


def _integer(value: str) -> Literal:
    if not re.fullmatch(r"[+-]?\d+", value.strip()):
        raise ValueError
    return Literal(str(int(value)), datatype=NamedNode(f"{XSD}integer"))


def _iri(value: str) -> NamedNode:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
        raise ValueError
    return NamedNode(value)


def _key(
    check: Callable[[str], object], normal: Callable[[str], str] = str.strip
) -> Callable[[IriMinter, str], Literal]:
    """A stable key (ISO code, GSS code, slug) as the literal the graph stores in hg:key etc."""

    def convert(minter: IriMinter, raw: str) -> Literal:
        value = normal(raw)
        try:
            check(value)
        except InvalidKeyError as error:
            raise ValueError from error
        return Literal(value)

    return convert


def _country_code(value: str) -> None:
    if not ISO_3166_PATTERN.match(value):
        raise InvalidKeyError(value)


def _board_key(value: str) -> None:
    if not GSS_PATTERN.match(value):
        check_slug(value)


@dataclass(frozen=True)
class ParameterType:
    name: str
    expected: str
    convert: Callable[[IriMinter, str], Term]


PARAMETER_TYPES: Final[dict[str, ParameterType]] = {
    t.name: t
    for t in [
        ParameterType("string", "a string", lambda _m, v: Literal(v)),
        ParameterType("integer", "an integer", lambda _m, v: _integer(v)),
        ParameterType("year", "a year (an integer)", lambda _m, v: _integer(v)),
        ParameterType("iri", "an http(s) IRI", lambda _m, v: _iri(v)),
        ParameterType(
            "country", "an ISO 3166 code (e.g. MW, GB-SCT)",
            _key(_country_code, lambda v: v.strip().upper()),
        ),
        ParameterType("board", "a GSS code (e.g. S08000024) or a board slug", _key(_board_key)),
        ParameterType("key", "a slug (lower-case letters, digits and hyphens)", _key(check_slug)),
    ]
}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: ParameterType
    default: str | None
    description: str
    required: bool

    def bind(self, minter: IriMinter, value: str) -> Term:
        try:
            return self.type.convert(minter, value)
        except ValueError:
            raise ParameterError(self.name, value, self.type.expected) from None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    header: Mapping[str, Any] = field(default_factory=dict)
    paginate: int | None = None
    """Rows per page when the header declares `paginate: N` (the query then has no LIMIT)."""

    @property
    def form(self) -> str | None:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(self.text)

    def page_text(self, page: int) -> str:
        """The query text for page `page` (1-based) of a paginated query.

        The solution modifiers are appended after the query's own ORDER BY; they are integers
        computed here, never request text.
        """
        if self.paginate is None:
            return self.text
        if page < 1:
            raise ValueError("pages start at 1")
        return f"{self.text}\nLIMIT {self.paginate} OFFSET {(page - 1) * self.paginate}\n"

    def next_page_probe(self, page: int) -> str:
        """A query with a row when page `page + 1` has any (LIMIT 1 at its first row)."""
        if self.paginate is None:
            raise ValueError(f"{self.name} is not paginated")
        return f"{self.text}\nLIMIT 1 OFFSET {page * self.paginate}\n"

    def bindings(self, minter: IriMinter, values: Mapping[str, str]) -> dict[str, Term]:
        """Checked RDF terms for the given values, defaults filled in."""
        unknown = sorted(set(values) - {p.name for p in self.parameters})
        if unknown:
            expected = ", ".join(p.name for p in self.parameters) or "no parameters"
            raise ParameterError(unknown[0], values[unknown[0]], f"a parameter of {self.name} "
                                 f"({expected})")
        bound: dict[str, Term] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is None or value == "":
                if parameter.required:
                    raise ParameterError(parameter.name, "", parameter.type.expected + " (required)")
                continue
            bound[parameter.name] = parameter.bind(minter, value)
        return bound


_HEADER_LINE: Final = re.compile(r"^#\+ ?(.*)$")


def read_named_query(path: Path) -> NamedQuery:
    lines = path.read_text(encoding="utf-8").splitlines()
    header_lines = []
    for line in lines:
        match = _HEADER_LINE.match(line)
        if not match:
            break
        header_lines.append(match[1])
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as error:
        raise QueryFileError(f"{path}: the #+ header is not valid YAML: {error}") from error
    if not isinstance(header, dict) or "title" not in header:
        raise QueryFileError(f"{path}: the #+ header needs at least a title")
    parameters = []
    for name, spec in (header.get("params") or {}).items():
        spec = spec or {}
        type_name = spec.get("type", "string")
        if type_name not in PARAMETER_TYPES:
            raise QueryFileError(
                f"{path}: parameter {name!r} has unknown type {type_name!r} "
                f"(one of {', '.join(PARAMETER_TYPES)})"
            )
        default = spec.get("default")
        parameters.append(
            Parameter(
                name=name,
                type=PARAMETER_TYPES[type_name],
                default=None if default is None else str(default),
                description=str(spec.get("description", "")),
                required=bool(spec.get("required", default is None)),
            )
        )
    text = "\n".join(lines)
    _check_query(path, text, parameters)
    paginate = header.get("paginate")
    if paginate is not None and (not isinstance(paginate, int) or paginate < 1):
        raise QueryFileError(f"{path}: paginate must be a positive integer, got {paginate!r}")
    if paginate is not None and "page" in {p.name for p in parameters}:
        raise QueryFileError(f"{path}: a paginated query cannot have a parameter named 'page'")
    return NamedQuery(
        name=path.stem,
        title=str(header["title"]),
        description=str(header.get("description", "")).strip(),
        text=text,
        path=path,
        tags=tuple(header.get("tags") or ()),
        parameters=tuple(parameters),
        header=header,
        paginate=paginate,
    )


def _check_query(path: Path, text: str, parameters: list[Parameter]) -> None:
    """Refuse, when the file is read, a query the engine would refuse at every request: a
    syntax error, or a parameter it cannot substitute (a SELECT that does not project it).

    The engine prepares the query on an empty in-memory store with every parameter bound; a
    SELECT or CONSTRUCT is not evaluated until read, and a query that calls out (SERVICE)
    is left to the checks every request gets, so nothing is sent anywhere from here."""
    try:
        if outbound_requests(text):
            return
    except SparqlLexError as error:
        raise QueryFileError(f"{path}: {error}") from error
    bound: dict[Variable, Term] = {Variable(parameter.name): Literal("") for parameter in parameters}
    try:
        Store().query(text, substitutions=bound)
    except SyntaxError as error:
        raise QueryFileError(f"{path}: not a valid SPARQL query: {error}") from error
    except RuntimeError as error:  # the engine's word for a variable it cannot substitute
        names = ", ".join(f"?{parameter.name}" for parameter in parameters)
        raise QueryFileError(f"{path}: every parameter ({names}) must be a projected variable "
                             f"of the query: {error}") from error


def load_named_queries(directory: Path) -> dict[str, NamedQuery]:
    return {path.stem: read_named_query(path) for path in sorted(directory.glob("*.rq"))}
