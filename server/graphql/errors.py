"""Errors a GraphQL client may see verbatim; every other resolver error is masked."""

from __future__ import annotations

from graphql import GraphQLError
from healthgraph.graph.executor import QueryTimeoutError
from healthgraph.graph.store import ResultTooLargeError


class GraphQLUserError(Exception):
    """A bad argument value (page size, cursor, code): shown to the client as it is."""


def is_internal(error: GraphQLError) -> bool:
    """True for errors to mask: anything raised while resolving that is not a user error or
    a query stopped at its deadline or size limit (their messages say what to change).

    Syntax and validation errors carry no original error and are never masked.
    """
    original = error.original_error
    return not (original is None or isinstance(
        original, GraphQLError | GraphQLUserError | QueryTimeoutError | ResultTooLargeError))
