"""The synthetic dataset is deterministic and the real loaders build it (with every check)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from healthgraph.graph.versions import VersionedStore
from healthgraph.server import pipeline
from healthgraph.server.settings import Settings

GENERATE = Path(__file__).resolve().parents[2] / "bench" / "generate.py"


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate = _generator()
    generate.Generator(300).write(tmp_path / "a", progress=None)  # type: ignore[attr-defined]
    generate.Generator(300).write(tmp_path / "b", progress=None)  # type: ignore[attr-defined]
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_generated_data_builds_with_the_real_loaders(tmp_path: Path) -> None:
    _generator().Generator(400).write(tmp_path / "data", progress=None)  # type: ignore[attr-defined]
    settings = Settings(state_dir=tmp_path / "state", data_dir=tmp_path / "data")
    info = pipeline.build(settings, lambda _: None)
    assert info.statistics["classes"]["https://w3id.org/healthgraph/ontology#Partnership"] == 400
    memberships = info.statistics["classes"]["http://www.w3.org/ns/org#Membership"]
    assert 2 * 400 <= memberships <= 4 * 400
    assert VersionedStore(settings.state_dir).current().id == info.id
