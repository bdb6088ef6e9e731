"""The pages in real headless Chromium against the real server on 127.0.0.1."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPO, RequestLog, screenshot

MALAWI_PARTNERSHIPS = 64  # partnerships whose countries include Malawi in the shipped data


def test_landing_page_renders(page: Page, server_url: str) -> None:
    page.goto(server_url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("health partnerships")
    expect(page.locator("ul.counts")).to_contain_text("92")
    for name in ["Find a partnership", "See them on the map", "Query with SPARQL", "Query with GraphQL"]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    screenshot(page, "home")


def test_search_for_malawi_lists_the_malawi_partnerships(page: Page, server_url: str) -> None:
    page.goto(server_url + "/partnerships")
    page.get_by_label("Country").select_option("MW")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"country=MW"))
    expect(page.locator("#result-count")).to_contain_text(f"{MALAWI_PARTNERSHIPS} partnerships")
    hits = page.locator("ol.results li.hit")
    expect(hits).to_have_count(25)
    for meta in hits.locator(".meta").all_inner_texts():
        assert "Malawi" in meta
    screenshot(page, "partnerships")


def test_keyword_search_works_by_keyboard(page: Page, server_url: str) -> None:
    page.goto(server_url + "/partnerships")
    page.get_by_label("Keyword").fill("cervical")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/partnerships\?q=cervical$"))
    hits = page.locator("ol.results li.hit").all_inner_texts()
    assert hits and all("cervical" in text.lower() for text in hits)


def test_clicking_malawi_on_the_map_filters_the_search(page: Page, server_url: str) -> None:
    page.goto(server_url + "/map")
    malawi = page.locator('path.country[data-country="MW"]')
    expect(malawi).to_have_attribute("aria-label", re.compile(r"Malawi: 64 partnerships"))
    expect(page.locator("circle.place").first).to_be_attached()
    page.locator("#map").scroll_into_view_if_needed()
    screenshot(page, "map")
    malawi.click()
    page.wait_for_url(re.compile(r"/partnerships\?country=MW"))
    expect(page.locator("#result-count")).to_contain_text(f"{MALAWI_PARTNERSHIPS} partnerships")


def test_map_countries_work_by_keyboard(page: Page, server_url: str) -> None:
    page.goto(server_url + "/map")
    zambia = page.locator('path.country[data-country="ZM"]')
    zambia.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/partnerships\?country=ZM"))
    expect(page.locator("#result-count")).to_contain_text("30 partnerships")


def test_map_draws_the_links_of_a_partnership(page: Page, server_url: str) -> None:
    page.goto(server_url + "/map")
    page.get_by_label("Show the links of a partnership").select_option(
        "scottish-ambulance-service-support-for-zambias-emergency-medical-service")
    page.get_by_role("button", name="Show links").click()
    expect(page.locator("path.link").first).to_be_attached()
    expect(page.locator("#links-summary")).to_contain_text("ZM")


def test_board_page_shows_lead_champion_and_guidance(page: Page, server_url: str) -> None:
    page.goto(server_url + "/boards/S08000024")
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Lothian")
    expect(page.locator("#lead-champion")).to_contain_text("Global Citizenship Lead Champion")
    guidance = page.locator("ul.guidance")
    for title in ["Principles of Partnership", "Guide for new Health Partnerships",
                  "'Doing It Well' guide", "Partnership preparation package"]:
        expect(guidance).to_contain_text(title)
    screenshot(page, "board")


def test_sparql_editor_runs_the_twinning_example(page: Page, server_url: str) -> None:
    twinning = (REPO / "queries" / "twinning.rq").read_text(encoding="utf-8")
    expected = httpx.post(server_url + "/sparql", data={"query": twinning},
                          headers={"Accept": "application/sparql-results+json"})
    expected_rows = len(expected.json()["results"]["bindings"])
    assert expected_rows > 0
    page.goto(server_url + "/sparql")
    page.get_by_role("button", name="Twinning traversal").click()
    rows = page.locator(".yasr table tbody tr")
    expect(rows).to_have_count(expected_rows)
    expect(page.locator(".yasr")).to_contain_text("Ministry of Health (Malawi)")
    expect(page.locator(".yasr")).to_contain_text("Zambia")
    page.locator(".yasr").scroll_into_view_if_needed()
    screenshot(page, "sparql")


def test_graphiql_runs_an_example_operation(page: Page, server_url: str) -> None:
    answer = httpx.get(server_url + "/graphql", headers={"Accept": "text/html"})
    if answer.status_code != 200 or "graphiql" not in answer.text.lower():
        pytest.skip("/graphql (GraphiQL page) is not on main yet; the GraphQL issue adds it")
    page.goto(server_url + "/graphql")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text('"data"')
    screenshot(page, "graphiql")


def test_pages_are_readable_at_phone_width(page: Page, server_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ["/", "/map", "/boards/S08000024", "/sparql", "/partnerships?country=MW"]:
        page.goto(server_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways at 390px ({width}px wide)"
    expect(page.get_by_label("Keyword")).to_be_visible()
    screenshot(page, "phone")


def test_share_link_keeps_the_search(page: Page, server_url: str) -> None:
    page.goto(server_url + "/partnerships?country=ZM&kind=university")
    href = page.get_by_role("link", name="Link to this search").get_attribute("href") or ""
    assert parse_qs(urlsplit(href).query) == {"country": ["ZM"], "kind": ["university"]}


def test_no_request_left_127_0_0_1(page: Page, server_url: str, request_log: RequestLog) -> None:
    """Every request of every page (those above, and each page once more here) stayed on
    127.0.0.1; the browser's request log is checked, not just what the server saw."""
    for path in ["/", "/partnerships?country=MW", "/boards/S08000024", "/graphql",
                 "/map?partnership=scottish-ambulance-service-support-for-zambias-emergency-medical-service"]:
        page.goto(server_url + path)
        page.wait_for_load_state("networkidle")
    page.goto(server_url + "/sparql")
    page.get_by_role("button", name="Partnerships by country").click()
    expect(page.locator(".yasr table tbody tr").first).to_be_visible()
    assert any("/static/vendor/" in url for url in request_log.urls)
    outside = sorted({url for url in request_log.urls if not url.startswith("http://127.0.0.1:")
                      and not url.startswith(("data:", "blob:", "about:"))})
    assert not outside and not request_log.blocked, outside or request_log.blocked


def test_pages_run_under_the_content_security_policy(
    page: Page, server_url: str, request_log: RequestLog
) -> None:
    """The pages are served with a CSP allowing only 'self' for scripts (no inline script);
    every page above (map, YASGUI, GraphiQL) ran under it without a single violation."""
    answer = httpx.get(server_url + "/map")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    page.goto(server_url + "/graphql")
    expect(page.locator(".graphiql-execute-button")).to_be_visible()
    assert request_log.csp_violations == []
