"""A health board's "Get involved" facts."""

from __future__ import annotations

import pytest
from healthgraph.graph.boards import UnknownBoardError, board
from healthgraph.graph.current import CurrentVersion
from healthgraph.graph.versions import VersionedStore
from healthgraph.server.settings import Settings


def test_territorial_board_has_lead_champion_partnerships_and_guidance(settings: Settings) -> None:
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    lothian = board(store, "S08000024")
    assert board(store, "nhs-lothian").iri == lothian.iri
    assert lothian.label == "NHS Lothian" and lothian.gss_code == "S08000024"
    assert lothian.lead_champion is not None
    assert lothian.lead_champion.role == "Global Citizenship Lead Champion"
    assert "scottishglobalhealth.org" in lothian.lead_champion.contact_route
    assert len(lothian.partnerships) == 4
    keys = {g.key for g in lothian.guidance}
    assert {"thet-principles-of-partnership-8", "thet-principles-of-partnership-10",
            "thet-guide-for-new-health-partnerships", "nhs-scotland-doing-it-well-guide",
            "who-tpi-partnership-preparation-package", "who-tpi-taking-action-steps-4-5"} <= keys


def test_special_board_has_no_lead_champion_post(settings: Settings) -> None:
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    nes = board(store, "nhs-education-for-scotland")
    assert nes.lead_champion is None and nes.partnerships


@pytest.mark.parametrize("key", ["S08000099", "no-such-board", "<bad>"])
def test_unknown_board(settings: Settings, key: str) -> None:
    store = CurrentVersion(VersionedStore(settings.state_dir)).snapshot().store
    with pytest.raises(UnknownBoardError):
        board(store, key)
