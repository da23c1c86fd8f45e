"""Skip `needs_dot` tests cleanly where Graphviz is not installed."""

from __future__ import annotations

import shutil

import pytest


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_dot") and shutil.which("dot") is None:
        pytest.skip("needs the Graphviz `dot` program (apt-get install graphviz)")
