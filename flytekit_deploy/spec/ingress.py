"""How people and clients reach FlyteAdmin and FlyteConsole: the way in (Gateway API or the chart's Ingress),
the host name and TLS."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator, model_validator

from .base import K8sName, SpecModel
from .validators import check_acm_arn, check_dns_label, check_hostname, invalid

__all__ = [
    "IngressKind",
    "IngressController",
    "GatewayController",
    "GatewayRef",
    "GatewayApi",
    "TlsMode",
    "Tls",
    "Ingress",
]


class IngressKind(str, Enum):
    """The way in: Gateway API routes emitted by the kit, or the chart's own Ingress objects."""

    INGRESS = "ingress"
    GATEWAY_API = "gateway-api"


class IngressController(str, Enum):
    NGINX = "nginx"
    CONTOUR = "contour"
    ALB = "alb"
    GCE = "gce"
    TRAEFIK = "traefik"
    NONE = "none"


class GatewayController(str, Enum):
    """The Gateway API implementation that serves the kit's Gateway and routes (maintained ones only)."""

    ENVOY_GATEWAY = "envoy-gateway"
    CONTOUR = "contour"
    AWS_LOAD_BALANCER_CONTROLLER = "aws-load-balancer-controller"
    GKE = "gke"
    APPLICATION_GATEWAY_FOR_CONTAINERS = "application-gateway-for-containers"


class GatewayRef(SpecModel):
    """An existing Gateway the routes attach to (the kit then emits no Gateway and installs no controller)."""

    name: str = Field(description="Name of the existing Gateway.")
    namespace: str = Field(description="Namespace of the existing Gateway.")
    section_name: str | None = Field(
        default=None, description="Listener of that Gateway to attach to (empty: every listener that allows it)."
    )

    @field_validator("name", "namespace")
    @classmethod
    def _label(cls, value: str) -> str:
        return check_dns_label(value)


class GatewayApi(SpecModel):
    """Gateway API settings: which controller, and whether the kit creates the Gateway or attaches to one."""

    controller: GatewayController | None = Field(
        default=None,
        description="Gateway API implementation. Empty: the environment's recommended one (with gRPC by design).",
    )
    gateway_class: str | None = Field(
        default=None, description="GatewayClass name. Empty: the controller's usual class."
    )
    existing: GatewayRef | None = Field(
        default=None, description="Attach the routes to this existing Gateway instead of creating one."
    )
    install_controller: bool = Field(
        default=True, description="Install the controller (pinned) before Flyte; off when the cluster already runs it."
    )

    @field_validator("gateway_class")
    @classmethod
    def _class(cls, value: str | None) -> str | None:
        return None if value is None else check_dns_label(value, "GatewayClass name")


class TlsMode(str, Enum):
    NONE = "none"
    CERT_MANAGER = "cert-manager"
    ACM = "acm"
    SECRET = "secret"


class Tls(SpecModel):
    mode: TlsMode = Field(default=TlsMode.NONE, description="Where the certificate comes from.")
    cluster_issuer: K8sName | None = Field(default=None, description="cert-manager ClusterIssuer name.")
    certificate_arn: str | None = Field(default=None, description="ACM certificate ARN (AWS ALB).")
    secret_name: K8sName | None = Field(default=None, description="Existing kubernetes.io/tls Secret.")

    @model_validator(mode="after")
    def _complete(self) -> Tls:
        needed = {
            TlsMode.CERT_MANAGER: (
                "cluster_issuer",
                "the ClusterIssuer cert-manager signs with, e.g. letsencrypt",
            ),
            TlsMode.ACM: ("certificate_arn", "arn:aws:acm:<region>:<account>:certificate/<id>"),
            TlsMode.SECRET: ("secret_name", "the name of an existing kubernetes.io/tls Secret"),
        }.get(self.mode)
        if needed and not getattr(self, needed[0]):
            raise invalid(f"tls mode {self.mode.value} needs {needed[0]}", f"set {needed[0]}: {needed[1]}", needed[0])
        if self.certificate_arn:
            check_acm_arn(self.certificate_arn, "certificate_arn")
        return self


class Ingress(SpecModel):
    """The way in (Gateway API or the chart's Ingress), host name, TLS and whether gRPC gets its own Ingress."""

    kind: IngressKind = Field(
        default=IngressKind.INGRESS,
        description="gateway-api: the kit emits a Gateway and routes; ingress: the chart's own Ingress objects.",
    )
    controller: IngressController = Field(
        default=IngressController.NONE,
        description="Ingress controller (kind ingress); none means kubectl port-forward. nginx is retired (legacy).",
    )
    gateway: GatewayApi = Field(default_factory=GatewayApi, description="Gateway API settings (kind gateway-api).")
    host: str | None = Field(default=None, description="Public host name, e.g. flyte.example.com.")
    tls: Tls = Field(default_factory=Tls, description="TLS certificate.")
    separate_grpc: bool = Field(
        default=True,
        description="A separate Ingress for gRPC traffic (ALB, GCE and nginx need it to speak HTTP/2 to the backend).",
    )
    annotations: dict[str, str] = Field(default_factory=dict, description="Extra annotations on every Ingress.")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        return None if value is None else check_hostname(value)

    @model_validator(mode="after")
    def _one_way_in(self) -> Ingress:
        if self.kind is IngressKind.GATEWAY_API and self.controller is not IngressController.NONE:
            raise invalid(
                f"ingress.controller {self.controller.value} is an Ingress controller but kind is gateway-api",
                "remove ingress.controller (choose the Gateway API controller in ingress.gateway.controller), "
                "or set kind: ingress",
                "controller",
            )
        return self

    @property
    def enabled(self) -> bool:
        """Flyte is published at a host: through Gateway API routes or through the chart's Ingress."""
        return self.kind is IngressKind.GATEWAY_API or self.controller is not IngressController.NONE

    @property
    def gateway_api(self) -> bool:
        return self.kind is IngressKind.GATEWAY_API

    @property
    def chart_ingress(self) -> bool:
        """The chart renders its own Ingress objects (kind ingress with a controller)."""
        return self.kind is IngressKind.INGRESS and self.controller is not IngressController.NONE

    @property
    def scheme(self) -> str:
        return "https" if self.tls.mode is not TlsMode.NONE else "http"
