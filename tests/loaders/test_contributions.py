"""A proposal from /contribute checked by the loader's rules and the shapes, field by field."""

from __future__ import annotations

from pathlib import Path

import pytest
from healthgraph.graph.iris import IriMinter
from healthgraph.loaders.contributions import ProposalError, check_proposal
from healthgraph.loaders.csv_map import CsvDataset

REPO = Path(__file__).resolve().parents[2]
SHAPES = REPO / "ontology" / "shapes.ttl"

GOOD = {
    "name": "Lanarkshire - Chitambo eye link",
    "summary": "Eye care training at Chitambo Hospital.",
    "countries": "Chitambo, Zambia",
    "places": "Chitambo Hospital",
    "start": "March 2024",
    "themes": "eye health; training",
    "source_url": "https://example.org/eye-link",
    "lead": "NHS Lanarkshire",
    "partners": "Chitambo Hospital; Friends of Chitambo",
    "contact_role": "Global Citizenship Lead Champion",
}


@pytest.fixture(scope="module")
def dataset() -> CsvDataset:
    return CsvDataset(REPO / "data", IriMinter())


def _errors(dataset: CsvDataset, fields: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ProposalError) as caught:
        check_proposal(dataset, fields, SHAPES)
    return caught.value.errors


def test_a_good_proposal_becomes_a_contributions_row(dataset: CsvDataset) -> None:
    proposal = check_proposal(dataset, GOOD, SHAPES)
    assert proposal.kind == "new" and proposal.key == "lanarkshire-chitambo-eye-link"
    assert proposal.row["members"] == ("nhs-lanarkshire:lead; chitambo-hospital:partner; "
                                       "friends-of-chitambo:partner")
    assert proposal.row["countries"] == "Chitambo, Zambia" and proposal.row["correction_of"] == ""
    assert proposal.contact_role == "Global Citizenship Lead Champion"


def test_a_name_already_taken_gets_a_fresh_key(dataset: CsvDataset) -> None:
    proposal = check_proposal(dataset, {**GOOD, "name": "Friends of Chitambo"}, SHAPES)
    assert proposal.key == "friends-of-chitambo-2"


def test_a_bad_year_is_an_error_of_its_field(dataset: CsvDataset) -> None:
    errors = _errors(dataset, {**GOOD, "start": "20244"})
    assert list(errors) == ["start"] and "20244" in errors["start"]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("end", "sometime", "cannot read"),
    ("countries", "Atlantis", "no country"),
    ("lead", "Nobody Foundation", "unknown organisation"),
    ("partners", "Chitambo Hospital; Ghost Trust", "Ghost Trust"),
    ("source_url", "not a page", "web address"),
    ("summary", "x" * 1600, "too long"),
    ("kind", "merger", "new' or 'correction"),
    ("name", "bad\x00name", "control characters"),
])
def test_each_rule_names_its_field(dataset: CsvDataset, field: str, value: str, words: str) -> None:
    errors = _errors(dataset, {**GOOD, field: value})
    assert field in errors and words in errors[field]


def test_required_fields(dataset: CsvDataset) -> None:
    errors = _errors(dataset, {})
    assert set(errors) == {"name", "summary", "countries", "lead", "source_url"}


def test_a_correction_names_an_existing_partnership_and_a_change(dataset: CsvDataset) -> None:
    proposal = check_proposal(dataset, {"kind": "correction", "partnership": "friends-of-chitambo",
                                        "start": "2004", "source_url": "https://example.org/x"},
                              SHAPES)
    assert proposal.key == "friends-of-chitambo" and proposal.row["start"] == "2004"
    errors = _errors(dataset, {"kind": "correction", "partnership": "nope",
                               "source_url": "https://example.org/x"})
    assert "partnership" in errors and "name" in errors


def test_values_that_are_not_text_are_refused(dataset: CsvDataset) -> None:
    errors = _errors(dataset, {**GOOD, "name": ["a", "list"]})
    assert errors["name"] == "must be text"
