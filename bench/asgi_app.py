"""`uvicorn --factory --app-dir bench asgi_app:app` for the benchmark: the real app, settings
from HEALTHGRAPH_* (so uvicorn can run several worker processes of it)."""

from __future__ import annotations

from healthgraph.server.app import create_app
from healthgraph.server.settings import Settings
from starlette.applications import Starlette


def app() -> Starlette:
    return create_app(Settings.from_env())
