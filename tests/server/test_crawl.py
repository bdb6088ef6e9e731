"""A crawler's view: from the landing page, links and Link headers reach every entity."""

from __future__ import annotations

import re
import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.settings import Settings
from starlette.testclient import TestClient

BASE = "https://w3id.org/healthgraph/"
# Not followed: other services (their links are queries, not pages), downloads, assets, and the
# 353 membership pages (each only links a partnership, an organisation and a role; skipping them
# halves the crawl).
SKIP = re.compile(
    r"^/(sparql|graphql|static|dumps|partnerships|map)(/|$|\?)|^/(id|doc)/membership/"
    r"|\.(ttl|nt|rdf|jsonld|json|csv|tsv|xml)($|\?)"
)
LINK = re.compile(r"<([^>]*)>")


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "link"):
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def _local(url: str, page: str) -> str | None:
    absolute = urlsplit(urljoin("http://testserver" + page, url))
    if absolute.netloc != "testserver":
        return None
    return absolute.path + (f"?{absolute.query}" if absolute.query else "")


def test_crawl_from_the_landing_page_reaches_every_entity(client: TestClient, settings: Settings) -> None:
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    wanted = {
        str(row["s"].value)
        for cls in ("https://w3id.org/healthgraph/ontology#Partnership", "http://www.w3.org/ns/org#Organization",
                    "https://schema.org/Country", "https://w3id.org/healthgraph/ontology#GuidanceDocument")
        for row in store.select(f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }}")
    }
    assert len(wanted) > 290
    started = time.monotonic()
    queue, seen, described = deque(["/"]), {"/"}, set()
    while queue:
        path = queue.popleft()
        response = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        while response.status_code == 429:  # a polite crawler waits as the server asks
            time.sleep(float(response.headers["retry-after"]))
            response = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        found = LINK.findall(response.headers.get("link", ""))
        if response.status_code in (301, 302, 303, 307, 308):
            found.append(response.headers["location"])
        elif response.status_code == 200 and response.headers["content-type"].startswith("text/html"):
            if path.startswith("/doc/"):
                described.add(BASE + "id/" + path.removeprefix("/doc/"))
            parser = _Hrefs()
            parser.feed(response.text)
            found += parser.hrefs
        for href in found:
            local = _local(href, path)
            if local and local.split("#")[0] not in seen and not SKIP.search(local):
                seen.add(local.split("#")[0])
                queue.append(local.split("#")[0])
    missing = sorted(wanted - described)
    assert not missing, (len(missing), missing[:5])
    print(f"crawled {len(seen)} URLs in {time.monotonic() - started:.1f} s")
