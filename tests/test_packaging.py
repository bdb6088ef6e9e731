"""Every code folder is installed as a `healthgraph.*` subpackage, and nothing generic."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_mapped_under_healthgraph() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    packages = set(config["tool"]["setuptools"]["packages"])
    mapping = config["tool"]["setuptools"]["package-dir"]
    folders = {
        init.parent.relative_to(REPO).as_posix()
        for init in REPO.glob("**/__init__.py")
        if not any(part.startswith(".") for part in init.relative_to(REPO).parts)
        and init.relative_to(REPO).parts[0] not in {"tests", "build"}
    }
    for folder in folders:
        top, _, rest = folder.partition("/")
        assert top in {"graph", "loaders", "server"}, folder
        name = f"healthgraph.{top}" + (f".{rest.replace('/', '.')}" if rest else "")
        assert name in packages, f"{folder} is not installed as {name}"
        assert mapping[f"healthgraph.{top}"] == top
    assert all(package.startswith("healthgraph.") for package in packages)
