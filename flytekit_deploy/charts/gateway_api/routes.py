"""What the Flyte charts' own Ingress routes, as data: the HTTP path prefixes (console, FlyteAdmin's HTTP API,
OAuth2/OIDC endpoints) and the gRPC services, and which Service and port serves each.

Read from the v1.16.8 templates (flyte-binary ``templates/ingress/*.yaml`` and the ``grpcPaths`` helper,
flyte-core ``templates/common/ingress.yaml``). ``tests/charts/test_gateway_api_routes.py`` renders each chart with
its Ingress enabled and checks that every path and gRPC service of the rendered Ingress is routed here, so a chart
upgrade that adds a path fails a test instead of silently losing an endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...spec import ChartName, DeploymentSpec
from ..flyte_binary.config import fullname

__all__ = [
    "Backend",
    "RouteTable",
    "HTTP_PATHS",
    "GRPC_SERVICES",
    "DATACATALOG_SERVICE",
    "H2C_PORT_NAME",
    "H2C_APP_PROTOCOL",
    "route_table",
]

HTTP_PATHS = (
    "/console",
    "/api",
    "/healthcheck",
    "/v1",
    "/.well-known",
    "/login",
    "/logout",
    "/callback",
    "/me",
    "/config",
    "/oauth2",
)
"""Path prefixes of both charts' HTTP Ingress (``/x`` and ``/x/*`` there are one prefix here)."""

CONSOLE_PATHS = ("/console",)
REDOC_PATHS = ("/openapi",)

GRPC_SERVICES = (
    "flyteidl.service.AdminService",
    "flyteidl.service.AuthMetadataService",
    "flyteidl.service.DataProxyService",
    "flyteidl.service.IdentityService",
    "flyteidl.service.SignalService",
    "grpc.health.v1.Health",
)
"""gRPC services both charts' Ingress routes to FlyteAdmin (``/<service>`` and ``/<service>/*``)."""

DATACATALOG_SERVICE = "datacatalog.DataCatalog"
"""DataCatalog's gRPC service: no chart Ingress routes it; data planes of a multi-cluster flyte-core dial it at the
control plane's host."""

H2C_PORT_NAME = "grpc-h2c"
H2C_APP_PROTOCOL = "kubernetes.io/h2c"
"""The Service port the kit adds for gRPC routes: Gateway API's standard way to say "HTTP/2 without TLS" to the
backend (GEP-1911), honoured by Envoy Gateway, Contour and the cloud controllers."""


@dataclass(frozen=True)
class Backend:
    """A Service port a route ends on."""

    service: str
    port: int


@dataclass(frozen=True)
class RouteTable:
    """Every route the kit emits for one chart release: HTTP path prefixes and gRPC services, per backend."""

    http: dict[str, Backend]
    """Path prefix -> backend."""
    grpc: dict[str, Backend]
    """Fully-qualified gRPC service -> backend (the h2c port)."""
    h2c_ports: dict[str, dict[str, Any]]
    """Service -> the port entry the values add (name, port, targetPort, appProtocol)."""
    services: list[dict[str, Any]] = field(default_factory=list)
    """Services the kit emits itself, where the chart cannot carry an h2c port (flyte-core's DataCatalog)."""


def _h2c_port(port: int, target: int | str) -> dict[str, Any]:
    return {
        "name": H2C_PORT_NAME,
        "port": port,
        "targetPort": target,
        "protocol": "TCP",
        "appProtocol": H2C_APP_PROTOCOL,
    }


def _h2c_service(name: str, namespace: str, selector: dict[str, str], target: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"app.kubernetes.io/managed-by": "flytekit-deploy"},
        },
        "spec": {"type": "ClusterIP", "selector": selector, "ports": [_h2c_port(8089, target)]},
    }


def route_table(
    spec: DeploymentSpec, chart: ChartName, values: dict[str, Any], *, release: str, datacatalog: bool
) -> RouteTable:
    """The routes of one release of ``chart`` installed with ``values`` (``deployRedoc`` adds ``/openapi``)."""
    if chart is ChartName.FLYTE_BINARY:
        http_svc = f"{fullname(spec)}-http"
        http = {path: Backend(http_svc, 8088) for path in HTTP_PATHS}
        grpc = {service: Backend(http_svc, 8089) for service in GRPC_SERVICES}
        # the chart's gRPC Service cannot carry appProtocol: the http Service gets an extra h2c port to the same
        # container port (named grpc)
        return RouteTable(http, grpc, {http_svc: _h2c_port(8089, "grpc")})
    if chart is ChartName.FLYTE_CORE:
        admin, console = Backend("flyteadmin", 80), Backend("flyteconsole", 80)
        http = {path: (console if path in CONSOLE_PATHS else admin) for path in HTTP_PATHS}
        if values.get("deployRedoc"):
            # the chart's Ingress sends /openapi to a Service "redoc" it never renders; the redoc container's
            # port is port 87 (named redoc) of Service flyteadmin
            http.update({path: Backend("flyteadmin", 87) for path in REDOC_PATHS})
        grpc = {service: Backend("flyteadmin", 8089) for service in GRPC_SERVICES}
        ports = {"flyteadmin": _h2c_port(8089, 8089)}
        if datacatalog:
            catalog_port = (
                values.get("configmap", {}).get("datacatalogServer", {}).get("application", {}).get("grpcPort", 8089)
            )
            # the chart's datacatalog.service.additionalPorts renders at the wrong indentation in v1.16.8 (the
            # Service no longer parses), so the h2c port is a Service of its own on DataCatalog's pods
            selector = {"app.kubernetes.io/name": "datacatalog", "app.kubernetes.io/instance": release}
            grpc[DATACATALOG_SERVICE] = Backend("datacatalog-h2c", 8089)
            catalog = _h2c_service("datacatalog-h2c", spec.namespace, selector, int(catalog_port))
            return RouteTable(http, grpc, ports, [catalog])
        return RouteTable(http, grpc, ports)
    raise ValueError(f"no Gateway API routes for chart {chart.value}")
