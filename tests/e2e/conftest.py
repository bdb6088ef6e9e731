"""End-to-end fixtures: the real server under uvicorn on 127.0.0.1, and headless Chromium
(Debian's /usr/bin/chromium, driven by Playwright) with every request not to 127.0.0.1
aborted and logged."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.live_server import live_server

REPO = Path(__file__).resolve().parents[2]
# The README shows docs/screenshots/; a run refreshes them only when asked, so that a test run
# leaves the tree clean: HEALTHGRAPH_UPDATE_SCREENSHOTS=1 ./dev.sh test tests/e2e
SCREENSHOTS = (
    REPO / "docs" / "screenshots"
    if os.environ.get("HEALTHGRAPH_UPDATE_SCREENSHOTS") == "1"
    else Path(os.environ.get("TMPDIR", "/tmp")) / "healthgraph-screenshots"
)
CHROMIUM = os.environ.get("HEALTHGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]

try:
    from playwright.sync_api import Browser, Page, Route, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None


@pytest.fixture(scope="session")
def server_url(built_state: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`healthgraph serve` (uvicorn) over the shipped data, on a free port of 127.0.0.1."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with live_server({"HEALTHGRAPH_STATE_DIR": str(built_state)}, log) as server:
        yield server.url


@dataclass
class RequestLog:
    """Every URL the browser asked for, and those aborted for leaving 127.0.0.1."""

    urls: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def request_log() -> RequestLog:
    return RequestLog()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        pytest.skip("the Python package 'playwright' is not installed (pip install -e '.[test]')")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package 'chromium'; ./dev.sh setup-test)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:"))


@pytest.fixture
def page(browser: Browser, request_log: RequestLog) -> Iterator[Page]:
    """A fresh page (1280x800) whose requests are logged; outside requests are aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})

    def route(route: Route) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            request_log.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    context.on("request", lambda request: request_log.urls.append(request.url))
    page = context.new_page()
    page.on("console", lambda message: request_log.csp_violations.append(
        f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None)
    page.set_default_timeout(30_000)
    yield page
    context.close()


def screenshot(page: Page, name: str) -> None:
    """A PNG of the visible page (in docs/screenshots/ when refreshing them for the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
