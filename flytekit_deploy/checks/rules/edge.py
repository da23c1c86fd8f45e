"""The edge: the component that publishes FlyteAdmin and the console must be maintained, run where it is chosen,
serve gRPC and hold the certificate it is given.

ingress-nginx, the community controller many Flyte guides used, reached end of maintenance on 24 March 2026: no
releases, bug fixes or CVE patches after that (kubernetes.io/blog/2025/11/11/ingress-nginx-retirement). The kit
keeps it only as an explicit legacy choice and says so here, with the way out: Gateway API.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...charts.gateway_api import controller_for, controller_info
from ...clouds import cloud_of
from ...spec import ChartName, IngressController
from ..findings import Finding
from ._base import ERROR, INFO, WARNING, Rule, RuleContext, cloud_chapter, finding

__all__ = ["RULES", "RETIREMENT_DATE"]

RETIREMENT_DATE = "24 March 2026"


def retired_ingress_nginx(ctx: RuleContext) -> Iterator[Finding]:
    """ingress-nginx is retired and unpatched: a public edge in front of FlyteAdmin must not depend on it."""
    spec = ctx.spec
    if spec.ingress.chart_ingress and spec.ingress.controller is IngressController.NGINX:
        way = cloud_of(spec).gateway_controllers[0]
        yield finding(
            WARNING,
            "ingress.controller",
            f"ingress-nginx reached end of maintenance on {RETIREMENT_DATE}: no releases, bug fixes or CVE patches "
            "since, and it would publish FlyteAdmin (a security-sensitive API) on the internet",
            f"set ingress.kind: gateway-api (here: {way.title}, {way.reason}); the kit emits the Gateway, HTTPRoutes "
            "and GRPCRoutes and switches the chart's Ingress off. Existing nginx annotations translate with "
            "kubernetes-sigs/ingress2gateway. Staying on Ingress: choose a maintained controller (contour, traefik, "
            "alb on AWS)",
            "security",
            "edge.ingress-nginx-retired",
        )


def gateway_controller_environment(ctx: RuleContext) -> Iterator[Finding]:
    """A cloud's own Gateway controller exists only in that cloud."""
    spec = ctx.spec
    chosen = spec.ingress.gateway.controller
    if not spec.ingress.gateway_api or chosen is None:
        return
    info = controller_info(chosen)
    offered = cloud_of(spec).gateway_controllers
    if info not in offered:
        yield finding(
            ERROR,
            "ingress.gateway.controller",
            f"{info.title} does not run on {spec.environment.value}",
            f"remove ingress.gateway.controller (the kit then uses {offered[0].title}) "
            f"or choose one of: {', '.join(i.controller.value for i in offered)}",
            cloud_chapter(spec, "helm-deployment"),
            "edge.gateway-environment",
        )


def gateway_grpc(ctx: RuleContext) -> Iterator[Finding]:
    """flytectl and pyflyte speak gRPC: a controller whose GRPCRoute support is not confirmed is a risk."""
    spec = ctx.spec
    if not spec.ingress.gateway_api:
        return
    info = controller_for(spec)
    if info.grpc_route is None:
        yield finding(
            WARNING,
            "ingress.gateway.controller",
            f"{info.title}: its documentation does not confirm GRPCRoute; the kit routes FlyteAdmin's gRPC services "
            "as HTTP/2 path prefixes to the h2c port, which flytectl and pyflyte need to work",
            "check `flytectl get projects` through it after installing, or use envoy-gateway "
            "(GRPCRoute and HTTP/2 to the backend by design)",
            cloud_chapter(spec, "helm-deployment"),
            "edge.gateway-grpc",
        )


def gateway_tls(ctx: RuleContext) -> Iterator[Finding]:
    """Each controller takes certificates from some places only (ALB: ACM; the others: Secrets)."""
    spec = ctx.spec
    if not spec.ingress.gateway_api or spec.ingress.gateway.existing is not None:
        return
    info = controller_for(spec)
    mode = spec.ingress.tls.mode
    if mode not in info.tls_modes:
        yield finding(
            ERROR,
            "ingress.tls.mode",
            f"{info.title} cannot terminate TLS from {mode.value}",
            f"set ingress.tls.mode to one of: {', '.join(m.value for m in info.tls_modes)}",
            cloud_chapter(spec, "security"),
            "edge.gateway-tls",
        )


def gateway_chart(ctx: RuleContext) -> Iterator[Finding]:
    """The sandbox chart is reached through its own proxy: Gateway API settings do nothing there."""
    spec = ctx.spec
    if spec.ingress.gateway_api and spec.chart_name is ChartName.FLYTE_SANDBOX:
        yield finding(
            INFO,
            "ingress.kind",
            "the sandbox chart is reached through its proxy on NodePort 30080: no Gateway API objects are emitted",
            "use flyte-binary or flyte-core to publish Flyte through a Gateway",
            "sandbox",
            "edge.gateway-sandbox",
        )


RULES: tuple[Rule, ...] = (
    retired_ingress_nginx,
    gateway_controller_environment,
    gateway_grpc,
    gateway_tls,
    gateway_chart,
)
