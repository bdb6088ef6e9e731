"""The Strawberry schema with its limits, caches and error masking, built once per app."""

from __future__ import annotations

import re
from collections.abc import Callable

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from healthgraph.server.graphql.context import Limits
from healthgraph.server.graphql.errors import is_internal
from healthgraph.server.graphql.limits import limit_rules
from healthgraph.server.graphql.query import Query
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

CACHE_SIZE = 512
_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


class HealthgraphSchema(strawberry.Schema):
    """Strips every "Did you mean ...?" (fields, arguments, types, values) unless suggestions are on."""

    suggestions = False

    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if not self.suggestions and "Did you mean" in error.message:
                error.message = _SUGGESTION.sub("", error.message)
        internal = [error for error in errors if is_internal(error)]
        if internal:
            super().process_errors(internal, execution_context)


def build_schema(limits: Limits, *, suggestions: bool = False) -> HealthgraphSchema:
    """The schema; its limit rules are made here once, so the validation cache can hit."""
    rules = list(limit_rules(limits.max_depth, limits.max_aliases, limits.max_page_size))
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        lambda: MaskErrors(should_mask_error=is_internal, error_message="Internal server error."),
    ]
    schema = HealthgraphSchema(
        query=Query,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not suggestions),
    )
    schema.suggestions = suggestions
    _read_records_directly(schema)
    return schema


def _read_records_directly(schema: strawberry.Schema) -> None:
    """Fields without a resolver read the record with graphql-core's own default resolver.

    Records are dicts keyed by GraphQL field name; skipping Strawberry's per-field wrapper
    (resolve info, result handling) matters on a page of thousands of fields.
    """
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            definition = (field.extensions or {}).get("strawberry-definition")
            if definition is not None and getattr(definition, "base_resolver", None) is None:
                field.resolve = None
