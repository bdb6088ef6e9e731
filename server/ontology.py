"""The ontology at its IRI: an HTML reference, the Turtle itself, the shapes and the JSON-LD context.

`/ontology` is where `https://w3id.org/healthgraph/ontology` (and every `...ontology#Term`)
lands: HTML for browsers, the Turtle file for `Accept: text/turtle` or `?_mediatype=turtle`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from healthgraph.graph.ontology_reference import OntologyReference, read_reference
from healthgraph.server import conneg
from healthgraph.server.errors import BadRequest, NotAcceptable
from healthgraph.server.links import Linker, compact
from healthgraph.server.pages import render
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from healthgraph.server.app import Services

ONTOLOGY_FORMATS = (conneg.HTML, conneg.TURTLE)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


@lru_cache(maxsize=4)
def _reference(ontology: Path, shapes: Path, _stamp: tuple[float, float]) -> OntologyReference:
    return read_reference(ontology, shapes)


def reference(ontology: Path, shapes: Path) -> OntologyReference:
    """The reference, re-read when either file changes."""
    stamp = (ontology.stat().st_mtime, shapes.stat().st_mtime if shapes.exists() else 0.0)
    return _reference(ontology, shapes, stamp)


def _file(path: Path, media_type: str) -> Response:
    return FileResponse(path, media_type=conneg.with_charset(media_type),
                        headers={"Cache-Control": "public, max-age=300"})


async def ontology(request: Request) -> Response:
    settings = _services(request).settings
    override = request.query_params.get("_mediatype")
    if override:
        media = conneg.by_name(override, ONTOLOGY_FORMATS)
        if media is None:
            raise BadRequest(f"_mediatype={override!r}: the ontology is offered as text/html or text/turtle")
    else:
        media = conneg.negotiate(request.headers.get("accept"), ONTOLOGY_FORMATS)
        if media is None:
            raise NotAcceptable("the ontology is offered as text/html or text/turtle")
    if media is conneg.TURTLE:
        response = _file(settings.ontology_path, conneg.TURTLE.media_type)
        response.headers["Vary"] = "Accept"
        return response
    linker = Linker.for_request(request, settings.base_iri)
    links = ", ".join([
        f'<{linker.path("/ontology.ttl")}>; rel="alternate"; type="text/turtle"',
        f'<{linker.path("/ontology/shapes.ttl")}>; rel="describedby"; type="text/turtle"',
        f'<{linker.path("/ontology/context.jsonld")}>; rel="alternate"; type="application/ld+json"',
    ])
    return render(request, "ontology.html", {
        "ref": reference(settings.ontology_path, settings.shapes_path),
        "compact": compact,
        "href": linker.href,
    }, headers={"Vary": "Accept", "Link": links})


async def ontology_turtle(request: Request) -> Response:
    return _file(_services(request).settings.ontology_path, conneg.TURTLE.media_type)


async def shapes_turtle(request: Request) -> Response:
    return _file(_services(request).settings.shapes_path, conneg.TURTLE.media_type)


async def context(request: Request) -> Response:
    return _file(_services(request).settings.ontology_dir / "context.jsonld", "application/ld+json")


def routes() -> list[Route]:
    return [
        Route("/ontology", ontology, methods=["GET", "HEAD"], name="ontology"),
        Route("/ontology.ttl", ontology_turtle, methods=["GET", "HEAD"], name="ontology_turtle"),
        Route("/ontology/shapes.ttl", shapes_turtle, methods=["GET", "HEAD"], name="ontology_shapes"),
        Route("/ontology/context.jsonld", context, methods=["GET", "HEAD"], name="ontology_context"),
    ]
