"""The Gateway API objects of a plan: a Gateway (or a parent reference to an existing one), an HTTPRoute for the
console and FlyteAdmin's HTTP API, a GRPCRoute for FlyteAdmin's gRPC services (and DataCatalog when data planes
dial it), the GatewayClass the kit creates for self-installed controllers, and the values that switch the chart's
Ingress off and give the gRPC backends an HTTP/2 (h2c) Service port.

Routes come from :mod:`.routes` (the chart's own Ingress, as data); controllers from :mod:`.controllers`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from ...spec import ChartName, DeploymentSpec, TlsMode
from ..base import ReleaseValues
from .controllers import ControllerInfo, InstallCommand, controller_for
from .routes import Backend, RouteTable, route_table

__all__ = ["GatewayPlan", "gateway_plan", "apply_gateway_values", "front_release", "GROUP", "MANIFEST_FILE"]

GROUP = "gateway.networking.k8s.io"
API = f"{GROUP}/v1"
MANIFEST_FILE = "gateway-api.yaml"
_ROUTED_CHARTS = (ChartName.FLYTE_BINARY, ChartName.FLYTE_CORE)


@dataclass
class GatewayPlan:
    """Everything the plan needs for Gateway API: objects to apply, pinned install commands, notes."""

    cluster: str
    namespace: str
    controller: ControllerInfo
    routes: RouteTable
    manifests: list[dict[str, Any]]
    install: list[InstallCommand] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def front_release(releases: list[ReleaseValues]) -> ReleaseValues | None:
    """The release people and clients reach (all-in-one or control plane) when its chart can be routed."""
    for release in releases:
        if release.role in ("all-in-one", "control-plane") and release.chart in _ROUTED_CHARTS:
            return release
    return None


def _datacatalog_routed(spec: DeploymentSpec, release: ReleaseValues) -> bool:
    """Data planes of a multi-cluster flyte-core dial DataCatalog at the control plane's host."""
    return release.chart is ChartName.FLYTE_CORE and release.role == "control-plane" and bool(spec.clusters.data_planes)


def apply_gateway_values(spec: DeploymentSpec, releases: list[ReleaseValues]) -> None:
    """Give the routed release the h2c Service ports its gRPC routes end on (the chart's Ingress is already off:
    the emitters render it only for ``kind: ingress``)."""
    if not spec.ingress.gateway_api:
        return
    release = front_release(releases)
    if release is None:
        return
    table = route_table(
        spec, release.chart, release.values, release=release.release, datacatalog=_datacatalog_routed(spec, release)
    )
    for service, port in table.h2c_ports.items():
        if release.chart is ChartName.FLYTE_BINARY:
            path, block = "service.extraPorts", release.values.setdefault("service", {})
            key = "extraPorts"
        else:
            path, block = (
                f"{service}.service.additionalPorts",
                release.values.setdefault(service, {}).setdefault("service", {}),
            )
            key = "additionalPorts"
        ports = [p for p in block.get(key, []) if p.get("name") != port["name"]]
        block[key] = [*ports, dict(port)]
        release.comments[path] = (
            f"h2c port ({port['appProtocol']}): the GRPCRoute in gateway-api.yaml speaks HTTP/2 to {service} here"
        )


def _placeholder_free(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")


def _parent(spec: DeploymentSpec, section: str | None) -> dict[str, Any]:
    existing = spec.ingress.gateway.existing
    if existing is not None:
        ref: dict[str, Any] = {"group": GROUP, "kind": "Gateway", "name": existing.name}
        if existing.namespace != spec.namespace:
            ref["namespace"] = existing.namespace
        if existing.section_name:
            ref["sectionName"] = existing.section_name
        return ref
    ref = {"group": GROUP, "kind": "Gateway", "name": _gateway_name(spec)}
    if section:
        ref["sectionName"] = section
    return ref


def _gateway_name(spec: DeploymentSpec) -> str:
    return f"{spec.name}-gateway"


def _secret_name(spec: DeploymentSpec) -> str | None:
    tls = spec.ingress.tls
    if tls.mode is TlsMode.SECRET:
        return tls.secret_name
    if tls.mode is TlsMode.CERT_MANAGER:
        return f"{spec.name}-gateway-tls"
    return None


def _meta(name: str, namespace: str | None, **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["labels"] = {"app.kubernetes.io/part-of": "flyte", "app.kubernetes.io/managed-by": "flytekit-deploy"}
    meta.update({k: v for k, v in extra.items() if v})
    return meta


def _gateway(spec: DeploymentSpec, info: ControllerInfo, notes: list[str]) -> list[dict[str, Any]]:
    """The GatewayClass (when the kit's controller needs one), the Gateway, and cloud extras (AWS certificate)."""
    out: list[dict[str, Any]] = []
    ingress, name = spec.ingress, _gateway_name(spec)
    class_name = ingress.gateway.gateway_class or info.gateway_class
    if info.controller_name and ingress.gateway.gateway_class is None:
        out.append(
            {
                "apiVersion": API,
                "kind": "GatewayClass",
                "metadata": _meta(class_name, None),
                "spec": {"controllerName": info.controller_name, "description": f"{info.title} (flytekit-deploy)"},
            }
        )
    annotations = dict(info.gateway_annotations)
    if ingress.tls.mode is TlsMode.CERT_MANAGER:
        annotations["cert-manager.io/cluster-issuer"] = str(ingress.tls.cluster_issuer)
    listeners: list[dict[str, Any]] = []
    host = ingress.host
    secret = _secret_name(spec)
    https = ingress.tls.mode is not TlsMode.NONE
    if https:
        listener: dict[str, Any] = {"name": "https", "protocol": "HTTPS", "port": 443}
        if host:
            listener["hostname"] = host
        if secret:
            listener["tls"] = {
                "mode": "Terminate",
                "certificateRefs": [{"group": "", "kind": "Secret", "name": secret}],
            }
        # ACM: no listener tls block; the ALB's certificate is the LoadBalancerConfiguration's defaultCertificate
        # (the controller supports neither certificateRefs nor options: docs/guide/gateway/l7gateway.md)
        listener["allowedRoutes"] = {"namespaces": {"from": "Same"}}
        listeners.append(listener)
    http: dict[str, Any] = {"name": "http", "protocol": "HTTP", "port": 80}
    if host:
        http["hostname"] = host
    http["allowedRoutes"] = {"namespaces": {"from": "Same"}}
    listeners.append(http)
    gateway_spec: dict[str, Any] = {"gatewayClassName": class_name, "listeners": listeners}
    if info.gateway_addresses:
        gateway_spec["addresses"] = [{"type": kind, "value": value} for kind, value in info.gateway_addresses]
    if ingress.tls.mode is TlsMode.ACM:
        config = f"{spec.name}-gateway-alb"
        gateway_spec["infrastructure"] = {
            "parametersRef": {"group": "gateway.k8s.aws", "kind": "LoadBalancerConfiguration", "name": config}
        }
        out.append(
            {
                "apiVersion": "gateway.k8s.aws/v1beta1",
                "kind": "LoadBalancerConfiguration",
                "metadata": _meta(config, spec.namespace),
                "spec": {
                    "scheme": "internet-facing",
                    "listenerConfigurations": [
                        {"protocolPort": "HTTPS:443", "defaultCertificate": str(ingress.tls.certificate_arn)}
                    ],
                },
            }
        )
    out.append(
        {
            "apiVersion": API,
            "kind": "Gateway",
            "metadata": _meta(name, spec.namespace, annotations=annotations),
            "spec": gateway_spec,
        }
    )
    if ingress.tls.mode is TlsMode.CERT_MANAGER:
        notes.append(
            f"cert-manager issues Secret {secret} for the Gateway's https listener (its Gateway API support is "
            "switched on in the cert-manager install step). ClusterIssuer "
            f"{ingress.tls.cluster_issuer} must solve HTTP-01 through the Gateway (solver http01.gatewayHTTPRoute "
            f"with parentRefs {name}) or use DNS-01."
        )
    return out


def _backend(backend: Backend) -> dict[str, Any]:
    return {"name": backend.service, "port": backend.port}


def _grouped(items: dict[str, Backend]) -> list[tuple[Backend, list[str]]]:
    groups: dict[Backend, list[str]] = {}
    for key, backend in items.items():
        groups.setdefault(backend, []).append(key)
    return list(groups.items())


def _routes(spec: DeploymentSpec, info: ControllerInfo, table: RouteTable) -> list[dict[str, Any]]:
    https = spec.ingress.tls.mode is not TlsMode.NONE
    section = "https" if https else "http"
    hostnames = [spec.ingress.host] if spec.ingress.host else []
    common: dict[str, Any] = {"parentRefs": [_parent(spec, section)]}
    if hostnames:
        common["hostnames"] = hostnames
    http_rules: list[dict[str, Any]] = [
        {
            "matches": [{"path": {"type": "PathPrefix", "value": path}} for path in paths],
            "backendRefs": [_backend(backend)],
        }
        for backend, paths in _grouped(table.http)
    ]
    out: list[dict[str, Any]] = []
    grpc_groups = _grouped(table.grpc)
    if info.grpc_route:
        out.append(
            {
                "apiVersion": API,
                "kind": "GRPCRoute",
                "metadata": _meta(f"{spec.name}-grpc", spec.namespace),
                "spec": {
                    **copy.deepcopy(common),
                    "rules": [
                        {
                            "matches": [{"method": {"type": "Exact", "service": service}} for service in services],
                            "backendRefs": [_backend(backend)],
                        }
                        for backend, services in grpc_groups
                    ],
                },
            }
        )
    else:  # gRPC as HTTP/2 path prefixes /<package.Service>/ to the h2c port
        http_rules += [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": f"/{service}"}} for service in services],
                "backendRefs": [_backend(backend)],
            }
            for backend, services in grpc_groups
        ]
    out.insert(
        0,
        {
            "apiVersion": API,
            "kind": "HTTPRoute",
            "metadata": _meta(f"{spec.name}-http", spec.namespace),
            "spec": {**copy.deepcopy(common), "rules": http_rules},
        },
    )
    if https and spec.ingress.gateway.existing is None:
        redirect: dict[str, Any] = {"parentRefs": [_parent(spec, "http")]}
        if hostnames:
            redirect["hostnames"] = list(hostnames)
        redirect["rules"] = [
            {"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}]}
        ]
        out.append(
            {
                "apiVersion": API,
                "kind": "HTTPRoute",
                "metadata": _meta(f"{spec.name}-https-redirect", spec.namespace),
                "spec": redirect,
            }
        )
    return out


def _target_groups(spec: DeploymentSpec, table: RouteTable, grpc_route: bool) -> list[dict[str, Any]]:
    """AWS: ip targets (the chart's ClusterIP Services have no node ports for instance targets), and target groups
    of the GRPCRoute with protocol version GRPC, so the ALB speaks HTTP/2 gRPC to FlyteAdmin."""
    grpc_services = {b.service for b in table.grpc.values()}
    out = []
    for service in sorted({b.service for b in table.http.values()} | grpc_services):
        tgc: dict[str, Any] = {"targetReference": {"name": service}, "defaultConfiguration": {"targetType": "ip"}}
        if grpc_route and service in grpc_services:
            route = {"kind": "GRPCRoute", "namespace": spec.namespace, "name": f"{spec.name}-grpc"}
            tgc["routeConfigurations"] = [
                {"routeIdentifier": route, "targetGroupProps": {"targetType": "ip", "protocolVersion": "GRPC"}}
            ]
        out.append(
            {
                "apiVersion": "gateway.k8s.aws/v1beta1",
                "kind": "TargetGroupConfiguration",
                "metadata": _meta(f"{_placeholder_free(service)}-targets", spec.namespace),
                "spec": tgc,
            }
        )
    return out


def gateway_plan(spec: DeploymentSpec, releases: list[ReleaseValues]) -> GatewayPlan | None:
    """The Gateway API part of the plan, or None when the spec does not use Gateway API (or its chart cannot be
    routed: the sandbox chart is reached through its own proxy)."""
    if not spec.ingress.gateway_api:
        return None
    release = front_release(releases)
    if release is None:
        return None
    ingress = spec.ingress
    info = controller_for(spec)
    table = route_table(
        spec, release.chart, release.values, release=release.release, datacatalog=_datacatalog_routed(spec, release)
    )
    notes: list[str] = []
    manifests: list[dict[str, Any]] = []
    if ingress.gateway.existing is None:
        manifests += _gateway(spec, info, notes)
    else:
        ref = ingress.gateway.existing
        notes.append(
            f"Routes attach to the existing Gateway {ref.namespace}/{ref.name}: its listener must allow routes from "
            f"namespace {spec.namespace} (allowedRoutes.namespaces) and carry the TLS certificate for "
            f"{ingress.host or 'the host'}."
        )
    manifests += table.services
    manifests += _routes(spec, info, table)
    if info.target_group_configurations:
        manifests += _target_groups(spec, table, bool(info.grpc_route))
    if info.grpc_route is None:
        notes.append(
            f"{info.title}: GRPCRoute support is not confirmed by its documentation; gRPC goes through HTTPRoute "
            "path prefixes to the h2c port. Check flytectl against it, or choose envoy-gateway."
        )
    install = list(info.install) if ingress.gateway.existing is None and ingress.gateway.install_controller else []
    return GatewayPlan(release.cluster, release.namespace, info, table, manifests, install, notes)
