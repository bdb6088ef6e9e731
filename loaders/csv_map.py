"""The CSV input format of `data/`, mapped to triples.

Two passes: the first reads every file's keys and names (so a reference can be
checked before anything is written), the second writes each file as N-Triples
into its own named graph. Any bad value stops the build with a `LoadError`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from healthgraph.graph import ntriples as nt
from healthgraph.graph.iris import InvalidKeyError, IriMinter, slugify
from healthgraph.graph.namespaces import (
    DCTERMS,
    FOAF,
    HG,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    WD,
    XSD,
)
from healthgraph.graph.sources import Source
from healthgraph.loaders.csv_table import Row, read_table
from healthgraph.loaders.errors import LoadError
from healthgraph.loaders.normalise import (
    DATE_SHAPES,
    RawDate,
    normalise_name,
    parse_amount_gbp,
    parse_date,
    parse_url,
    split_list,
    split_places,
)
from pyoxigraph import RdfFormat

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "countries": ("name", "iso_3166", "alpha3", "wikidata", "also_known_as", "source_url"),
    "boards": ("key", "name", "gss_code", "kind", "area", "website", "source_url"),
    "organisations": (
        "key", "name", "also_known_as", "type", "country", "city", "website", "source_url",
    ),
    "programmes": (
        "key", "name", "operator", "funder", "start", "end", "budget", "countries", "url",
        "summary", "source_url",
    ),
    "documents": (
        "key", "title", "publisher", "year", "type", "url", "identifier", "summary", "source_url",
    ),
    "roles": ("key", "name", "programme", "scope", "summary", "source_url"),
    "partnerships": (
        "key", "name", "summary", "countries", "places", "start", "end", "status", "themes",
        "programme", "funder", "amount", "source_url", "other_sources",
    ),
    "memberships": ("partnership_key", "organisation_key", "role", "source_url"),
    "posts": ("board_key", "role_key", "contact_route", "source_url"),
    "guidance": ("subject_key", "subject_kind", "document_key", "source_url"),
}
CONTRIBUTION_COLUMNS: Final = (
    *COLUMNS["partnerships"], "members", "correction_of", "submission", "submitted_at",
    "approved_at",
)
"""contributions.csv: approved submissions (loaders/contributions.py). A row is a partnership
row, its members as `organisation-key:role; ...`, and when and as what it was submitted and
approved. A row with `correction_of` changes the non-empty columns of that partnership."""
COLUMNS["contributions"] = CONTRIBUTION_COLUMNS
LOAD_ORDER: Final = tuple(COLUMNS)

ORGANISATION_CLASSES: Final[dict[str, str]] = {
    "ministry-of-health": f"{HG}MinistryOfHealth",
    "nhs-board": f"{HG}HealthBoard",
    "university": f"{HG}University",
    "hospital": f"{HG}Hospital",
    "charity": f"{HG}Charity",
    "ngo": f"{HG}NonGovernmentalOrganisation",
    "government": f"{HG}GovernmentBody",
    "professional-body": f"{HG}ProfessionalBody",
    "international-organisation": f"{HG}InternationalOrganisation",
    "research-institute": f"{HG}ResearchInstitute",
    "other": f"{HG}OtherOrganisation",
}
BOARD_CLASSES: Final[dict[str, str]] = {
    "territorial": f"{HG}TerritorialHealthBoard",
    "special": f"{HG}SpecialHealthBoard",
}
MEMBERSHIP_ROLES: Final = ("lead", "partner", "funder", "implementer", "member")
DOCUMENT_TYPES: Final = (
    "principles", "guide", "toolkit", "framework", "report", "policy", "package", "web-page",
)
GUIDANCE_SUBJECTS: Final = ("partnership", "programme")

Triples = Iterator[str]
"""N-Triples text: each item one or more whole lines."""
Lines = list[str]

# The predicates and classes the per-row writers use most, written once as N-Triples terms
# (a million partnerships write about 40 million lines).
_TYPE: Final = f"<{RDF}type>"
_LABEL: Final = f"<{RDFS}label>"
_DESCRIPTION: Final = f"<{DCTERMS}description>"
_SOURCE: Final = f"<{DCTERMS}source>"
_KEY: Final = f"<{HG}key>"
_COUNTRY: Final = f"<{HG}country>"
_PLACE: Final = f"<{HG}place>"
_STATUS: Final = f"<{HG}status>"
_THEME: Final = f"<{HG}theme>"
_PROGRAMME: Final = f"<{HG}programme>"
_PROGRAMME_NAME: Final = f"<{HG}programmeName>"
_SEE_ALSO: Final = f"<{RDFS}seeAlso>"
_MEMBERSHIP_CLASS: Final = f"<{ORG}Membership>"
_ORGANIZATION: Final = f"<{ORG}organization>"
_MEMBER: Final = f"<{ORG}member>"
_ROLE: Final = f"<{ORG}role>"
_HAS_MEMBERSHIP: Final = f"<{ORG}hasMembership>"
_HAS_MEMBER: Final = f"<{ORG}hasMember>"
_MEMBERSHIP: Final = f"<{HG}membership>"


def _choices(values: Iterable[str]) -> str:
    return "one of " + ", ".join(repr(value) for value in values)


@dataclass
class _Index:
    """Keys and names seen in the first pass."""

    country_by_name: dict[str, str] = field(default_factory=dict)
    board_iri: dict[str, str] = field(default_factory=dict)
    organisation_iri: dict[str, str] = field(default_factory=dict)
    organisation_by_name: dict[str, str] = field(default_factory=dict)
    programme_iri: dict[str, str] = field(default_factory=dict)
    programme_by_name: dict[str, str] = field(default_factory=dict)
    document_iri: dict[str, str] = field(default_factory=dict)
    role_iri: dict[str, str] = field(default_factory=dict)
    partnership_iri: dict[str, str] = field(default_factory=dict)


class CsvDataset:
    """The CSV files of one data directory, as named-graph sources."""

    def __init__(self, directory: Path, minter: IriMinter) -> None:
        self.directory = directory
        self.minter = minter
        self._index: _Index | None = None
        self._contributions: list[Row] | None = None

    def path(self, name: str) -> Path:
        return self.directory / f"{name}.csv"

    def present(self) -> list[str]:
        return [name for name in LOAD_ORDER if self.path(name).exists()]

    def sources(self) -> list[Source]:
        """One source per CSV file; reading the keys of every file first."""
        required = ("countries", "organisations", "partnerships", "memberships")
        for name in required:
            if not self.path(name).exists():
                raise LoadError(self.path(name), None, "required file is missing")
        index = self.index()
        writers: dict[str, Callable[[_Index], Triples]] = {
            "countries": self._countries,
            "boards": self._boards,
            "organisations": self._organisations,
            "programmes": self._programmes,
            "documents": self._documents,
            "roles": self._roles,
            "partnerships": self._partnerships,
            "memberships": self._memberships,
            "posts": self._posts,
            "guidance": self._guidance,
            "contributions": self._contributions_graph,
        }
        return [
            Source(
                name=name,
                graph=self.minter.source_graph(name),
                path=self.path(name),
                format=RdfFormat.N_TRIPLES,
                chunks=functools.partial(writers[name], index),
                description=f"data/{name}.csv mapped to RDF",
            )
            for name in self.present()
        ]

    def rows(self, name: str) -> Iterator[Row]:
        if name == "contributions":
            return iter(self.contributions())
        if name == "partnerships":
            return self._corrected(read_table(self.path(name), COLUMNS[name]))
        return read_table(self.path(name), COLUMNS[name])

    def contributions(self) -> list[Row]:
        """The approved contributions, read once per dataset (so both passes of a build see
        the same rows even if one is approved meanwhile)."""
        if self._contributions is None:
            path = self.path("contributions")
            self._contributions = list(read_table(path, COLUMNS["contributions"])) \
                if path.exists() else []
        return self._contributions

    def _corrected(self, rows: Iterator[Row]) -> Iterator[Row]:
        """Partnership rows with the approved corrections applied (non-empty columns win)."""
        corrections: dict[str, list[Row]] = {}
        for row in self.contributions():
            if row["correction_of"]:
                corrections.setdefault(row["correction_of"], []).append(row)
        for row in rows:
            values = dict(row.values)
            for correction in corrections.get(row["key"], []):
                values.update(corrected_values(values, correction.values))
            yield Row(row.path, row.line, values) if values != row.values else row

    # -- first pass --------------------------------------------------------------------

    def index(self) -> _Index:
        if self._index is None:
            self._index = self._build_index()
        return self._index

    def _build_index(self) -> _Index:
        index = _Index()
        minter = self.minter
        for row in self.rows("countries"):
            iri = self._mint(row, "iso_3166", minter.country)
            for name in [row["name"], row["iso_3166"], row["alpha3"], *split_list(row["also_known_as"])]:
                if name:
                    index.country_by_name[normalise_name(name)] = iri
        if self.path("boards").exists():
            for row in self.rows("boards"):
                key = self._unique(row, "key", index.board_iri)
                index.board_iri[key] = self._mint(row, "gss_code", minter.health_board) if row[
                    "gss_code"
                ] else self._mint(row, "key", minter.health_board)
        for row in self.rows("organisations"):
            key = self._unique(row, "key", index.organisation_iri)
            if row["type"] == "nhs-board":
                if key not in index.board_iri:
                    raise row.error(
                        "key", "an nhs-board organisation needs a row in boards.csv with the same key",
                        value=key,
                    )
                iri = index.board_iri[key]
            else:
                iri = self._mint(row, "key", minter.organisation)
            index.organisation_iri[key] = iri
            for name in [row["name"], *split_list(row["also_known_as"])]:
                index.organisation_by_name.setdefault(normalise_name(name), iri)
        for key, iri in index.board_iri.items():
            index.organisation_iri.setdefault(key, iri)
        if self.path("programmes").exists():
            for row in self.rows("programmes"):
                key = self._unique(row, "key", index.programme_iri)
                iri = self._mint(row, "key", minter.programme)
                index.programme_iri[key] = iri
                for name in _programme_names(row["name"]):
                    index.programme_by_name.setdefault(normalise_name(name), iri)
        if self.path("documents").exists():
            for row in self.rows("documents"):
                key = self._unique(row, "key", index.document_iri)
                index.document_iri[key] = self._mint(row, "key", minter.document)
        if self.path("roles").exists():
            for row in self.rows("roles"):
                key = self._unique(row, "key", index.role_iri)
                index.role_iri[key] = self._mint(row, "key", minter.role)
        for row in self.rows("partnerships"):
            key = self._unique(row, "key", index.partnership_iri)
            index.partnership_iri[key] = self._mint(row, "key", minter.partnership)
        for row in self.contributions():
            if row["correction_of"]:
                if row["correction_of"] not in index.partnership_iri:
                    raise row.error("correction_of", "unknown partnership", value=row["correction_of"],
                                    expected="a key from partnerships.csv")
                continue
            key = self._unique(row, "key", index.partnership_iri)
            index.partnership_iri[key] = self._mint(row, "key", minter.partnership)
        return index

    @staticmethod
    def _unique(row: Row, column: str, seen: dict[str, str]) -> str:
        key = row[column]
        if not key:
            raise row.error(column, "the key is empty", expected="a unique slug")
        if key in seen:
            raise row.error(column, "duplicate key", value=key, expected="a key used once in the file")
        return key

    @staticmethod
    def _mint(row: Row, column: str, mint: Callable[[str], str]) -> str:
        try:
            return mint(row[column])
        except InvalidKeyError as error:
            raise row.error(column, str(error), value=row[column]) from error

    # -- second pass: one writer per file ----------------------------------------------

    def _countries(self, index: _Index) -> Triples:
        for row in self.rows("countries"):
            iri = self.minter.country(row["iso_3166"])
            yield from _entity(iri, [f"{SCHEMA}Country"], row["name"], row)
            yield nt.triple(iri, f"{HG}isoCode", nt.literal(row["iso_3166"].upper()))
            if row["alpha3"]:
                yield nt.triple(iri, f"{HG}alpha3Code", nt.literal(row["alpha3"].upper()))
            for name in split_list(row["also_known_as"]):
                yield nt.triple(iri, f"{SKOS}altLabel", nt.literal(name))
            if row["wikidata"]:
                if not row["wikidata"].startswith("Q") or not row["wikidata"][1:].isdigit():
                    raise row.error("wikidata", "not a Wikidata id", value=row["wikidata"],
                                    expected="Q followed by digits")
                yield nt.triple(iri, f"{OWL}sameAs", nt.iri(f"{WD}{row['wikidata']}"))

    def _boards(self, index: _Index) -> Triples:
        scotland = self._country(index, "Scotland", None)
        for row in self.rows("boards"):
            iri = index.board_iri[row["key"]]
            kind = self._choice(row, "kind", BOARD_CLASSES)
            yield from _entity(iri, [kind], row["name"], row)
            yield nt.triple(iri, f"{HG}key", nt.literal(row["key"]))
            if row["gss_code"]:
                yield nt.triple(iri, f"{HG}gssCode", nt.literal(row["gss_code"]))
            if row["area"]:
                yield nt.triple(iri, f"{HG}area", nt.literal(row["area"]))
            if scotland:
                yield nt.triple(iri, f"{HG}country", nt.iri(scotland))
            yield from self._website(row, iri, "website")

    def _organisations(self, index: _Index) -> Triples:
        for row in self.rows("organisations"):
            iri = index.organisation_iri[row["key"]]
            org_class = self._choice(row, "type", ORGANISATION_CLASSES)
            is_board = row["type"] == "nhs-board"
            if not is_board:
                # boards.csv is authoritative for a board's name, class and country
                yield from _entity(iri, [org_class], row["name"], row)
                yield nt.triple(iri, f"{HG}key", nt.literal(row["key"]))
                if row["country"]:
                    for country in self._countries_in(index, row, "country"):
                        yield nt.triple(iri, f"{HG}country", nt.iri(country))
            else:
                yield nt.triple(iri, f"{DCTERMS}source", nt.iri(self._url(row, "source_url")))
            for name in split_list(row["also_known_as"]):
                yield nt.triple(iri, f"{SKOS}altLabel", nt.literal(name))
            if row["city"]:
                yield nt.triple(iri, f"{HG}city", nt.literal(row["city"]))
            yield from self._website(row, iri, "website")

    def _programmes(self, index: _Index) -> Triples:
        for row in self.rows("programmes"):
            iri = index.programme_iri[row["key"]]
            yield from _entity(iri, [f"{HG}Programme"], row["name"], row, summary=row["summary"])
            yield nt.triple(iri, f"{HG}key", nt.literal(row["key"]))
            yield from self._agents(index, iri, row["operator"], f"{HG}operator", f"{HG}operatorName")
            yield from self._agents(index, iri, row["funder"], f"{SCHEMA}funder", f"{HG}funderName")
            yield from self._dates(row, iri)
            if row["budget"]:
                yield from _amount(iri, row["budget"])
            areas: list[str] = []
            for country in self._countries_in(index, row, "countries", places=areas,
                                              require_country=False):
                yield nt.triple(iri, f"{HG}country", nt.iri(country))
            for area in areas:
                yield nt.triple(iri, f"{HG}area", nt.literal(area))
            if row["url"]:
                yield nt.triple(iri, f"{FOAF}homepage", nt.iri(self._url(row, "url")))

    def _documents(self, index: _Index) -> Triples:
        for row in self.rows("documents"):
            iri = index.document_iri[row["key"]]
            yield from _entity(iri, [f"{HG}GuidanceDocument"], row["title"], row,
                               summary=row["summary"])
            yield nt.triple(iri, f"{DCTERMS}title", nt.literal(row["title"]))
            yield nt.triple(iri, f"{HG}key", nt.literal(row["key"]))
            doc_type = row["type"]
            if doc_type not in DOCUMENT_TYPES:
                raise row.error("type", "unknown document type", value=doc_type,
                                expected=_choices(DOCUMENT_TYPES))
            yield nt.triple(iri, f"{HG}documentType", nt.literal(doc_type))
            publisher = row["publisher"]
            if publisher:
                target = index.organisation_by_name.get(normalise_name(publisher)) or (
                    index.programme_by_name.get(normalise_name(publisher))
                )
                if target:
                    yield nt.triple(iri, f"{DCTERMS}publisher", nt.iri(target))
                yield nt.triple(iri, f"{HG}publisherName", nt.literal(publisher))
            if row["year"]:
                date = self._date(row, "year")
                if date.year is not None:
                    yield nt.triple(iri, f"{DCTERMS}issued", nt.typed(date.year, "gYear"))
            if row["url"]:
                yield nt.triple(iri, f"{SCHEMA}url", nt.iri(self._url(row, "url")))
            if row["identifier"]:
                yield nt.triple(iri, f"{DCTERMS}identifier", nt.literal(row["identifier"]))

    def _roles(self, index: _Index) -> Triples:
        for row in self.rows("roles"):
            iri = index.role_iri[row["key"]]
            yield from _entity(iri, [f"{ORG}Role"], row["name"], row, summary=row["summary"])
            yield nt.triple(iri, f"{HG}key", nt.literal(row["key"]))
            if row["programme"]:
                programme = index.programme_iri.get(row["programme"])
                if programme is None:
                    raise row.error("programme", "unknown programme key", value=row["programme"],
                                    expected="a key from programmes.csv")
                yield nt.triple(iri, f"{HG}programme", nt.iri(programme))
            if row["scope"]:
                yield nt.triple(iri, f"{HG}scope", nt.literal(row["scope"]))

    def _partnerships(self, index: _Index) -> Triples:
        themes: set[str] = set()
        for row in self.rows("partnerships"):
            yield from self.partnership(index, row, themes)

    def partnership(self, index: _Index, row: Row, themes: set[str]) -> Triples:
        """The triples of one partnership row (themes already written are in `themes`), as
        one text. IRIs minted from checked keys are written as they are; values from the
        row (URLs, literals) go through `nt`, which checks and escapes them."""
        iri = index.partnership_iri[row["key"]]
        subject = f"<{iri}>"
        lines = _entity(iri, [f"{HG}Partnership"], row["name"], row, summary=row["summary"])
        lines.append(f"{subject} {_KEY} {nt.literal(row['key'])} .\n")
        places: list[str] = []
        for country in self._countries_in(index, row, "countries", places=places):
            lines.append(f"{subject} {_COUNTRY} <{country}> .\n")
        places.extend(split_list(row["places"]))
        for place in dict.fromkeys(places):
            lines.append(f"{subject} {_PLACE} {nt.literal(place)} .\n")
        lines += self._dates(row, iri)
        if row["status"]:
            lines.append(f"{subject} {_STATUS} {nt.literal(row['status'])} .\n")
        for theme in split_list(row["themes"]):
            slug = slugify(theme)
            if not slug:
                raise row.error("themes", "a theme has no letters or digits", value=theme)
            theme_iri = self.minter.theme(slug)
            lines.append(f"{subject} {_THEME} <{theme_iri}> .\n")
            if slug not in themes:
                themes.add(slug)
                lines += _theme(theme_iri, theme)
        for name in split_list(row["programme"]):
            programme = index.programme_by_name.get(normalise_name(name))
            if programme:
                lines.append(f"{subject} {_PROGRAMME} <{programme}> .\n")
            lines.append(f"{subject} {_PROGRAMME_NAME} {nt.literal(name)} .\n")
        lines += self._agents(index, iri, row["funder"], f"{SCHEMA}funder", f"{HG}funderName")
        if row["amount"]:
            lines += _amount(iri, row["amount"])
        for url in row["other_sources"].split():
            lines.append(f"{subject} {_SEE_ALSO} "
                         f"{nt.iri(self._url_value(row, 'other_sources', url))} .\n")
        yield "".join(lines)

    def _memberships(self, index: _Index) -> Triples:
        seen: set[tuple[str, str, str]] = set()
        linked: set[tuple[str, str]] = set()
        for row in self.rows("memberships"):
            yield from self.membership(index, row, seen, linked)
        yield from self.membership_roles()

    def membership(
        self, index: _Index, row: Row, seen: set[tuple[str, str, str]], linked: set[tuple[str, str]]
    ) -> Triples:
        """The triples of one membership row (`partnership_key`, `organisation_key`, `role`)."""
        partnership_key, organisation_key = row["partnership_key"], row["organisation_key"]
        partnership = index.partnership_iri.get(partnership_key)
        if partnership is None:
            raise row.error("partnership_key", "unknown partnership", value=partnership_key,
                            expected="a key from partnerships.csv")
        organisation = index.organisation_iri.get(organisation_key)
        if organisation is None:
            raise row.error("organisation_key", "unknown organisation", value=organisation_key,
                            expected="a key from organisations.csv or boards.csv")
        role = row["role"]
        if role not in MEMBERSHIP_ROLES:
            raise row.error("role", "unknown membership role", value=role,
                            expected=_choices(MEMBERSHIP_ROLES))
        key = (partnership_key, organisation_key, role)
        if key in seen:
            raise row.error("role", "duplicate membership", value=" / ".join(key),
                            expected="each partnership, organisation and role once")
        seen.add(key)
        source = nt.iri(self._url(row, "source_url"))
        iri = f"<{self.minter.membership(partnership_key, organisation_key, role)}>"
        collaboration, member = f"<{partnership}>", f"<{organisation}>"
        text = (
            f"{iri} {_TYPE} {_MEMBERSHIP_CLASS} .\n"
            f"{iri} {_ORGANIZATION} {collaboration} .\n"
            f"{iri} {_MEMBER} {member} .\n"
            f"{iri} {_ROLE} <{self.minter.role(role)}> .\n"
            f"{iri} {_SOURCE} {source} .\n"
            f"{member} {_HAS_MEMBERSHIP} {iri} .\n"
            f"{collaboration} {_MEMBERSHIP} {iri} .\n"
        )
        if (partnership_key, organisation_key) not in linked:
            linked.add((partnership_key, organisation_key))
            text += f"{collaboration} {_HAS_MEMBER} {member} .\n"
        yield text

    def membership_roles(self) -> Triples:
        """The membership roles (lead, partner, ...) as org:Role resources."""
        for role in MEMBERSHIP_ROLES:
            role_iri = self.minter.role(role)
            yield nt.triple(role_iri, f"{RDF}type", nt.iri(f"{ORG}Role"))
            yield nt.triple(role_iri, f"{RDF}type", nt.iri(f"{HG}MembershipRole"))
            yield nt.triple(role_iri, f"{RDFS}label", nt.literal(role, language="en"))

    def _contributions_graph(self, index: _Index) -> Triples:
        """Approved submissions: new partnerships with their members, and for every
        submission its PROV (submitted when, approved when, what it produced)."""
        themes = {slugify(theme) for row in read_table(self.path("partnerships"),
                                                       COLUMNS["partnerships"])
                  for theme in split_list(row["themes"])}
        seen: set[tuple[str, str, str]] = set()
        linked: set[tuple[str, str]] = set()
        for row in self.contributions():
            key = row["correction_of"] or row["key"]
            if not row["correction_of"]:
                yield from self.partnership(index, row, themes)
                for member in split_list(row["members"]):
                    organisation, _, role = member.partition(":")
                    yield from self.membership(index, Row(row.path, row.line, {
                        "partnership_key": key, "organisation_key": organisation.strip(),
                        "role": role.strip(), "source_url": row.values["source_url"],
                    }), seen, linked)
            yield from self._submission_provenance(index.partnership_iri[key], row)

    def _submission_provenance(self, partnership: str, row: Row) -> Triples:
        try:
            submission = self.minter.submission(row["submission"])
        except InvalidKeyError as error:
            raise row.error("submission", str(error), value=row["submission"]) from error
        approval = f"{submission}/approval"
        times = {}
        for column in ("submitted_at", "approved_at"):
            try:
                times[column] = datetime.fromisoformat(row[column]).isoformat()
            except ValueError as error:
                raise row.error(column, "not a date and time", value=row[column],
                                expected="an ISO 8601 date-time") from error
        label = f"Submission {row['submission']}"
        yield nt.triple(submission, f"{RDF}type", nt.iri(f"{PROV}Entity"))
        yield nt.triple(submission, f"{RDFS}label", nt.literal(label, language="en"))
        yield nt.triple(submission, f"{PROV}generatedAtTime",
                        nt.literal(times["submitted_at"], f"{XSD}dateTime"))
        yield nt.triple(approval, f"{RDF}type", nt.iri(f"{PROV}Activity"))
        yield nt.triple(approval, f"{RDFS}label", nt.literal(f"Approval of {label.lower()}",
                                                             language="en"))
        yield nt.triple(approval, f"{PROV}used", nt.iri(submission))
        yield nt.triple(approval, f"{PROV}endedAtTime",
                        nt.literal(times["approved_at"], f"{XSD}dateTime"))
        yield nt.triple(partnership, f"{PROV}wasDerivedFrom", nt.iri(submission))
        yield nt.triple(partnership, f"{PROV}wasGeneratedBy", nt.iri(approval))

    def _posts(self, index: _Index) -> Triples:
        for row in self.rows("posts"):
            board = index.board_iri.get(row["board_key"])
            if board is None:
                raise row.error("board_key", "unknown health board", value=row["board_key"],
                                expected="a key from boards.csv")
            role = index.role_iri.get(row["role_key"])
            if role is None:
                raise row.error("role_key", "unknown role", value=row["role_key"],
                                expected="a key from roles.csv")
            iri = self.minter.post(board, row["role_key"])
            yield nt.triple(iri, f"{RDF}type", nt.iri(f"{ORG}Post"))
            yield nt.triple(iri, f"{ORG}postIn", nt.iri(board))
            yield nt.triple(iri, f"{ORG}role", nt.iri(role))
            yield nt.triple(board, f"{ORG}hasPost", nt.iri(iri))
            yield nt.triple(iri, f"{DCTERMS}source", nt.iri(self._url(row, "source_url")))
            if row["contact_route"]:
                yield nt.triple(iri, f"{HG}contactRoute", nt.literal(row["contact_route"]))

    def _guidance(self, index: _Index) -> Triples:
        seen: set[tuple[str, str]] = set()
        for row in self.rows("guidance"):
            kind = row["subject_kind"]
            subjects = {"partnership": index.partnership_iri, "programme": index.programme_iri}
            if kind not in subjects:
                raise row.error("subject_kind", "unknown subject kind", value=kind,
                                expected=_choices(GUIDANCE_SUBJECTS))
            subject = subjects[kind].get(row["subject_key"])
            if subject is None:
                raise row.error("subject_key", f"unknown {kind}", value=row["subject_key"],
                                expected=f"a key from {kind}s.csv")
            document = index.document_iri.get(row["document_key"])
            if document is None:
                raise row.error("document_key", "unknown document", value=row["document_key"],
                                expected="a key from documents.csv")
            if (subject, document) in seen:
                continue
            seen.add((subject, document))
            self._url(row, "source_url")
            yield nt.triple(subject, f"{HG}followsGuidance", nt.iri(document))

    # -- shared value handling ---------------------------------------------------------

    @staticmethod
    def _choice(row: Row, column: str, table: dict[str, str]) -> str:
        value = row[column]
        if value not in table:
            raise row.error(column, f"unknown {column}", value=value, expected=_choices(table))
        return table[value]

    def _url(self, row: Row, column: str) -> str:
        return self._url_value(row, column, row[column])

    @staticmethod
    def _url_value(row: Row, column: str, value: str) -> str:
        try:
            return parse_url(value)
        except ValueError as error:
            raise row.error(column, "not a URL", value=value, expected="an http(s) URL") from error

    def _website(self, row: Row, iri: str, column: str) -> Triples:
        if row[column]:
            yield nt.triple(iri, f"{FOAF}homepage", nt.iri(self._url(row, column)))

    @staticmethod
    def _country(index: _Index, name: str, row: Row | None) -> str | None:
        return index.country_by_name.get(normalise_name(name))

    def _countries_in(
        self,
        index: _Index,
        row: Row,
        column: str,
        *,
        places: list[str] | None = None,
        require_country: bool = True,
    ) -> list[str]:
        """The countries named in a cell; other parts are places ('Zomba, Malawi')."""
        cell = row[column]
        if not cell:
            return []
        found: list[str] = []
        for part in split_places(cell):
            country = index.country_by_name.get(normalise_name(part))
            if country:
                if country not in found:
                    found.append(country)
            elif places is not None:
                places.append(part)
        if not found and require_country:
            raise row.error(column, "no known country in the cell", value=cell,
                            expected="at least one name or alias from countries.csv")
        return found

    def _date(self, row: Row, column: str) -> RawDate:
        try:
            return parse_date(row[column])
        except ValueError as error:
            raise row.error(column, f"malformed date: {error}", value=row[column],
                            expected=DATE_SHAPES) from error

    def _dates(self, row: Row, iri: str) -> Lines:
        return list(self._date_triples(row, iri))

    def _date_triples(self, row: Row, iri: str) -> Triples:
        if row["start"]:
            start = self._date(row, "start")
            yield nt.triple(iri, f"{HG}startText", nt.literal(start.text))
            if start.year is not None and start.qualifier not in {"until", "by", "before"}:
                yield nt.triple(iri, f"{HG}startYear", nt.typed(start.year, "integer"))
                if start.value and start.xsd_type and start.qualifier is None:
                    yield nt.triple(iri, f"{SCHEMA}startDate", nt.typed(start.value, start.xsd_type))
            if start.range_end is not None and not row["end"]:
                yield nt.triple(iri, f"{HG}endYear", nt.typed(start.range_end, "integer"))
        if row["end"]:
            end = self._date(row, "end")
            yield nt.triple(iri, f"{HG}endText", nt.literal(end.text))
            if end.year is not None:
                yield nt.triple(iri, f"{HG}endYear", nt.typed(end.range_end or end.year, "integer"))
                if end.value and end.xsd_type and end.qualifier is None:
                    yield nt.triple(iri, f"{SCHEMA}endDate", nt.typed(end.value, end.xsd_type))

    def _agents(self, index: _Index, iri: str, cell: str, link: str, name_property: str) -> Lines:
        """Funders and operators: linked where the name is known, always kept as written."""
        lines = []
        for name in split_list(cell):
            agent = index.organisation_by_name.get(normalise_name(name))
            if agent:
                lines.append(nt.triple(iri, link, f"<{agent}>"))
            lines.append(nt.triple(iri, name_property, nt.literal(name)))
        return lines


def corrected_values(original: dict[str, str], correction: dict[str, str]) -> dict[str, str]:
    """A partnership row with a correction's non-empty columns applied. The correction's source
    page joins `other_sources`; the row keeps its own `source_url`."""
    values = dict(original)
    for column in COLUMNS["partnerships"]:
        new = correction.get(column, "").strip()
        if not new or column in {"key", "source_url", "other_sources"}:
            continue
        values[column] = new
    extra = correction.get("source_url", "").strip()
    if extra and extra not in values.get("other_sources", "").split():
        values["other_sources"] = " ".join(filter(None, [values.get("other_sources", ""), extra]))
    return values


def _entity(iri: str, classes: list[str], label: str, row: Row, *, summary: str = "") -> Lines:
    if not label:
        raise row.error("name", "the name is empty", expected="a name")
    try:
        source = parse_url(row["source_url"])
    except ValueError as error:
        raise row.error("source_url", "not a URL", value=row["source_url"],
                        expected="the http(s) URL of the page the facts come from") from error
    subject = f"<{iri}>"
    lines = [f"{subject} {_TYPE} <{cls}> .\n" for cls in classes]
    lines.append(f"{subject} {_LABEL} {nt.literal(label, language='en')} .\n")
    if summary:
        lines.append(f"{subject} {_DESCRIPTION} {nt.literal(summary, language='en')} .\n")
    lines.append(f"{subject} {_SOURCE} {nt.iri(source)} .\n")
    return lines


def _theme(iri: str, label: str) -> Lines:
    return [nt.triple(iri, f"{RDF}type", f"<{SKOS}Concept>"),
            nt.triple(iri, f"{SKOS}prefLabel", nt.literal(label.strip(), language="en"))]


def _amount(iri: str, text: str) -> Lines:
    lines = [nt.triple(iri, f"{HG}amountText", nt.literal(text))]
    amount = parse_amount_gbp(text)
    if amount is not None:
        lines.append(nt.triple(iri, f"{HG}amountGBP", nt.typed(format(amount, "f"), "decimal")))
    return lines


def _programme_names(name: str) -> list[str]:
    """'International Development Fund (IDF)' is also known as its parts."""
    names = [name]
    if "(" in name and name.endswith(")"):
        head, _, tail = name.rpartition("(")
        names += [head.strip(), tail.rstrip(")").strip()]
    return names
