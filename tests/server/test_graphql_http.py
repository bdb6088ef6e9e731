"""GraphQL over HTTP on /graphql: one test per protocol behaviour, through the real app."""

from __future__ import annotations

from starlette.testclient import TestClient

GRAPHQL_RESPONSE = "application/graphql-response+json"
TWINNING = '{ programme(key: "who-twinning-partnerships-for-improvement") { label } }'


def test_post_json_answers_graphql_response_json_when_accepted(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": TWINNING}, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json()["data"]["programme"]["label"].startswith("WHO")


def test_post_without_accept_answers_application_json(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept": ""})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


def test_get_query_with_variables(client: TestClient) -> None:
    response = client.get("/graphql", params={
        "query": "query($code: String!) { country(isoCode: $code) { label } }",
        "variables": '{"code": "ZM"}'}, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.json() == {"data": {"country": {"label": "Zambia"}}}


def test_get_mutation_is_refused(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": "mutation { __typename }"},
                          headers={"Accept": GRAPHQL_RESPONSE})
    assert 400 <= response.status_code < 500


def test_syntax_error_is_400_without_data_for_graphql_response_json(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{"}, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert "data" not in response.json()
    assert response.json()["errors"][0]["locations"]


def test_validation_error_is_200_for_application_json(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ nope }"}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert "Cannot query field 'nope'" in response.json()["errors"][0]["message"]


def test_validation_error_is_400_for_graphql_response_json(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ nope }"}, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert "data" not in response.json()


def test_no_field_suggestions(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ countrie(isoCode: \"MW\") { label } }"})
    message = response.json()["errors"][0]["message"]
    assert "Cannot query field 'countrie'" in message
    assert "Did you mean" not in message


def test_user_error_in_a_resolver_stays_readable(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": '{ partnerships(after: "nope") { totalCount } }'})
    assert response.status_code == 200
    assert "is not a cursor" in response.json()["errors"][0]["message"]


def test_bad_json_is_400(client: TestClient) -> None:
    response = client.post("/graphql", content=b'{"query": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_non_string_operation_name_is_400(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ __typename }", "operationName": 3})
    assert response.status_code == 400


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/graphql", content="{ __typename }", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_put_is_405(client: TestClient) -> None:
    response = client.put("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


def test_unacceptable_accept_is_406(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_cors_preflight_and_response(client: TestClient) -> None:
    preflight = client.options("/graphql", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    response = client.post("/graphql", json={"query": "{ __typename }"},
                           headers={"Origin": "https://app.example"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_graphiql_is_served_from_vendored_assets(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    scripts = ["/static/vendor/react/react.production.min.js",
               "/static/vendor/react-dom/react-dom.production.min.js",
               "/static/vendor/graphiql/graphiql.min.js"]
    positions = [html.index(script) for script in scripts]
    assert positions == sorted(positions), "react, then react-dom, then graphiql"
    for asset in [*scripts, "/static/vendor/graphiql/graphiql.min.css"]:
        assert client.get(asset).status_code == 200, asset
    assert "query Twinning" in html and "/static/js/graphiql-setup.js" in html
    assert "defaultTabs" in client.get("/static/js/graphiql-setup.js").text
