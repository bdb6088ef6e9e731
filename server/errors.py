"""Errors a request can end in, each with its status; turned into responses in app.py only."""

from __future__ import annotations

from healthgraph.graph.executor import (
    ExecutorClosedError,
    QueryAbortedError,
    QueryFailedError,
    QueryTimeoutError,
)
from healthgraph.graph.graph_store import GraphDataError, GraphNotFoundError
from healthgraph.graph.sparql_checks import OutboundRequestRefused, UpdateDatasetConflict
from healthgraph.graph.sparql_tokens import SparqlLexError
from healthgraph.graph.store import QuerySyntaxError, ResultTooLargeError
from healthgraph.graph.validation import ShapeViolationError


class HttpError(Exception):
    status = 500
    title = "Internal Server Error"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(HttpError):
    status = 400
    title = "Bad Request"


class Unauthorized(HttpError):
    status = 401
    title = "Unauthorized"


class Forbidden(HttpError):
    status = 403
    title = "Forbidden"


class NotFound(HttpError):
    status = 404
    title = "Not Found"


class MethodNotAllowed(HttpError):
    status = 405
    title = "Method Not Allowed"


class NotAcceptable(HttpError):
    status = 406
    title = "Not Acceptable"


class RequestTimeout(HttpError):
    status = 408
    title = "Request Timeout"


class PayloadTooLarge(HttpError):
    status = 413
    title = "Payload Too Large"


class UnsupportedMediaType(HttpError):
    status = 415
    title = "Unsupported Media Type"


class NotImplementedHere(HttpError):
    status = 501
    title = "Not Implemented"


class ServiceUnavailable(HttpError):
    status = 503
    title = "Service Unavailable"


class UnprocessableContent(HttpError):
    status = 422
    title = "Unprocessable Content"


GRAPH_ERRORS: dict[type[Exception], tuple[type[HttpError], str]] = {
    QuerySyntaxError: (BadRequest, "syntax error: "),
    SparqlLexError: (BadRequest, "syntax error: "),
    OutboundRequestRefused: (BadRequest, ""),
    UpdateDatasetConflict: (BadRequest, ""),
    ResultTooLargeError: (BadRequest, "narrow the query or add a LIMIT: "),
    GraphNotFoundError: (NotFound, ""),
    GraphDataError: (BadRequest, ""),
    QueryTimeoutError: (ServiceUnavailable, ""),
    QueryAbortedError: (ServiceUnavailable, ""),
    ExecutorClosedError: (ServiceUnavailable, ""),
    ShapeViolationError: (UnprocessableContent, "the update was not applied: "),
    QueryFailedError: (HttpError, "the query engine failed: "),
}
"""Errors raised below the server (graph/), each with the HTTP error it answers as and a
prefix for its message."""


def from_graph_error(error: Exception) -> HttpError:
    """The HTTP error for an error of graph/ (the most specific entry of GRAPH_ERRORS)."""
    for cls in type(error).__mro__:
        if cls in GRAPH_ERRORS:
            http, prefix = GRAPH_ERRORS[cls]
            return http(prefix + str(error))
    return HttpError(str(error))
