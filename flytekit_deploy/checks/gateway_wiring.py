"""Wiring of the kit's Gateway API routes to what the chart renders: every endpoint a client dials has a route,
every route ends on a Service port the chart really renders, and gRPC routes end on FlyteAdmin's (or
DataCatalog's) gRPC container port through a Service port that says HTTP/2 (``appProtocol: kubernetes.io/h2c``).

Read from rendered objects (:func:`~.plan_render.render_plan`), so a chart that renames a Service or a port, or
values that drop the h2c port, fail here before a cluster sees them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..charts.gateway_api import DATACATALOG_SERVICE, GRPC_SERVICES, H2C_APP_PROTOCOL, HTTP_PATHS, front_release
from .findings import Finding, Severity

if TYPE_CHECKING:
    from ..plan import Plan
    from .plan_render import PlanRender

__all__ = ["gateway_wiring", "release_wiring", "route_wiring"]

CHAPTER = "helm-deployment"
_GRPC_PREFIXES = ("/flyteidl.", "/grpc.", "/datacatalog.")


def _finding(path: str, message: str, fix: str, rule: str) -> Finding:
    return Finding(severity=Severity.ERROR, path=path, message=message, fix=fix, chapter=CHAPTER, rule=rule)


def _backends(route: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for rule in route.get("spec", {}).get("rules", []):
        for ref in rule.get("backendRefs", []):
            yield rule, ref


def _is_grpc_rule(kind: str, rule: dict[str, Any]) -> bool:
    if kind == "GRPCRoute":
        return True
    paths = [m.get("path", {}).get("value", "") for m in rule.get("matches", [])]
    return bool(paths) and all(p.startswith(_GRPC_PREFIXES) for p in paths)


def _routed(routes: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """(HTTP path prefixes, gRPC services) the routes carry."""
    paths: set[str] = set()
    services: set[str] = set()
    for route in routes:
        for rule in route.get("spec", {}).get("rules", []):
            if not rule.get("backendRefs"):
                continue  # the https redirect
            for match in rule.get("matches", []):
                if "method" in match:
                    services.add(match["method"].get("service", ""))
                value = match.get("path", {}).get("value", "")
                if value.startswith(_GRPC_PREFIXES):
                    services.add(value.lstrip("/").split("/")[0])
                elif value:
                    paths.add(value)
    return paths, services


def route_wiring(
    manifests: list[dict[str, Any]], rendered: Iterable[dict[str, Any]], *, datacatalog: bool = False
) -> list[Finding]:
    """Findings for ``manifests`` (the kit's Gateway API objects) against ``rendered`` (the chart's objects)."""
    out: list[Finding] = []
    services = {obj["metadata"]["name"]: obj for obj in [*rendered, *manifests] if obj.get("kind") == "Service"}
    routes = [m for m in manifests if m.get("kind") in ("HTTPRoute", "GRPCRoute")]
    gateways = {m["metadata"]["name"]: m for m in manifests if m.get("kind") == "Gateway"}
    paths, grpc = _routed(routes)
    for missing in [p for p in HTTP_PATHS if p not in paths]:
        out.append(
            _finding(
                "ingress",
                f"no route for {missing}: the console or a client (login, OIDC discovery, HTTP API) dials it",
                "add the path to flytekit_deploy/charts/gateway_api/routes.py",
                "wiring.route-missing",
            )
        )
    wanted = set(GRPC_SERVICES) | ({DATACATALOG_SERVICE} if datacatalog else set())
    for missing in sorted(wanted - grpc):
        out.append(
            _finding(
                "ingress",
                f"no route for gRPC service {missing}: flytectl, pyflyte or a data plane dials it",
                "add the service to flytekit_deploy/charts/gateway_api/routes.py",
                "wiring.route-missing",
            )
        )
    for route in routes:
        where = f"{route['kind']} {route['metadata']['name']}"
        for parent in route["spec"].get("parentRefs", []):
            gateway = gateways.get(parent.get("name", ""))
            if gateways and gateway is None:
                out.append(
                    _finding(
                        "ingress.gateway",
                        f"{where} names Gateway {parent.get('name')}, which the plan does not create",
                        "attach the route to the emitted Gateway",
                        "wiring.route-parent",
                    )
                )
            elif gateway and parent.get("sectionName"):
                listeners = {lst["name"] for lst in gateway["spec"]["listeners"]}
                if parent["sectionName"] not in listeners:
                    out.append(
                        _finding(
                            "ingress.gateway",
                            f"{where} attaches to listener {parent['sectionName']}, "
                            f"which Gateway {gateway['metadata']['name']} lacks",
                            "use one of its listeners",
                            "wiring.route-parent",
                        )
                    )
        for rule, ref in _backends(route):
            name, port = ref.get("name", ""), ref.get("port")
            service = services.get(name)
            ports = {p.get("port"): p for p in (service or {}).get("spec", {}).get("ports", [])}
            if service is None or port not in ports:
                out.append(
                    _finding(
                        "ingress",
                        f"{where} ends on Service {name} port {port}, which the chart does not render",
                        "route to a Service port the chart renders (see the rendered Services)",
                        "wiring.route-backend",
                    )
                )
                continue
            if not _is_grpc_rule(route["kind"], rule):
                continue
            entry = ports[port]
            if entry.get("appProtocol") != H2C_APP_PROTOCOL:
                out.append(
                    _finding(
                        "ingress",
                        f"{where} sends gRPC to Service {name} port {port}, which does not say HTTP/2 "
                        f"(appProtocol {entry.get('appProtocol')!r}): the gateway would speak HTTP/1.1 to a gRPC server",
                        f"give that port appProtocol {H2C_APP_PROTOCOL}",
                        "wiring.grpc-http2",
                    )
                )
            grpc_targets = {
                p.get("targetPort")
                for svc in services.values()
                if svc.get("spec", {}).get("selector") == service.get("spec", {}).get("selector")
                for p in svc.get("spec", {}).get("ports", [])
                if p.get("name") == "grpc"
            }
            if entry.get("targetPort") not in grpc_targets:
                out.append(
                    _finding(
                        "ingress",
                        f"{where} sends gRPC to Service {name} port {port} -> {entry.get('targetPort')}, not to the gRPC "
                        f"port of those pods ({sorted(map(str, grpc_targets)) or 'none rendered'})",
                        "point the h2c port's targetPort at the gRPC container port",
                        "wiring.grpc-port",
                    )
                )
    return out


def release_wiring(plan: Plan, filename: str, rendered: Iterable[Any]) -> list[Finding]:
    """:func:`route_wiring` when ``filename`` is the release the plan's Gateway API routes end on (else nothing)."""
    release = front_release(plan.releases)
    if plan.gateway is None or release is None or release.filename != filename:
        return []
    objects = [obj for obj in rendered if isinstance(obj, dict)]
    # what the data planes dial, from the spec (not from the routes under check)
    datacatalog = release.role == "control-plane" and bool(plan.spec.clusters.data_planes)
    return route_wiring(plan.gateway.manifests, objects, datacatalog=datacatalog)


def gateway_wiring(plan: Plan, render: PlanRender) -> list[Finding]:
    """:func:`route_wiring` for a plan and its render (nothing when the plan has no Gateway API objects)."""
    release = front_release(plan.releases)
    if plan.gateway is None or release is None:
        return []
    return release_wiring(plan, release.filename, (obj.body for obj in render.objects(release.filename)))
