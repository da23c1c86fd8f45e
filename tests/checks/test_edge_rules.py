"""Doctor rules of the edge: ingress-nginx is retired, Gateway controllers run where they exist, gRPC and TLS."""

from __future__ import annotations

from typing import Any

from flytekit_deploy.checks.findings import Severity
from flytekit_deploy.checks.rules import run_rules
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.spec import DeploymentSpec


def variant(preset: str, **ingress: Any) -> DeploymentSpec:
    data = get_preset(preset).model_dump(mode="json")
    data["ingress"].update(ingress)
    return DeploymentSpec.model_validate(data)


def edge(spec: DeploymentSpec) -> list[tuple[str, str, Severity]]:
    return [(f.rule, f.path, f.severity) for f in run_rules(spec, only=("edge",))]


def test_no_preset_has_an_edge_finding() -> None:
    for name in preset_names():
        assert edge(get_preset(name)) == [], name


def test_ingress_nginx_is_flagged_as_retired_with_the_way_out() -> None:
    spec = variant("gke-production", kind="ingress", controller="nginx")
    (found,) = run_rules(spec, only=("edge",))
    assert (found.rule, found.path, found.severity) == (
        "edge.ingress-nginx-retired",
        "ingress.controller",
        Severity.WARNING,
    )
    assert "24 March 2026" in found.message and "CVE" in found.message
    assert "ingress.kind: gateway-api" in found.fix and "Envoy Gateway" in found.fix and "ingress2gateway" in found.fix
    assert found.chapter == "security"
    # a maintained Ingress controller is not flagged
    assert edge(variant("gke-production", kind="ingress", controller="contour")) == []


def test_a_cloud_controller_outside_its_cloud_is_an_error() -> None:
    spec = variant("onprem-production", gateway={"controller": "gke"})
    assert edge(spec) == [("edge.gateway-environment", "ingress.gateway.controller", Severity.ERROR)] + [
        ("edge.gateway-grpc", "ingress.gateway.controller", Severity.WARNING)
    ]


def test_unconfirmed_grpc_support_is_a_warning() -> None:
    spec = variant("gke-production", gateway={"controller": "gke"})
    assert edge(spec) == [("edge.gateway-grpc", "ingress.gateway.controller", Severity.WARNING)]


def test_tls_the_controller_cannot_use_is_an_error() -> None:
    acm = {"mode": "acm", "certificate_arn": "<ACM_CERTIFICATE_ARN>"}
    assert edge(variant("onprem-production", tls=acm)) == [("edge.gateway-tls", "ingress.tls.mode", Severity.ERROR)]
    secret = {"mode": "secret", "secret_name": "flyte-tls"}
    spec = variant("eks-core", kind="gateway-api", controller="none", tls=secret)
    assert edge(spec) == [("edge.gateway-tls", "ingress.tls.mode", Severity.ERROR)]
    assert edge(variant("eks-core", kind="gateway-api", controller="none")) == []
