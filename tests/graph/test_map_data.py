"""What the map draws, from the shipped graph."""

from __future__ import annotations

from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.map_data import GAZETTEER, UNPLACED, map_data
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.settings import Settings


def test_country_counts_places_and_links(settings: Settings) -> None:
    snapshot = CurrentVersion(VersionedStore(settings.state_dir)).snapshot()
    key = "scottish-ambulance-service-support-for-zambias-emergency-medical-service"
    data = map_data(snapshot.store, snapshot.version.statistics, key)
    counts = {c.code: c.partnerships for c in data.countries}
    assert counts["MW"] == 64 and counts["ZM"] == 30 and counts["GB-SCT"] == 2
    assert next(c for c in data.countries if c.code == "TZ").names[0] == "Tanzania"
    names = {p.name for p in data.places}
    assert {"Edinburgh", "Glasgow", "Dundee"} <= names
    assert names <= set(GAZETTEER)
    assert data.links is not None and data.links.countries == ("ZM",)
    assert data.links.places and set(data.links.places) <= names | {UNPLACED}
    same = map_data(snapshot.store, None, None)
    assert {(c.code, c.partnerships) for c in same.countries} == set(counts.items())
    assert same.links is None
    payload = data.as_json()
    assert payload["links"]["key"] == key and payload["countries"][0]["code"] == "MW"
