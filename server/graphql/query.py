"""The root Query: one field per type by IRI or key, a connection per type, and search."""

# strawberry.field(description=...) is typed loosely upstream
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from healthgraph.graph.iris import ISO_3166_PATTERN, SLUG_PATTERN
from healthgraph.graph.namespaces import HG
from healthgraph.server.graphql import fetch, search
from healthgraph.server.graphql.context import Context
from healthgraph.server.graphql.errors import GraphQLUserError
from healthgraph.server.graphql.fetch import Filters
from healthgraph.server.graphql.mapping import BOARD_TYPES, ENTITIES, ORGANISATION_KINDS
from healthgraph.server.graphql.types import (
    BoardType,
    Connection,
    Country,
    Document,
    EntityType,
    HealthBoard,
    Organisation,
    OrganisationKind,
    Partnership,
    Programme,
    Role,
    SearchHit,
    Theme,
)
from strawberry.types import Info

GraphQLInfo = Info[Context, None]
DEFAULT_PAGE = 20


@strawberry.enum
class Direction(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class PartnershipOrderField(Enum):
    LABEL = "LABEL"
    IRI = "IRI"
    START_YEAR = "START_YEAR"


@strawberry.enum
class OrderField(Enum):
    LABEL = "LABEL"
    IRI = "IRI"


@strawberry.input(description="Order partnerships; ties are broken by IRI.")
class PartnershipOrder:
    field: PartnershipOrderField = PartnershipOrderField.LABEL
    direction: Direction = Direction.ASC


@strawberry.input(description="Order entities; ties are broken by IRI.")
class Order:
    field: OrderField = OrderField.LABEL
    direction: Direction = Direction.ASC


@strawberry.input(description="Filters on partnerships; all given filters must hold.")
class PartnershipWhere:
    country: str | None = strawberry.field(default=None, description="ISO 3166 code, e.g. MW.")
    theme: str | None = strawberry.field(default=None, description="Theme key, e.g. maternal-health.")
    board: str | None = strawberry.field(
        default=None, description="A member health board: GSS code (S08000024) or key.")
    programme: str | None = strawberry.field(default=None, description="Programme key.")
    started_from: int | None = strawberry.field(default=None, description="Start year at least.")
    started_to: int | None = strawberry.field(default=None, description="Start year at most.")
    name_contains: str | None = strawberry.field(default=None, description="Case-insensitive.")


@strawberry.input(description="Filters on organisations.")
class OrganisationWhere:
    country: str | None = strawberry.field(default=None, description="ISO 3166 code, e.g. MW.")
    kind: OrganisationKind | None = None
    name_contains: str | None = None


@strawberry.input(description="Filters on health boards.")
class HealthBoardWhere:
    board_type: BoardType | None = None
    name_contains: str | None = None


@strawberry.input(description="Filters on guidance documents.")
class DocumentWhere:
    document_type: str | None = None
    name_contains: str | None = None


@strawberry.input(description="Filters by name.")
class NameWhere:
    name_contains: str | None = None


def _selections(info: GraphQLInfo) -> Any:
    return info.selected_fields[0].selections


def _signature(info: GraphQLInfo) -> str:
    return repr(info.selected_fields[0].selections)


async def _one(info: GraphQLInfo, entity: str, iri: str | None, filters: Filters | None) -> Any:
    context = info.context
    if (iri is None) == (filters is None):
        raise GraphQLUserError(f"{info.field_name}: give exactly one of iri or a key")
    if iri is not None:
        if not iri.startswith(("http://", "https://")) or any(c in iri for c in ' <>"{}|\\^`'):
            raise GraphQLUserError(f"iri: {iri!r} is not an http(s) IRI")
        return await context.by_iri(entity, _selections(info), _signature(info)).load(iri)
    assert filters is not None
    return await fetch.fetch_one(context.store, entity, _selections(info), filters)


def _key(key: str | None) -> Filters | None:
    if key is None:
        return None
    if not SLUG_PATTERN.match(key):
        raise GraphQLUserError(f"key: {key!r} is not a key (lower-case letters, digits, hyphens)")
    filters = Filters()
    filters.literal(f"{HG}key", key)
    return filters


async def _page(info: GraphQLInfo, entity: str, filters: Filters, first: int, after: str | None,
                order: str = "LABEL", direction: Direction = Direction.ASC) -> Any:
    context = info.context
    return await fetch.fetch_page(
        context.store, entity, _selections(info), filters, first=first, after=after,
        max_page_size=context.limits.max_page_size, order=order,
        descending=direction is Direction.DESC,
    )


def _named(entity: str, where: NameWhere | None) -> Filters:
    filters = Filters()
    if where is not None:
        filters.name_contains(ENTITIES[entity].label_predicate, where.name_contains)
    return filters


@strawberry.type
class Query:
    @strawberry.field(description="A partnership by IRI or key.")
    async def partnership(self, info: GraphQLInfo, iri: strawberry.ID | None = None,
                          key: str | None = None) -> Partnership | None:
        return await _one(info, "Partnership", iri, _key(key))  # type: ignore[no-any-return]

    @strawberry.field(description="Partnerships, filtered and ordered, a page at a time (first <= 100).")
    async def partnerships(self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None,
                           where: PartnershipWhere | None = None,
                           order_by: PartnershipOrder | None = None) -> Connection[Partnership]:
        filters = Filters()
        if where is not None:
            filters.country(where.country)
            if where.theme is not None:
                filters.key_link("theme", where.theme, f"{HG}theme",
                                 fetch.theme_iri(info.context.minter, where.theme))
            filters.board(where.board)
            filters.key_link("programme", where.programme, f"{HG}programme", None)
            filters.year_range(where.started_from, where.started_to)
            filters.name_contains(ENTITIES["Partnership"].label_predicate, where.name_contains)
        order = order_by or PartnershipOrder()
        return await _page(info, "Partnership", filters, first, after,  # type: ignore[no-any-return]
                           order.field.value, order.direction)

    @strawberry.field(description="An organisation by IRI or key.")
    async def organisation(self, info: GraphQLInfo, iri: strawberry.ID | None = None,
                           key: str | None = None) -> Organisation | None:
        return await _one(info, "Organisation", iri, _key(key))  # type: ignore[no-any-return]

    @strawberry.field(description="Organisations, by country, kind or name (first <= 100).")
    async def organisations(self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None,
                            where: OrganisationWhere | None = None,
                            order_by: Order | None = None) -> Connection[Organisation]:
        filters = Filters()
        if where is not None:
            filters.country(where.country)
            if where.kind is not None:
                filters.kind(ORGANISATION_KINDS[where.kind.value])
            filters.name_contains(ENTITIES["Organisation"].label_predicate, where.name_contains)
        order = order_by or Order()
        return await _page(info, "Organisation", filters, first, after,  # type: ignore[no-any-return]
                           order.field.value, order.direction)

    @strawberry.field(description="A health board by IRI, GSS code or key.")
    async def health_board(self, info: GraphQLInfo, iri: strawberry.ID | None = None,
                           gss_code: str | None = None, key: str | None = None) -> HealthBoard | None:
        filters = _key(key)
        if gss_code is not None:
            if filters is not None:
                raise GraphQLUserError("healthBoard: give one of iri, gssCode or key")
            filters = Filters()
            filters.literal(f"{HG}gssCode", gss_code.strip())
        return await _one(info, "HealthBoard", iri, filters)  # type: ignore[no-any-return]

    @strawberry.field(description="NHS Scotland health boards (first <= 100).")
    async def health_boards(self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None,
                            where: HealthBoardWhere | None = None,
                            order_by: Order | None = None) -> Connection[HealthBoard]:
        filters = Filters()
        if where is not None:
            if where.board_type is not None:
                filters.kind(BOARD_TYPES[where.board_type.value])
            filters.name_contains(ENTITIES["HealthBoard"].label_predicate, where.name_contains)
        order = order_by or Order()
        return await _page(info, "HealthBoard", filters, first, after,  # type: ignore[no-any-return]
                           order.field.value, order.direction)

    @strawberry.field(description="A country by IRI or ISO 3166 code (GB-SCT for Scotland).")
    async def country(self, info: GraphQLInfo, iri: strawberry.ID | None = None,
                      iso_code: str | None = None) -> Country | None:
        filters = None
        if iso_code is not None:
            value = iso_code.strip().upper()
            if not ISO_3166_PATTERN.match(value):
                raise GraphQLUserError(f"isoCode: {iso_code!r} is not an ISO 3166 code (e.g. MW)")
            filters = Filters()
            filters.literal(f"{HG}isoCode", value)
        return await _one(info, "Country", iri, filters)  # type: ignore[no-any-return]

    @strawberry.field(description="Countries (first <= 100).")
    async def countries(self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None,
                        where: NameWhere | None = None,
                        order_by: Order | None = None) -> Connection[Country]:
        order = order_by or Order()
        return await _page(info, "Country", _named("Country", where), first,  # type: ignore[no-any-return]
                           after, order.field.value, order.direction)

    @strawberry.field(description="A programme by IRI or key.")
    async def programme(self, info: GraphQLInfo, iri: strawberry.ID | None = None,
                        key: str | None = None) -> Programme | None:
        return await _one(info, "Programme", iri, _key(key))  # type: ignore[no-any-return]

    @strawberry.field(description="Programmes and funds (first <= 100).")
    async def programmes(self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None,
                         where: NameWhere | None = None,
                         order_by: Order | None = None) -> Connection[Programme]:
        order = order_by or Order()
        return await _page(info, "Programme", _named("Programme", where), first,  # type: ignore[no-any-return]
                           after, order.field.value, order.direction)

    @strawberry.field(description="A guidance document by IRI or key.")
    async def document(self, info: GraphQLInfo, iri: strawberry.ID | None = None,
                       key: str | None = None) -> Document | None:
        return await _one(info, "Document", iri, _key(key))  # type: ignore[no-any-return]

    @strawberry.field(description="Guidance documents (first <= 100).")
    async def documents(self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None,
                        where: DocumentWhere | None = None,
                        order_by: Order | None = None) -> Connection[Document]:
        filters = Filters()
        if where is not None:
            filters.literal(f"{HG}documentType", where.document_type)
            filters.name_contains(ENTITIES["Document"].label_predicate, where.name_contains)
        order = order_by or Order()
        return await _page(info, "Document", filters, first, after,  # type: ignore[no-any-return]
                           order.field.value, order.direction)

    @strawberry.field(description="A role by IRI or key (e.g. global-citizenship-lead-champion, lead).")
    async def role(self, info: GraphQLInfo, iri: strawberry.ID | None = None,
                   key: str | None = None) -> Role | None:
        if key is not None and iri is None and key in ("lead", "partner", "funder", "implementer",
                                                       "member"):
            iri = strawberry.ID(info.context.minter.role(key))  # membership roles have no hg:key
            key = None
        return await _one(info, "Role", iri, _key(key))  # type: ignore[no-any-return]

    @strawberry.field(description="Roles (first <= 100).")
    async def roles(self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None,
                    where: NameWhere | None = None, order_by: Order | None = None) -> Connection[Role]:
        order = order_by or Order()
        return await _page(info, "Role", _named("Role", where), first,  # type: ignore[no-any-return]
                           after, order.field.value, order.direction)

    @strawberry.field(description="A theme by IRI or key (e.g. maternal-health).")
    async def theme(self, info: GraphQLInfo, iri: strawberry.ID | None = None,
                    key: str | None = None) -> Theme | None:
        if key is not None:
            if iri is not None:
                raise GraphQLUserError("theme: give exactly one of iri or key")
            iri = strawberry.ID(fetch.theme_iri(info.context.minter, key))
        return await _one(info, "Theme", iri, None)  # type: ignore[no-any-return]

    @strawberry.field(description="Themes (first <= 100).")
    async def themes(self, info: GraphQLInfo, first: int = DEFAULT_PAGE, after: str | None = None,
                     where: NameWhere | None = None, order_by: Order | None = None) -> Connection[Theme]:
        order = order_by or Order()
        return await _page(info, "Theme", _named("Theme", where), first,  # type: ignore[no-any-return]
                           after, order.field.value, order.direction)

    @strawberry.field(description="Resources whose label contains the text (first <= 100).")
    async def search(self, info: GraphQLInfo, text: str, first: int = DEFAULT_PAGE) -> list[SearchHit]:
        limits = info.context.limits
        if first < 0 or first > limits.max_page_size:
            raise GraphQLUserError(f"first: {first} is out of range; ask for 0 to {limits.max_page_size}")
        if not text.strip():
            raise GraphQLUserError("text: give at least one non-space character")
        hits = await search.search_labels(info.context.store, text, first, info.context.text_index)
        return [SearchHit(iri=strawberry.ID(h.iri), label=h.label, type=EntityType(h.type))
                for h in hits]

