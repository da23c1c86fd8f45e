"""How people and clients reach FlyteAdmin and FlyteConsole."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator, model_validator

from .base import K8sName, SpecModel
from .validators import check_acm_arn, check_hostname, invalid

__all__ = ["IngressController", "TlsMode", "Tls", "Ingress"]


class IngressController(str, Enum):
    NGINX = "nginx"
    CONTOUR = "contour"
    ALB = "alb"
    GCE = "gce"
    TRAEFIK = "traefik"
    NONE = "none"


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
    """The ingress controller, host name, TLS and whether gRPC gets its own Ingress."""

    controller: IngressController = Field(
        default=IngressController.NONE, description="Ingress controller; none means kubectl port-forward."
    )
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

    @property
    def enabled(self) -> bool:
        return self.controller is not IngressController.NONE

    @property
    def scheme(self) -> str:
        return "https" if self.tls.mode is not TlsMode.NONE else "http"
