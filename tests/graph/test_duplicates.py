"""The duplicate report of a build over the shipped data: the known cases of data/README.md."""

from __future__ import annotations

import pytest
from healthgraph.graph.duplicates import (
    Duplicate,
    find_duplicates,
    name_tokens,
    read_report,
    token_set_similarity,
)
from healthgraph.graph.versions import VersionInfo


@pytest.fixture(scope="module")
def report(version: VersionInfo) -> list[Duplicate]:
    return read_report(version.path)


def _pairs(report: list[Duplicate]) -> set[frozenset[str]]:
    return {frozenset((d.a_key, d.b_key)) for d in report}


def test_each_build_writes_the_report(version: VersionInfo, report: list[Duplicate]) -> None:
    assert (version.path / "duplicates.json").exists()
    assert report and all(d.evidence for d in report)
    assert [d.score for d in report] == sorted((d.score for d in report), reverse=True)


def test_the_chitambo_projects_are_reported(report: list[Duplicate]) -> None:
    pairs = _pairs(report)
    assert frozenset({"friends-of-chitambo", "foch-chitambo-health-partnership"}) in pairs
    chitambo = {key for pair in pairs for key in pair if "chitambo" in key}
    assert {"friends-of-chitambo", "foch-chitambo-health-partnership",
            "friends-of-chitambo-three-year-project-grant-on-emd-zambia",
            "solar-panels-for-chitambo-hospital",
            "oxygen-generating-plant-and-pipeline-for-chitambo-hospital"} <= chitambo


def test_the_two_first_aid_africa_grants_are_reported(report: list[Duplicate]) -> None:
    pair = frozenset({"first-aid-and-renewable-energy-solutions-for-communities-in-zambias-central-province",
                      "solar-panels-for-chitambo-hospital"})
    found = [d for d in report if frozenset((d.a_key, d.b_key)) == pair]
    assert found
    evidence = " ".join(found[0].evidence)
    assert "same places: chitambo hospital" in evidence and "First Aid Africa" in evidence


def test_the_two_names_of_the_health_partnership_programme_are_reported(
    report: list[Duplicate],
) -> None:
    found = [d for d in report
             if {d.a_key, d.b_key} == {"health-partnerships-programme-hpp",
                                       "scottish-government-health-partnership-programme"}]
    assert found and found[0].kind == "programme"
    assert any(e.startswith("close names") for e in found[0].evidence)
    assert "same funder" in found[0].evidence


def test_unrelated_partnerships_are_not_reported(report: list[Duplicate]) -> None:
    assert frozenset({"friends-of-chitambo", "edinburgh-malawi-cancer-partnership"}) \
        not in _pairs(report)


def test_name_similarity() -> None:
    assert token_set_similarity(name_tokens("Health Partnerships Programme"),
                                name_tokens("Scottish Government Health Partnership Programme")) == 1.0
    assert token_set_similarity(set(), {"a"}) == 0.0


def test_the_report_is_the_same_as_a_fresh_search(settings: object, report: list[Duplicate]) -> None:
    from healthgraph.graph.current import CurrentVersion
    from healthgraph.graph.versions import VersionedStore
    from healthgraph.server.settings import Settings

    assert isinstance(settings, Settings)
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    assert find_duplicates(store) == report
