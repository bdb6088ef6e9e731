"""The OpenAPI 3.0 document of the named queries API, generated from the `#+` headers."""

from __future__ import annotations

from typing import Any

from healthgraph.graph.queries import NamedQuery
from healthgraph.server import conneg

SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "year": {"type": "integer", "minimum": 0, "maximum": 9999},
    "iri": {"type": "string", "format": "uri", "pattern": "^https?://"},
    "country": {"type": "string", "pattern": "^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$"},
    "board": {"type": "string", "pattern": "^(S08[0-9]{6}|[a-z0-9]+(-[a-z0-9]+)*)$"},
    "key": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
}

ERROR = {
    "type": "object",
    "properties": {"status": {"type": "integer"}, "error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["status", "error", "message"],
}


def _parameter(query: NamedQuery, index: int) -> dict[str, Any]:
    parameter = query.parameters[index]
    schema = dict(SCHEMAS[parameter.type.name])
    if parameter.default is not None:
        schema["default"] = int(parameter.default) if schema["type"] == "integer" else parameter.default
    return {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required,
        "description": f"{parameter.description} ({parameter.type.expected})".strip(),
        "schema": schema,
    }


def _operation(query: NamedQuery) -> dict[str, Any]:
    parameters = [_parameter(query, i) for i in range(len(query.parameters))]
    if query.paginate:
        parameters.append({
            "name": "page", "in": "query", "required": False,
            "description": f"page number, {query.paginate} rows a page; Link headers give next/prev",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        })
    graph = query.form in ("CONSTRUCT", "DESCRIBE")
    formats = conneg.GRAPH_FORMATS if graph else conneg.SOLUTION_FORMATS
    return {
        "operationId": query.name.replace("-", "_"),
        "summary": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "the results, in the format asked for by Accept (or a .json/.csv/.ttl suffix)",
                "content": {
                    **{f.media_type: {"schema": {"type": "string"}} for f in formats},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            "400": {"description": "a parameter value does not fit its declared type",
                    "content": {"application/json": {"schema": ERROR}}},
            "406": {"description": "no acceptable result format",
                    "content": {"application/json": {"schema": ERROR}}},
        },
    }


def openapi_document(queries: dict[str, NamedQuery], server_url: str) -> dict[str, Any]:
    """OpenAPI 3.0.3: one GET path per named query, parameters typed from its header."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "healthgraph named queries",
            "version": "1.0.0",
            "description": "Every SPARQL query in queries/*.rq as a GET endpoint (the grlc pattern). "
                           "Parameters are checked against their declared types and bound as RDF terms.",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server_url}],
        "paths": {f"/queries/{name}": {"get": _operation(query)} for name, query in sorted(queries.items())},
        "components": {"schemas": {"Error": ERROR}},
    }
