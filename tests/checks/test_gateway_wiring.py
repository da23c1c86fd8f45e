"""Wiring of the Gateway API routes to rendered objects: every preset that uses Gateway API is clean, and each kind
of miswiring is caught (HTTP/1.1 to a gRPC server, a route to the HTTP port, a missing endpoint, a wrong parent)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from flytekit_deploy.charts.gateway_api import front_release
from flytekit_deploy.checks.gateway_wiring import gateway_wiring, route_wiring

pytestmark = pytest.mark.needs_shared


def gateway_presets(preset_renders: dict) -> list[str]:
    return [name for name, (plan, _) in preset_renders.items() if plan.gateway is not None]


def objects(preset_renders: dict, name: str) -> tuple[Any, list[dict[str, Any]]]:
    plan, render = preset_renders[name]
    release = front_release(plan.releases)
    return plan, [o.body for o in render.objects(release.filename) if isinstance(o.body, dict)]


def test_every_gateway_preset_is_wired(preset_renders: dict) -> None:
    names = gateway_presets(preset_renders)
    assert len(names) == 8, names  # every GCP, Azure and on-prem preset
    for name in names:
        plan, render = preset_renders[name]
        assert not render.failures, (name, render.failures)
        assert gateway_wiring(plan, render) == [], name


def test_grpc_to_a_port_without_http2_is_caught(preset_renders: dict) -> None:
    plan, rendered = objects(preset_renders, "onprem-starter")
    broken = copy.deepcopy(rendered)
    for obj in broken:
        for port in obj.get("spec", {}).get("ports", []) if obj.get("kind") == "Service" else []:
            port.pop("appProtocol", None)
    rules = {f.rule for f in route_wiring(plan.gateway.manifests, broken)}
    assert rules == {"wiring.grpc-http2"}


def test_grpc_routed_to_the_http_port_is_caught(preset_renders: dict) -> None:
    plan, rendered = objects(preset_renders, "gke-production")
    manifests = copy.deepcopy(plan.gateway.manifests)
    grpc = next(m for m in manifests if m["kind"] == "GRPCRoute")
    grpc["spec"]["rules"][0]["backendRefs"] = [{"name": "flyteadmin", "port": 80}]
    found = route_wiring(manifests, rendered)
    assert {f.rule for f in found} == {"wiring.grpc-http2", "wiring.grpc-port"}


def test_a_missing_endpoint_or_service_or_listener_is_caught(preset_renders: dict) -> None:
    plan, rendered = objects(preset_renders, "gke-production")
    manifests = copy.deepcopy(plan.gateway.manifests)
    http = next(m for m in manifests if m["metadata"]["name"] == "flyte-http")
    http["spec"]["rules"][1]["matches"] = [
        m for m in http["spec"]["rules"][1]["matches"] if m["path"]["value"] != "/.well-known"
    ]
    http["spec"]["rules"][0]["backendRefs"] = [{"name": "console", "port": 80}]
    http["spec"]["parentRefs"][0]["sectionName"] = "grpc"
    found = route_wiring(manifests, rendered)
    assert sorted(f.rule for f in found) == ["wiring.route-backend", "wiring.route-missing", "wiring.route-parent"]
    assert any("/.well-known" in f.message for f in found)


def test_datacatalog_must_be_routed_when_data_planes_dial_it(preset_renders: dict) -> None:
    plan, rendered = objects(preset_renders, "gke-multicluster")
    manifests = [m for m in copy.deepcopy(plan.gateway.manifests) if m["kind"] != "GRPCRoute"]
    found = route_wiring(manifests, rendered, datacatalog=True)
    assert any("datacatalog.DataCatalog" in f.message for f in found)


def test_the_render_command_checks_the_routes_against_the_rendered_chart(
    prepared_charts, capsys: pytest.CaptureFixture[str]
) -> None:
    from flytekit_deploy.cli import main

    chart = str(prepared_charts.path("flyte-binary"))
    code = main(["render", "--preset", "onprem-starter", "--chart", chart, "--format", "json"])
    out = capsys.readouterr().out
    assert "wiring." not in out and code in (0, 1)
    # what the command runs per release catches the same plan rendered without the h2c port
    from flytekit_deploy.checks.gateway_wiring import release_wiring
    from flytekit_deploy.checks.render import render_chart
    from flytekit_deploy.plan import build_plan
    from flytekit_deploy.presets import get_preset

    plan = build_plan(get_preset("onprem-starter"))
    release = plan.releases[0]
    values = {**release.values, "service": {}}
    result = render_chart(chart, values, release=release.release, namespace=release.namespace)
    found = release_wiring(plan, release.filename, (o.body for o in result.objects))
    assert {f.rule for f in found} == {"wiring.route-backend"}
