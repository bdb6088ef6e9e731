"""Share your work, end to end in Chromium: a bad year is refused field by field and nothing is
queued; a good proposal is queued; the CLI approves it; after the next build the partnership
has its page, is found by search, is on the map, is among the similar partnerships of the
Chitambo projects, and its provenance names the submission.

It runs its own server over private copies of the data and state (the build changes them)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from healthgraph.server import pipeline, review
from healthgraph.server.settings import Settings
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPO, screenshot
from tests.live_server import live_server

KEY = "lanarkshire-chitambo-eye-link"


@pytest.fixture(scope="module")
def contrib(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    root = tmp_path_factory.mktemp("contribute")
    shutil.copytree(REPO / "data", root / "data")
    settings = Settings(state_dir=root / "state", data_dir=root / "data")
    pipeline.build(settings, lambda _m: None)
    env = {"HEALTHGRAPH_STATE_DIR": str(settings.state_dir),
           "HEALTHGRAPH_DATA_DIR": str(settings.data_dir)}
    with live_server(env, root / "server.log") as server:
        yield server.url, settings


def _cli(settings: Settings, *args: str) -> str:
    env = {**os.environ, "HEALTHGRAPH_STATE_DIR": str(settings.state_dir),
           "HEALTHGRAPH_DATA_DIR": str(settings.data_dir)}
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from healthgraph.server.cli import main; "
         f"sys.exit(main({list(args)!r}))"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _fill(page: Page, start: str) -> None:
    page.get_by_label("Name").fill("Lanarkshire - Chitambo eye link")
    page.get_by_label("Summary").fill("Eye care training at Chitambo Hospital.")
    page.get_by_label("Countries").fill("Chitambo, Zambia")
    page.get_by_label("Places").fill("Chitambo Hospital; Chitambo District")
    page.get_by_label("Start").fill(start)
    page.get_by_label("Themes").fill("eye health; training")
    page.get_by_label("Lead organisation").fill("NHS Lanarkshire")
    page.get_by_label("Partner organisations").fill("Chitambo Hospital; Friends of Chitambo")
    page.get_by_label("Source page").fill("https://example.org/eye-link")
    page.get_by_label("Your role (optional)").fill("Global Citizenship Lead Champion")


def test_share_your_work_from_form_to_the_next_build(page: Page, contrib: tuple[str, Settings]) -> None:
    url, settings = contrib
    page.goto(url + "/contribute")
    _fill(page, "20244")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#e-start")).to_contain_text("20244")
    expect(page.get_by_label("Name")).to_have_value("Lanarkshire - Chitambo eye link")
    assert review.queue(settings).list() == []
    screenshot(page, "contribute-error")

    page.get_by_label("Start").fill("March 2024")
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_url(re.compile(r"/contribute/received/[0-9a-f]+$"))
    expect(page.locator("#submission-status")).to_contain_text("pending")
    submission_id = page.url.rsplit("/", 1)[-1]
    assert [s.id for s in review.queue(settings).list()] == [submission_id]

    assert f"{submission_id} approved" in _cli(settings, "submissions", "approve", submission_id)
    _cli(settings, "load")

    # its page (the linked-data page its IRI redirects to), with the submission as provenance
    page.goto(url + f"/id/partnership/{KEY}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lanarkshire - Chitambo eye link")
    expect(page.locator(f"#submission-{submission_id}")).to_contain_text(f"Submission {submission_id}")
    expect(page.locator("ol.similar")).to_contain_text("Friends of Chitambo")
    screenshot(page, "contributed-partnership")
    # in search
    page.goto(url + "/partnerships?q=Lanarkshire")
    expect(page.locator("ol.results")).to_contain_text("Lanarkshire - Chitambo eye link")
    # on the map
    page.goto(url + f"/map?partnership={KEY}")
    expect(page.locator("#links-summary")).to_contain_text("ZM")
    # among the similar partnerships of a Chitambo project
    page.goto(url + "/partnerships/friends-of-chitambo/related")
    expect(page.locator("ol.similar")).to_contain_text("Lanarkshire - Chitambo eye link")
    # and in the graph: prov:wasDerivedFrom the submission
    answer = httpx.post(url + "/sparql", data={"query": (
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX hg: <https://w3id.org/healthgraph/ontology#> "
        f'ASK {{ ?p hg:key "{KEY}" ; prov:wasDerivedFrom ?s . ?s prov:generatedAtTime ?t }}')},
        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.json()["boolean"] is True
