"""All configuration, read once from HEALTHGRAPH_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from healthgraph.graph.iris import DEFAULT_BASE_IRI
from healthgraph.graph.paths import shipped_dir


class SettingsError(ValueError):
    """A setting with a value that cannot be used."""


def _default_state_dir() -> Path:
    return Path("var/healthgraph")


@dataclass(frozen=True)
class Settings:
    """Every setting, with its default. Built once at start-up and passed down."""

    base_iri: str = DEFAULT_BASE_IRI
    """HEALTHGRAPH_BASE_IRI: every resource IRI is minted under it; must end with '/'."""
    state_dir: Path = field(default_factory=_default_state_dir)
    """HEALTHGRAPH_STATE_DIR: where store versions live."""
    data_dir: Path = field(default_factory=lambda: shipped_dir("data"))
    """HEALTHGRAPH_DATA_DIR: the input files (CSV + RDF) a build reads."""
    ontology_dir: Path = field(default_factory=lambda: shipped_dir("ontology"))
    """HEALTHGRAPH_ONTOLOGY_DIR: healthgraph.ttl, shapes.ttl, context.jsonld."""
    queries_dir: Path = field(default_factory=lambda: shipped_dir("queries"))
    """HEALTHGRAPH_QUERIES_DIR: the named queries."""
    host: str = "127.0.0.1"
    """HEALTHGRAPH_HOST: address `healthgraph serve` binds to."""
    port: int = 8000
    """HEALTHGRAPH_PORT: port `healthgraph serve` listens on."""
    query_timeout: float = 30.0
    """HEALTHGRAPH_QUERY_TIMEOUT: default deadline of a query, in seconds."""
    max_query_timeout: float = 120.0
    """HEALTHGRAPH_MAX_QUERY_TIMEOUT: the most a request's `timeout` may ask for."""
    update_token: str | None = None
    """HEALTHGRAPH_UPDATE_TOKEN: enables SPARQL Update and Graph Store writes for
    `Authorization: Bearer <token>`."""
    max_request_bytes: int = 1_000_000
    """HEALTHGRAPH_MAX_REQUEST_BYTES: largest accepted request body / query string."""
    graphql_max_depth: int = 10
    """HEALTHGRAPH_GRAPHQL_MAX_DEPTH: deepest nesting of fields a GraphQL operation may have."""
    graphql_max_tokens: int = 2000
    """HEALTHGRAPH_GRAPHQL_MAX_TOKENS: most tokens a GraphQL document may have (bounds width)."""
    graphql_max_aliases: int = 30
    """HEALTHGRAPH_GRAPHQL_MAX_ALIASES: most aliases a GraphQL document may use."""
    graphql_max_page_size: int = 100
    """HEALTHGRAPH_GRAPHQL_MAX_PAGE_SIZE: largest `first` of a GraphQL connection (at most 100)."""
    build_dumps: bool = True
    """HEALTHGRAPH_BUILD_DUMPS: write the download files (N-Quads gzip, Turtle, JSON-LD) with
    each store version; `false` skips them (faster builds of very large graphs, no /dumps)."""
    max_submission_bytes: int = 20_000
    """HEALTHGRAPH_MAX_SUBMISSION_BYTES: largest accepted /contribute form or JSON body."""
    submission_rate_limit: int = 10
    """HEALTHGRAPH_SUBMISSION_RATE_LIMIT: /contribute submissions per client per minute (429 after)."""
    query_workers: int = 2
    """HEALTHGRAPH_QUERY_WORKERS: worker processes running queries (per server process); at
    least 2, so a query burning to its deadline never holds up the others."""
    query_memory_bytes: int = 2_000_000_000
    """HEALTHGRAPH_QUERY_MEMORY_BYTES: memory limit of each query worker; a query that needs
    more is stopped (503). 0: no limit."""
    max_result_bytes: int = 256_000_000
    """HEALTHGRAPH_MAX_RESULT_BYTES: largest serialised query result or graph (400 past it)."""
    result_cache_bytes: int = 64_000_000
    """HEALTHGRAPH_RESULT_CACHE_BYTES: memory for query results cached per store version (the
    replayed responses of repeated GETs have a bound of the same size; they share the bodies)."""
    service_allow_list: str = ""
    """HEALTHGRAPH_SERVICE_ALLOW_LIST: space-separated IRIs that SERVICE and LOAD may reach;
    anything else is refused (400), since the engine would fetch it from the server."""
    store: str = "embedded"
    """HEALTHGRAPH_STORE: "embedded" (pyoxigraph in the state directory) or the http(s) root URL of
    a SPARQL engine, e.g. http://127.0.0.1:7878/ (an Oxigraph server: its /query, /update and
    /store endpoints; other engines set HEALTHGRAPH_STORE_*_URL).
    Builds still run locally in HEALTHGRAPH_STATE_DIR, then are published to the engine
    (`healthgraph load`); the app serves from the engine (see HEALTHGRAPH_STORE_* below)."""
    store_engine: str = "oxigraph"
    """HEALTHGRAPH_STORE_ENGINE: the engine behind HEALTHGRAPH_STORE, which sets the default
    endpoint URLs under it and the loading path: `oxigraph` (/query, /update, /store; loads
    through its bulk loader), `virtuoso` (/sparql, /sparql-auth, /sparql-graph-crud-auth) or
    `other` (Fuseki, GraphDB, ...: set the three HEALTHGRAPH_STORE_*_URL)."""
    store_query_url: str | None = None
    """HEALTHGRAPH_STORE_QUERY_URL: the engine's SPARQL query endpoint, when it is not
    {HEALTHGRAPH_STORE}query (Virtuoso: .../sparql; Fuseki: .../{dataset}/query; GraphDB:
    .../repositories/{id})."""
    store_update_url: str | None = None
    """HEALTHGRAPH_STORE_UPDATE_URL: its SPARQL update endpoint (default {HEALTHGRAPH_STORE}update;
    Virtuoso: .../sparql-auth; GraphDB: .../repositories/{id}/statements)."""
    store_graph_url: str | None = None
    """HEALTHGRAPH_STORE_GRAPH_URL: its Graph Store Protocol endpoint (default
    {HEALTHGRAPH_STORE}store; Virtuoso: .../sparql-graph-crud-auth; Fuseki: .../{dataset}/data;
    GraphDB: .../repositories/{id}/rdf-graphs/service)."""
    store_query_auth: str = "none"
    """HEALTHGRAPH_STORE_QUERY_AUTH: none, basic or digest, for queries."""
    store_update_auth: str = "none"
    """HEALTHGRAPH_STORE_UPDATE_AUTH: none, basic or digest, for updates (Virtuoso: digest)."""
    store_graph_auth: str = "none"
    """HEALTHGRAPH_STORE_GRAPH_AUTH: none, basic or digest, for Graph Store writes and reads
    (Virtuoso: digest)."""
    store_user: str | None = None
    """HEALTHGRAPH_STORE_USER: the user of basic/digest auth (Virtuoso: one with SPARQL_UPDATE)."""
    store_password: str | None = None
    """HEALTHGRAPH_STORE_PASSWORD: its password."""
    client_requests_per_second: float = 50.0
    """HEALTHGRAPH_CLIENT_REQUESTS_PER_SECOND: average requests a second one client (address)
    may make; over it, 429 with Retry-After. 0: no request budget."""
    client_request_burst: int = 500
    """HEALTHGRAPH_CLIENT_REQUEST_BURST: requests a client may make at once above the average."""
    client_query_seconds_per_minute: float = 60.0
    """HEALTHGRAPH_CLIENT_QUERY_SECONDS_PER_MINUTE: seconds a minute one client may spend in
    query routes (/sparql, /graphql, /queries), with bursts up to the same amount; 0: none."""
    max_header_bytes: int = 65_536
    """HEALTHGRAPH_MAX_HEADER_BYTES: largest total size of a request's headers (413 past it)."""
    body_timeout: float = 30.0
    """HEALTHGRAPH_BODY_TIMEOUT: seconds within which a request body must have arrived (408)."""
    keep_alive_timeout: float = 5.0
    """HEALTHGRAPH_KEEP_ALIVE_TIMEOUT: idle seconds before uvicorn closes a kept-alive connection."""
    max_connections: int = 1000
    """HEALTHGRAPH_MAX_CONNECTIONS: open connections per server process; past it uvicorn
    answers 503 at once."""
    log_format: str = "json"
    """HEALTHGRAPH_LOG_FORMAT: `json` (one object a line, with request ids) or `text`."""

    def __post_init__(self) -> None:
        if not self.base_iri.endswith("/") or not self.base_iri.startswith(("http://", "https://")):
            raise SettingsError(f"HEALTHGRAPH_BASE_IRI must be an http(s) IRI ending in '/': "
                                f"{self.base_iri!r}")
        if self.store != "embedded" and not self.store.startswith(("http://", "https://")):
            raise SettingsError(f"HEALTHGRAPH_STORE must be 'embedded' or an http(s) URL: {self.store!r}")
        if self.store_engine not in ("oxigraph", "virtuoso", "other"):
            raise SettingsError(f"HEALTHGRAPH_STORE_ENGINE must be oxigraph, virtuoso or other: "
                                f"{self.store_engine!r}")
        if self.store_engine == "other" and self.remote and not (
                self.store_query_url and self.store_update_url and self.store_graph_url):
            raise SettingsError("HEALTHGRAPH_STORE_ENGINE=other needs HEALTHGRAPH_STORE_QUERY_URL, "
                                "HEALTHGRAPH_STORE_UPDATE_URL and HEALTHGRAPH_STORE_GRAPH_URL")
        for scheme in (self.store_query_auth, self.store_update_auth, self.store_graph_auth):
            if scheme.lower() not in ("none", "basic", "digest"):
                raise SettingsError(f"HEALTHGRAPH_STORE_*_AUTH must be none, basic or digest: {scheme!r}")
            if scheme.lower() != "none" and (self.store_user is None or self.store_password is None):
                raise SettingsError("basic/digest auth needs HEALTHGRAPH_STORE_USER and "
                                    "HEALTHGRAPH_STORE_PASSWORD")
        if self.query_timeout <= 0 or self.max_query_timeout < self.query_timeout:
            raise SettingsError("need 0 < HEALTHGRAPH_QUERY_TIMEOUT <= HEALTHGRAPH_MAX_QUERY_TIMEOUT")
        if self.query_workers < 2:
            raise SettingsError("HEALTHGRAPH_QUERY_WORKERS must be at least 2")

    @property
    def allowed_outbound(self) -> frozenset[str]:
        """The IRIs of HEALTHGRAPH_SERVICE_ALLOW_LIST."""
        return frozenset(self.service_allow_list.split())

    @property
    def remote(self) -> bool:
        """Whether the graph is served by a remote SPARQL engine."""
        return self.store != "embedded"

    @property
    def shapes_path(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def submissions_path(self) -> Path:
        """The review queue of /contribute (SQLite), beside the store versions."""
        return self.state_dir / "submissions.sqlite"

    @property
    def ontology_path(self) -> Path:
        return self.ontology_dir / "healthgraph.ttl"

    def to_env(self) -> dict[str, str]:
        """These settings as HEALTHGRAPH_* variables (for worker processes)."""
        return {
            f"HEALTHGRAPH_{item.name.upper()}": str(getattr(self, item.name))
            for item in fields(self)
            if getattr(self, item.name) is not None
        }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from `environ` (default: os.environ); keyword overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for item in fields(cls):
            key = f"HEALTHGRAPH_{item.name.upper()}"
            if key not in env or env[key] == "":
                continue
            raw = env[key]
            try:
                values[item.name] = _cast(item.type, raw)
            except ValueError as error:
                raise SettingsError(f"{key}={raw!r}: {error}") from error
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True,
             "0": False, "false": False, "no": False, "off": False}


def _cast(type_name: object, raw: str) -> object:
    text = str(type_name)
    if "Path" in text:
        return Path(raw)
    if text == "bool":
        if raw.strip().lower() not in _BOOLEANS:
            raise ValueError("expected true or false")
        return _BOOLEANS[raw.strip().lower()]
    if text == "int":
        return int(raw)
    if text == "float":
        return float(raw)
    return raw
