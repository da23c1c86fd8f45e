"""Service discovery rules: can every client find FlyteAdmin by the name it is given?

flytectl and the console reach FlyteAdmin through the ingress host; FlyteAdmin accepts tokens only for the
URIs it is told about; a data plane reaches the control plane by a name that must resolve from another
cluster; and gRPC only gets through an ingress controller configured for it. Where that depends on what the
emitters wrote (annotations, the data plane's admin endpoint) the rules read the plan's values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from ...spec import DeploymentModel, IngressController, TlsMode, is_placeholder
from ..findings import Finding
from ._base import ERROR, INFO, WARNING, Rule, RuleContext, finding

__all__ = ["RULES", "grpc_ingress"]

_CLUSTER_LOCAL = (".svc", ".svc.cluster.local", ".cluster.local", ".local")


def _real(host: str | None) -> bool:
    return bool(host) and not is_placeholder(host)


def ingress_host(ctx: RuleContext) -> Iterator[Finding]:
    """An ingress without a host matches any name and leaves clients without an address to use."""
    spec = ctx.spec
    ingress = spec.ingress
    if spec.is_sandbox:
        return
    if ingress.enabled and not ingress.host:
        yield finding(
            WARNING,
            "ingress.host",
            f"the {ingress.controller.value} ingress has no host: it answers any name, TLS cannot be issued for it, "
            "and flytectl's config falls back to a port-forward",
            "set ingress.host to the public name, e.g. flyte.example.com",
            "helm-deployment",
            "discovery.ingress-host",
        )
    elif ingress.host and not ingress.enabled:
        yield finding(
            INFO,
            "ingress.host",
            f"ingress.host {ingress.host} is set but ingress.controller is none: no Ingress is created for it",
            "choose an ingress controller, or remove ingress.host",
            "helm-deployment",
            "discovery.ingress-host",
        )


def authorized_uris(ctx: RuleContext) -> Iterator[Finding]:
    """FlyteAdmin refuses tokens whose audience is not one of its authorized URIs."""
    spec = ctx.spec
    host = spec.ingress.host
    uris = spec.auth.authorized_uris
    if not spec.auth.enabled or not uris or not spec.ingress.enabled or not _real(host):
        return
    wanted = f"{spec.ingress.scheme}://{host}"
    bare = [uri.rstrip("/") for uri in uris]
    if wanted in bare:
        return
    other_scheme = ("http" if spec.ingress.scheme == "https" else "https") + f"://{host}"
    if other_scheme in bare:
        yield finding(
            WARNING,
            "auth.authorized_uris",
            f"auth.authorized_uris has {other_scheme}, but clients reach {wanted}: tokens for it are refused",
            f"write {wanted} in auth.authorized_uris",
            "security",
            "discovery.authorized-uris",
        )
        return
    yield finding(
        ERROR,
        "auth.authorized_uris",
        f"auth.authorized_uris does not include {wanted}, the ingress host clients use: FlyteAdmin rejects their "
        "tokens (invalid audience)",
        f"add {wanted} to auth.authorized_uris, or empty the list to let the kit derive it",
        "security",
        "discovery.authorized-uris",
    )


def flytectl_endpoint(ctx: RuleContext) -> Iterator[Finding]:
    """The client config must point at the same host as the ingress, with TLS exactly when the ingress has it."""
    spec = ctx.spec
    host = spec.ingress.host
    if not spec.ingress.enabled or not host:
        return
    try:
        config = yaml.safe_load(ctx.plan.flytectl_config) or {}
    except yaml.YAMLError:
        config = {}
    admin: Mapping[str, Any] = config.get("admin", {}) if isinstance(config, Mapping) else {}
    endpoint = str(admin.get("endpoint", ""))
    insecure = bool(admin.get("insecure", False))
    if endpoint.removeprefix("dns:///").split(":")[0] != host:
        yield finding(
            ERROR,
            "ingress.host",
            f"the flytectl config points at {endpoint or 'nothing'}, not the ingress host {host}",
            f"set admin.endpoint: dns:///{host} in the flytectl config",
            "configuration",
            "discovery.flytectl-endpoint",
        )
    elif insecure != (spec.ingress.tls.mode is TlsMode.NONE):
        yield finding(
            ERROR,
            "ingress.tls.mode",
            f"the flytectl config says insecure: {str(insecure).lower()}, but the ingress "
            + ("has no TLS" if spec.ingress.tls.mode is TlsMode.NONE else "terminates TLS"),
            "regenerate flytectl-config.yaml from the spec",
            "configuration",
            "discovery.flytectl-endpoint",
        )


def _target_host(endpoint: str) -> str:
    """``dns:///flyte.example.com:443`` -> ``flyte.example.com``."""
    target = endpoint.split("///", 1)[1] if "///" in endpoint else endpoint
    return target.rsplit(":", 1)[0] if target.count(":") == 1 else target


def admin_endpoint(ctx: RuleContext) -> Iterator[Finding]:
    """Multi-cluster: each data plane's propeller reaches FlyteAdmin in another cluster by name."""
    spec = ctx.spec
    if spec.model is not DeploymentModel.MULTI_CLUSTER:
        return
    endpoint = spec.clusters.admin_endpoint
    host = spec.ingress.host if spec.ingress.enabled else None
    if endpoint is None:
        if not host:
            yield finding(
                ERROR,
                "clusters.admin_endpoint",
                "the data planes have no way to reach FlyteAdmin: no clusters.admin_endpoint and no ingress host",
                "set ingress.controller and ingress.host on the control plane, or clusters.admin_endpoint "
                "(e.g. dns:///flyte.example.com)",
                "multi-cluster",
                "discovery.admin-endpoint",
            )
        elif is_placeholder(host):
            yield finding(
                WARNING,
                "ingress.host",
                f"the data planes reach FlyteAdmin through the ingress host, which is still the placeholder {host}",
                "set ingress.host (or clusters.admin_endpoint)",
                "multi-cluster",
                "discovery.admin-endpoint-placeholder",
            )
        return
    if endpoint.startswith(("http://", "https://")):
        yield finding(
            ERROR,
            "clusters.admin_endpoint",
            f"clusters.admin_endpoint {endpoint!r} is a URL, but propeller dials a gRPC target",
            f"write it as dns:///{endpoint.split('://', 1)[1].rstrip('/')}",
            "multi-cluster",
            "discovery.admin-endpoint",
        )
        return
    target = _target_host(endpoint)
    if not is_placeholder(target) and ("." not in target or target.endswith(_CLUSTER_LOCAL)):
        yield finding(
            ERROR,
            "clusters.admin_endpoint",
            f"clusters.admin_endpoint {endpoint!r} is a cluster-local name: data planes are other clusters and "
            "cannot resolve it",
            "use a name every data plane resolves (the control plane's ingress host, or an internal load balancer)",
            "multi-cluster",
            "discovery.admin-endpoint",
        )


def dataplane_admin(ctx: RuleContext) -> Iterator[Finding]:
    """The emitted data-plane values must not leave propeller on the in-cluster default ``flyteadmin:81``."""
    spec = ctx.spec
    layout = ctx.layout
    if spec.model is not DeploymentModel.MULTI_CLUSTER or layout is None or not layout.admin_endpoint:
        return
    for release in ctx.main_releases:
        if release.role != "data-plane":
            continue
        endpoint = layout.read(release.values, layout.admin_endpoint)
        target = _target_host(str(endpoint or ""))
        if endpoint is None or ("." not in target and not is_placeholder(target)):
            yield finding(
                ERROR,
                "clusters.admin_endpoint",
                f"{release.filename} leaves {layout.where(layout.admin_endpoint)} at "
                f"{endpoint or 'the chart default flyteadmin:81'}: the data plane {release.cluster} has no FlyteAdmin",
                "set clusters.admin_endpoint or ingress.host so the data plane dials the control plane",
                "multi-cluster",
                "discovery.dataplane-admin",
            )


def grpc_ingress(values: Mapping[str, Any], ctx: RuleContext) -> tuple[bool, dict[str, str], dict[str, str]]:
    """(separate gRPC Ingress?, annotations of the HTTP Ingress, annotations of the gRPC one) as Helm merges them."""
    layout = ctx.layout
    assert layout is not None
    common: dict[str, str] = {}
    for path in layout.ingress_annotations:
        found = layout.read(values, path)
        if isinstance(found, Mapping):
            common.update({str(k): str(v) for k, v in found.items()})
    separate = bool(layout.read(values, layout.separate_grpc, layout.separate_grpc_default))
    extra = dict(layout.grpc_ingress_annotations_default)
    found = layout.read(values, layout.grpc_ingress_annotations)
    if isinstance(found, Mapping):
        extra.update({str(k): str(v) for k, v in found.items() if v is not None})
    return separate, common, ({**common, **extra} if separate else common)


def _service_annotations(values: Mapping[str, Any], ctx: RuleContext) -> dict[str, str]:
    layout = ctx.layout
    assert layout is not None
    out: dict[str, str] = {}
    for path in layout.grpc_service_annotations:
        found = layout.read(values, path)
        if isinstance(found, Mapping):
            out.update({str(k): str(v) for k, v in found.items()})
    return out


def _has(annotations: Mapping[str, str], key: str, value: str) -> bool:
    return annotations.get(key, "").strip().upper() == value


def grpc_routing(ctx: RuleContext) -> Iterator[Finding]:
    """ALB and GCE need a separate gRPC Ingress speaking HTTP/2 to the backend; nginx needs backend-protocol GRPC
    on the gRPC Ingress only. Read from the emitted values, chart defaults included."""
    spec = ctx.spec
    controller = spec.ingress.controller
    if controller not in (IngressController.ALB, IngressController.GCE, IngressController.NGINX) or ctx.layout is None:
        return
    for release in ctx.main_releases:
        if release.role == "data-plane":
            continue  # the control plane serves the API; a data plane's Ingresses are unused
        separate, http, grpc = grpc_ingress(release.values, ctx)
        where = f"{release.filename}: {ctx.layout.where(ctx.layout.separate_grpc)}"
        if not separate:
            yield finding(
                ERROR,
                "ingress.separate_grpc",
                f"{controller.value} needs a separate Ingress for gRPC, but {where} is false: flytectl and pyflyte "
                "calls fail while the console works",
                "set ingress.separate_grpc: true",
                "helm-deployment",
                "discovery.grpc-routing",
            )
            continue
        if controller is IngressController.NGINX:
            key = "nginx.ingress.kubernetes.io/backend-protocol"
            if not _has(grpc, key, "GRPC"):
                yield _missing_annotation(controller, release.filename, key, "GRPC", "gRPC Ingress")
            if _has(http, key, "GRPC"):
                yield finding(
                    ERROR,
                    "ingress.annotations",
                    f"{release.filename}: the HTTP Ingress carries {key}: GRPC too, so the console and the HTTP "
                    "API get gRPC backends",
                    "put the backend-protocol annotation on the gRPC Ingress only, not in ingress.annotations",
                    "helm-deployment",
                    "discovery.grpc-routing",
                )
        elif controller is IngressController.ALB:
            key = "alb.ingress.kubernetes.io/backend-protocol-version"
            if not _has(grpc, key, "GRPC"):
                yield _missing_annotation(controller, release.filename, key, "GRPC", "gRPC Ingress")
        else:
            key = "cloud.google.com/app-protocols"
            service = _service_annotations(release.values, ctx)
            if "HTTP2" not in service.get(key, "").upper():
                yield _missing_annotation(controller, release.filename, key, '{"grpc":"HTTP2"}', "FlyteAdmin Service")


def _missing_annotation(controller: IngressController, filename: str, key: str, value: str, on: str) -> Finding:
    return finding(
        ERROR,
        "ingress.annotations",
        f"{filename}: the {on} lacks {key}: {value}, so {controller.value} speaks HTTP/1 to FlyteAdmin's gRPC port "
        "and every flytectl call fails",
        f"add the annotation {key}: {value!r} to the {on} (the kit's emitter sets it for {controller.value}; an "
        "override may have removed it)",
        "helm-deployment",
        "discovery.grpc-routing",
    )


RULES: tuple[Rule, ...] = (
    ingress_host,
    authorized_uris,
    flytectl_endpoint,
    admin_endpoint,
    dataplane_admin,
    grpc_routing,
)
