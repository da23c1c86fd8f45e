"""Chart emitters and readers: the only code that knows Flyte chart keys. One folder per chart (``flyte_binary/``,
``flyte_core/``, ``flyte_sandbox/``, ``flyte_deps/``, ``flyteconnector/``) and one static registry
(:mod:`.registry`)."""

from __future__ import annotations

from .base import CHART_REPO_NAME, CHART_REPOSITORY, ReleaseValues, SecretSpec
from .chart import Chart
from .registry import CHARTS, chart_for, emit_releases, importable_charts, layout_for, main_charts

__all__ = [
    "CHARTS",
    "CHART_REPOSITORY",
    "CHART_REPO_NAME",
    "Chart",
    "ReleaseValues",
    "SecretSpec",
    "chart_for",
    "emit_releases",
    "importable_charts",
    "layout_for",
    "main_charts",
]
