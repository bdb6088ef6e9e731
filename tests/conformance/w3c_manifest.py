"""Reads a W3C SPARQL 1.1 protocol manifest (mf:ProtocolTest entries with ht:Request lists)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDFS

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")


@dataclass(frozen=True)
class Expected:
    statuses: tuple[str, ...]
    """Status classes such as '2xx', '4xx'."""
    format: str | None = None
    boolean: bool | None = None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class GraphData:
    file: Path
    graph: str


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    graph_data: tuple[GraphData, ...]
    requests: tuple[HttpRequest, ...]


def _request(graph: rdflib.Graph, node: rdflib.term.Node) -> HttpRequest:
    headers = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = tuple(
        sorted(str(status).removeprefix(str(HTS)).removeprefix("StatusCode")
               for status in graph.objects(response, MF.expectedStatus))
    )
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        expected=Expected(statuses, str(fmt) if fmt is not None else None,
                          bool(boolean.toPython()) if boolean is not None else None),
    )


def read_manifest(path: Path) -> list[ProtocolTest]:
    """The tests of the manifest, in the order of its mf:entries list."""
    graph = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = Collection(graph, graph.value(action, HT.requests))
        graph_data = tuple(
            GraphData(Path(unquote(urlparse(str(graph.value(data, UT.graph))).path)),
                      str(graph.value(data, RDFS.label)))
            for data in graph.objects(entry, UT.graphData)
        )
        tests.append(ProtocolTest(
            name=str(entry).rpartition("#")[2],
            title=str(graph.value(entry, MF.name)),
            graph_data=graph_data,
            requests=tuple(_request(graph, request) for request in requests),
        ))
    return tests
