"""Validation rules that bound a request, built ONCE per schema.

Strawberry's `QueryDepthLimiter` and `MaxAliasesLimiter` create a new rule class each time
they are constructed; as per-request extensions that makes every validation-cache key new,
so the cache never hits (strawberry issue #4635). The rule classes are made here once and
added by a `AddValidationRules` factory that always passes the same classes.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    GraphQLError,
    IntValueNode,
    ValidationRule,
)
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

PAGED_ARGUMENTS = frozenset({"first"})


def page_size_validator(max_page_size: int) -> type[ValidationRule]:
    """Refuse a literal `first:` above the cap before anything runs (variables: in the resolver)."""

    class PageSizeValidator(ValidationRule):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            for argument in node.arguments or ():
                if argument.name.value in PAGED_ARGUMENTS and isinstance(argument.value, IntValueNode):
                    value = int(argument.value.value)
                    if value > max_page_size or value < 0:
                        self.report_error(GraphQLError(
                            f"'{node.name.value}(first: {value})' asks for too many items; "
                            f"pages hold 0 to {max_page_size} items: page on with 'after'",
                            argument,
                        ))

    return PageSizeValidator


def limit_rules(max_depth: int, max_aliases: int, max_page_size: int) -> tuple[type[ASTValidationRule], ...]:
    return (
        depth_validator(max_depth, None),
        alias_validator(max_aliases),
        page_size_validator(max_page_size),
    )
