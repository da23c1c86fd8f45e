"""Every preset, rendered on the real charts: no runtime-config error, no wiring error (issue 10, done-when)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flytekit_deploy.checks.plan_render import render_plan
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.runtime import doctor_findings, runtime_findings
from flytekit_deploy.spec import DeploymentSpec

pytestmark = pytest.mark.needs_shared


def _errors(findings: list) -> list[str]:
    return [f"{f.rule} {f.path}: {f.message}" for f in findings if f.severity.value == "error"]


def test_every_preset_has_no_runtime_or_wiring_error(preset_runtime) -> None:
    assert {name: _errors(found) for name, found in preset_runtime.items() if _errors(found)} == {}


def test_the_checks_looked_at_every_flyte_process(preset_renders) -> None:
    from flytekit_deploy.runtime.configs import process_configs

    components = {p.component for plan, rendered in preset_renders.values() for p in process_configs(plan, rendered)}
    assert components == {"flyte-binary", "flyteadmin", "flytepropeller", "datacatalog", "flytescheduler"}


def test_chart_defaults_flyte_ignores_are_info_only(preset_runtime) -> None:
    ignored = {f.rule for found in preset_runtime.values() for f in found if f.severity.value == "info"}
    assert ignored <= {"runtime.chart-default-ignored"}


def test_data_planes_reach_datacatalog_through_an_internal_load_balancer(preset_renders) -> None:
    plan, rendered = preset_renders["gke-multicluster"]
    services = {b["metadata"]["name"]: b for _f, b in rendered.of_kind("Service")}
    catalog = services["datacatalog"]
    assert catalog["spec"]["type"] == "LoadBalancer"
    assert catalog["metadata"]["annotations"]["networking.gke.io/load-balancer-type"] == "Internal"
    assert "<DATACATALOG_INTERNAL_ADDRESS>" in plan.placeholders


@pytest.mark.parametrize("preset", ["gke-production", "eks-production"])
def test_external_idp_gets_its_own_login_client_not_flytectl(preset: str, prepared_charts) -> None:
    data = get_preset(preset).model_dump(mode="json")
    data["auth"].update(mode="oidc-external", external_audience="api://flyte")
    plan = build_plan(DeploymentSpec.model_validate(data))
    assert yaml.safe_load(plan.flytectl_config)["admin"]["clientId"] == "<IDP_PUBLIC_CLIENT_ID>"
    assert _errors(runtime_findings(plan, render_plan(plan, prepared_charts))) == []


def test_doctor_without_charts_says_how_to_get_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLYTEKIT_DEPLOY_CACHE", str(tmp_path))
    monkeypatch.delenv("FLYTEKIT_DEPLOY_CHARTS", raising=False)
    plan = build_plan(get_preset("sandbox"))
    (named,) = doctor_findings(plan, tmp_path / "nowhere")
    assert named.rule == "render.charts-missing" and named.severity.value == "error"
    assert "helm pull flyteorg/$c --version v1.16.8" in named.fix
    (implicit,) = doctor_findings(plan, explicit=False)
    assert implicit.severity.value == "info" and "runtime checks skipped" in implicit.message


def test_doctor_renders_and_checks(prepared_charts) -> None:
    found = doctor_findings(build_plan(get_preset("eks-hybrid")), charts=prepared_charts)
    assert _errors(found) == []


@pytest.mark.parametrize("engine", ["helm", "sdk"])
def test_a_template_that_renders_invalid_yaml_is_an_error_with_either_engine(engine: str, prepared_charts) -> None:
    """flyteconnector v1.16.8 writes additionalVolumeMounts after ``resources:`` (issue 10 item 2): the helm
    binary refuses the release, the SDK returns the rest with a note; doctor reports both as errors."""
    from dataclasses import replace

    if engine == "sdk":
        pytest.importorskip("helm_python", reason="pip install 'flytekit-deploy[helm]'")
    plan = build_plan(get_preset("eks-hybrid"))
    broken = [
        replace(r, values={**r.values, "additionalVolumeMounts": [{"name": "x", "mountPath": "/x"}]})
        if r.chart.value == "flyteconnector"
        else r
        for r in plan.releases
    ]
    found = doctor_findings(replace(plan, releases=broken), charts=prepared_charts, engine=engine)
    assert {f.rule for f in found if f.severity.value == "error"} & {"render.failed", "render.yaml"}
