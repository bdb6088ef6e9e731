"""`Partnership.similar` and `Partnership.potentialCollaborators` over GraphQL."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

CHITAMBO = {
    "foch-chitambo-health-partnership",
    "friends-of-chitambo-three-year-project-grant-on-emd-zambia",
    "chitambo-hospital-nurse-training-school-zambia-nhs-education-for-scotland-nes-penicuik-for-africa-pfa-link",
    "solar-panels-for-chitambo-hospital",
    "oxygen-generating-plant-and-pipeline-for-chitambo-hospital",
}


def _data(client: TestClient, query: str) -> Any:
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_similar_lists_the_other_chitambo_projects(client: TestClient) -> None:
    data = _data(client, """{ partnership(key: "friends-of-chitambo") {
        similar(first: 10) { score evidence partnership { key label } } } }""")
    similar = data["partnership"]["similar"]
    assert {s["partnership"]["key"] for s in similar} >= CHITAMBO
    assert [s["score"] for s in similar] == sorted((s["score"] for s in similar), reverse=True)
    assert "place: Chitambo Hospital" in similar[0]["evidence"]


def test_potential_collaborators_of_a_malawi_cancer_partnership(client: TestClient) -> None:
    data = _data(client, """{ partnership(key: "edinburgh-malawi-cancer-partnership") {
        potentialCollaborators(first: 25) { score partnershipCount evidence
                                            organisation { key label kind } } } }""")
    found = {c["organisation"]["key"]: c for c in data["partnership"]["potentialCollaborators"]}
    assert found["nkhoma-hospital"]["organisation"]["kind"] == "HOSPITAL"
    assert "queen-elizabeth-central-hospital" not in found


def test_similar_on_a_page_of_partnerships(client: TestClient) -> None:
    data = _data(client, """{ partnerships(first: 3) { nodes { key
        similar(first: 2) { score partnership { key } } } } }""")
    nodes = data["partnerships"]["nodes"]
    assert len(nodes) == 3 and all(len(n["similar"]) == 2 for n in nodes)
    assert all(s["partnership"]["key"] != n["key"] for n in nodes for s in n["similar"])
