"""Gateway API controllers: what the kit knows about one implementation (:class:`GatewayControllerInfo`: its
GatewayClass, pinned install commands, whether it serves gRPC, with the documentation that says so), and the
controllers that are no cloud's own (Envoy Gateway, Contour), shared by every environment that offers them.

Which controllers an environment offers, the recommended first, is each cloud module's ``gateway_controllers``;
the cloud's own controllers (AWS Load Balancer Controller, GKE, Application Gateway for Containers) live in
``clouds/aws.py``, ``clouds/gcp.py`` and ``clouds/azure.py``.

>>> ENVOY_GATEWAY.grpc_route
True
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spec import GatewayController, TlsMode

__all__ = [
    "GATEWAY_API_VERSION",
    "STANDARD_CRDS",
    "ALL_CERTIFICATES",
    "InstallCommand",
    "GatewayControllerInfo",
    "ENVOY_GATEWAY",
    "CONTOUR",
]

GATEWAY_API_VERSION = "v1.5.0"
"""Gateway API release whose standard CRDs the kit installs where the controller does not bring them."""

STANDARD_CRDS = (
    f"https://github.com/kubernetes-sigs/gateway-api/releases/download/{GATEWAY_API_VERSION}/standard-install.yaml"
)

ALL_CERTIFICATES = (TlsMode.NONE, TlsMode.CERT_MANAGER, TlsMode.SECRET)


@dataclass(frozen=True)
class InstallCommand:
    """One pinned install command as an argument list (quoted when it reaches a shell), and why it runs.
    ``{cluster}`` in a word stands for the plan's cluster name."""

    title: str
    argv: tuple[str, ...]
    why: str = ""


@dataclass(frozen=True)
class GatewayControllerInfo:
    """What the kit knows about one Gateway API implementation."""

    controller: GatewayController
    title: str
    gateway_class: str
    """The GatewayClass name Gateways use (the kit creates it when ``controller_name`` is set)."""
    controller_name: str | None
    """``spec.controllerName`` of a GatewayClass the kit creates; None when the platform provides the class."""
    grpc_route: bool | None
    """True: the docs say GRPCRoute is served (HTTP/2 to the backend). None: not confirmed by the docs we found;
    the kit then routes gRPC with HTTPRoute path prefixes to the h2c Service port and warns."""
    tls_modes: tuple[TlsMode, ...]
    reason: str
    """One line for the configurator: why this controller here."""
    evidence: tuple[str, ...]
    """Documentation pages the gRPC and install facts come from."""
    install: tuple[InstallCommand, ...] = ()
    gateway_annotations: tuple[tuple[str, str], ...] = ()
    gateway_addresses: tuple[tuple[str, str], ...] = ()
    """``(type, value)`` addresses a Gateway of this controller needs (AGC's frontend)."""
    target_group_configurations: bool = False
    """The controller reads ``TargetGroupConfiguration`` objects (ip targets, gRPC target groups)."""
    version: str = ""


ENVOY_GATEWAY = GatewayControllerInfo(
    controller=GatewayController.ENVOY_GATEWAY,
    title="Envoy Gateway",
    gateway_class="envoy-gateway",
    controller_name="gateway.envoyproxy.io/gatewayclass-controller",
    grpc_route=True,
    tls_modes=ALL_CERTIFICATES,
    reason="CNCF Envoy Gateway: GRPCRoute and HTTP/2 to FlyteAdmin out of the box, on any cluster",
    evidence=(
        "https://gateway.envoyproxy.io/docs/tasks/traffic/grpc-routing",
        "https://gateway.envoyproxy.io/v1.8/api/gateway_api/grpcroute/",
    ),
    install=(
        InstallCommand(
            "Install Envoy Gateway (with the Gateway API CRDs)",
            (
                "helm",
                "upgrade",
                "--install",
                "eg",
                "oci://docker.io/envoyproxy/gateway-helm",
                "--version",
                "v1.7.0",
                "-n",
                "envoy-gateway-system",
                "--create-namespace",
            ),
            "Envoy Gateway serves the Gateway, HTTPRoutes and GRPCRoutes in gateway-api.yaml",
        ),
    ),
    version="v1.7.0",
)

CONTOUR = GatewayControllerInfo(
    controller=GatewayController.CONTOUR,
    title="Contour (Gateway provisioner)",
    gateway_class="contour",
    controller_name="projectcontour.io/gateway-controller",
    grpc_route=True,
    tls_modes=ALL_CERTIFICATES,
    reason="Contour's Gateway provisioner: GRPCRoute supported, Envoy speaks h2c to FlyteAdmin",
    evidence=(
        "https://github.com/projectcontour/contour/pull/5122",
        "https://github.com/projectcontour/contour/issues/4820",
        "https://projectcontour.io/docs/1.29/guides/grpc",
    ),
    install=(
        InstallCommand(
            "Install Contour's Gateway provisioner (with the Gateway API CRDs)",
            (
                "kubectl",
                "apply",
                "-f",
                "https://raw.githubusercontent.com/projectcontour/contour/v1.33.0/examples/render/"
                "contour-gateway-provisioner.yaml",
            ),
            "the provisioner runs a Contour and Envoy per Gateway of class contour",
        ),
    ),
    version="v1.33.0",
)
