"""Related partnerships, the duplicate report and a board's "Get involved" page, through the
real app."""

from __future__ import annotations

import subprocess
import sys

from healthgraph.server.settings import Settings
from starlette.testclient import TestClient


def test_related_page_lists_similar_partnerships_and_collaborators(client: TestClient) -> None:
    response = client.get("/partnerships/friends-of-chitambo/related")
    assert response.status_code == 200
    text = response.text
    assert "Similar partnerships" in text and "Potential collaborators" in text
    assert 'href="/id/partnership/foch-chitambo-health-partnership"' in text
    assert "place: Chitambo Hospital" in text


def test_the_partnership_page_shows_similar_partnerships_and_collaborators(client: TestClient) -> None:
    response = client.get("/doc/partnership/friends-of-chitambo", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert 'id="similar-partnerships"' in response.text
    assert 'id="potential-collaborators"' in response.text
    assert 'href="/contribute?partnership=friends-of-chitambo"' in response.text
    other = client.get("/doc/organisation/nhs-lanarkshire", headers={"Accept": "text/html"})
    assert other.status_code in (200, 404) and 'id="similar-partnerships"' not in other.text


def test_the_named_queries_are_served(client: TestClient) -> None:
    response = client.get("/queries/similar-partnerships",
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    keys = {b["similarKey"]["value"] for b in response.json()["results"]["bindings"]}
    assert "foch-chitambo-health-partnership" in keys


def test_related_page_of_an_unknown_partnership_is_a_404(client: TestClient) -> None:
    assert client.get("/partnerships/no-such-thing/related").status_code == 404
    assert client.get("/partnerships/Not%20a%20key/related").status_code == 404


def test_search_results_link_to_related(client: TestClient) -> None:
    text = client.get("/partnerships", params={"q": "chitambo"}).text
    assert 'href="/partnerships/friends-of-chitambo/related"' in text


def test_duplicates_page(client: TestClient) -> None:
    response = client.get("/duplicates")
    assert response.status_code == 200
    assert "Nothing is merged" in response.text
    assert "foch-chitambo-health-partnership" in response.text
    assert "health-partnerships-programme-hpp" in response.text


def test_get_involved_page(client: TestClient) -> None:
    response = client.get("/get-involved/S08000031")
    assert response.status_code == 200
    text = response.text
    assert "Global Citizenship Lead Champion" in text and "How to reach" in text
    assert "Principles of Partnership" in text and "Doing It Well" in text
    assert "Programmes that fund such work" in text
    assert "funds this board&#39;s partnerships" in text or "funds this board's partnerships" in text
    assert client.get("/get-involved/nhs-greater-glasgow-and-clyde").status_code == 200
    assert client.get("/get-involved/S08000099").status_code == 404


def test_get_involved_is_linked_from_board_pages_and_the_landing_page(client: TestClient) -> None:
    assert 'href="/get-involved/S08000024"' in client.get("/boards/S08000024").text
    home = client.get("/").text
    assert 'href="/get-involved/S08000024"' in home and 'href="/contribute"' in home


def test_validate_duplicates_prints_the_report(settings: Settings) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from healthgraph.server.cli import main; "
         "sys.exit(main(['validate', '--duplicates']))"],
        capture_output=True, text=True, check=True, timeout=300,
    )
    assert "probable duplicates" in result.stdout
    assert "foch-chitambo-health-partnership" in result.stdout
    assert "nothing is merged" in result.stdout
