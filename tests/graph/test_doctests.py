"""The examples in the docstrings of the query-side modules run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["healthgraph.graph.sparql_tokens", "healthgraph.graph.sparql_checks",
           "healthgraph.graph.result_cache", "healthgraph.graph.sparql_values",
           "healthgraph.graph.ntriples_chunks"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
