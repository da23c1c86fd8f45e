"""Gateway API controllers per environment: which maintained implementation serves the kit's Gateway, how it is
installed (pinned), and whether it serves gRPC (GRPCRoute, HTTP/2 to the backend), with the documentation that
says so.

This table is cloud knowledge: it moves into ``flytekit_deploy/clouds/<env>.py`` (the ingress/gateway member of
the cloud protocol) once the cloud modules exist on main; the lead carries it there. Until then it stays here,
small and typed, and nothing else branches on the environment for the way in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...spec import DeploymentSpec, Environment, GatewayController, TlsMode

__all__ = [
    "ControllerInfo",
    "InstallCommand",
    "CONTROLLERS",
    "RECOMMENDED",
    "controller_info",
    "controller_for",
    "GATEWAY_API_VERSION",
]

GATEWAY_API_VERSION = "v1.5.0"
"""Gateway API release whose standard CRDs the kit installs where the controller does not bring them."""

_STANDARD_CRDS = (
    f"https://github.com/kubernetes-sigs/gateway-api/releases/download/{GATEWAY_API_VERSION}/standard-install.yaml"
)


@dataclass(frozen=True)
class InstallCommand:
    """One pinned install command as an argument list (quoted when it reaches a shell), and why it runs."""

    title: str
    argv: tuple[str, ...]
    why: str = ""


@dataclass(frozen=True)
class ControllerInfo:
    """What the kit knows about one Gateway API implementation."""

    controller: GatewayController
    title: str
    environments: tuple[Environment, ...]
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
    install: tuple[InstallCommand, ...] = field(default_factory=tuple)
    gateway_annotations: tuple[tuple[str, str], ...] = ()
    gateway_addresses: tuple[tuple[str, str], ...] = ()
    """``(type, value)`` addresses a Gateway of this controller needs (AGC's frontend)."""
    version: str = ""


_ALL_CERTS = (TlsMode.NONE, TlsMode.CERT_MANAGER, TlsMode.SECRET)

CONTROLLERS: dict[GatewayController, ControllerInfo] = {
    GatewayController.ENVOY_GATEWAY: ControllerInfo(
        controller=GatewayController.ENVOY_GATEWAY,
        title="Envoy Gateway",
        environments=(Environment.LOCAL, Environment.ONPREM, Environment.GCP, Environment.AZURE, Environment.AWS),
        gateway_class="envoy-gateway",
        controller_name="gateway.envoyproxy.io/gatewayclass-controller",
        grpc_route=True,
        tls_modes=_ALL_CERTS,
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
    ),
    GatewayController.CONTOUR: ControllerInfo(
        controller=GatewayController.CONTOUR,
        title="Contour (Gateway provisioner)",
        environments=(Environment.LOCAL, Environment.ONPREM),
        gateway_class="contour",
        controller_name="projectcontour.io/gateway-controller",
        grpc_route=True,
        tls_modes=_ALL_CERTS,
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
    ),
    GatewayController.AWS_LOAD_BALANCER_CONTROLLER: ControllerInfo(
        controller=GatewayController.AWS_LOAD_BALANCER_CONTROLLER,
        title="AWS Load Balancer Controller (Gateway API, ALB)",
        environments=(Environment.AWS,),
        gateway_class="aws-alb",
        controller_name="gateway.k8s.aws/alb",
        grpc_route=True,
        tls_modes=(TlsMode.ACM,),
        reason="EKS: an ALB from the Gateway; GRPCRoute on ALB since LBC 2.14; certificates from ACM",
        evidence=(
            "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/gateway/gateway/",
            "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/gateway/l7gateway",
            "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/gateway/"
            "targetgroupconfig.md",
        ),
        install=(
            InstallCommand(
                "Install the Gateway API standard CRDs",
                ("kubectl", "apply", "--server-side=true", "-f", _STANDARD_CRDS),
                "the AWS Load Balancer Controller does not bring the Gateway API CRDs",
            ),
            InstallCommand(
                "Install the AWS Load Balancer Controller's Gateway CRDs",
                (
                    "kubectl",
                    "apply",
                    "-f",
                    "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v2.17.1/config/"
                    "crd/gateway/gateway-crds.yaml",
                ),
                "LoadBalancerConfiguration and TargetGroupConfiguration (ACM certificate, ip targets)",
            ),
            InstallCommand(
                "Add the eks chart repository",
                ("helm", "repo", "add", "eks", "https://aws.github.io/eks-charts"),
            ),
            InstallCommand(
                "Install the AWS Load Balancer Controller with ALB Gateway API support",
                (
                    "helm",
                    "upgrade",
                    "--install",
                    "aws-load-balancer-controller",
                    "eks/aws-load-balancer-controller",
                    "--version",
                    "1.17.1",
                    "-n",
                    "kube-system",
                    "--set",
                    "clusterName={cluster}",
                    "--set",
                    "controllerConfig.featureGates.ALBGatewayAPI=true",
                ),
                "the controller turns the Gateway into an ALB (its IAM policy must exist)",
            ),
        ),
        version="v2.17.1 (chart 1.17.1)",
    ),
    GatewayController.GKE: ControllerInfo(
        controller=GatewayController.GKE,
        title="GKE Gateway controller",
        environments=(Environment.GCP,),
        gateway_class="gke-l7-global-external-managed",
        controller_name=None,
        grpc_route=None,
        tls_modes=_ALL_CERTS,
        reason="GKE's managed Gateway (global external Application Load Balancer); GRPCRoute not confirmed",
        evidence=("https://cloud.google.com/kubernetes-engine/docs/how-to/gatewayclass-capabilities",),
        install=(),
        version="managed by GKE",
    ),
    GatewayController.APPLICATION_GATEWAY_FOR_CONTAINERS: ControllerInfo(
        controller=GatewayController.APPLICATION_GATEWAY_FOR_CONTAINERS,
        title="Application Gateway for Containers (ALB Controller)",
        environments=(Environment.AZURE,),
        gateway_class="azure-alb-external",
        controller_name=None,
        grpc_route=True,
        tls_modes=(TlsMode.NONE, TlsMode.CERT_MANAGER, TlsMode.SECRET),
        reason="AKS: Azure's managed layer-7 gateway (successor of AGIC), gRPC supported",
        evidence=(
            "https://learn.microsoft.com/azure/application-gateway/for-containers/grpc",
            "https://learn.microsoft.com/azure/application-gateway/for-containers/overview",
            "https://learn.microsoft.com/azure/application-gateway/for-containers/"
            "quickstart-deploy-application-gateway-for-containers-alb-controller-helm",
        ),
        install=(
            InstallCommand(
                "Install the ALB Controller of Application Gateway for Containers",
                (
                    "helm",
                    "upgrade",
                    "--install",
                    "alb-controller",
                    "oci://mcr.microsoft.com/application-lb/charts/alb-controller",
                    "--version",
                    "1.7.9",
                    "-n",
                    "azure-alb-system",
                    "--create-namespace",
                    "--set",
                    "albController.namespace=azure-alb-system",
                    "--set",
                    "albController.podIdentity.clientID=<AGC_IDENTITY_CLIENT_ID>",
                ),
                "the ALB Controller programs the Application Gateway for Containers resource from the Gateway",
            ),
        ),
        gateway_annotations=(("alb.networking.azure.io/alb-id", "<AGC_RESOURCE_ID>"),),
        gateway_addresses=(("alb.networking.azure.io/alb-frontend", "<AGC_FRONTEND_NAME>"),),
        version="1.7.9",
    ),
}

RECOMMENDED: dict[Environment, GatewayController] = {
    Environment.LOCAL: GatewayController.ENVOY_GATEWAY,
    Environment.ONPREM: GatewayController.ENVOY_GATEWAY,
    # GKE's own controller is offered, but its docs found here do not confirm GRPCRoute: Envoy Gateway (behind a
    # Google L4 load balancer) serves flytectl's gRPC by design.
    Environment.GCP: GatewayController.ENVOY_GATEWAY,
    Environment.AZURE: GatewayController.APPLICATION_GATEWAY_FOR_CONTAINERS,
    Environment.AWS: GatewayController.AWS_LOAD_BALANCER_CONTROLLER,
}
"""The controller each environment's presets and the configurator offer first."""


def controller_info(controller: GatewayController) -> ControllerInfo:
    return CONTROLLERS[controller]


def controller_for(spec: DeploymentSpec) -> ControllerInfo:
    """The controller the spec names, or its environment's recommended one."""
    return CONTROLLERS[spec.ingress.gateway.controller or RECOMMENDED[spec.environment]]


def gateway_choices(environment: Environment) -> list[tuple[GatewayController, str, str]]:
    """The controllers offered on ``environment`` as ``(controller, name, one-line reason)``, recommended first:
    what the configurator shows next to the Gateway API choice."""
    ordered = sorted(
        (c for c, info in CONTROLLERS.items() if environment in info.environments),
        key=lambda c: c is not RECOMMENDED[environment],
    )
    return [(c, CONTROLLERS[c].title, CONTROLLERS[c].reason) for c in ordered]
