"""Who may write: a bearer token compared in constant time."""

from __future__ import annotations

import hmac

from healthgraph.server.errors import Forbidden, Unauthorized
from starlette.datastructures import Headers

CHALLENGE = 'Bearer realm="healthgraph"'


def require_writer(headers: Headers, token: str | None, what: str) -> None:
    """403 when writes are off (no token configured) or the token is wrong; 401 without one."""
    if not token:
        raise Forbidden(f"{what} is not enabled: this endpoint is read-only")
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized(f"{what} needs 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": CHALLENGE})
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise Forbidden(f"the bearer token does not allow {what}",
                        headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
