"""How each GraphQL type and field maps onto the graph: the one table the compiler reads.

Every entity type names its RDF class and, per GraphQL field, either a scalar (a literal or
IRI value reached by a predicate, or a SPARQL expression over fixed variables) or a link (an
entity reached by a predicate, forwards or backwards). `tests/server/test_graphql_schema.py`
checks this table against `ontology/shapes.ttl` and against the Strawberry types.

The SPARQL fragments here are constants written by us; user values never reach them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from healthgraph.graph.namespaces import DCTERMS, FOAF, HG, ORG, OWL, RDF, RDFS, SCHEMA, SKOS
from strawberry.utils.str_converters import to_camel_case

NAME_OVERRIDES: Final = {"amount_gbp": "amountGBP"}


def graphql_name(python_name: str) -> str:
    """The GraphQL name of a field: records are keyed by it, as graphql-core reads them."""
    return NAME_OVERRIDES.get(python_name, to_camel_case(python_name))

ValueKind = Literal["string", "int", "float", "iri", "kind", "board_type"]


@dataclass(frozen=True)
class Scalar:
    """A value field. `predicate` is an IRI; `pattern` a group pattern binding `?value` from `?s`."""

    predicate: str | None = None
    kind: ValueKind = "string"
    many: bool = False
    pattern: str | None = None


@dataclass(frozen=True)
class Link:
    """An entity field: `?s predicate ?o` (or `?o predicate ?s` when inverse), `?o a target_class`."""

    predicate: str
    target: str
    many: bool = False
    inverse: bool = False
    check_class: bool = False
    condition: str | None = None
    """More about the linked entity, as predicate-object text after `?o` (our constants)."""


@dataclass(frozen=True)
class EntityMap:
    name: str
    rdf_class: str
    scalars: dict[str, Scalar] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    label_predicate: str = f"{RDFS}label"

    def field_for(self, name: str) -> str | None:
        """The mapped (python) field a GraphQL field name stands for."""
        for python_name in (*self.scalars, *self.links):
            if graphql_name(python_name) == name:
                return python_name
        return None


LABEL: Final = Scalar(f"{RDFS}label")
KEY: Final = Scalar(f"{HG}key")
DESCRIPTION: Final = Scalar(f"{DCTERMS}description")
SOURCES: Final = Scalar(f"{DCTERMS}source", "iri", many=True)
HOMEPAGE: Final = Scalar(f"{FOAF}homepage", "iri")
ALT_LABELS: Final = Scalar(f"{SKOS}altLabel", many=True)

ORGANISATION_KINDS: Final[dict[str, str]] = {
    "MINISTRY_OF_HEALTH": f"{HG}MinistryOfHealth",
    "GOVERNMENT_BODY": f"{HG}GovernmentBody",
    "TERRITORIAL_HEALTH_BOARD": f"{HG}TerritorialHealthBoard",
    "SPECIAL_HEALTH_BOARD": f"{HG}SpecialHealthBoard",
    "HEALTH_BOARD": f"{HG}HealthBoard",
    "UNIVERSITY": f"{HG}University",
    "HOSPITAL": f"{HG}Hospital",
    "CHARITY": f"{HG}Charity",
    "NON_GOVERNMENTAL_ORGANISATION": f"{HG}NonGovernmentalOrganisation",
    "PROFESSIONAL_BODY": f"{HG}ProfessionalBody",
    "INTERNATIONAL_ORGANISATION": f"{HG}InternationalOrganisation",
    "RESEARCH_INSTITUTE": f"{HG}ResearchInstitute",
    "OTHER": f"{HG}OtherOrganisation",
}
"""Organisation kinds, most specific first: an organisation's kind is the first class it has."""

BOARD_TYPES: Final[dict[str, str]] = {
    "TERRITORIAL": f"{HG}TerritorialHealthBoard",
    "SPECIAL": f"{HG}SpecialHealthBoard",
}

_DATES: Final[dict[str, Scalar]] = {
    "start_year": Scalar(f"{HG}startYear", "int"),
    "end_year": Scalar(f"{HG}endYear", "int"),
    "start_text": Scalar(f"{HG}startText"),
    "end_text": Scalar(f"{HG}endText"),
    "amount_gbp": Scalar(f"{HG}amountGBP", "float"),
    "amount_text": Scalar(f"{HG}amountText"),
    "funder_names": Scalar(f"{HG}funderName", many=True),
}

ENTITIES: Final[dict[str, EntityMap]] = {
    entity.name: entity
    for entity in [
        EntityMap(
            "Partnership",
            f"{HG}Partnership",
            scalars={
                "key": KEY, "label": LABEL, "description": DESCRIPTION, "sources": SOURCES,
                "places": Scalar(f"{HG}place", many=True),
                "status": Scalar(f"{HG}status"),
                "programme_names": Scalar(f"{HG}programmeName", many=True),
                "see_also": Scalar(f"{RDFS}seeAlso", "iri", many=True),
                **_DATES,
            },
            links={
                "countries": Link(f"{HG}country", "Country", many=True),
                "themes": Link(f"{HG}theme", "Theme", many=True),
                "programmes": Link(f"{HG}programme", "Programme", many=True),
                "members": Link(f"{HG}membership", "Membership", many=True),
                "member_organisations": Link(f"{ORG}hasMember", "Organisation", many=True),
                "funders": Link(f"{SCHEMA}funder", "Organisation", many=True),
                "guidance": Link(f"{HG}followsGuidance", "Document", many=True),
            },
        ),
        EntityMap(
            "Membership",
            f"{ORG}Membership",
            scalars={
                "label": Scalar(pattern=(
                    "?s org:member/rdfs:label ?memberLabel ; org:role/rdfs:label ?roleLabel . "
                    'BIND(CONCAT(STR(?memberLabel), " (", STR(?roleLabel), ")") AS ?value)'
                )),
                "sources": SOURCES,
            },
            links={
                "partnership": Link(f"{ORG}organization", "Partnership"),
                "organisation": Link(f"{ORG}member", "Organisation"),
                "role": Link(f"{ORG}role", "Role"),
            },
        ),
        EntityMap(
            "Organisation",
            f"{ORG}Organization",
            scalars={
                "key": KEY, "label": LABEL, "sources": SOURCES, "homepage": HOMEPAGE,
                "also_known_as": ALT_LABELS,
                "city": Scalar(f"{HG}city"),
                "kind": Scalar(f"{RDF}type", "kind", many=True),
            },
            links={
                "country": Link(f"{HG}country", "Country"),
                "memberships": Link(f"{ORG}hasMembership", "Membership", many=True),
                "health_board": Link(f"{RDF}type", "HealthBoard", check_class=True),
                "published": Link(f"{DCTERMS}publisher", "Document", many=True, inverse=True),
            },
        ),
        EntityMap(
            "HealthBoard",
            f"{HG}HealthBoard",
            scalars={
                "key": KEY, "label": LABEL, "sources": SOURCES, "homepage": HOMEPAGE,
                "gss_code": Scalar(f"{HG}gssCode"),
                "area": Scalar(f"{HG}area"),
                "board_type": Scalar(f"{RDF}type", "board_type", many=True),
            },
            links={
                "country": Link(f"{HG}country", "Country"),
                "posts": Link(f"{ORG}hasPost", "Post", many=True),
                "lead_champion": Link(f"{ORG}hasPost", "Post",
                                      condition='org:role/hg:key "global-citizenship-lead-champion"'),
                "memberships": Link(f"{ORG}hasMembership", "Membership", many=True),
                "organisation": Link(f"{RDF}type", "Organisation", check_class=True),
            },
        ),
        EntityMap(
            "Country",
            f"{SCHEMA}Country",
            scalars={
                "label": LABEL, "sources": SOURCES, "also_known_as": ALT_LABELS,
                "iso_code": Scalar(f"{HG}isoCode"),
                "alpha3_code": Scalar(f"{HG}alpha3Code"),
                "wikidata": Scalar(f"{OWL}sameAs", "iri"),
            },
            links={
                "organisations": Link(f"{HG}country", "Organisation", many=True, inverse=True,
                                      check_class=True),
                "partnerships": Link(f"{HG}country", "Partnership", many=True, inverse=True,
                                     check_class=True),
                "programmes": Link(f"{HG}country", "Programme", many=True, inverse=True,
                                   check_class=True),
            },
        ),
        EntityMap(
            "Programme",
            f"{HG}Programme",
            scalars={
                "key": KEY, "label": LABEL, "description": DESCRIPTION, "sources": SOURCES,
                "homepage": HOMEPAGE,
                "operator_names": Scalar(f"{HG}operatorName", many=True),
                "areas": Scalar(f"{HG}area", many=True),
                **_DATES,
            },
            links={
                "countries": Link(f"{HG}country", "Country", many=True),
                "operators": Link(f"{HG}operator", "Organisation", many=True),
                "funders": Link(f"{SCHEMA}funder", "Organisation", many=True),
                "guidance": Link(f"{HG}followsGuidance", "Document", many=True),
                "partnerships": Link(f"{HG}programme", "Partnership", many=True, inverse=True,
                                     check_class=True),
                "roles": Link(f"{HG}programme", "Role", many=True, inverse=True, check_class=True),
            },
        ),
        EntityMap(
            "Document",
            f"{HG}GuidanceDocument",
            scalars={
                "key": KEY, "label": LABEL, "description": DESCRIPTION, "sources": SOURCES,
                "title": Scalar(f"{DCTERMS}title"),
                "document_type": Scalar(f"{HG}documentType"),
                "publisher_name": Scalar(f"{HG}publisherName"),
                "year": Scalar(
                    pattern="?s dcterms:issued ?issued . BIND(xsd:integer(STR(?issued)) AS ?value)",
                    kind="int"),
                "url": Scalar(f"{SCHEMA}url", "iri"),
                "identifier": Scalar(f"{DCTERMS}identifier"),
            },
            links={
                "publisher": Link(f"{DCTERMS}publisher", "Organisation", check_class=True),
                "publishing_programme": Link(f"{DCTERMS}publisher", "Programme", check_class=True),
                "followed_by": Link(f"{HG}followsGuidance", "Partnership", many=True, inverse=True,
                                    check_class=True),
                "followed_by_programmes": Link(f"{HG}followsGuidance", "Programme", many=True,
                                               inverse=True, check_class=True),
            },
        ),
        EntityMap(
            "Role",
            f"{ORG}Role",
            scalars={
                "key": KEY, "label": LABEL, "description": DESCRIPTION, "sources": SOURCES,
                "scope": Scalar(f"{HG}scope"),
            },
            links={
                "programme": Link(f"{HG}programme", "Programme"),
                "posts": Link(f"{ORG}role", "Post", many=True, inverse=True, check_class=True),
            },
        ),
        EntityMap(
            "Post",
            f"{ORG}Post",
            scalars={
                "label": Scalar(pattern=(
                    "?s org:role/rdfs:label ?roleLabel ; org:postIn/rdfs:label ?inLabel . "
                    'BIND(CONCAT(STR(?roleLabel), ", ", STR(?inLabel)) AS ?value)'
                )),
                "sources": SOURCES,
                "contact_route": Scalar(f"{HG}contactRoute"),
            },
            links={
                "role": Link(f"{ORG}role", "Role"),
                "organisation": Link(f"{ORG}postIn", "Organisation"),
                "health_board": Link(f"{ORG}postIn", "HealthBoard", check_class=True),
            },
        ),
        EntityMap(
            "Theme",
            f"{SKOS}Concept",
            scalars={"label": Scalar(f"{SKOS}prefLabel")},
            links={
                "partnerships": Link(f"{HG}theme", "Partnership", many=True, inverse=True),
            },
            label_predicate=f"{SKOS}prefLabel",
        ),
    ]
}


COMPUTED_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "Partnership": ("similar", "potentialCollaborators"),
}
"""Fields with their own resolvers (server/graphql/collaboration.py), not read from one
predicate: the ranked lists of graph/similarity.py."""
