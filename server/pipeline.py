"""Ties loading to the store: the sources of a build and how it is checked.

The one place (with the CLI that calls it) where loaders and graph meet.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
from healthgraph.graph import duplicates
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.remote_store import Endpoints, auth_for
from healthgraph.graph.remote_versions import RemoteVersions
from healthgraph.graph.sources import Source
from healthgraph.graph.versions import BuildOptions, Progress, VersionedStore, VersionInfo
from healthgraph.loaders.csv_map import CsvDataset
from healthgraph.loaders.rdf_files import FORMATS, rdf_file_source
from healthgraph.server.settings import Settings, SettingsError

ONTOLOGY_FILES_NOT_LOADED = frozenset({"shapes.ttl", "context.jsonld"})


def collect_sources(settings: Settings) -> list[Source]:
    """Every source of a build: the ontology files, the CSV files, extra RDF files in data/."""
    minter = IriMinter(settings.base_iri)
    sources = [
        rdf_file_source(path, minter, name=f"ontology-{path.stem}")
        for path in sorted(settings.ontology_dir.iterdir())
        if path.suffix in FORMATS and path.name not in ONTOLOGY_FILES_NOT_LOADED
    ]
    sources += CsvDataset(settings.data_dir, minter).sources()
    sources += [
        rdf_file_source(path, minter)
        for path in sorted(settings.data_dir.iterdir())
        if path.suffix in FORMATS
    ]
    return sources


def build_options(settings: Settings, *, validate: bool = True) -> BuildOptions:
    minter = IriMinter(settings.base_iri)
    return BuildOptions(
        base_iri=settings.base_iri,
        shapes=settings.shapes_path if settings.shapes_path.exists() else None,
        inferred_graph=minter.inferred_graph,
        metadata_graph=minter.metadata_graph,
        validate=validate,
        dumps=settings.build_dumps,
    )


def versioned_store(settings: Settings) -> VersionedStore:
    return VersionedStore(settings.state_dir)


def endpoints(settings: Settings) -> Endpoints:
    """The engine's query, update and Graph Store URLs with their auth: each URL defaults to
    the layout of HEALTHGRAPH_STORE_ENGINE under HEALTHGRAPH_STORE (Oxigraph: /query, /update,
    /store and its bulk-loading Graph Store writes; Virtuoso: /sparql, /sparql-auth,
    /sparql-graph-crud-auth; another engine: every URL given)."""
    match settings.store_engine:
        case "oxigraph":
            default: Endpoints | None = Endpoints.oxigraph(settings.store)
        case "virtuoso":
            default = Endpoints.virtuoso(settings.store)
        case _:
            default = None

    def url(given: str | None, fallback: str, name: str) -> str:
        if given:
            return given
        if default is None:
            raise SettingsError(f"HEALTHGRAPH_STORE_ENGINE={settings.store_engine} needs "
                                f"HEALTHGRAPH_STORE_{name}_URL")
        return fallback

    def auth(scheme: str) -> httpx.Auth | None:
        return auth_for(scheme, settings.store_user, settings.store_password)

    return Endpoints(
        url(settings.store_query_url, default.query_url if default else "", "QUERY"),
        url(settings.store_update_url, default.update_url if default else "", "UPDATE"),
        url(settings.store_graph_url, default.store_url if default else "", "GRAPH"),
        query_auth=auth(settings.store_query_auth),
        update_auth=auth(settings.store_update_auth),
        store_auth=auth(settings.store_graph_auth),
        bulk_load_params=default.bulk_load_params if default else (),
    )


def remote_versions(settings: Settings) -> RemoteVersions:
    return RemoteVersions(
        endpoints(settings), settings.base_iri, settings.state_dir / "remote",
        timeout=settings.max_query_timeout,
    )


def version_source(settings: Settings) -> VersionedStore | RemoteVersions:
    """The versions the app serves: local (embedded) or on the SPARQL engine (remote)."""
    return remote_versions(settings) if settings.remote else versioned_store(settings)


def build(settings: Settings, progress: Progress) -> VersionInfo:
    """Load the data directory into a new store version and make it current (and, with a
    remote store, publish it to the engine and switch there)."""
    info = versioned_store(settings).build(collect_sources(settings), build_options(settings), progress)
    if settings.remote:
        return remote_versions(settings).publish(info, progress)
    return info


def duplicates_report(settings: Settings, progress: Progress) -> Iterator[str]:
    """The probable duplicates in the input files, as text: a throw-away build (in a temporary
    state directory, so nothing current changes) and its report."""
    with tempfile.TemporaryDirectory(prefix="healthgraph-duplicates-") as scratch:
        info = VersionedStore(Path(scratch)).build(
            collect_sources(settings), build_options(settings), progress
        )
        found = duplicates.read_report(info.path)
    yield f"{len(found)} probable duplicates (score >= {duplicates.THRESHOLD}; nothing is merged)"
    yield from duplicates.describe(found)
