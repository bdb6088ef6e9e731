"""The ontology, the SHACL shapes and the JSON-LD context against the real mapping and data.

Every `hg:` term the code writes is declared and documented; every class the CSV
mapping writes has a shape; the shipped data, with the ontology and the RDFS
closure the build materialises, conforms; and broken data is reported on the
right focus node.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from healthgraph.graph.inference import materialise
from healthgraph.graph.iris import IriMinter
from healthgraph.graph.namespaces import DCTERMS, HG, ONTOLOGY_IRI, ORG, PREFIXES, SCHEMA, SH, SKOS
from healthgraph.graph.validation import Violation, check_shapes
from healthgraph.graph.versions import BuildOptions, VersionedStore
from healthgraph.loaders.csv_map import (
    BOARD_CLASSES,
    DOCUMENT_TYPES,
    MEMBERSHIP_ROLES,
    ORGANISATION_CLASSES,
    CsvDataset,
)
from healthgraph.loaders.rdf_files import rdf_file_source
from pyoxigraph import NamedNode, QuerySolutions, RdfFormat, Store
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "healthgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
CONTEXT = ROOT / "ontology" / "context.jsonld"
DATA = ROOT / "data"
EMITTING_MODULES = (ROOT / "loaders" / "csv_map.py", ROOT / "graph" / "versions.py")

CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
OTHER_BASE = "http://localhost:8080/healthgraph/"
LEAD_CHAMPION = "global-citizenship-lead-champion"

hg = rdflib.Namespace(HG)
org = rdflib.Namespace(ORG)
sh = rdflib.Namespace(SH)
dcterms = rdflib.Namespace(DCTERMS)
schema = rdflib.Namespace(SCHEMA)
skos = rdflib.Namespace(SKOS)


# -- helpers ------------------------------------------------------------------------------


def mapped_ntriples(directory: Path, minter: IriMinter) -> str:
    """Every source of the CSV mapping of `directory`, as one N-Triples text."""
    return "".join(
        chunk if isinstance(chunk, str) else chunk.decode()
        for source in CsvDataset(directory, minter).sources()
        for chunk in source.chunks()
    )


def as_graph(ntriples: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ntriples, format="nt")


def built_store(data: rdflib.Graph | str, minter: IriMinter) -> Store:
    """What a build validates: data and ontology in named graphs, plus the inferred graph."""
    text = data if isinstance(data, str) else data.serialize(format="nt", encoding="utf-8").decode()
    store = Store()
    store.load(text, RdfFormat.N_TRIPLES, to_graph=NamedNode(minter.source_graph("data")))
    store.load(ONTOLOGY.read_bytes(), RdfFormat.TURTLE,
               to_graph=NamedNode(minter.source_graph("ontology")))
    materialise(store, minter.inferred_graph)
    return store


def violations(data: rdflib.Graph | str, minter: IriMinter) -> list[Violation]:
    """The build's own check (graph/validation.py), hard violations only."""
    found = check_shapes(built_store(data, minter), SHAPES)
    return [v for v in found if v.severity == "Violation"]


def describe(found: list[Violation]) -> str:
    return "\n".join(f"{v.focus_node} {v.path}: {v.message}" for v in found[:40])


def copy_data(target: Path) -> Path:
    target.mkdir()
    for path in DATA.glob("*.csv"):
        (target / path.name).write_bytes(path.read_bytes())
    return target


def edit_csv(path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = change(list(reader))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def subclass_closure(graph: rdflib.Graph, cls: URIRef) -> set[URIRef]:
    return {c for c in graph.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}


def emitted_hg_terms() -> set[str]:
    """Every `{HG}Name` written by the mapping and the build's provenance."""
    names: set[str] = set()
    for module in EMITTING_MODULES:
        names |= set(re.findall(r"\{HG\}([A-Za-z0-9_]+)", module.read_text(encoding="utf-8")))
    return names


TARGETS = (sh.targetClass, sh.targetNode, sh.targetSubjectsOf, sh.targetObjectsOf)


def targeted_node_shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    """The top-level node shapes: those with a target (not parts of other shapes)."""
    return {s for target in TARGETS for s in shapes.subjects(target, None)}


def targeted_property_shapes(shapes: rdflib.Graph) -> Iterator[rdflib.term.Node]:
    for node_shape in targeted_node_shapes(shapes):
        yield from shapes.objects(node_shape, sh.property)


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def context() -> dict[str, object]:
    document = json.loads(CONTEXT.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def minter() -> IriMinter:
    return IriMinter()


@pytest.fixture(scope="module")
def shipped(minter: IriMinter) -> rdflib.Graph:
    """The shipped data/ directory through the real CSV mapping."""
    return as_graph(mapped_ntriples(DATA, minter))


# -- (a) the files parse --------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_turtle_file_parses(path: Path) -> None:
    graph = rdflib.Graph().parse(path, format="turtle")
    assert len(graph) > 0


def test_ontology_header(ontology: rdflib.Graph) -> None:
    iri = URIRef(ONTOLOGY_IRI)
    assert (iri, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(iri, dcterms.title) is not None
    assert ontology.value(iri, dcterms.description) is not None
    assert ontology.value(iri, dcterms.license) == CC_BY_4
    assert ontology.value(iri, OWL.versionInfo) is not None


def test_ontology_uses_the_project_prefixes(ontology: rdflib.Graph, shapes: rdflib.Graph) -> None:
    for graph in (ontology, shapes):
        bound = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
        for prefix, namespace in bound.items():
            if prefix in PREFIXES:
                assert namespace == PREFIXES[prefix], prefix


# -- (b) every own term is declared and documented ----------------------------------------


def test_mapping_emits_hg_terms() -> None:
    assert {"Partnership", "country", "theme", "key", "sha256"} <= emitted_hg_terms()


@pytest.mark.parametrize("name", sorted(emitted_hg_terms()))
def test_emitted_term_is_declared(ontology: rdflib.Graph, name: str) -> None:
    term = hg[name]
    kinds = set(ontology.objects(term, RDF.type))
    assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, f"hg:{name} not declared"
    if name[0].isupper():
        assert OWL.Class in kinds, f"hg:{name} should be a class"
    else:
        assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, f"hg:{name} should be a property"


def test_every_own_term_is_documented(ontology: rdflib.Graph) -> None:
    own = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(HG)}
    assert own
    for term in own:
        label = ontology.value(term, RDFS.label)
        comment = ontology.value(term, RDFS.comment)
        assert isinstance(label, Literal) and label.language == "en", term
        assert isinstance(comment, Literal) and comment.language == "en", term
        assert ontology.value(term, RDFS.isDefinedBy) == URIRef(ONTOLOGY_IRI), term


def test_no_external_term_is_redefined(ontology: rdflib.Graph) -> None:
    for subject in set(ontology.subjects()):
        if isinstance(subject, URIRef) and subject != URIRef(ONTOLOGY_IRI):
            assert str(subject).startswith(HG), f"{subject} is described in the ontology"


@pytest.mark.parametrize(
    "cls", sorted({*ORGANISATION_CLASSES.values(), *BOARD_CLASSES.values()}),
)
def test_every_organisation_kind_is_an_organisation(ontology: rdflib.Graph, cls: str) -> None:
    assert org.Organization in subclass_closure(ontology, URIRef(cls))


@pytest.mark.parametrize(
    ("cls", "superclass"),
    [
        (hg.Partnership, org.OrganizationalCollaboration),
        (hg.Partnership, schema.Project),
        (hg.TerritorialHealthBoard, hg.HealthBoard),
        (hg.SpecialHealthBoard, hg.HealthBoard),
        (hg.MinistryOfHealth, hg.GovernmentBody),
        (hg.GovernmentBody, schema.GovernmentOrganization),
        (hg.University, schema.CollegeOrUniversity),
        (hg.Hospital, schema.Hospital),
        (hg.NonGovernmentalOrganisation, schema.NGO),
        (hg.GuidanceDocument, schema.CreativeWork),
        (hg.GuidanceDocument, rdflib.FOAF.Document),
        (hg.MembershipRole, org.Role),
    ],
)
def test_class_links_to_reused_vocabulary(
    ontology: rdflib.Graph, cls: URIRef, superclass: URIRef
) -> None:
    assert superclass in subclass_closure(ontology, cls)


@pytest.mark.parametrize(
    ("prop", "superproperty"),
    [
        (hg.theme, dcterms.subject),
        (hg.country, schema.location),
        (hg.followsGuidance, dcterms.references),
    ],
)
def test_property_links_to_reused_vocabulary(
    ontology: rdflib.Graph, prop: URIRef, superproperty: URIRef
) -> None:
    assert (prop, RDFS.subPropertyOf, superproperty) in ontology


def test_inference_makes_every_board_an_organisation(
    shipped: rdflib.Graph, minter: IriMinter
) -> None:
    store = built_store(shipped, minter)
    solutions = store.query(f"SELECT ?x WHERE {{ ?x a <{org.Organization}> }}",
                            use_default_graph_as_union=True)
    assert isinstance(solutions, QuerySolutions)
    organisations = {row["x"].value for row in solutions}
    boards = {str(b) for b in shipped.subjects(hg.gssCode, None)}
    members = {str(m) for m in shipped.objects(None, org.member)}
    assert boards and boards <= organisations
    assert members <= organisations


# -- (c) every class the data uses has a shape ----------------------------------------------


def test_every_class_in_the_data_has_a_shape(shipped: rdflib.Graph, shapes: rdflib.Graph) -> None:
    used = set(shipped.objects(None, RDF.type))
    targeted = set(shapes.objects(None, sh.targetClass))
    assert used, "the mapping wrote no typed resources"
    assert not used - targeted, f"classes without a shape: {sorted(map(str, used - targeted))}"


def test_every_own_class_has_a_shape(ontology: rdflib.Graph, shapes: rdflib.Graph) -> None:
    own = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(HG)}
    assert not own - set(shapes.objects(None, sh.targetClass))


def test_every_shape_is_named_and_explains_itself(shapes: rdflib.Graph) -> None:
    node_shapes = targeted_node_shapes(shapes)
    assert node_shapes
    for node_shape in node_shapes:
        assert (node_shape, RDF.type, sh.NodeShape) in shapes, node_shape
        assert shapes.value(node_shape, RDFS.label) is not None, node_shape
        assert shapes.value(node_shape, RDFS.comment) is not None, node_shape
    for property_shape in targeted_property_shapes(shapes):
        assert shapes.value(property_shape, sh.name) is not None, property_shape
        assert shapes.value(property_shape, sh.message) is not None, property_shape
        assert shapes.value(property_shape, sh.severity) in {sh.Violation, sh.Warning}


def test_document_types_match_the_mapping(shapes: rdflib.Graph) -> None:
    (listed,) = [
        shapes.value(p, sh["in"])
        for p in targeted_property_shapes(shapes)
        if shapes.value(p, sh.path) == hg.documentType
    ]
    assert listed is not None
    assert [str(v) for v in Collection(shapes, listed)] == list(DOCUMENT_TYPES)


def test_membership_roles_match_the_mapping(shapes: rdflib.Graph) -> None:
    (listed,) = [
        shapes.value(p, sh["in"])
        for p in shapes.objects(URIRef("https://w3id.org/healthgraph/shapes#MembershipRoleShape"),
                                sh.property)
    ]
    assert listed is not None
    assert [str(v) for v in Collection(shapes, listed)] == list(MEMBERSHIP_ROLES)


# -- (d) the shipped data conforms ----------------------------------------------------------


@pytest.mark.parametrize("base", [IriMinter().base, OTHER_BASE])
def test_shipped_data_conforms(base: str) -> None:
    minter = IriMinter(base)
    found = violations(mapped_ntriples(DATA, minter), minter)
    assert not found, f"{len(found)} violation(s):\n{describe(found)}"


def test_a_real_build_of_the_shipped_data_passes_its_shape_check(tmp_path: Path) -> None:
    """The whole build (provenance, inference, SHACL) with the ontology as a source."""
    minter = IriMinter()
    sources = [rdf_file_source(ONTOLOGY, minter, name="ontology-healthgraph")]
    sources += CsvDataset(DATA, minter).sources()
    options = BuildOptions(
        base_iri=minter.base,
        shapes=SHAPES,
        inferred_graph=minter.inferred_graph,
        metadata_graph=minter.metadata_graph,
        optimize=False,
    )
    info = VersionedStore(tmp_path / "state").build(sources, options)
    assert info.triples > 0


# -- (e) broken data is reported on the right node ----------------------------------------


@dataclass(frozen=True)
class Breakage:
    """One change to correct data, and the (focus node, path) it must be reported at."""

    name: str
    focus: str
    path: str


def _first(graph: rdflib.Graph, cls: URIRef, *, without: URIRef | None = None) -> URIRef:
    candidates = sorted(
        s for s in graph.subjects(RDF.type, cls)
        if isinstance(s, URIRef) and (without is None or graph.value(s, without) is None)
    )
    assert candidates, f"no {cls} to break"
    return candidates[0]


def _break_graph(graph: rdflib.Graph, minter: IriMinter) -> tuple[rdflib.Graph, list[Breakage]]:
    """A copy of `graph` with one fault on each of several distinct resources."""
    broken = rdflib.Graph()
    for triple in graph:
        broken.add(triple)
    faults: list[Breakage] = []
    partnerships = sorted(
        s for s in broken.subjects(RDF.type, hg.Partnership)
        if isinstance(s, URIRef)
        and broken.value(s, hg.startYear) is None and broken.value(s, hg.endYear) is None
    )
    unlabelled, french, stateless, out_of_order, bad_theme = partnerships[:5]

    broken.remove((unlabelled, RDFS.label, None))
    faults.append(Breakage("partnership without a label", str(unlabelled), str(RDFS.label)))

    broken.add((french, RDFS.label, Literal("Partenariat", lang="fr")))
    faults.append(Breakage("partnership with a second, French label", str(french), str(RDFS.label)))

    broken.remove((stateless, hg.country, None))
    broken.remove((stateless, schema.location, None))
    faults.append(Breakage("partnership without a country", str(stateless), str(hg.country)))

    broken.add((out_of_order, hg.startYear, Literal(2020)))
    broken.add((out_of_order, hg.endYear, Literal(2010)))
    faults.append(Breakage("partnership ending before it starts", str(out_of_order),
                           str(hg.startYear)))

    broken.add((bad_theme, hg.theme, URIRef(minter.country("MW"))))
    faults.append(Breakage("theme that is not a concept", str(bad_theme), str(hg.theme)))

    membership = _first(broken, org.Membership)
    member = broken.value(membership, org.member)
    partnership = broken.value(membership, org.organization)
    assert member is not None and partnership is not None
    broken.remove((membership, org.organization, partnership))
    broken.add((membership, org.organization, member))
    faults.append(Breakage("membership of an organisation, not a partnership", str(membership),
                           str(org.organization)))

    country = _first(broken, schema.Country)
    broken.set((country, hg.isoCode, Literal(str(broken.value(country, hg.isoCode)).lower())))
    faults.append(Breakage("lower-case ISO code", str(country), str(hg.isoCode)))

    document = _first(broken, hg.GuidanceDocument)
    broken.set((document, hg.documentType, Literal("leaflet")))
    faults.append(Breakage("unknown document type", str(document), str(hg.documentType)))

    special = _first(broken, hg.SpecialHealthBoard)
    broken.add((special, hg.gssCode, Literal("S08000099")))
    faults.append(Breakage("special board with a GSS code", str(special), str(hg.gssCode)))

    organisation = _first(broken, hg.University)
    broken.add((organisation, hg.country, URIRef(minter.country("ZM"))))
    broken.add((organisation, hg.country, URIRef(minter.country("MW"))))
    faults.append(Breakage("organisation in two countries", str(organisation), str(hg.country)))

    boards = sorted(s for s in broken.subjects(RDF.type, hg.TerritorialHealthBoard)
                    if isinstance(s, URIRef))
    doubled = boards[-1]
    second_post = URIRef(f"{doubled}/post/second-lead-champion")
    broken.add((second_post, RDF.type, org.Post))
    broken.add((second_post, org.postIn, doubled))
    broken.add((second_post, org.role, URIRef(minter.role(LEAD_CHAMPION))))
    broken.add((second_post, dcterms.source, URIRef("https://example.org/")))
    broken.add((doubled, org.hasPost, second_post))
    faults.append(Breakage("board with two Lead Champion posts", str(doubled), str(org.hasPost)))
    return broken, faults


def _break_csv(directory: Path, minter: IriMinter) -> list[Breakage]:
    """Faults that go through the real CSV mapping: a bad GSS code and a missing post."""
    with (directory / "boards.csv").open(newline="", encoding="utf-8") as handle:
        boards = [r for r in csv.DictReader(handle) if r["kind"] == "territorial"]
    lowered, unposted = boards[0], boards[1]

    def lower_gss(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            if row["key"] == lowered["key"]:
                row["gss_code"] = row["gss_code"].lower()
        return rows

    def drop_post(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [r for r in rows
                if not (r["board_key"] == unposted["key"] and r["role_key"] == LEAD_CHAMPION)]

    edit_csv(directory / "boards.csv", lower_gss)
    edit_csv(directory / "posts.csv", drop_post)
    return [
        Breakage("GSS code not S08 and six digits",
                 minter.health_board(lowered["gss_code"].lower()), str(hg.gssCode)),
        Breakage("territorial board without a Lead Champion post",
                 minter.health_board(unposted["gss_code"]), str(org.hasPost)),
    ]


@pytest.fixture(scope="module")
def graph_faults(
    shipped: rdflib.Graph, minter: IriMinter
) -> tuple[list[Breakage], list[Violation]]:
    broken, faults = _break_graph(shipped, minter)
    return faults, violations(broken, minter)


@pytest.fixture(scope="module")
def csv_faults(
    tmp_path_factory: pytest.TempPathFactory, minter: IriMinter
) -> tuple[list[Breakage], list[Violation]]:
    directory = copy_data(tmp_path_factory.mktemp("broken") / "data")
    faults = _break_csv(directory, minter)
    return faults, violations(mapped_ntriples(directory, minter), minter)


GRAPH_FAULTS = [
    "partnership without a label",
    "partnership with a second, French label",
    "partnership without a country",
    "partnership ending before it starts",
    "theme that is not a concept",
    "membership of an organisation, not a partnership",
    "lower-case ISO code",
    "unknown document type",
    "special board with a GSS code",
    "organisation in two countries",
    "board with two Lead Champion posts",
]
CSV_FAULTS = [
    "GSS code not S08 and six digits",
    "territorial board without a Lead Champion post",
]


def _check_reported(
    name: str, faults: list[Breakage], found: list[Violation]
) -> None:
    (fault,) = [f for f in faults if f.name == name]
    assert any(v.focus_node == fault.focus and v.path == fault.path for v in found), (
        f"{name}: nothing reported at {fault.focus} {fault.path}; got:\n{describe(found)}"
    )


@pytest.mark.parametrize("name", GRAPH_FAULTS)
def test_broken_graph_is_reported(
    name: str, graph_faults: tuple[list[Breakage], list[Violation]]
) -> None:
    _check_reported(name, *graph_faults)


@pytest.mark.parametrize("name", CSV_FAULTS)
def test_broken_csv_is_reported(
    name: str, csv_faults: tuple[list[Breakage], list[Violation]]
) -> None:
    _check_reported(name, *csv_faults)


@pytest.mark.parametrize("fixture", ["graph_faults", "csv_faults"])
def test_only_the_broken_resources_are_reported(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    faults, found = request.getfixturevalue(fixture)
    names = GRAPH_FAULTS if fixture == "graph_faults" else CSV_FAULTS
    assert {f.name for f in faults} == set(names)
    expected = {f.focus for f in faults}
    stray = [v for v in found if v.focus_node not in expected]
    assert not stray, f"reported on resources that were not broken:\n{describe(stray)}"


# -- the JSON-LD context --------------------------------------------------------------------


def test_context_is_json_ld_1_1(context: dict[str, object]) -> None:
    terms = context["@context"]
    assert isinstance(terms, dict)
    assert terms["@version"] == 1.1


def test_context_prefixes_match_the_namespaces(context: dict[str, object]) -> None:
    terms = context["@context"]
    assert isinstance(terms, dict)
    prefixes = {k: v for k, v in terms.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    assert prefixes
    for prefix, namespace in prefixes.items():
        assert PREFIXES.get(prefix) == namespace, prefix


def test_context_names_only_declared_own_terms(
    context: dict[str, object], ontology: rdflib.Graph
) -> None:
    terms = context["@context"]
    assert isinstance(terms, dict)
    for key, definition in terms.items():
        iri = definition.get("@id") if isinstance(definition, dict) else definition
        if isinstance(iri, str) and iri.startswith("hg:"):
            assert (hg[iri[3:]], RDF.type, None) in ontology, f"{key} -> {iri}"


@pytest.mark.parametrize("key", ["label", "description", "country", "theme", "members",
                                 "memberships", "role", "source"])
def test_context_has_short_key(context: dict[str, object], key: str) -> None:
    terms = context["@context"]
    assert isinstance(terms, dict) and key in terms


def test_context_round_trips_a_partnership(
    shipped: rdflib.Graph, context: dict[str, object]
) -> None:
    partnership = _first(shipped, hg.Partnership)
    described = rdflib.Graph()
    for triple in shipped.triples((partnership, None, None)):
        described.add(triple)
    for membership in shipped.objects(partnership, hg.membership):
        for triple in shipped.triples((membership, None, None)):
            described.add(triple)
    compact = json.loads(described.serialize(format="json-ld", context=context["@context"]))
    node = next(n for n in compact["@graph"] if n["id"] == str(partnership))
    assert node["type"] == "Partnership"
    assert isinstance(node["label"], str)
    assert {"country", "source", "members", "memberships"} <= node.keys()
    back = rdflib.Graph().parse(data=json.dumps(compact), format="json-ld")
    assert isomorphic(described, back)
