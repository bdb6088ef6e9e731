"""The GraphQL types agree with ontology/shapes.ttl and the mapping; the exported SDL is current."""

from __future__ import annotations

from pathlib import Path

import rdflib
from graphql import GraphQLNonNull, GraphQLObjectType
from healthgraph.graph.paths import shipped_dir
from healthgraph.server.graphql.context import Limits
from healthgraph.server.graphql.mapping import COMPUTED_FIELDS, ENTITIES
from healthgraph.server.graphql.schema import build_schema
from healthgraph.server.graphql.sdl import sdl
from rdflib.namespace import RDF, SH
from strawberry.utils.str_converters import to_camel_case

REPO = Path(__file__).resolve().parents[2]
HG = "https://w3id.org/healthgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"

TYPE_FOR_CLASS = {
    f"{HG}Partnership": "Partnership",
    f"{ORG}Membership": "Membership",
    f"{HG}MembershipRole": "Role",
    f"{ORG}Role": "Role",
    f"{ORG}Post": "Post",
    f"{ORG}Organization": "Organisation",
    f"{HG}HealthBoard": "HealthBoard",
    f"{HG}TerritorialHealthBoard": "HealthBoard",
    f"{HG}SpecialHealthBoard": "HealthBoard",
    "https://schema.org/Country": "Country",
    f"{HG}Programme": "Programme",
    f"{HG}GuidanceDocument": "Document",
    "http://www.w3.org/2004/02/skos/core#Concept": "Theme",
    **{f"{HG}{kind}": "Organisation" for kind in (
        "GovernmentBody", "MinistryOfHealth", "University", "Hospital", "Charity",
        "NonGovernmentalOrganisation", "ProfessionalBody", "InternationalOrganisation",
        "ResearchInstitute", "OtherOrganisation")},
}
NOT_IN_THE_API = {
    "http://www.w3.org/ns/prov#Activity",  # build provenance, not app data
    "http://www.w3.org/2004/02/skos/core#ConceptScheme",  # the theme scheme; themes are Theme
}


def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(shipped_dir("ontology") / "shapes.ttl")


def _object_types() -> dict[str, GraphQLObjectType]:
    schema = build_schema(Limits())._schema
    return {name: t for name, t in schema.type_map.items() if isinstance(t, GraphQLObjectType)}


def test_every_shape_target_class_has_a_graphql_type() -> None:
    types = _object_types()
    for target in set(_shapes().objects(None, SH.targetClass)):
        if str(target) in NOT_IN_THE_API:
            continue
        assert str(target) in TYPE_FOR_CLASS, f"no GraphQL type for {target}"
        assert TYPE_FOR_CLASS[str(target)] in types


def test_every_required_property_is_a_non_null_field() -> None:
    shapes = _shapes()
    types = _object_types()
    checked = 0
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        targets = [str(t) for t in shapes.objects(shape, SH.targetClass)]
        if not targets or set(targets) <= NOT_IN_THE_API:
            continue
        type_names = {TYPE_FOR_CLASS[t] for t in targets}
        # a shape on only some classes a type stands for (territorial boards of HealthBoard,
        # ministries of Organisation) needs the field, which may be null for the other classes
        covers_whole_type = any(ENTITIES[TYPE_FOR_CLASS[t]].rdf_class == t for t in targets)
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            min_count = shapes.value(prop, SH.minCount)
            severity = shapes.value(prop, SH.severity) or SH.Violation
            if not isinstance(path, rdflib.URIRef) or min_count is None or int(min_count) < 1:
                continue
            if severity != SH.Violation or shapes.value(prop, SH.qualifiedValueShape) is not None:
                continue
            for type_name in type_names:
                entity = ENTITIES[type_name]
                fields = [name for name, s in entity.scalars.items() if s.predicate == str(path)]
                fields += [name for name, link in entity.links.items()
                           if link.predicate == str(path) and not link.inverse]
                assert fields, f"{type_name} has no field for required {path}"
                graphql_field = types[type_name].fields[to_camel_case(fields[0])]
                if covers_whole_type:
                    assert isinstance(graphql_field.type, GraphQLNonNull), \
                        f"{type_name}.{to_camel_case(fields[0])} must be non-null ({path} is required)"
                checked += 1
    assert checked >= 25


def test_mapping_and_strawberry_types_name_the_same_fields() -> None:
    types = _object_types()
    for name, entity in ENTITIES.items():
        graphql_fields = set(types[name].fields) - {"iri"} - set(COMPUTED_FIELDS.get(name, ()))
        mapped = {to_camel_case(f) for f in (*entity.scalars, *entity.links)}
        mapped = {"amountGBP" if f == "amountGbp" else f for f in mapped}
        assert graphql_fields == mapped, name
        assert isinstance(types[name].fields["iri"].type, GraphQLNonNull)
        assert "label" in types[name].fields, f"{name} needs a label"


def test_exported_sdl_matches_the_live_schema() -> None:
    exported = (REPO / "docs" / "schema.graphql").read_text(encoding="utf-8")
    assert exported == sdl(), "docs/schema.graphql is stale: python -m healthgraph.server.graphql.sdl"
