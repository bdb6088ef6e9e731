"""Errors a request can end in, each with its status; turned into responses in app.py only."""

from __future__ import annotations


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


class PayloadTooLarge(HttpError):
    status = 413
    title = "Payload Too Large"


class UnsupportedMediaType(HttpError):
    status = 415
    title = "Unsupported Media Type"


class ServiceUnavailable(HttpError):
    status = 503
    title = "Service Unavailable"
