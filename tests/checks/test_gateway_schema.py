"""The kit's Gateway API objects against the Gateway API CRD schemas (compiled in @kubernetes-models/gateway-api,
installed into .tools/ by scripts/bootstrap.sh test), offline, for every preset and every controller/TLS choice."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from flytekit_deploy.charts.gateway_api import controllers, environments_of
from flytekit_deploy.checks.gateway_schema import (
    GATEWAY_GROUP,
    INSTALL_HINT,
    find_gateway_models,
    validate_gateway_objects,
)
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.spec import DeploymentSpec, TlsMode

MODELS = find_gateway_models()
pytestmark = pytest.mark.skipif(
    MODELS is None or shutil.which("node") is None, reason=f"needs node and the Gateway API schemas: {INSTALL_HINT}"
)


def filled(obj: Any) -> Any:
    """Placeholders (<FLYTE_HOST>) as schema-valid stand-ins: the schema judges shape, the person fills values."""
    if isinstance(obj, dict):
        return {k: filled(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [filled(v) for v in obj]
    if isinstance(obj, str):
        return re.sub(r"<([A-Za-z0-9_.-]+)>", lambda m: m.group(1).lower().replace("_", "-"), obj)
    return obj


def variant(preset: str, **ingress: Any) -> DeploymentSpec:
    data = get_preset(preset).model_dump(mode="json")
    data["ingress"].update(ingress)
    return DeploymentSpec.model_validate(data)


def specs() -> list[tuple[str, DeploymentSpec]]:
    out = [(name, get_preset(name)) for name in preset_names() if get_preset(name).ingress.kind.value == "gateway-api"]
    base = {"aws": "eks-core", "gcp": "gke-production", "azure": "aks-production", "onprem": "onprem-production",
            "local": "onprem-starter"}  # fmt: skip
    for controller, info in controllers().items():
        environment = environments_of(controller)[0].value
        for tls in info.tls_modes:
            tls_block: dict[str, Any] = {"mode": tls.value}
            if tls is TlsMode.CERT_MANAGER:
                tls_block["cluster_issuer"] = "letsencrypt"
            elif tls is TlsMode.SECRET:
                tls_block["secret_name"] = "flyte-tls"
            elif tls is TlsMode.ACM:
                tls_block["certificate_arn"] = "<ACM_CERTIFICATE_ARN>"
            spec = variant(base[environment], kind="gateway-api", controller="none", tls=tls_block,
                           gateway={"controller": controller.value})  # fmt: skip
            out.append((f"{controller.value}/{tls.value}", spec))
    out.append(
        (
            "existing",
            variant(
                "onprem-production",
                gateway={"existing": {"name": "edge", "namespace": "infra", "section_name": "https"}},
            ),
        )  # fmt: skip
    )
    return out


def test_every_gateway_object_the_kit_emits_passes_the_crd_schemas() -> None:
    labelled: list[tuple[str, dict[str, Any]]] = []
    for label, spec in specs():
        plan = build_plan(spec)
        assert plan.gateway is not None, label
        labelled += [(label, filled(m)) for m in plan.gateway.manifests if m["apiVersion"].startswith(GATEWAY_GROUP)]
    results = validate_gateway_objects([obj for _, obj in labelled], MODELS)  # one node process for all
    assert len(results) == len(labelled) > 40
    bad = [(label, r.kind, r.name, r.errors) for (label, _), r in zip(labelled, results, strict=True) if r.errors]
    assert bad == []
    assert {r.kind for r in results} == {"GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute"}


def test_the_schemas_reject_what_a_controller_would_reject() -> None:
    plan = build_plan(get_preset("gke-production"))
    grpc = filled(next(m for m in plan.gateway.manifests if m["kind"] == "GRPCRoute"))
    grpc["spec"]["rules"][0]["matches"][0]["method"]["type"] = "Prefix"
    gateway = filled(next(m for m in plan.gateway.manifests if m["kind"] == "Gateway"))
    gateway["spec"]["listeners"][0]["hostname"] = "<FLYTE_HOST>"
    results = validate_gateway_objects([grpc, gateway], MODELS)
    assert all(r.errors for r in results)
    assert any("/spec/listeners/0/hostname" in e for e in results[1].errors)
