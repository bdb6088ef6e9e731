"""The Store interface over any SPARQL 1.1 server: the SPARQL Protocol for queries and updates,
the Graph Store Protocol for loading.

Everything the app writes goes into named graphs, and every read is scoped: a query is sent
with the current version's graphs as `default-graph-uri` and `named-graph-uri`, so the engine's
own default graph (and any older or half-written version) is never seen. The version's graphs
have engine names of their own (`aliases`): graph IRIs in a request are renamed to them and
results are mapped back. The engine answers in SPARQL JSON or N-Triples, which every engine
writes alike, and pyoxigraph writes the negotiated format, so every engine gives the same bytes.

Deadlines: each query carries `timeout` (milliseconds, read by engines that honour it) and the
HTTP client gives up at the same deadline plus a small margin, so a stuck engine becomes a
`RemoteTimeoutError`, never a hung request; so does an answer the engine marks as partial
(Virtuoso's `X-SQL-State: S1TAT`). An answer cut at a row cap (`X-SPARQL-MaxRows`) is a
`RemoteTruncatedError`. Writes have their own deadline (`WRITE_TIMEOUT`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

import httpx
from healthgraph.graph.ntriples_chunks import CHUNK_BYTES, ntriples_chunks
from healthgraph.graph.sparql_form import query_form
from healthgraph.graph.sparql_values import bind_values, rename_iris
from healthgraph.graph.store import (
    Bindings,
    Dataset,
    QueryForm,
    QuerySyntaxError,
    ResultFormats,
    SerializedResult,
    Term,
    rows,
)
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

DEFAULT_TIMEOUT: Final = 30.0
WRITE_TIMEOUT: Final = 600.0
"""Seconds a Graph Store write may wait for the engine's answer once the body is sent (a
large graph is indexed before the engine answers); connecting and each chunk still use the
store's timeout."""
CLIENT_MARGIN: Final = 2.0
"""Seconds the client waits beyond the deadline it gave the engine."""


class RemoteStoreError(RuntimeError):
    """The engine answered with an error or could not be reached."""


class RemoteTimeoutError(RemoteStoreError):
    """The engine did not answer within the deadline, or answered with partial results because
    the deadline passed (Virtuoso's "anytime" answers: 200 with `X-SQL-State: S1TAT`)."""


class RemoteTruncatedError(RemoteStoreError):
    """The engine cut the result at its row cap (Virtuoso's `X-SPARQL-MaxRows`): the answer is
    incomplete and is never served as if it were whole."""


PARTIAL_STATE: Final = "S1TAT"
TIMEOUT_WORDS: Final = ("timeout", "timed out")
ABSENT: Final = "urn:healthgraph:absent-graph:"
"""Prefix of graph names no engine holds (a request's graph outside the version)."""


def check_complete(response: httpx.Response, what: str) -> None:
    """Refuse an answer the engine marked as partial (deadline) or truncated (row cap)."""
    state = response.headers.get("X-SQL-State", "")
    if PARTIAL_STATE in state:
        raise RemoteTimeoutError(f"{what}: the SPARQL engine ran out of time and returned partial "
                                 f"results (X-SQL-State: {state})")
    cap = response.headers.get("X-SPARQL-MaxRows")
    if cap is not None:
        raise RemoteTruncatedError(f"{what}: the SPARQL engine cut the result at its row cap "
                                   f"(X-SPARQL-MaxRows: {cap})")


def auth_for(scheme: str, user: str | None, password: str | None) -> httpx.Auth | None:
    """`none`, `basic` or `digest` with these credentials, as an httpx auth."""
    match scheme.lower():
        case "none" | "":
            return None
        case "basic" | "digest" if user is None or password is None:
            raise ValueError(f"{scheme} auth needs a user and a password")
        case "basic":
            return httpx.BasicAuth(user or "", password or "")
        case "digest":
            return httpx.DigestAuth(user or "", password or "")
    raise ValueError(f"unknown auth scheme {scheme!r} (none, basic or digest)")


@dataclass(frozen=True)
class Endpoints:
    """Where the engine answers. Separate URLs and credentials per endpoint, because engines
    differ (Oxigraph: /query, /update, /store on one port; Virtuoso: /sparql, /sparql-auth,
    /sparql-graph-crud-auth with Digest auth for writes)."""

    query_url: str
    update_url: str
    store_url: str
    query_auth: httpx.Auth | None = None
    update_auth: httpx.Auth | None = None
    store_auth: httpx.Auth | None = None
    bulk_load_params: tuple[tuple[str, str], ...] = ()
    """Extra query parameters of a loading Graph Store POST: Oxigraph's `no_transaction` sends
    the body through its bulk loader (4x faster here; the graph is fresh and unseen until the
    switch, so atomicity is not needed)."""

    @classmethod
    def oxigraph(cls, base: str) -> Endpoints:
        """`http://host:port/` -> the Oxigraph server's /query, /update and /store."""
        root = base if base.endswith("/") else base + "/"
        return cls(f"{root}query", f"{root}update", f"{root}store",
                   bulk_load_params=(("no_transaction", ""),))

    @classmethod
    def virtuoso(cls, base: str, auth: httpx.Auth | None = None) -> Endpoints:
        """`http://host:8890/` -> Virtuoso's /sparql (anonymous), /sparql-auth and
        /sparql-graph-crud-auth (both Digest for a user with SPARQL_UPDATE)."""
        root = base if base.endswith("/") else base + "/"
        return cls(f"{root}sparql", f"{root}sparql-auth", f"{root}sparql-graph-crud-auth",
                   update_auth=auth, store_auth=auth)


@dataclass
class RemoteStore:
    """A read view of the engine, scoped to `graphs` (one store version's named graphs)."""

    endpoints: Endpoints
    graphs: Sequence[str] = ()
    timeout: float = DEFAULT_TIMEOUT
    client: httpx.Client = field(default_factory=lambda: httpx.Client(http2=False))
    client_margin: float = CLIENT_MARGIN
    """Seconds the client waits for an answer beyond the deadline it gave the engine."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Engine graph name -> the graph's public IRI. A version's graphs live on the engine
    under fresh names, and every mention of a graph IRI in its data was rewritten to the
    engine name when published; `select` and `construct` map them back (and bindings forth),
    so the app sees the same IRIs as on the embedded store."""

    def __post_init__(self) -> None:
        self._engine_names = {public: engine for engine, public in self.aliases.items()}

    def _engine_query(self, query: str, bindings: Bindings | None, base_iri: str | None = None) -> str:
        """The query as the engine must see it: bindings written in, public graph IRIs
        renamed to the version's engine graphs, relative IRIs resolved against `base_iri`."""
        text = rename_iris(bind_values(query, self._engine_bindings(bindings)), self._engine_names)
        return f"BASE <{base_iri}> {text}" if base_iri else text  # same line numbers

    def _engine_graph(self, graph: str) -> str:
        """A graph a request names, as the engine knows it; a graph outside this version
        becomes a name no engine holds (so it is empty, as on the embedded store)."""
        if not self.graphs:
            return graph
        return self._engine_names.get(graph, graph if graph in self.graphs else f"{ABSENT}{graph}")

    def _public_results(self, body: bytes) -> bytes:
        """SPARQL JSON results with engine graph names mapped back to the public IRIs."""
        if not self.aliases or not any(name.encode() in body for name in self.aliases):
            return body
        document = json.loads(body)
        for row in document.get("results", {}).get("bindings", []):
            for value in row.values():
                if value.get("type") == "uri" and value.get("value") in self.aliases:
                    value["value"] = self.aliases[value["value"]]
        return json.dumps(document).encode()

    def _public_triples(self, triples: list[Triple]) -> list[Triple]:
        if not self.aliases:
            return triples
        return [Triple(self._public(t.subject), t.predicate, self._public(t.object))  # type: ignore[arg-type]
                for t in triples]

    def _public(self, term: Term) -> Term:
        if isinstance(term, NamedNode) and term.value in self.aliases:
            return NamedNode(self.aliases[term.value])
        return term

    def _engine_bindings(self, bindings: Bindings | None) -> Bindings | None:
        if not bindings or not self._engine_names:
            return bindings
        return {name: NamedNode(self._engine_names[term.value])
                if isinstance(term, NamedNode) and term.value in self._engine_names else term
                for name, term in bindings.items()}

    # -- the protocol ------------------------------------------------------------------

    def _post_query(self, query: str, accept: str, dataset: Dataset | None, timeout: float | None) -> bytes:
        deadline = timeout or self.timeout
        if dataset and (dataset.default_graphs or dataset.named_graphs):
            # the request's dataset, within this version; an empty half stays empty (Virtuoso
            # would read a missing named-graph-uri as "every graph")
            default = [self._engine_graph(g) for g in dataset.default_graphs] or [f"{ABSENT}default"]
            named = [self._engine_graph(g) for g in dataset.named_graphs] or [f"{ABSENT}named"]
        else:
            default, named = list(self.graphs), list(self.graphs)
        form: list[tuple[str, str]] = [("query", query), ("timeout", str(int(deadline * 1000)))]
        form += [("default-graph-uri", graph) for graph in default]
        form += [("named-graph-uri", graph) for graph in named]
        try:
            response = self.client.post(
                self.endpoints.query_url,
                content=urlencode(form),
                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
                auth=self.endpoints.query_auth or httpx.USE_CLIENT_DEFAULT,
                timeout=deadline + self.client_margin,
            )
        except httpx.TimeoutException as error:
            raise RemoteTimeoutError(f"the SPARQL engine did not answer within {deadline:g} s") from error
        except httpx.HTTPError as error:
            raise RemoteStoreError(f"cannot reach the SPARQL engine: {error}") from error
        if response.status_code == 400:
            raise QuerySyntaxError(response.text.strip())
        if response.status_code >= 500 and any(word in response.text.lower() for word in TIMEOUT_WORDS):
            # Oxigraph: "SPARQL evaluation timeout"; Virtuoso past MaxQueryExecutionTime:
            # "S1T00 Error SR171: Transaction timed out"
            raise RemoteTimeoutError(f"the SPARQL engine stopped the query at its deadline: "
                                     f"{response.text.strip()[:300]}")
        if response.status_code >= 300:
            raise RemoteStoreError(f"SPARQL engine answered {response.status_code}: {response.text[:500]}")
        check_complete(response, "query")
        return response.content

    def _solutions(self, query: str, bindings: Bindings | None) -> QuerySolutions | QueryBoolean:
        body = self._post_query(self._engine_query(query, bindings),
                                QueryResultsFormat.JSON.media_type, None, None)
        return parse_query_results(body, format=QueryResultsFormat.JSON)

    def select(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]:
        return [{name: self._public(term) for name, term in row.items()}
                for row in rows(self._solutions(query, bindings))]

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._solutions(query, bindings)
        if not isinstance(result, QueryBoolean):
            raise TypeError("not an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        body = self._post_query(self._engine_query(query, bindings),
                                RdfFormat.N_TRIPLES.media_type, None, None)
        return self._public_triples([quad.triple for quad in parse(body, RdfFormat.N_TRIPLES)])

    def serialize(
        self,
        query: str,
        formats: ResultFormats,
        *,
        bindings: Bindings | None = None,
        dataset: Dataset | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> SerializedResult:
        # the engine answers in JSON or N-Triples (which every engine writes), and pyoxigraph
        # writes the negotiated format: the same bytes whatever the engine (Virtuoso's CSV,
        # ASK as CSV, JSON-LD and N-Quads differ or are refused)
        text = self._engine_query(query, bindings, base_iri)
        if query_form(query) in ("CONSTRUCT", "DESCRIBE"):
            body = self._post_query(text, RdfFormat.N_TRIPLES.media_type, dataset, timeout)
            if formats.graph is not RdfFormat.N_TRIPLES or self.aliases:
                triples = self._public_triples([quad.triple for quad in parse(body, RdfFormat.N_TRIPLES)])
                body = serialize(triples, format=formats.graph) or b""
            return SerializedResult(QueryForm.CONSTRUCT, body, formats.graph.media_type)
        body = self._public_results(
            self._post_query(text, QueryResultsFormat.JSON.media_type, dataset, timeout))
        results = parse_query_results(body, format=QueryResultsFormat.JSON)
        form = QueryForm.ASK if isinstance(results, QueryBoolean) else QueryForm.SELECT
        return SerializedResult(form, results.serialize(format=formats.solutions) or b"",
                                formats.solutions.media_type)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        for name in [graph] if graph else list(self.graphs):
            try:
                response = self.client.get(
                    self.endpoints.store_url, params={"graph": name},
                    headers={"Accept": RdfFormat.N_TRIPLES.media_type},
                    auth=self.endpoints.store_auth or httpx.USE_CLIENT_DEFAULT, timeout=self.timeout,
                )
            except httpx.TimeoutException as error:
                raise RemoteTimeoutError(f"Graph Store GET <{name}> took over {self.timeout:g} s") from error
            except httpx.HTTPError as error:
                raise RemoteStoreError(f"cannot read <{name}>: {error}") from error
            if response.status_code == 404:
                continue
            if response.status_code >= 300:
                raise RemoteStoreError(f"Graph Store GET answered {response.status_code}")
            check_complete(response, f"Graph Store GET <{name}>")
            received = [Quad(quad.subject, quad.predicate, quad.object, NamedNode(name))
                        for quad in parse(response.content, RdfFormat.N_TRIPLES)]
            self._check_graph_size(name, len(received))
            yield from received

    def _check_graph_size(self, name: str, received: int) -> None:
        """Virtuoso cuts a Graph Store GET at its row cap without saying so: compare with a
        count of the graph."""
        body = self._post_query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
                                QueryResultsFormat.JSON.media_type, Dataset((), (name,)), None)
        result = parse_query_results(body, format=QueryResultsFormat.JSON)
        count = next(iter(result), None) if isinstance(result, QuerySolutions) else None
        total = int(count["n"].value) if count is not None and count["n"] is not None else 0
        if received < total:
            raise RemoteTruncatedError(f"Graph Store GET <{name}>: the engine sent {received} of "
                                       f"{total} triples (a row cap)")

    def close(self) -> None:
        self.client.close()

    # -- writing (loading a version, switching) -----------------------------------------

    def _write_graph(self, method: str, graph: str, body: bytes, media_type: str,
                     params: Sequence[tuple[str, str]] = ()) -> None:
        """One Graph Store write, always with a Content-Length, never chunked (Virtuoso answers
        201 to a chunked body and stores nothing); bytes, so Digest auth can resend it."""
        try:
            response = self.client.request(
                method, self.endpoints.store_url, params=[("graph", graph), *params], content=body,
                headers={"Content-Type": media_type},
                auth=self.endpoints.store_auth or httpx.USE_CLIENT_DEFAULT,
                timeout=httpx.Timeout(self.timeout, read=max(self.timeout, WRITE_TIMEOUT)),
            )
        except httpx.TimeoutException as error:
            raise RemoteTimeoutError(f"Graph Store {method} <{graph}> did not finish within "
                                     f"{max(self.timeout, WRITE_TIMEOUT):g} s") from error
        except httpx.HTTPError as error:
            raise RemoteStoreError(f"cannot write <{graph}>: {error}") from error
        if response.status_code >= 300:
            raise RemoteStoreError(f"Graph Store {method} <{graph}> answered {response.status_code}: "
                                   f"{response.text[:500]}")

    def put_graph(self, graph: str, body: bytes, media_type: str) -> None:
        """Graph Store Protocol PUT: `graph` gets exactly this (small) content."""
        self._write_graph("PUT", graph, body, media_type)

    def load_graph(self, graph: str, path: Path, rewrite: Callable[[bytes], bytes] | None = None,
                   size: int = CHUNK_BYTES) -> int:
        """Add the N-Triples file `path` to `graph` (which should be new or dropped first):
        Graph Store POSTs of about `size` bytes each (`ntriples_chunks`), through the engine's
        bulk path where it has one (`Endpoints.bulk_load_params`). Returns the bytes sent."""
        sent = 0
        for body in ntriples_chunks(path, size, rewrite or (lambda body: body)):
            self._write_graph("POST", graph, body, RdfFormat.N_TRIPLES.media_type,
                              self.endpoints.bulk_load_params)
            sent += len(body)
        return sent

    def update(self, update: str) -> None:
        """A SPARQL Update (one request: the engine applies it as one transaction)."""
        try:
            response = self.client.post(
                self.endpoints.update_url, data={"update": update},
                auth=self.endpoints.update_auth or httpx.USE_CLIENT_DEFAULT, timeout=self.timeout,
            )
        except httpx.TimeoutException as error:
            raise RemoteTimeoutError(f"the update took over {self.timeout:g} s") from error
        except httpx.HTTPError as error:
            raise RemoteStoreError(f"cannot send the update: {error}") from error
        if response.status_code >= 300:
            raise RemoteStoreError(f"SPARQL Update answered {response.status_code}: {response.text[:500]}")
