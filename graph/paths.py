"""Where the shipped folders (data/, ontology/, queries/) are, installed or editable."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def shipped_dir(name: str) -> Path:
    """The directory of the data-only package `healthgraph.<name>`."""
    spec = importlib.util.find_spec(f"healthgraph.{name}")
    if spec is not None:
        for location in spec.submodule_search_locations or []:
            path = Path(location)
            if path.is_dir():
                return path
    fallback = Path(__file__).resolve().parent.parent / name
    if fallback.is_dir():
        return fallback
    raise FileNotFoundError(f"cannot find the shipped {name}/ folder")
