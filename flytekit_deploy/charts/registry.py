"""The static table of charts: every chart name -> its :class:`~flytekit_deploy.charts.chart.Chart`, and the
lookups the rest of the kit uses. Adding a chart is one folder under ``charts/`` and one line in :data:`CHARTS`."""

from __future__ import annotations

from ..spec import ChartName, DeploymentSpec
from . import flyte_binary, flyte_core, flyte_deps, flyte_sandbox, flyteconnector
from .base import ReleaseValues
from .chart import Chart
from .gateway_api import apply_gateway_values
from .layout import ChartLayout

__all__ = ["CHARTS", "chart_for", "main_charts", "importable_charts", "layout_for", "emit_releases"]

CHARTS: dict[ChartName, Chart] = {
    ChartName.FLYTE_BINARY: flyte_binary.CHART,
    ChartName.FLYTE_CORE: flyte_core.CHART,
    ChartName.FLYTE_SANDBOX: flyte_sandbox.CHART,
    ChartName.FLYTE_DEPS: flyte_deps.CHART,
    ChartName.FLYTECONNECTOR: flyteconnector.CHART,
}
"""Every chart the kit emits, main charts first (the order tables list them in)."""


def chart_for(name: ChartName) -> Chart:
    return CHARTS[name]


def main_charts() -> tuple[ChartName, ...]:
    """Charts that can be the main release."""
    return tuple(name for name, chart in CHARTS.items() if chart.main_chart)


def importable_charts() -> tuple[ChartName, ...]:
    """Charts whose values files the importer reads."""
    return tuple(name for name, chart in CHARTS.items() if chart.read is not None)


def layout_for(name: ChartName) -> ChartLayout | None:
    """The layout of a Flyte chart; None for charts the checks do not read (flyte-deps, flyteconnector)."""
    return CHARTS[name].layout


def emit_releases(spec: DeploymentSpec) -> list[ReleaseValues]:
    """Every Helm release the spec needs: the main chart's (one per cluster) and the charts emitted beside every
    main chart (the connector), in install order."""
    releases = list(CHARTS[spec.chart_name].emit(spec))
    for chart in CHARTS.values():
        if chart.beside_every_main:
            releases += chart.emit(spec)
    apply_gateway_values(spec, releases)  # the h2c Service port the Gateway API routes end on
    return releases
