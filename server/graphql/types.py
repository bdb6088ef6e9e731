"""The GraphQL object types, hand-written to match `ontology/shapes.ttl`.

Resolved values are plain records (dicts keyed by GraphQL field name) built by the compiler
from one SPARQL result and read by graphql-core's default resolver (see `schema.py`). Which
RDF property each field reads is in `mapping.py`.
"""

# strawberry.field(description=...) is typed loosely upstream
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry
from healthgraph.server.graphql import collaboration
from strawberry.types import Info

T = TypeVar("T")


@strawberry.enum(description="The kind of an organisation: its most specific class in the ontology.")
class OrganisationKind(Enum):
    MINISTRY_OF_HEALTH = "MINISTRY_OF_HEALTH"
    GOVERNMENT_BODY = "GOVERNMENT_BODY"
    TERRITORIAL_HEALTH_BOARD = "TERRITORIAL_HEALTH_BOARD"
    SPECIAL_HEALTH_BOARD = "SPECIAL_HEALTH_BOARD"
    HEALTH_BOARD = "HEALTH_BOARD"
    UNIVERSITY = "UNIVERSITY"
    HOSPITAL = "HOSPITAL"
    CHARITY = "CHARITY"
    NON_GOVERNMENTAL_ORGANISATION = "NON_GOVERNMENTAL_ORGANISATION"
    PROFESSIONAL_BODY = "PROFESSIONAL_BODY"
    INTERNATIONAL_ORGANISATION = "INTERNATIONAL_ORGANISATION"
    RESEARCH_INSTITUTE = "RESEARCH_INSTITUTE"
    OTHER = "OTHER"


@strawberry.enum(description="Territorial boards serve an area; special boards a national service.")
class BoardType(Enum):
    TERRITORIAL = "TERRITORIAL"
    SPECIAL = "SPECIAL"


@strawberry.type(description="A health partnership (hg:Partnership), its places, dates and members.")
class Partnership:
    iri: strawberry.ID
    key: str = strawberry.field(description="The stable slug the IRI was minted from.")
    label: str
    description: str | None
    sources: list[str] = strawberry.field(description="The pages the facts come from.")
    places: list[str]
    status: str | None
    start_year: int | None
    end_year: int | None
    start_text: str | None = strawberry.field(description="The start as the source writes it.")
    end_text: str | None
    amount_gbp: float | None = strawberry.field(name="amountGBP")
    amount_text: str | None
    funder_names: list[str]
    programme_names: list[str]
    see_also: list[str]
    countries: list[Country]
    themes: list[Theme]
    programmes: list[Programme]
    members: list[Membership] = strawberry.field(
        description="Each member organisation's part in the partnership, with its role.")
    member_organisations: list[Organisation]
    funders: list[Organisation]
    guidance: list[Document] = strawberry.field(
        description="Guidance documents the partnership follows.")

    @strawberry.field(description="The partnerships most like this one, best first, by an overlap "
                      "score: a shared place 6, working member 4, theme 2, partner country 2, "
                      "broader theme 1 (the named query similar-partnerships).")
    async def similar(self, info: Info[Any, None], first: int = 10) -> list[SimilarPartnership]:
        selections = info.selected_fields[0].selections
        return await collaboration.similar(info.context, _record(self), selections, first)  # type: ignore[return-value]

    @strawberry.field(description="Organisations active in the same partner country on the same "
                      "or a broader theme that this partnership does not work with yet, best "
                      "first (the named query potential-collaborators).")
    async def potential_collaborators(self, info: Info[Any, None],
                                      first: int = 10) -> list[PotentialCollaborator]:
        selections = info.selected_fields[0].selections
        return await collaboration.potential_collaborators(  # type: ignore[return-value]
            info.context, _record(self), selections, first)


def _record(root: object) -> dict[str, Any]:
    """Resolved values are records (dicts), whatever the method's `self` says."""
    return root if isinstance(root, dict) else {"iri": getattr(root, "iri", "")}


@strawberry.type(description="A partnership like another one, with why.")
class SimilarPartnership:
    score: int = strawberry.field(description="The overlap score (see Partnership.similar).")
    evidence: list[str] = strawberry.field(description="What the two share, e.g. 'place: Chitambo Hospital'.")
    partnership: Partnership


@strawberry.type(description="An organisation a partnership could work with, with why.")
class PotentialCollaborator:
    score: int = strawberry.field(description="3 per partnership on the same theme, 2 on a shared "
                                  "broader theme, 1 when they meet only at a top theme.")
    partnership_count: int = strawberry.field(
        description="How many partnerships in the same country and theme it is part of.")
    evidence: list[str] = strawberry.field(description="Those partnerships, their country and theme.")
    organisation: Organisation


@strawberry.type(description="One organisation's part in one partnership (org:Membership).")
class Membership:
    iri: strawberry.ID
    label: str = strawberry.field(description="The member's name and its role.")
    sources: list[str]
    partnership: Partnership
    organisation: Organisation
    role: Role


@strawberry.type(description="Any organisation (org:Organization): partner, funder, publisher.")
class Organisation:
    iri: strawberry.ID
    key: str | None
    label: str
    kind: OrganisationKind | None
    sources: list[str]
    homepage: str | None
    also_known_as: list[str]
    city: str | None
    country: Country | None
    memberships: list[Membership]
    health_board: HealthBoard | None = strawberry.field(
        description="The same organisation as an NHS Scotland health board, if it is one.")
    published: list[Document]


@strawberry.type(description="An NHS Scotland health board (hg:HealthBoard).")
class HealthBoard:
    iri: strawberry.ID
    key: str
    label: str
    sources: list[str]
    homepage: str | None
    gss_code: str | None = strawberry.field(name="gssCode")
    area: str | None
    board_type: BoardType | None
    country: Country
    posts: list[Post] = strawberry.field(
        description="Roles held in the board, e.g. its Global Citizenship Lead Champion.")
    lead_champion: Post | None = strawberry.field(
        description="The board's NHS Scotland Global Citizenship Lead Champion role: the first "
                    "point of contact for staff who want to join a health partnership.")
    memberships: list[Membership]
    organisation: Organisation


@strawberry.type(description="A country (schema:Country) with its ISO 3166 codes.")
class Country:
    iri: strawberry.ID
    label: str
    iso_code: str
    alpha3_code: str | None
    wikidata: str | None
    sources: list[str]
    also_known_as: list[str]
    organisations: list[Organisation]
    partnerships: list[Partnership]
    programmes: list[Programme]


@strawberry.type(description="A programme or fund (hg:Programme).")
class Programme:
    iri: strawberry.ID
    key: str
    label: str
    description: str | None
    sources: list[str]
    homepage: str | None
    operator_names: list[str]
    areas: list[str]
    start_year: int | None
    end_year: int | None
    start_text: str | None
    end_text: str | None
    amount_gbp: float | None = strawberry.field(name="amountGBP")
    amount_text: str | None
    funder_names: list[str]
    countries: list[Country]
    operators: list[Organisation]
    funders: list[Organisation]
    guidance: list[Document]
    partnerships: list[Partnership]
    roles: list[Role]


@strawberry.type(description="A guidance document (hg:GuidanceDocument).")
class Document:
    iri: strawberry.ID
    key: str
    label: str
    title: str
    description: str | None
    sources: list[str]
    document_type: str
    publisher_name: str | None
    year: int | None
    url: str | None
    identifier: str | None
    publisher: Organisation | None = strawberry.field(
        description="The publisher, when it is a known organisation.")
    publishing_programme: Programme | None = strawberry.field(
        description="The publisher, when it is a known programme.")
    followed_by: list[Partnership]
    followed_by_programmes: list[Programme]


@strawberry.type(description="A role (org:Role): a programme role or a membership role.")
class Role:
    iri: strawberry.ID
    key: str | None
    label: str
    description: str | None
    sources: list[str]
    scope: str | None
    programme: Programme | None
    posts: list[Post]


@strawberry.type(description="A role held in one organisation (org:Post); never a person.")
class Post:
    iri: strawberry.ID
    label: str
    sources: list[str]
    contact_route: str | None
    role: Role
    organisation: Organisation
    health_board: HealthBoard | None


@strawberry.type(description="A theme partnerships work on (skos:Concept).")
class Theme:
    iri: strawberry.ID
    label: str
    partnerships: list[Partnership]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of entities (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo
    total_count: int | None = strawberry.field(
        description="How many entities match, over all pages.")


@strawberry.enum
class EntityType(Enum):
    PARTNERSHIP = "Partnership"
    ORGANISATION = "Organisation"
    COUNTRY = "Country"
    PROGRAMME = "Programme"
    DOCUMENT = "Document"
    ROLE = "Role"
    THEME = "Theme"


@strawberry.type(description="A resource whose label matches a search.")
class SearchHit:
    iri: strawberry.ID
    label: str
    type: EntityType
