"""Malformed input files (CSV, Turtle, JSON-LD; truncated, wrongly encoded, broken): each
stops the build with a file:line LoadError and leaves the current version as it was."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from healthgraph.graph.versions import VersionedStore
from healthgraph.loaders.errors import LoadError
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings

Damage = Callable[[Path], str]  # damages the data dir, returns the file name at fault


def _truncate_csv(data: Path) -> str:
    path = data / "partnerships.csv"
    text = path.read_bytes()
    cut = text.index(b'"', len(text) // 2)  # stop inside a quoted field
    path.write_bytes(text[: cut + 5])
    return path.name


def _latin1_csv(data: Path) -> str:
    path = data / "organisations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-8") + "Caf\u00e9,x\n".encode("latin-1"))
    return path.name


def _utf16_csv(data: Path) -> str:
    path = data / "countries.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return path.name


def _nul_in_csv(data: Path) -> str:
    path = data / "programmes.csv"
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1][:10] + b"\x00" + lines[1][10:]
    path.write_bytes(b"\n".join(lines))
    return path.name


def _truncated_turtle(data: Path) -> str:
    path = data / "extra.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "x" ;\n  ex:c [ ex:d "unfinished',
                    encoding="utf-8")
    return path.name


def _latin1_turtle(data: Path) -> str:
    path = data / "extra.ttl"
    path.write_bytes('@prefix ex: <http://example.org/> .\n\nex:a ex:b "Caf\u00e9" .\n'.encode("latin-1"))
    return path.name


def _utf16_turtle(data: Path) -> str:
    path = data / "extra.ttl"
    path.write_bytes('@prefix ex: <http://example.org/> .\nex:a ex:b "x" .\n'.encode("utf-16"))
    return path.name


def _bad_iri_turtle(data: Path) -> str:
    path = data / "extra.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b <http://bad iri> .\n',
                    encoding="utf-8")
    return path.name


def _truncated_jsonld(data: Path) -> str:
    path = data / "extra.jsonld"
    path.write_text('{"@context": {"ex": "http://example.org/"},\n "@id": "ex:a",\n "ex:b": [1, 2',
                    encoding="utf-8")
    return path.name


def _latin1_jsonld(data: Path) -> str:
    path = data / "extra.jsonld"
    path.write_bytes('{"@id": "http://example.org/a",\n "http://example.org/b": "Caf\u00e9"}\n'
                     .encode("latin-1"))
    return path.name


def _bad_context_jsonld(data: Path) -> str:
    path = data / "extra.jsonld"
    path.write_text('{\n  "@id": "http://example.org/a",\n  "@context": 5\n}\n', encoding="utf-8")
    return path.name


def _deeply_nested_jsonld(data: Path) -> str:
    path = data / "extra.jsonld"
    path.write_text('{"@id": "http://example.org/a",\n "http://example.org/b": ' + "[" * 50_000,
                    encoding="utf-8")
    return path.name


CASES: dict[str, Damage] = {
    "csv truncated inside a quoted field": _truncate_csv,
    "csv with a latin-1 line": _latin1_csv,
    "csv in UTF-16": _utf16_csv,
    "csv with a NUL byte": _nul_in_csv,
    "turtle truncated": _truncated_turtle,
    "turtle in latin-1": _latin1_turtle,
    "turtle in UTF-16": _utf16_turtle,
    "turtle with a bad IRI": _bad_iri_turtle,
    "json-ld truncated": _truncated_jsonld,
    "json-ld in latin-1": _latin1_jsonld,
    "json-ld with a bad @context": _bad_context_jsonld,
    "json-ld nested 50,000 deep": _deeply_nested_jsonld,
}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    import shutil

    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("malformed")
    shutil.copytree(REPO / "data", root / "data")
    info = pipeline.build(Settings(state_dir=root / "state", data_dir=root / "data"), lambda _m: None)
    return root / "state", root / "data", info.id


@pytest.mark.parametrize("damage", CASES.values(), ids=CASES.keys())
def test_malformed_file_is_a_file_line_error_and_changes_nothing(
    built_once: tuple[Path, Path, str], tmp_path: Path, damage: Damage
) -> None:
    import shutil

    state, pristine, before = built_once
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    name = damage(data)
    settings = Settings(state_dir=state, data_dir=data)
    with pytest.raises(LoadError) as caught:
        pipeline.build(settings, lambda _m: None)
    error = caught.value
    assert Path(error.path).name == name
    assert error.line is not None and error.line >= 1, str(error)
    assert re.search(rf"{re.escape(name)}:\d+", str(error)), str(error)
    versions = VersionedStore(state)
    assert versions.current().id == before
    assert not list(versions.versions_dir.glob(".building-*"))
