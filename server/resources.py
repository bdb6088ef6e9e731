"""Dereferenceable IRIs: `/id/...` names a thing, `/doc/...` is the document about it.

`GET /id/{path}` answers with 303 See Other to `/doc/{path}` (HTML) or `/doc/{path}.{ext}`
(Turtle, JSON-LD, N-Triples, RDF/XML), chosen by `Accept` or `?_mediatype=`. `/doc/{path}` serves
the description in that format, with `Link: rel=alternate` to every other format. A request for
`/id/x` on any host means `{base_iri}id/x`, so every IRI dereferences wherever this is hosted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from healthgraph.graph.resources import (
    describe,
    exists,
    inverse_links,
    provenance,
    term_labels,
    to_rdflib,
)
from healthgraph.server import collaborate, conneg
from healthgraph.server.conditional import is_fresh, not_modified, validators
from healthgraph.server.errors import BadRequest, NotAcceptable, NotFound
from healthgraph.server.links import Linker
from healthgraph.server.pages import render
from healthgraph.server.rdf_output import load_context, write_graph
from healthgraph.server.resource_view import Format, build_page
from pyoxigraph import NamedNode
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from healthgraph.server.app import Services

MACHINE_FORMATS = tuple(f for f in conneg.RESOURCE_FORMATS if f is not conneg.HTML)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def choose_format(request: Request, suffix_format: conneg.MediaType | None) -> conneg.MediaType:
    """The format asked for: a path suffix, then `?_mediatype=`, then `Accept`."""
    if suffix_format is not None:
        return suffix_format
    override = request.query_params.get("_mediatype")
    if override:
        chosen = conneg.by_name(override, conneg.RESOURCE_FORMATS)
        if chosen is None:
            raise BadRequest(
                f"_mediatype={override!r} is not one of "
                + ", ".join(f.media_type for f in conneg.RESOURCE_FORMATS)
            )
        return chosen
    negotiated = conneg.negotiate(request.headers.get("accept"), conneg.RESOURCE_FORMATS)
    if negotiated is None:
        raise NotAcceptable(
            "a resource can be sent as " + ", ".join(f.media_type for f in conneg.RESOURCE_FORMATS),
            headers={"Vary": "Accept"},
        )
    return negotiated


def alternates(linker: Linker, tail: str) -> list[Format]:
    """Every format of the document about `/id/{tail}`, HTML first."""
    return [
        Format(f.name, f.media_type,
               linker.path(f"/doc/{tail}" + ("" if f is conneg.HTML else f".{f.suffix}")))
        for f in conneg.RESOURCE_FORMATS
    ]


def link_header(formats: list[Format], extra: list[str] | None = None) -> str:
    links = [f'<{f.href}>; rel="alternate"; type="{f.media_type}"' for f in formats]
    return ", ".join([*links, *(extra or [])])


def _iri(base_iri: str, tail: str) -> str:
    iri = f"{base_iri}id/{tail}"
    try:
        NamedNode(iri)
    except ValueError:
        raise NotFound(f"{iri!r} is not an IRI this dataset can mint") from None
    return iri


def _not_found(request: Request, linker: Linker, iri: str, media: conneg.MediaType) -> Response:
    term = iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
    search = linker.path("/partnerships") + "?" + urlencode({"q": term})
    message = f"nothing is known about <{iri}>; search for it at {search}"
    headers = {"Link": f'<{search}>; rel="search"', "Cache-Control": "no-store"}
    if media is conneg.HTML:
        return render(request, "not_found.html", {"iri": iri, "search": search, "term": term},
                      status_code=404, headers=headers)
    raise NotFound(message, headers=headers)


async def resource_id(request: Request) -> Response:
    """303 See Other from the thing to the document about it, in the negotiated format."""
    services = _services(request)
    tail, suffix_format = conneg.by_suffix(request.path_params["path"], MACHINE_FORMATS)
    media = choose_format(request, suffix_format)
    iri = _iri(services.settings.base_iri, tail)
    linker = Linker.for_request(request, services.settings.base_iri)
    snapshot = services.current.snapshot()
    if not await run_in_threadpool(exists, snapshot.store, iri):
        return _not_found(request, linker, iri, media)
    target = linker.path(f"/doc/{tail}" + ("" if media is conneg.HTML else f".{media.suffix}"))
    return RedirectResponse(
        target, status_code=303,
        headers={"Vary": "Accept", "Link": link_header(alternates(linker, tail))},
    )


async def resource_doc(request: Request) -> Response:
    """The description of `/id/{path}` as HTML or RDF."""
    services = _services(request)
    tail, suffix_format = conneg.by_suffix(request.path_params["path"], MACHINE_FORMATS)
    media = choose_format(request, suffix_format)
    linker = Linker.for_request(request, services.settings.base_iri)
    return await describe_response(
        request, _iri(services.settings.base_iri, tail), media, alternates(linker, tail),
        about=linker.path("/id/" + tail), negotiated=suffix_format is None,
    )


async def describe_response(
    request: Request,
    iri: str,
    media: conneg.MediaType,
    formats: list[Format],
    *,
    about: str | None = None,
    negotiated: bool = True,
) -> Response:
    """The description of `iri` in `media`, with validators and Link headers to `formats`."""
    services = _services(request)
    linker = Linker.for_request(request, services.settings.base_iri)
    snapshot = services.current.snapshot()
    etag = f'W/"{snapshot.version.id}-{media.name}"'
    headers = {
        **validators(etag, snapshot.version.built_at),
        "Link": link_header(formats, [f'<{about}>; rel="about"'] if about else []),
    }
    if negotiated:
        headers["Vary"] = "Accept"
    if is_fresh(request, etag, snapshot.version.built_at):
        return not_modified(headers)
    triples = await run_in_threadpool(describe, snapshot.store, iri)
    if not triples:
        return _not_found(request, linker, iri, media)
    if media is conneg.HTML:
        store = snapshot.store
        inverse = await run_in_threadpool(inverse_links, store, iri)
        graphs = await run_in_threadpool(provenance, store, iri)
        labels = await run_in_threadpool(term_labels, store)
        page = build_page(iri, triples, inverse, graphs, labels, linker, formats)
        sections = await run_in_threadpool(
            collaborate.partnership_sections, store, services.settings.base_iri, iri)
        return render(request, "resource.html",
                      {"page": page, "version": snapshot.version, **sections}, headers=headers)
    body = write_graph(
        to_rdflib(triples), media,
        context=load_context(services.settings.ontology_dir / "context.jsonld"),
        context_url=str(request.url_for("ontology_context")),
    )
    return Response(body, media_type=conneg.with_charset(media.media_type), headers=headers)


async def provenance_resource(request: Request) -> Response:
    """A named graph (`{base}graph/x`) or a build (`{base}build/id`): described where it is named.

    These are the PROV entities and activities of the metadata graph; their IRIs are the
    documents themselves, so they answer 200 by content negotiation (no 303).
    """
    services = _services(request)
    linker = Linker.for_request(request, services.settings.base_iri)
    kind = request.url.path.removeprefix(linker.root_path).split("/")[1]
    name = request.path_params["name"]
    iri = f"{services.settings.base_iri}{kind}/{name}"
    try:
        NamedNode(iri)
    except ValueError:
        raise NotFound(f"{iri!r} is not an IRI this dataset can mint") from None
    media = choose_format(request, None)
    local = linker.path(f"/{kind}/{name}")
    formats = [
        Format(f.name, f.media_type,
               local + ("" if f is conneg.HTML else "?" + urlencode({"_mediatype": f.name})))
        for f in conneg.RESOURCE_FORMATS
    ]
    return await describe_response(request, iri, media, formats)


async def catalog(request: Request) -> Response:
    """`{base}catalog`, the DCAT catalogue, is described with the dataset."""
    return RedirectResponse(request.url_for("dataset").path, status_code=303)


def routes() -> list[Route]:
    return [
        Route("/id/{path:path}", resource_id, methods=["GET", "HEAD"], name="resource_id"),
        Route("/doc/{path:path}", resource_doc, methods=["GET", "HEAD"], name="resource_doc"),
        Route("/graph/{name}", provenance_resource, methods=["GET", "HEAD"], name="source_graph"),
        Route("/build/{name}", provenance_resource, methods=["GET", "HEAD"], name="build"),
        Route("/catalog", catalog, methods=["GET", "HEAD"], name="catalog"),
    ]
