"""A private, writable copy of a built state directory (for tests that update the store)."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_state(built_state: Path, into: Path) -> Path:
    target = into / "state"
    shutil.copytree(built_state, target)
    return target
