"""The chart-key catalogue: every key each v1.16.8 chart's default values declare, with its type.

``chart_keys.json`` beside this module is written by ``scripts/gen_chart_keys.py`` from the upstream charts;
each :class:`~flytekit_deploy.charts.chart.Chart` reads its own slice through :func:`keys_of`, and the chart-key
check (``flytekit_deploy.checks.chart_keys``) reads the whole file through :func:`chart_keys`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["CATALOGUE_FILE", "chart_keys", "keys_of"]

CATALOGUE_FILE = "chart_keys.json"


@lru_cache(maxsize=1)
def chart_keys() -> Mapping[str, Any]:
    """The whole catalogue: ``flyte_version``, ``source``, ``types`` and ``charts`` (chart name -> its keys)."""
    text = resources.files(__package__).joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    data: Mapping[str, Any] = json.loads(text)
    return data


def keys_of(chart: str) -> Mapping[str, Any]:
    """One chart's slice of the catalogue (empty for a chart the catalogue does not hold)."""
    found: Mapping[str, Any] = chart_keys()["charts"].get(chart, {})
    return found
