"""The chart registry is the one place a chart is named: one folder per chart, one line each in ``CHARTS``, and
the flags the rest of the kit reads agree with what the spec itself enforces."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from flytekit_deploy.charts import CHARTS, Chart, chart_for, emit_releases, main_charts
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import MAIN_CHARTS, ChartName, DeploymentModel

CHARTS_DIR = Path(__file__).resolve().parents[2] / "flytekit_deploy" / "charts"
BESIDE_THE_CHARTS = {"gateway_api"}
"""Folders under charts/ that are no Helm chart: gateway_api emits gateway-api.yaml from the charts' own Ingress
routes and adds the h2c Service port to the routed release (applied in ``emit_releases``)."""


def test_every_chart_name_has_one_folder_and_one_registry_entry() -> None:
    folders = sorted(
        p.name for p in CHARTS_DIR.iterdir() if (p / "__init__.py").is_file() and p.name not in BESIDE_THE_CHARTS
    )
    assert all((CHARTS_DIR / name / "__init__.py").is_file() for name in BESIDE_THE_CHARTS)
    assert folders == sorted(name.value.replace("-", "_") for name in ChartName)
    for folder in folders:
        chart: Chart = importlib.import_module(f"flytekit_deploy.charts.{folder}").CHART
        assert CHARTS[chart.name] is chart
        assert chart.name.value.replace("-", "_") == folder


def test_registry_flags_agree_with_the_spec() -> None:
    assert main_charts() == MAIN_CHARTS
    assert [c.name for c in CHARTS.values() if c.multi_cluster_capable] == [ChartName.FLYTE_CORE]
    assert {c.name for c in CHARTS.values() if c.single_process} == {ChartName.FLYTE_BINARY, ChartName.FLYTE_SANDBOX}


def test_no_chart_is_looked_up_by_string() -> None:
    """Registries hold imported objects: no ``import_module`` anywhere in charts/ (mypy follows every call)."""
    for path in CHARTS_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
        }
        assert "import_module" not in names, path


def test_emission_goes_through_the_registry() -> None:
    spec = get_preset("eks-hybrid")
    releases = emit_releases(spec)
    assert [r.chart for r in releases] == [ChartName.FLYTE_BINARY, ChartName.FLYTECONNECTOR]
    assert releases[0].values == chart_for(ChartName.FLYTE_BINARY).emit(spec)[0].values


def test_each_chart_has_its_key_catalogue_slice() -> None:
    for chart in CHARTS.values():
        keys = chart.keys()
        assert keys, f"{chart.name.value} has no catalogued keys"
    assert chart_for(ChartName.FLYTE_CORE).keys() != chart_for(ChartName.FLYTE_BINARY).keys()


def test_flyte_deps_alone_only_for_a_flyte_core_sandbox() -> None:
    deps = chart_for(ChartName.FLYTE_DEPS)
    assert [r.chart for r in deps.emit(get_preset("sandbox-core"))] == [ChartName.FLYTE_DEPS]
    assert deps.emit(get_preset("sandbox")) == []
    assert get_preset("sandbox-core").model is DeploymentModel.SANDBOX
