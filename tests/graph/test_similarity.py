"""Similar partnerships and potential collaborators on the shipped data."""

from __future__ import annotations

import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.similarity import (
    UnknownPartnershipError,
    potential_collaborators,
    similar,
)
from healthgraph.graph.store import Store
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.settings import Settings

CHITAMBO = {
    "friends-of-chitambo",
    "foch-chitambo-health-partnership",
    "friends-of-chitambo-three-year-project-grant-on-emd-zambia",
    "chitambo-hospital-nurse-training-school-zambia-nhs-education-for-scotland-nes-penicuik-for-africa-pfa-link",
    "solar-panels-for-chitambo-hospital",
    "oxygen-generating-plant-and-pipeline-for-chitambo-hospital",
}


@pytest.fixture(scope="module")
def store(settings: Settings) -> Store:
    return CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store


@pytest.mark.parametrize("key", sorted(CHITAMBO))
def test_a_chitambo_project_is_similar_to_the_other_chitambo_projects(store: Store, key: str) -> None:
    found = similar(store, key, limit=10)
    assert CHITAMBO - {key} <= {s.key for s in found}
    assert key not in {s.key for s in found}


def test_similar_is_ranked_with_evidence(store: Store) -> None:
    found = similar(store, "friends-of-chitambo")
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    best = found[0]
    assert best.key == "foch-chitambo-health-partnership"
    assert "place: Chitambo Hospital" in best.evidence and "country: Zambia" in best.evidence


def test_themes_meet_through_broader_terms(store: Store) -> None:
    # oesophageal cancer (Edinburgh) and cervical cancer (Nkhoma) meet at "cancer"
    found = {s.key: s for s in similar(store, "edinburgh-malawi-cancer-partnership", limit=25)}
    assert any("broader theme: cancer" in s.evidence for s in found.values())


def test_potential_collaborators_for_a_malawi_cancer_partnership(store: Store) -> None:
    found = {c.key: c for c in potential_collaborators(store, "edinburgh-malawi-cancer-partnership",
                                                       limit=25)}
    # Nkhoma Hospital screens for cervical cancer in Malawi and is no partner of Edinburgh's
    assert "nkhoma-hospital" in found
    assert found["nkhoma-hospital"].kind == "Hospital"
    assert any("cervical" in e.lower() for e in found["nkhoma-hospital"].evidence)
    # its own partners are never suggested, and funders are not collaborators
    for own in ("nhs-lothian", "queen-elizabeth-central-hospital", "university-of-edinburgh",
                "scottish-government"):
        assert own not in found


def test_unknown_partnership(store: Store) -> None:
    with pytest.raises(UnknownPartnershipError):
        similar(store, "no-such-partnership")
    with pytest.raises(UnknownPartnershipError):
        potential_collaborators(store, "Not A Key")
