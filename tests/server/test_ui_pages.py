"""The HTML pages through the real app (no browser): status, content, error mapping."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_home_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert "92" in response.text and 'href="/partnerships"' in response.text


def test_search_page_without_javascript(client: TestClient) -> None:
    response = client.get("/partnerships", params={"country": "MW"})
    assert response.status_code == 200
    assert "<strong>64</strong> partnerships" in response.text
    assert '<option value="MW" selected>Malawi (64)</option>' in response.text
    for label in ("Keyword", "Country", "Health board", "Theme", "Kind of organisation"):
        assert f">{label}</label>" in response.text


def test_empty_form_fields_redirect_to_the_short_url(client: TestClient) -> None:
    response = client.get("/partnerships?q=&country=MW&board=&theme=&kind=&from=&to=",
                          follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/partnerships?country=MW"


def test_bad_search_value_is_a_400_page(client: TestClient) -> None:
    response = client.get("/partnerships", params={"from": "soon"})
    assert response.status_code == 400 and "text/html" in response.headers["content-type"]
    assert "a year" in response.text


def test_map_page_has_a_text_alternative(client: TestClient) -> None:
    response = client.get("/map")
    assert response.status_code == 200
    assert '<a href="/partnerships?country=MW">Malawi</a></th><td>MW</td><td>64</td>' in response.text
    assert 'id="map-data"' in response.text and "countries-110m.json" in response.text


def test_board_page_and_unknown_board(client: TestClient) -> None:
    response = client.get("/boards/S08000024")
    assert response.status_code == 200
    assert "Global Citizenship Lead Champion" in response.text
    assert "Doing It Well" in response.text
    assert client.get("/boards/S08000099").status_code == 404
    choice = client.get("/boards", params={"key": "S08000024"}, follow_redirects=False)
    assert choice.status_code == 303 and choice.headers["location"] == "/boards/S08000024"


def test_sparql_without_a_query_is_the_editor(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    text = response.text
    assert "yasgui.min.js" in text and "sparql-editor.js" in text
    assert "Twinning traversal" in text
    assert "PREFIX hg: &lt;https://w3id.org/healthgraph/ontology#&gt;" in text


def test_sparql_editor_script_turns_off_outside_services(client: TestClient) -> None:
    script = client.get("/static/js/sparql-editor.js").text
    assert 'autocompleters = ["variables", "prefixes"]' in script
    assert script.index("autocompleters") < script.index("new Yasgui(")
    assert "persistenceId: null" in script and 'method: "POST"' in script
    assert "new URL(\"sparql\", document.baseURI).href" in script
