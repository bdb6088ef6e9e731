"""What the HTML page of a resource shows, built from its description (no queries here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from healthgraph.graph.namespaces import DCTERMS, HG, ORG, PREFIXES, RDF, SCHEMA
from healthgraph.graph.resources import GraphProvenance, InverseLink, label_of
from healthgraph.server.links import Linker, compact
from pyoxigraph import Literal, NamedNode, Triple

# Headings for what points at a resource, by the linking property (the rest: "<label> of").
INVERSE_HEADINGS: dict[str, str] = {
    f"{ORG}hasMember": "Partners in",
    f"{ORG}member": "Memberships",
    f"{HG}country": "Located here",
    f"{DCTERMS}publisher": "Published",
    f"{HG}followsGuidance": "Followed by",
    f"{DCTERMS}references": "Referenced by",
    f"{HG}programme": "In this programme",
    f"{HG}theme": "On this theme",
    f"{HG}operator": "Operates",
    f"{ORG}postIn": "Posts",
    f"{ORG}role": "Held as",
    f"{ORG}organization": "Members",
}
# Superproperties that inference adds next to a more specific property: shown once, under it.
INFERRED_DUPLICATES = frozenset(
    {f"{SCHEMA}location", f"{DCTERMS}subject", f"{ORG}hasMembership", f"{SCHEMA}funder"}
)


@dataclass(frozen=True)
class Value:
    text: str
    href: str | None = None
    note: str | None = None


@dataclass
class PropertyRow:
    iri: str
    label: str
    href: str
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    href: str


@dataclass(frozen=True)
class LoadedFrom:
    """A named graph the resource's triples come from, with a link to its description."""

    href: str
    graph: str
    file: str | None
    description: str | None
    generated_at: str | None


@dataclass
class ResourcePage:
    iri: str
    title: str
    types: list[Value]
    properties: list[PropertyRow]
    inverse: list[PropertyRow]
    sources: list[Value]
    graphs: list[LoadedFrom]
    formats: list[Format]
    queries: list[Value]


def _label(iri: str, labels: dict[str, str]) -> str:
    return labels.get(iri) or compact(iri)


def _fallback_title(iri: str) -> str:
    """A readable name from the IRI's path; a membership names its member and role."""
    parts = iri.rstrip("/").split("/")
    if len(parts) > 3 and parts[-4] == "membership":
        return f"{parts[-2].replace('-', ' ')} ({parts[-1]})"
    return parts[-1].replace("-", " ")


def _value(term: object, triples: list[Triple], linker: Linker) -> Value:
    if isinstance(term, NamedNode):
        label = label_of(triples, term.value)
        shown = label or (compact(term.value) if linker.local(term.value) is None else
                          _fallback_title(term.value))
        return Value(shown, linker.href(term.value))
    if isinstance(term, Literal):
        note = term.language or (compact(term.datatype.value)
                                 if term.datatype.value != f"{PREFIXES['xsd']}string" else None)
        return Value(term.value, None, note)
    return Value(str(term))


def sparql_link(linker: Linker, query: str) -> str:
    return linker.path("/sparql") + "?" + urlencode({"query": query})


def build_page(
    iri: str,
    triples: list[Triple],
    inverse: list[InverseLink],
    graphs: list[GraphProvenance],
    term_labels: dict[str, str],
    linker: Linker,
    formats: list[Format],
) -> ResourcePage:
    rows: dict[str, PropertyRow] = {}
    types: list[Value] = []
    sources: list[Value] = []
    for triple in triples:
        if not (isinstance(triple.subject, NamedNode) and triple.subject.value == iri):
            continue
        predicate = triple.predicate.value
        if predicate == f"{RDF}type" and isinstance(triple.object, NamedNode):
            types.append(Value(_label(triple.object.value, term_labels), linker.href(triple.object.value)))
            continue
        if predicate == f"{DCTERMS}source" and isinstance(triple.object, NamedNode):
            sources.append(Value(triple.object.value, triple.object.value))
            continue
        row = rows.setdefault(
            predicate, PropertyRow(predicate, _label(predicate, term_labels), linker.href(predicate))
        )
        row.values.append(_value(triple.object, triples, linker))
    for row in rows.values():
        row.values.sort(key=lambda v: v.text.lower())
    properties = sorted(rows.values(), key=lambda r: (r.iri in INFERRED_DUPLICATES, r.label.lower()))
    return ResourcePage(
        iri=iri,
        title=label_of(triples, iri) or _fallback_title(iri),
        types=sorted(types, key=lambda v: v.text.lower()),
        properties=properties,
        inverse=_inverse_rows(inverse, term_labels, linker),
        sources=sorted(sources, key=lambda v: v.text),
        graphs=[LoadedFrom(linker.href(g.graph), g.graph, g.file, g.description, g.generated_at)
                for g in graphs],
        formats=formats,
        queries=_query_links(iri, linker),
    )


def _query_links(iri: str, linker: Linker) -> list[Value]:
    """'Query this': links to the SPARQL endpoint with a query about the resource."""
    return [
        Value("Everything it says",
              sparql_link(linker, f"SELECT ?property ?value WHERE {{\n  <{iri}> ?property ?value\n}}")),
        Value("Everything that links to it",
              sparql_link(linker, f"SELECT ?subject ?property WHERE {{\n  ?subject ?property <{iri}>\n}}")),
        Value("In which source graph",
              sparql_link(linker, "SELECT DISTINCT ?graph WHERE {\n  GRAPH ?graph { "
                                  f"<{iri}> ?property ?value }}\n}}")),
    ]


def _inverse_rows(
    inverse: list[InverseLink], term_labels: dict[str, str], linker: Linker
) -> list[PropertyRow]:
    """Group what links here by property; a subject is listed once, under its most specific link."""
    by_subject: dict[str, InverseLink] = {}
    for link in inverse:
        kept = by_subject.get(link.subject)
        if kept is None or (
            kept.property in INFERRED_DUPLICATES and link.property not in INFERRED_DUPLICATES
        ):
            by_subject[link.subject] = link
    rows: dict[str, PropertyRow] = {}
    for link in by_subject.values():
        heading = INVERSE_HEADINGS.get(link.property) or f"{_label(link.property, term_labels)} of"
        row = rows.setdefault(
            link.property, PropertyRow(link.property, heading, linker.href(link.property))
        )
        row.values.append(Value(link.label or _fallback_title(link.subject), linker.href(link.subject)))
    for row in rows.values():
        row.values.sort(key=lambda v: v.text.lower())
    return sorted(rows.values(), key=lambda r: r.label.lower())
