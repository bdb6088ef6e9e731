"""Bad input stops the build with file:line, the value and what was expected; nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from healthgraph.graph.versions import VersionedStore
from healthgraph.loaders.errors import LoadError
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings


def _quiet(_: str) -> None:
    return None


def _replace_line(path: Path, line: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def built(fresh_settings: Settings) -> tuple[Settings, str]:
    info = pipeline.build(fresh_settings, _quiet)
    return fresh_settings, info.id


def _assert_fails_unchanged(settings: Settings, before: str) -> LoadError:
    with pytest.raises(LoadError) as caught:
        pipeline.build(settings, _quiet)
    versions = VersionedStore(settings.state_dir)
    assert versions.current().id == before
    assert not list(versions.versions_dir.glob(".building-*"))
    return caught.value


def test_malformed_year_names_file_line_column_value(built: tuple[Settings, str]) -> None:
    settings, before = built
    path = settings.data_dir / "partnerships.csv"
    line = _line_of(path, "lothian-africa-health-links,")
    original = path.read_text(encoding="utf-8").splitlines()[line - 1]
    _replace_line(path, line, original.replace(",2004,", ",20O4,"))
    error = _assert_fails_unchanged(settings, before)
    assert error.path == str(path) and error.line == line and error.column == "start"
    assert error.value == "20O4"
    assert f"partnerships.csv:{line} (column 'start'): malformed date" in str(error)
    assert "expected a year" in str(error)


def test_unknown_country_is_refused(built: tuple[Settings, str]) -> None:
    settings, before = built
    path = settings.data_dir / "partnerships.csv"
    line = _line_of(path, "lothian-africa-health-links,")
    original = path.read_text(encoding="utf-8").splitlines()[line - 1]
    _replace_line(path, line, original.replace(",Zambia,", ",Atlantis,"))
    error = _assert_fails_unchanged(settings, before)
    assert (error.line, error.column, error.value) == (line, "countries", "Atlantis")


def test_missing_column_is_reported_on_the_header(built: tuple[Settings, str]) -> None:
    settings, before = built
    path = settings.data_dir / "countries.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    _replace_line(path, 1, header.replace(",wikidata", ",wikidta"))
    error = _assert_fails_unchanged(settings, before)
    assert error.line == 1 and "missing column(s) ['wikidata']" in str(error)


def test_duplicate_key_is_refused(built: tuple[Settings, str]) -> None:
    settings, before = built
    path = settings.data_dir / "roles.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    error = _assert_fails_unchanged(settings, before)
    assert error.line == len(lines) + 1 and error.column == "key"
    assert "duplicate key" in str(error)


def test_row_with_wrong_field_count(built: tuple[Settings, str]) -> None:
    settings, before = built
    path = settings.data_dir / "memberships.csv"
    _replace_line(path, 3, "westgate-matawale-twinning-project,matawale-health-centre")
    error = _assert_fails_unchanged(settings, before)
    assert error.line == 3 and "row has 2 fields, the header has 4" in str(error)


def test_unknown_reference_is_refused(built: tuple[Settings, str]) -> None:
    settings, before = built
    path = settings.data_dir / "memberships.csv"
    _replace_line(path, 2, "westgate-matawale-twinning-project,no-such-org,lead,https://example.org/")
    error = _assert_fails_unchanged(settings, before)
    assert (error.line, error.column, error.value) == (2, "organisation_key", "no-such-org")


def test_invalid_utf8_is_reported_with_its_line(built: tuple[Settings, str]) -> None:
    settings, before = built
    path = settings.data_dir / "roles.csv"
    data = path.read_bytes().split(b"\n")
    data[4] = data[4].replace(b"Board", b"B\xe9ard", 1)
    path.write_bytes(b"\n".join(data))
    error = _assert_fails_unchanged(settings, before)
    assert error.line == 5 and "not valid UTF-8" in str(error)


def test_broken_turtle_file_names_line_and_column(built: tuple[Settings, str]) -> None:
    settings, before = built
    path = settings.data_dir / "extra.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:a ex:b \"unterminated .\n",
        encoding="utf-8",
    )
    error = _assert_fails_unchanged(settings, before)
    assert error.path == str(path) and error.line == 4 and error.column is not None
    assert "extra.ttl:4:11: invalid Turtle" in str(error)


def test_valid_extra_turtle_file_becomes_its_own_named_graph(built: tuple[Settings, str]) -> None:
    settings, _ = built
    (settings.data_dir / "extra.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", encoding="utf-8"
    )
    info = pipeline.build(settings, _quiet)
    assert info.statistics["graphs"][f"{settings.base_iri}graph/extra"] == 1
