"""GraphQL over HTTP: Strawberry's ASGI view made to follow the GraphQL-over-HTTP spec.

- GET (queries only) and POST `application/json`; anything else is 405 / 415.
- The response is `application/graphql-response+json` when the client accepts it, else
  `application/json`; 406 when it accepts neither.
- With `application/graphql-response+json`, a request that fails before execution (syntax,
  validation, variable coercion) is a 400 without a `data` entry; with `application/json` it
  is a 200, as the spec asks. Malformed requests (bad JSON, bad parameters) are 400.
- GET with `Accept: text/html` and no query serves GraphiQL from our vendored assets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from healthgraph.graph.iris import IriMinter
from healthgraph.server import conneg
from healthgraph.server.graphql.context import Context, Limits, Reads
from healthgraph.server.graphql.examples import EXAMPLES
from healthgraph.server.pages import templates
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.types import ExecutionResult

GRAPHQL_RESPONSE = conneg.MediaType("graphql-response", "application/graphql-response+json")
JSON = conneg.MediaType("json", "application/json")
OFFERS = (GRAPHQL_RESPONSE, JSON)
STATE_KEY = "graphql_request_failed"


def _is_request_error(result: ExecutionResult) -> bool:
    """Failed before execution: no data, and no error has a response path."""
    return result.data is None and bool(result.errors) and all(
        error.path is None for error in result.errors or ()
    )


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: BaseSchema, reads: Callable[[], Reads], minter: IriMinter,
                 limits: Limits) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True,
                         subscription_protocols=())
        self.reads = reads
        self.minter = minter
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            response: Response = Response("GraphQL over HTTP only", status_code=404)
        else:
            response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return self._error(405, "use GET or POST", JSON, {"Allow": "GET, POST"})
        accept = request.headers.get("accept")
        if request.method == "GET" and "query" not in request.query_params and _wants_html(accept):
            return await self.render_graphql_ide(request)
        media = choose_media_type(accept)
        if media is None:
            return self._error(406, "accept application/graphql-response+json or application/json",
                               JSON)
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                return self._error(415, "POST needs Content-Type: application/json", media)
        try:
            response = await self.run(request)
        except HTTPException as error:
            return self._error(error.status_code, error.reason, media)
        failed = getattr(request.state, STATE_KEY, False)
        response.status_code = 400 if failed and media is GRAPHQL_RESPONSE else 200
        response.headers["content-type"] = f"{media.media_type}; charset=utf-8"
        response.headers["cache-control"] = "no-store"
        return response

    def _error(self, status: int, message: str, media: conneg.MediaType,
               headers: dict[str, str] | None = None) -> Response:
        body = json.dumps({"errors": [{"message": message}]})
        return Response(body, status_code=status, headers=headers,
                        media_type=f"{media.media_type}; charset=utf-8")

    def decode_json(self, data: str | bytes) -> object:
        """JSON, or a 400 for a body that is not UTF-8 or nests too deep to parse."""
        try:
            return json.loads(data)
        except UnicodeDecodeError as error:
            raise HTTPException(400, f"the request body is not valid UTF-8 (byte {error.start})") \
                from error
        except RecursionError as error:
            raise HTTPException(400, "the request body nests too deeply to parse as JSON") from error

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and not isinstance(data.operation_name, str | None):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or "
                                     "null, if provided.")
        return data

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        if _is_request_error(result):
            request.state.graphql_request_failed = True
            processed.pop("data", None)
        return processed

    async def get_context(self, request: Any, response: Any) -> Context:
        reads = self.reads()
        return Context(store=reads.store, minter=self.minter, limits=self.limits,
                       request=request, response=response, text_index=reads.text_index)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        response: HTMLResponse = templates.TemplateResponse(
            request, "graphiql.html",
            {"endpoint": str(request.url.path), "examples_json": _examples_json()},
        )
        return response


def _examples_json() -> str:
    data = [{"title": e.title, "query": e.query} for e in EXAMPLES]
    # safe inside <script>: no "</" can close the element
    return json.dumps(data).replace("</", "<\\/")


def choose_media_type(accept: str | None) -> conneg.MediaType | None:
    """graphql-response+json when asked for by name; application/json for */* or no Accept."""
    media = conneg.negotiate(accept, OFFERS)
    if media is GRAPHQL_RESPONSE and GRAPHQL_RESPONSE.media_type not in (accept or "").lower():
        return JSON
    return media


def _wants_html(accept: str | None) -> bool:
    return bool(accept) and conneg.negotiate(accept, (conneg.HTML, JSON)) is conneg.HTML
