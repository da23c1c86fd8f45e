"""Every model x environment x chart the spec allows emits installable values; every other pair is refused with a
clear reason. The allowed set is computed from the spec's own rules and compared with the documented ones."""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import pytest

from flytekit_deploy.charts import main_charts
from flytekit_deploy.checks.chart_keys import check_values
from flytekit_deploy.checks.findings import Severity
from flytekit_deploy.errors import SpecError
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import ChartName, DeploymentModel, Environment, spec_from_dict

CLOUD_BASE = {
    Environment.AWS: "eks-starter",
    Environment.GCP: "gke-starter",
    Environment.AZURE: "aks-starter",
    Environment.ONPREM: "onprem-starter",
    Environment.LOCAL: "onprem-starter",
}
SECTIONS = ("local", "aws", "gcp", "azure", "onprem")


def spec_data(model: DeploymentModel, env: Environment, chart: ChartName) -> dict[str, Any]:
    base = "sandbox" if model is DeploymentModel.SANDBOX else CLOUD_BASE[env]
    data = get_preset(base).model_dump(mode="json")
    for section in SECTIONS:
        data.pop(section, None)
    data.update(model=model.value, environment=env.value, chart=chart.value)
    if model is DeploymentModel.MULTI_CLUSTER:
        data["clusters"]["data_planes"] = [
            {"name": "dp-a", "endpoint": "https://a.k8s.example.com", "label": "default", "weight": 0.6},
            {"name": "dp-b", "endpoint": "https://b.k8s.example.com", "label": "gpu", "weight": 1.0},
        ]
    if model is DeploymentModel.HYBRID:
        data["connectors"] = [
            {"kind": "databricks", "endpoint": "https://dbc.example.com", "secret": {"name": "dbx", "key": "token"}}
        ]
        data["components"]["connector"] = {"enabled": True}
    return data


class Refusal(NamedTuple):
    """What a refusal must say: the field it blames, the rule (with the offending value), and the way out."""

    path: str
    message: str
    fix: str


def documented_reasons(model: DeploymentModel, env: Environment, chart: ChartName) -> list[Refusal]:
    """The rules README and spec/model.py state, written out independently of the validator; a spec breaking
    several gets every refusal in one run."""
    out = []
    if model is DeploymentModel.MULTI_CLUSTER and chart is not ChartName.FLYTE_CORE:
        out.append(
            Refusal(
                "chart",
                f"multi-cluster needs flyte-core; {chart.value} has no control-plane / data-plane split",
                "flyte-core",
            )
        )
    if chart is ChartName.FLYTE_SANDBOX and model is not DeploymentModel.SANDBOX:
        out.append(
            Refusal("chart", f"the flyte-sandbox chart is for the sandbox model, not {model.value}", "model: sandbox")
        )
    if model is DeploymentModel.SANDBOX and env not in (Environment.LOCAL, Environment.ONPREM):
        out.append(
            Refusal(
                "environment", f"the sandbox model runs on a local or self-managed cluster, not {env.value}", "local"
            )
        )
    return out


COMBINATIONS = list(itertools.product(DeploymentModel, Environment, main_charts()))


@pytest.mark.parametrize(("model", "env", "chart"), COMBINATIONS, ids=lambda v: v.value)
def test_combination(model: DeploymentModel, env: Environment, chart: ChartName) -> None:
    reasons = documented_reasons(model, env, chart)
    data = spec_data(model, env, chart)
    if reasons:
        with pytest.raises(SpecError) as caught:
            spec_from_dict(data)
        problems = sorted((p.path, p.message, p.fix) for p in caught.value.problems)
        assert [(path, message) for path, message, _fix in problems] == sorted(
            (r.path, r.message) for r in reasons
        ), "the documented refusals, each at the field it blames, all in one run"
        fixes = {(path, message): fix for path, message, fix in problems}
        for reason in reasons:
            assert reason.fix in fixes[(reason.path, reason.message)], "a refusal says how to fix it"
        return
    spec = spec_from_dict(data)
    plan = build_plan(spec)
    assert plan.releases, f"{model.value}/{env.value}/{chart.value} emitted nothing"
    assert any(r.chart is chart for r in plan.releases)
    if model is DeploymentModel.MULTI_CLUSTER:
        assert {r.cluster for r in plan.releases} >= {"dp-a", "dp-b", spec.clusters.control_plane_name}
    for release in plan.releases:
        errors = [f for f in check_values(release.values, release.chart.value) if f.severity is Severity.ERROR]
        assert errors == [], (release.filename, errors[:3])
        assert plan.values_yaml(release)
