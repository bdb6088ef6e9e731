"""Checking a proposed partnership or correction (from /contribute) with the loader's own rules.

A proposal is turned into a row of `contributions.csv` (the input format, see
`loaders/csv_map.py` CONTRIBUTION_COLUMNS) and mapped by the same code as a row of
`partnerships.csv` and `memberships.csv`; the triples are then checked against
`ontology/shapes.ttl`. Every problem is reported against the form field it comes from, so the
form can say what to fix next to each field. Nothing here writes anything.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from healthgraph.graph.iris import slugify
from healthgraph.graph.namespaces import HG, ORG, RDF, SCHEMA
from healthgraph.graph.validation import check_shapes
from healthgraph.loaders.csv_map import (
    COLUMNS,
    CONTRIBUTION_COLUMNS,
    CsvDataset,
    _Index,
    corrected_values,
)
from healthgraph.loaders.csv_table import Row
from healthgraph.loaders.errors import LoadError
from healthgraph.loaders.normalise import (
    DATE_SHAPES,
    normalise_name,
    parse_date,
    parse_url,
    split_list,
    split_places,
)
from pyoxigraph import RdfFormat, Store

KINDS: Final = ("new", "correction")
FIELDS: Final = (
    "kind", "partnership", "name", "summary", "countries", "places", "start", "end", "themes",
    "programme", "funder", "amount", "source_url", "lead", "partners", "contact_role",
)
"""The fields of a proposal; `contact_role` (optional) is the only thing said about the sender."""
CHANGE_FIELDS: Final = (
    "name", "summary", "countries", "places", "start", "end", "themes", "programme", "funder",
    "amount",
)
MAX_LENGTH: Final = {"summary": 1500, "partners": 1000, "themes": 500}
DEFAULT_MAX_LENGTH: Final = 300
MAX_KEY_LENGTH: Final = 80
_IRI = re.compile(r"<([^>]+)>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_COLUMN_FIELDS: Final = {"key": "name", "correction_of": "partnership", "members": "partners",
                         "role": "partners", "organisation_key": "partners"}
_PATH_FIELDS: Final = {
    "rdfs:label": "name", "label": "name", "description": "summary", "country": "countries",
    "place": "places", "startYear": "start", "startText": "start", "startDate": "start",
    "endYear": "end", "endText": "end", "endDate": "end", "theme": "themes",
    "programme": "programme", "programmeName": "programme", "funder": "funder",
    "funderName": "funder", "amountText": "amount", "amountGBP": "amount", "source": "source_url",
    "prefLabel": "themes",
}


class ProposalError(ValueError):
    """A proposal that breaks the loader's rules or the shapes: one message per form field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


@dataclass(frozen=True)
class Proposal:
    """A checked proposal: the contributions.csv row it becomes (without the submission id and
    times, which the review queue adds) and the optional contact role."""

    kind: str
    row: dict[str, str]
    contact_role: str = ""

    @property
    def key(self) -> str:
        return self.row["correction_of"] or self.row["key"]


def _clean(fields: Mapping[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in FIELDS:
        raw = fields.get(name, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[name] = "must be text"
            values[name] = ""
            continue
        value = " ".join(raw.split()) if name != "summary" else raw.strip()
        if len(value) > MAX_LENGTH.get(name, DEFAULT_MAX_LENGTH):
            errors[name] = f"is too long (at most {MAX_LENGTH.get(name, DEFAULT_MAX_LENGTH)} characters)"
        elif _CONTROL.search(value):
            errors[name] = "contains control characters"
        values[name] = value
    return values, errors


def _organisation_keys(index: _Index) -> dict[str, str]:
    """Organisation IRI -> key."""
    return {iri: key for key, iri in index.organisation_iri.items()}


def _resolve_organisation(index: _Index, keys: Mapping[str, str], name: str) -> str | None:
    if name in index.organisation_iri:
        return name
    iri = index.organisation_by_name.get(normalise_name(name))
    return keys.get(iri) if iri else None


def _new_key(index: _Index, name: str) -> str:
    base = slugify(name)[:MAX_KEY_LENGTH].strip("-") or "partnership"
    key, n = base, 2
    while key in index.partnership_iri:
        key, n = f"{base}-{n}", n + 1
    return key


def _check_fields(dataset: CsvDataset, values: dict[str, str], errors: dict[str, str]) -> None:
    index = dataset.index()
    kind = values["kind"] or "new"
    values["kind"] = kind
    if kind not in KINDS:
        errors["kind"] = "must be 'new' or 'correction'"
        return
    required = ["source_url"] + (["partnership"] if kind == "correction" else
                                 ["name", "summary", "countries", "lead"])
    for name in required:
        if not values[name] and name not in errors:
            errors[name] = "is required"
    if kind == "correction":
        if values["partnership"] and values["partnership"] not in index.partnership_iri:
            errors["partnership"] = "no partnership has this key"
        if not any(values[name] for name in CHANGE_FIELDS):
            errors.setdefault("name", "say what to change: fill in at least one field")
    if values["source_url"] and "source_url" not in errors:
        try:
            values["source_url"] = parse_url(values["source_url"])
        except ValueError:
            errors["source_url"] = "is not a web address (http:// or https://)"
    for name in ("start", "end"):
        if values[name] and name not in errors:
            try:
                parse_date(values[name])
            except ValueError as error:
                errors[name] = f"{error}; write {DATE_SHAPES}"
    if values["countries"] and "countries" not in errors and not any(
        normalise_name(part) in index.country_by_name for part in split_places(values["countries"])
    ):
        errors["countries"] = "names no country we know (e.g. Malawi, Zambia, Rwanda)"
    for theme in split_list(values["themes"]):
        if not slugify(theme):
            errors["themes"] = f"the theme {theme!r} has no letters or digits"
    keys = _organisation_keys(index)
    for name in ("lead", "partners"):
        unknown = [item for item in split_list(values[name])
                   if _resolve_organisation(index, keys, item) is None]
        if unknown and name not in errors:
            errors[name] = ("unknown organisation(s): " + ", ".join(unknown)
                            + "; use the name or key of an organisation in the data")


def _row(dataset: CsvDataset, values: dict[str, str]) -> dict[str, str]:
    index = dataset.index()
    keys = _organisation_keys(index)
    members: list[str] = []
    for name, role in (("lead", "lead"), ("partners", "partner")):
        for item in split_list(values[name]):
            key = _resolve_organisation(index, keys, item)
            entry = f"{key}:{role}"
            if key and entry not in members:
                members.append(entry)
    row = dict.fromkeys(CONTRIBUTION_COLUMNS, "")
    for column in COLUMNS["partnerships"]:
        if column in values:
            row[column] = values[column]
    row["source_url"] = values["source_url"]
    row["members"] = "; ".join(members)
    if values["kind"] == "correction":
        row["correction_of"] = values["partnership"]
    else:
        row["key"] = _new_key(index, values["name"])
    return row


def _mapped_row(dataset: CsvDataset, row: dict[str, str]) -> dict[str, str]:
    """The partnership row as the build will see it (a correction applied to its original)."""
    if not row["correction_of"]:
        return row
    for original in dataset.rows("partnerships"):
        if original["key"] == row["correction_of"]:
            merged = corrected_values(original.values, row)
            return {**row, **merged, "key": row["correction_of"]}
    raise ProposalError({"partnership": "no partnership has this key"})


def _triples(dataset: CsvDataset, row: dict[str, str]) -> Iterator[str]:
    """The row's triples, as the build would write them, plus the types of the countries,
    organisations and programmes they point to (which the shapes check with sh:class)."""
    index = dataset.index()
    key = row["key"]
    scratch = dataclasses.replace(index, partnership_iri={
        **index.partnership_iri, key: dataset.minter.partnership(key),
    })
    source = Path("submission")
    written = list(dataset.partnership(scratch, Row(source, 1, row), set()))
    seen: set[tuple[str, str, str]] = set()
    linked: set[tuple[str, str]] = set()
    for member in split_list(row["members"]):
        organisation, _, role = member.partition(":")
        written += dataset.membership(scratch, Row(source, 1, {
            "partnership_key": key, "organisation_key": organisation, "role": role,
            "source_url": row["source_url"],
        }), seen, linked)
    yield from written
    yield from dataset.membership_roles()
    mentioned = {iri for triple in written for iri in _IRI.findall(triple)}
    types = [(index.country_by_name.values(), f"{SCHEMA}Country"),
             (index.organisation_iri.values(), f"{ORG}Organization"),
             (index.programme_iri.values(), f"{HG}Programme")]
    for iris, cls in types:
        for iri in mentioned.intersection(iris):
            yield f"<{iri}> <{RDF}type> <{cls}> .\n"


def _field_of(path: str) -> str:
    name = path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return _PATH_FIELDS.get(name, "name")


def _shape_errors(dataset: CsvDataset, row: dict[str, str], shapes: Path) -> dict[str, str]:
    store = Store()
    store.load("".join(_triples(dataset, row)).encode(), RdfFormat.N_TRIPLES)
    partnership = dataset.minter.partnership(row["key"])
    errors: dict[str, str] = {}
    own = (partnership, f"{dataset.minter.base}id/membership/{row['key']}/",
           f"{dataset.minter.base}id/theme/")
    for violation in check_shapes(store, shapes):
        if violation.severity == "Violation" and violation.focus_node.startswith(own):
            errors.setdefault(_field_of(violation.path), violation.message)
    del store
    return errors


def check_proposal(dataset: CsvDataset, fields: Mapping[str, object], shapes: Path | None) -> Proposal:
    """The proposal as a checked contributions.csv row; `ProposalError` with a message per
    field when it breaks a rule."""
    values, errors = _clean(fields)
    _check_fields(dataset, values, errors)
    if errors:
        raise ProposalError(errors)
    row = _row(dataset, values)
    mapped = _mapped_row(dataset, row)
    try:
        for _ in _triples(dataset, mapped):
            pass
    except LoadError as error:
        column = str(error.column or "name")
        message = error.detail + (f"; expected {error.expected}" if error.expected else "")
        raise ProposalError({_COLUMN_FIELDS.get(column, column): message}) from error
    if shapes is not None:
        shape_errors = _shape_errors(dataset, mapped, shapes)
        if shape_errors:
            raise ProposalError(shape_errors)
    return Proposal(kind=values["kind"], row=row, contact_role=values["contact_role"])


