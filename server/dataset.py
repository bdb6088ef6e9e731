"""The dataset describing itself: VoID at /.well-known/void, DCAT + HTML at /dataset, /dumps/...

Counts come from the version's build-time statistics; the dumps are files written with the
version (graph/dumps.py) and are served with a strong ETag (their SHA-256) and Last-Modified.
`dataset_jsonld(...)` is the schema.org `Dataset` for embedding in a landing page.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from healthgraph.graph.dataset_description import (
    CC_BY_4,
    DESCRIPTION,
    KEYWORDS,
    OGL_3,
    TITLE,
    AccessPoints,
    dataset_iri,
    describe_dataset,
)
from healthgraph.graph.dumps import dump_path
from healthgraph.graph.namespaces import HG, ORG, SCHEMA, SKOS
from healthgraph.graph.versions import VersionInfo
from healthgraph.server import conneg
from healthgraph.server.conditional import is_fresh, not_modified, validators
from healthgraph.server.errors import NotFound
from healthgraph.server.links import Linker, compact
from healthgraph.server.pages import render
from healthgraph.server.rdf_output import load_context, write_graph
from healthgraph.server.resources import choose_format
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from healthgraph.server.app import Services

# The classes the dataset page offers to browse, each a page of `resources-by-type`.
BROWSE: tuple[tuple[str, str], ...] = (
    ("Partnerships", f"{HG}Partnership"),
    ("Organisations", f"{ORG}Organization"),
    ("Countries", f"{SCHEMA}Country"),
    ("Guidance documents", f"{HG}GuidanceDocument"),
    ("Programmes", f"{HG}Programme"),
    ("Health boards", f"{HG}HealthBoard"),
    ("Themes", f"{SKOS}Concept"),
)


# Turtle first: a client that accepts anything gets VoID, a browser (text/html) the page.
VOID_FORMATS = (*(f for f in conneg.RESOURCE_FORMATS if f is not conneg.HTML), conneg.HTML)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def access_points(request: Request) -> AccessPoints:
    return AccessPoints(str(request.base_url))


def dataset_jsonld(version: VersionInfo, base_iri: str, access: AccessPoints) -> dict[str, Any]:
    """schema.org `Dataset` (JSON-LD) for a landing page's `<script type="application/ld+json">`."""
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(dataset_iri(base_iri)),
        "name": TITLE,
        "description": DESCRIPTION,
        "url": str(access.url("dataset")),
        "license": CC_BY_4,
        "isBasedOn": OGL_3,
        "creditText": "healthgraph contributors; source pages under the Open Government Licence v3.0",
        "keywords": list(KEYWORDS),
        "version": version.id,
        "dateModified": version.built_at.isoformat(),
        "creator": {"@type": "Organization", "name": "healthgraph contributors"},
        "isAccessibleForFree": True,
        "spatialCoverage": ["Scotland", "Malawi", "Zambia", "Rwanda"],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": dump.title,
                "encodingFormat": dump.media_type,
                "contentUrl": str(access.url(f"dumps/{dump.file}")),
                "contentSize": f"{dump.bytes} B",
                "sha256": dump.sha256,
            }
            for dump in version.dumps
        ],
    }


def _script_json(value: dict[str, Any]) -> str:
    """JSON safe inside a <script> element (no '<', '>' or '&' that could end it)."""
    text = json.dumps(value, indent=1, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _description_response(request: Request, media: conneg.MediaType) -> Response:
    services = _services(request)
    snapshot = services.current.snapshot()
    version = snapshot.version
    etag = f'W/"{version.id}-{media.name}"'
    headers = {**validators(etag, version.built_at), "Vary": "Accept"}
    linker = Linker.for_request(request, services.settings.base_iri)
    alternates = [
        f'<{linker.path("/dataset")}?{urlencode({"_mediatype": f.name})}>; rel="alternate"; '
        f'type="{f.media_type}"'
        for f in conneg.RESOURCE_FORMATS if f is not conneg.HTML
    ]
    headers["Link"] = ", ".join([
        *alternates,
        f'<{linker.path("/sparql")}>; rel="service"',
        *(f'<{linker.path("/dumps/" + d.file)}>; rel="item"; type="{d.media_type}"' for d in version.dumps),
    ])
    if is_fresh(request, etag, version.built_at):
        return not_modified(headers)
    access = access_points(request)
    if media is conneg.HTML:
        stats = version.statistics
        classes = sorted(stats.get("classes", {}).items(), key=lambda item: (-item[1], item[0]))
        def browse_href(cls: str) -> str:
            return linker.path("/queries/resources-by-type") + "?" + urlencode({"type": cls})

        browse = [(label, stats.get("classes", {}).get(cls, 0), browse_href(cls)) for label, cls in BROWSE]
        return render(request, "dataset.html", {
            "version": version,
            "stats": stats,
            "classes": classes,
            "browse": browse,
            "browse_href": browse_href,
            "compact": compact,
            "href": linker.href,
            "title": TITLE,
            "description": DESCRIPTION,
            "jsonld": _script_json(dataset_jsonld(version, services.settings.base_iri, access)),
            "licence": CC_BY_4,
            "ogl": OGL_3,
        }, headers=headers)
    graph = describe_dataset(version, services.settings.base_iri, access)
    body = write_graph(graph, media,
                       context=load_context(services.settings.ontology_dir / "context.jsonld"),
                       context_url=str(request.url_for("ontology_context")))
    return Response(body, media_type=conneg.with_charset(media.media_type), headers=headers)


async def dataset(request: Request) -> Response:
    """HTML page, or the VoID/DCAT description in an RDF format."""
    return _description_response(request, choose_format(request, None))


async def void(request: Request) -> Response:
    """The VoID description (Turtle to a client that accepts anything); browsers go to /dataset."""
    if request.query_params.get("_mediatype"):
        media = choose_format(request, None)
    else:
        negotiated = conneg.negotiate(request.headers.get("accept"), VOID_FORMATS)
        if negotiated is None:
            media = choose_format(request, None)  # raises 406 with the list of formats
        elif negotiated is conneg.HTML:
            return RedirectResponse(request.url_for("dataset").path, status_code=303,
                                    headers={"Vary": "Accept"})
        else:
            media = negotiated
    return _description_response(request, conneg.TURTLE if media is conneg.HTML else media)


async def dumps_index(request: Request) -> Response:
    return RedirectResponse(request.url_for("dataset").path + "#downloads", status_code=303)


async def dump(request: Request) -> Response:
    """One dump file of the current version, with its SHA-256 as a strong ETag."""
    version = _services(request).current.snapshot().version
    name = request.path_params["file"]
    found = next((d for d in version.dumps if d.file == name), None)
    if found is None:
        raise NotFound(f"no dump {name!r}; the dumps are listed at /dataset")
    etag = f'"{found.sha256}"'
    headers = {**validators(etag, version.built_at), "Cache-Control": "public, max-age=3600",
               "Content-Disposition": f'attachment; filename="{found.file}"'}
    if is_fresh(request, etag, version.built_at):
        return not_modified(headers)
    response = FileResponse(dump_path(version.path, found.file), media_type=found.media_type, headers=headers)
    if found.compression:
        response.headers["Content-Type"] = found.compression
    return response


def routes() -> list[Route]:
    return [
        Route("/.well-known/void", void, methods=["GET", "HEAD"], name="void"),
        Route("/dataset", dataset, methods=["GET", "HEAD"], name="dataset"),
        Route("/dumps", dumps_index, methods=["GET", "HEAD"], name="dumps"),
        Route("/dumps/{file}", dump, methods=["GET", "HEAD"], name="dump"),
    ]
