"""Gateway API emission: spec choices, the objects and values emitted, the pinned install steps, per controller."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from flytekit_deploy.charts.gateway_api import (
    DATACATALOG_SERVICE,
    GRPC_SERVICES,
    H2C_APP_PROTOCOL,
    HTTP_PATHS,
    controllers,
    environments_of,
    gateway_choices,
)
from flytekit_deploy.clouds import cloud_for
from flytekit_deploy.errors import SpecError
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.spec import DeploymentSpec, Environment, GatewayController, IngressKind, parse_spec


def variant(preset: str, **ingress: Any) -> DeploymentSpec:
    data = get_preset(preset).model_dump(mode="json")
    data["ingress"].update(ingress)
    return DeploymentSpec.model_validate(data)


def kinds(spec: DeploymentSpec) -> list[str]:
    plan = build_plan(spec)
    assert plan.gateway is not None
    return [m["kind"] for m in plan.gateway.manifests]


def test_every_environment_recommends_a_controller_that_serves_grpc() -> None:
    for environment in Environment:
        info = cloud_for(environment).gateway_controllers[0]
        assert info.grpc_route is True, environment
        assert environment in environments_of(info.controller)
        assert info.evidence and all(url.startswith("https://") for url in info.evidence)


def test_install_steps_are_pinned() -> None:
    for info in controllers().values():
        for command in info.install:
            argv = list(command.argv)
            if argv[:3] == ["helm", "upgrade", "--install"]:
                assert "--version" in argv, command
                version = argv[argv.index("--version") + 1]
                assert version.lstrip("v")[0].isdigit(), command
            if argv[:2] == ["kubectl", "apply"]:
                url = argv[-1]
                assert "/main/" not in url and "/latest/" not in url and "quickstart" not in url, url


def test_gateway_presets_emit_gateway_routes_and_the_apply_step_last() -> None:
    for name in preset_names():
        spec = get_preset(name)
        plan = build_plan(spec)
        if spec.ingress.kind is not IngressKind.GATEWAY_API:
            assert plan.gateway is None and "gateway-api.yaml" not in plan.files()
            continue
        assert plan.gateway is not None
        files = plan.files()
        docs = [d for d in yaml.safe_load_all(files["gateway-api.yaml"]) if d]
        assert [d["kind"] for d in docs] == [m["kind"] for m in plan.gateway.manifests]
        assert {"Gateway", "HTTPRoute", "GRPCRoute"} <= {d["kind"] for d in docs}, name
        cluster_steps = [s for s in plan.steps if s.cluster == plan.gateway.cluster]
        assert cluster_steps[-1].command == "kubectl apply -f gateway-api.yaml", name
        titles = [s.title for s in cluster_steps]
        flyte = next(i for i, t in enumerate(titles) if t.startswith("Install flyte"))
        for command in plan.gateway.install:
            assert titles.index(command.title) < flyte
        cert = [i for i, t in enumerate(titles) if t == "Install cert-manager"]
        if cert and plan.gateway.install:
            assert titles.index(plan.gateway.install[-1].title) < cert[0], (
                "the CRDs must exist when cert-manager starts"
            )


def test_the_chart_ingress_is_off_and_grpc_backends_get_an_h2c_port() -> None:
    binary = build_plan(get_preset("onprem-starter")).releases[0].values
    assert not binary.get("ingress", {}).get("create")
    (port,) = binary["service"]["extraPorts"]
    assert port == {
        "name": "grpc-h2c",
        "port": 8089,
        "targetPort": "grpc",
        "protocol": "TCP",
        "appProtocol": H2C_APP_PROTOCOL,
    }
    core = next(r for r in build_plan(get_preset("gke-multicluster")).releases if r.role == "control-plane").values
    assert core["common"]["ingress"]["enabled"] is False
    assert core["flyteadmin"]["service"]["additionalPorts"][0]["appProtocol"] == H2C_APP_PROTOCOL
    assert "additionalPorts" not in core.get("datacatalog", {}).get("service", {})  # breaks the chart's YAML
    gateway = build_plan(get_preset("gke-multicluster")).gateway
    assert gateway is not None
    (catalog,) = [m for m in gateway.manifests if m["kind"] == "Service"]
    assert catalog["spec"]["ports"][0]["appProtocol"] == H2C_APP_PROTOCOL


def test_routes_cover_every_client_endpoint_and_datacatalog_for_data_planes() -> None:
    plan = build_plan(get_preset("gke-multicluster"))
    assert plan.gateway is not None
    grpc = next(m for m in plan.gateway.manifests if m["kind"] == "GRPCRoute")
    services = {match["method"]["service"] for rule in grpc["spec"]["rules"] for match in rule["matches"]}
    assert services == set(GRPC_SERVICES) | {DATACATALOG_SERVICE}
    http = next(m for m in plan.gateway.manifests if m["metadata"]["name"] == "flyte-http")
    paths = {match["path"]["value"] for rule in http["spec"]["rules"] for match in rule["matches"]}
    assert paths == set(HTTP_PATHS)
    single = build_plan(get_preset("gke-production"))
    assert single.gateway is not None and DATACATALOG_SERVICE not in single.gateway.routes.grpc


def test_tls_from_cert_manager_is_a_listener_secret_and_an_issuer_annotation() -> None:
    plan = build_plan(get_preset("gke-production"))
    assert plan.gateway is not None
    gateway = next(m for m in plan.gateway.manifests if m["kind"] == "Gateway")
    assert gateway["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt-production"
    https = next(lst for lst in gateway["spec"]["listeners"] if lst["name"] == "https")
    assert https["tls"]["certificateRefs"] == [{"group": "", "kind": "Secret", "name": "flyte-gateway-tls"}]
    redirect = next(m for m in plan.gateway.manifests if m["metadata"]["name"].endswith("https-redirect"))
    assert redirect["spec"]["parentRefs"][0]["sectionName"] == "http"


def test_attaching_to_an_existing_gateway_installs_and_creates_nothing() -> None:
    spec = variant("onprem-production", gateway={"existing": {"name": "edge", "namespace": "infra"}})
    plan = build_plan(spec)
    assert plan.gateway is not None and plan.gateway.install == []
    assert {m["kind"] for m in plan.gateway.manifests} == {"HTTPRoute", "GRPCRoute"}
    for route in plan.gateway.manifests:
        assert route["spec"]["parentRefs"] == [
            {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge", "namespace": "infra"}
        ]
    assert not any("envoyproxy" in s.command for s in plan.steps)
    assert any("allowedRoutes" in note for note in plan.gateway.notes)


def test_gke_controller_routes_grpc_as_http2_path_prefixes() -> None:
    spec = variant("gke-production", gateway={"controller": "gke"})
    plan = build_plan(spec)
    assert plan.gateway is not None and plan.gateway.install == []
    assert "GRPCRoute" not in kinds(spec) and "GatewayClass" not in kinds(spec)
    http = next(m for m in plan.gateway.manifests if m["metadata"]["name"] == "flyte-http")
    grpc_rules = [r for r in http["spec"]["rules"] if r["matches"][0]["path"]["value"].startswith("/flyteidl")]
    assert grpc_rules and grpc_rules[0]["backendRefs"] == [{"name": "flyteadmin", "port": 8089}]


def test_aws_gateway_takes_the_acm_certificate_and_ip_targets() -> None:
    spec = variant("eks-core", kind="gateway-api", controller="none")
    plan = build_plan(spec)
    assert plan.gateway is not None
    assert plan.gateway.controller.controller is GatewayController.AWS_LOAD_BALANCER_CONTROLLER
    config = next(m for m in plan.gateway.manifests if m["kind"] == "LoadBalancerConfiguration")
    assert config["spec"]["listenerConfigurations"][0]["defaultCertificate"] == "<ACM_CERTIFICATE_ARN>"
    targets = {
        m["spec"]["targetReference"]["name"] for m in plan.gateway.manifests if m["kind"] == "TargetGroupConfiguration"
    }
    assert targets == {"flyteadmin", "flyteconsole"}
    admin = next(m for m in plan.gateway.manifests if m["metadata"]["name"] == "flyteadmin-targets")
    (grpc,) = admin["spec"]["routeConfigurations"]
    assert grpc["routeIdentifier"] == {"kind": "GRPCRoute", "namespace": "flyte", "name": "flyte-grpc"}
    assert grpc["targetGroupProps"]["protocolVersion"] == "GRPC"
    https = next(lst for m in plan.gateway.manifests if m["kind"] == "Gateway" for lst in m["spec"]["listeners"])
    assert https["name"] == "https" and "tls" not in https  # the certificate is the LoadBalancerConfiguration's
    lbc = [s.command for s in plan.steps if "eks/aws-load-balancer-controller" in s.command]
    assert lbc and "--version 1.17.1" in lbc[0] and "ALBGatewayAPI=true" in lbc[0]
    assert "<ACM_CERTIFICATE_ARN>" in plan.placeholders
    assert any(where.startswith("gateway-api.yaml") for where in plan.placeholders["<ACM_CERTIFICATE_ARN>"])


def test_an_ingress_controller_with_kind_gateway_api_is_refused_with_the_field_path() -> None:
    text = "model: single-cluster\nenvironment: onprem\ningress:\n  kind: gateway-api\n  controller: nginx\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    assert any(p.path.startswith("ingress") and "gateway" in p.fix for p in caught.value.problems)


def test_the_install_script_quotes_placeholders_in_controller_steps() -> None:
    plan = build_plan(get_preset("aks-starter"))
    alb = next(s.command for s in plan.steps if "alb-controller" in s.command)
    assert "'albController.podIdentity.clientID=<AGC_IDENTITY_CLIENT_ID>'" in alb
    assert "<AGC_RESOURCE_ID>" in plan.placeholders and "<AGC_FRONTEND_NAME>" in plan.placeholders


def test_no_two_objects_share_a_mapping() -> None:
    # a shared dict becomes a YAML alias, and a later edit of one route would change another
    plan = build_plan(get_preset("onprem-production"))
    assert plan.gateway is not None
    seen: dict[int, str] = {}

    def walk(node: Any, where: str) -> None:
        if isinstance(node, (dict, list)):
            assert id(node) not in seen, (where, seen.get(id(node)))
            seen[id(node)] = where
            for key, value in node.items() if isinstance(node, dict) else enumerate(node):
                walk(value, f"{where}.{key}")

    for obj in plan.gateway.manifests:
        walk(obj, f"{obj['kind']}/{obj['metadata']['name']}")
    assert "&id" not in plan.files()["gateway-api.yaml"]


def test_the_configurator_choices_name_the_controller_and_a_reason_recommended_first() -> None:
    for environment in Environment:
        choices = gateway_choices(environment)
        assert choices[0][0] is cloud_for(environment).gateway_controllers[0].controller
        assert all(name and reason for _, name, reason in choices)
    assert [c.value for c, _, _ in gateway_choices(Environment.GCP)] == ["envoy-gateway", "gke"]


def test_a_values_file_with_the_ingress_off_is_recognised_as_possibly_gateway_fronted() -> None:
    from flytekit_deploy.charts.gateway_api import recognise_gateway
    from flytekit_deploy.spec import ChartName

    emitted = build_plan(get_preset("onprem-starter")).releases[0].values
    fragment, note = recognise_gateway(ChartName.FLYTE_BINARY, emitted)
    assert fragment == {"kind": "gateway-api"} and note and "existing" in note
    core = next(r for r in build_plan(get_preset("gke-production")).releases if r.role == "all-in-one").values
    assert recognise_gateway(ChartName.FLYTE_CORE, core)[0] == {"kind": "gateway-api"}
    fragment, note = recognise_gateway(ChartName.FLYTE_CORE, {"common": {"ingress": {"enabled": False}}})
    assert fragment is None and note and "gateway-api" in note
    legacy = build_plan(variant("gke-production", kind="ingress", controller="nginx")).releases[0].values
    assert recognise_gateway(ChartName.FLYTE_CORE, legacy) == (None, None)
