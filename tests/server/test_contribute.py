"""/contribute and its review queue through the real app: checks per field, nothing queued on
error, spam guards, the CLI review, the next build, and submissions arriving all at once."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.similarity import similar
from healthgraph.graph.versions import VersionedStore
from healthgraph.server import pipeline, review
from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

from tests.live_server import serving

GOOD = {
    "kind": "new",
    "name": "Lanarkshire - Chitambo eye link",
    "summary": "Eye care training at Chitambo Hospital.",
    "countries": "Chitambo, Zambia",
    "places": "Chitambo Hospital; Chitambo District",
    "start": "March 2024",
    "themes": "eye health; training",
    "source_url": "https://example.org/eye-link",
    "lead": "NHS Lanarkshire",
    "partners": "Chitambo Hospital; Friends of Chitambo",
}


@pytest.fixture
def app_client(fresh_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(fresh_settings)) as http:
        yield http


def _queued(settings: Settings) -> int:
    return len(review.queue(settings).list())


def test_form_works_without_javascript(app_client: TestClient) -> None:
    response = app_client.get("/contribute")
    assert response.status_code == 200
    text = response.text
    assert '<form method="post" action="/contribute"' in text and "<script" not in text
    for label in ("Name", "Countries", "Start", "Lead organisation", "Source page"):
        assert f">{label}" in text
    assert 'name="website"' in text and 'tabindex="-1"' in text


def test_a_bad_year_shows_a_field_error_and_queues_nothing(
    app_client: TestClient, fresh_settings: Settings
) -> None:
    response = app_client.post("/contribute", data={**GOOD, "start": "20244"})
    assert response.status_code == 400
    assert 'id="e-start"' in response.text and "20244" in response.text
    assert 'value="Lanarkshire - Chitambo eye link"' in response.text  # what was typed stays
    assert _queued(fresh_settings) == 0


def test_a_good_proposal_is_queued_once_per_form(
    app_client: TestClient, fresh_settings: Settings
) -> None:
    first = app_client.post("/contribute", data={**GOOD, "token": "form-1"}, follow_redirects=False)
    assert first.status_code == 303
    again = app_client.post("/contribute", data={**GOOD, "token": "form-1"}, follow_redirects=False)
    assert again.headers["location"] == first.headers["location"]
    assert _queued(fresh_settings) == 1
    page = app_client.get(first.headers["location"])
    assert "pending" in page.text


def test_the_honeypot_queues_nothing(app_client: TestClient, fresh_settings: Settings) -> None:
    response = app_client.post("/contribute", data={**GOOD, "website": "http://spam.example"})
    assert response.status_code == 200 and "received" in response.text
    assert _queued(fresh_settings) == 0


def test_json_api(app_client: TestClient, fresh_settings: Settings) -> None:
    created = app_client.post("/api/contributions", json=GOOD)
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "pending" and body["partnership"] == "lanarkshire-chitambo-eye-link"
    assert app_client.get(created.headers["location"]).json()["status"] == "pending"
    bad = app_client.post("/api/contributions", json={**GOOD, "start": "20244", "lead": "Nobody"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"start", "lead"}
    assert app_client.post("/api/contributions", json={**GOOD, "email": "x"}).status_code == 422
    assert app_client.post("/api/contributions", content=b"[1]",
                           headers={"content-type": "application/json"}).status_code == 400
    assert app_client.post("/api/contributions", content=b"name=x",
                           headers={"content-type": "text/plain"}).status_code == 415
    assert app_client.get("/api/contributions/000000000000").status_code == 404
    assert _queued(fresh_settings) == 1


def test_size_limit(app_client: TestClient, fresh_settings: Settings) -> None:
    response = app_client.post("/api/contributions", json={**GOOD, "summary": "x" * 30_000})
    assert response.status_code == 413
    assert _queued(fresh_settings) == 0


def test_rate_limit(fresh_settings: Settings) -> None:
    settings = replace(fresh_settings, submission_rate_limit=2)
    with TestClient(create_app(settings)) as http:
        statuses = [http.post("/api/contributions", json={**GOOD, "name": f"Link {n}"}).status_code
                    for n in range(3)]
        assert statuses == [201, 201, 429]
        limited = http.post("/api/contributions", json=GOOD)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert _queued(settings) == 2


def _cli(settings: Settings, *args: str) -> str:
    env = {"HEALTHGRAPH_STATE_DIR": str(settings.state_dir),
           "HEALTHGRAPH_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from healthgraph.server.cli import main; "
         f"sys.exit(main({list(args)!r}))"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_approved_submission_enters_the_next_build_with_provenance(fresh_settings: Settings) -> None:
    settings = fresh_settings
    submission = review.submit(settings, GOOD)
    rejected = review.submit(settings, {**GOOD, "name": "Something else"})
    assert submission.id in _cli(settings, "submissions", "list", "--status", "pending")
    assert '"contact_role"' in _cli(settings, "submissions", "show", submission.id)
    _cli(settings, "submissions", "approve", submission.id, "--note", "checked the page")
    _cli(settings, "submissions", "reject", rejected.id)
    csv_text = (settings.data_dir / "contributions.csv").read_text(encoding="utf-8")
    assert submission.id in csv_text and rejected.id not in csv_text
    assert "lanarkshire-chitambo-eye-link" in csv_text

    pipeline.build(settings, lambda _m: None)
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    found = {s.key for s in similar(store, "friends-of-chitambo", limit=25)}
    assert "lanarkshire-chitambo-eye-link" in found
    with TestClient(create_app(settings)) as http:
        page = http.get("/partnerships/lanarkshire-chitambo-eye-link/related")
        assert page.status_code == 200 and f"Submission {submission.id}" in page.text
        assert "lanarkshire-chitambo-eye-link" in http.get("/partnerships", params={"q": "Lanarkshire"}).text


@pytest.fixture
def live(fresh_settings: Settings) -> Iterator[tuple[str, Settings]]:
    """The real app under uvicorn in a thread, with a generous rate limit."""
    settings = replace(fresh_settings, submission_rate_limit=10_000)
    with serving(create_app(settings)) as url:
        yield url, settings


def _post(url: str, n: int) -> str:
    response = httpx.post(f"{url}/api/contributions",
                          json={**GOOD, "name": f"Eye link {n}", "token": f"t-{n}"}, timeout=120)
    assert response.status_code == 201, response.text
    submission_id: str = response.json()["id"]
    return submission_id


def test_fifty_submissions_at_once_are_all_queued_exactly_once(live: tuple[str, Settings]) -> None:
    url, settings = live
    with ThreadPoolExecutor(max_workers=50) as pool:
        ids = list(pool.map(lambda n: _post(url, n), range(50)))
        again = list(pool.map(lambda n: _post(url, n), range(50)))  # the same forms, resent
    assert len(set(ids)) == 50 and again == ids
    queued = review.queue(settings).list()
    assert len(queued) == 50 and {s.id for s in queued} == set(ids)


def test_a_build_while_submissions_arrive_loses_none(live: tuple[str, Settings]) -> None:
    url, settings = live
    assert not VersionedStore(settings.state_dir).has_current()
    build = threading.Thread(target=pipeline.build, args=(settings, lambda _m: None))
    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(_post, url, n) for n in range(30)]
        build.start()
        ids = [f.result() for f in futures]
    build.join(timeout=300)
    assert VersionedStore(settings.state_dir).current().triples > 0
    assert {s.id for s in review.queue(settings).list()} == set(ids)


def test_a_missing_data_dir_file_is_not_needed(tmp_path: Path) -> None:
    # the queue lives under the state directory and is created on first use
    queue = review.queue(Settings(state_dir=tmp_path / "state"))
    assert queue.list() == [] and (tmp_path / "state" / "submissions.sqlite").exists()
