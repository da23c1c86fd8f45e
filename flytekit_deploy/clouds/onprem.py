"""Self-managed Kubernetes: an S3-compatible store with keys, an external PostgreSQL, plain RBAC, and the on-prem
presets. It is also the cloud an imported file falls back to when nothing names another."""

from __future__ import annotations

from ..spec import (
    DatabaseFlavour,
    DeploymentSpec,
    Environment,
    IdentityProvider,
    Ingress,
    IngressController,
    IngressKind,
    SecretRef,
    SslMode,
    StorageCredentials,
    StorageProvider,
    Tls,
    TlsMode,
)
from ._presets import CloudDefaults, Preset, placeholder_buckets, production, starter
from ._s3 import S3Store
from .base import BaseCloud

__all__ = ["CLOUD", "OnPremCloud", "DEFAULTS", "S3_COMPATIBLE"]

S3_COMPATIBLE = S3Store(StorageProvider.S3_COMPATIBLE, "S3-compatible store", compatible=True)
"""MinIO, Ceph, or any S3 API at an endpoint; also the sandbox's store."""

DEFAULTS = CloudDefaults(
    environment=Environment.ONPREM,
    storage=placeholder_buckets(
        StorageProvider.S3_COMPATIBLE,
        endpoint="<S3_ENDPOINT_URL>",
        credentials=StorageCredentials.SECRET,
        access_key=SecretRef(name="flyte-storage", key="access-key-id"),
        secret_key=SecretRef(name="flyte-storage", key="secret-access-key"),
    ),
    database_flavour=DatabaseFlavour.EXTERNAL,
    database_host="<POSTGRES_HOST>",
    sslmode=SslMode.REQUIRE,
    ingress=Ingress(
        kind=IngressKind.GATEWAY_API, host="<FLYTE_HOST>", tls=Tls(mode=TlsMode.SECRET, secret_name="flyte-tls")
    ),
    idp=IdentityProvider.KEYCLOAK,
    issuer="<KEYCLOAK_REALM_URL>",
    starter_name="flyte",
)
"""What every on-prem preset starts from."""


def onprem_starter() -> DeploymentSpec:
    # a first install on-prem through Envoy Gateway, TLS from a Secret the person creates (pyflyte and flytectl
    # then reach FlyteAdmin's gRPC over TLS, as every client config the kit writes expects)
    return starter(
        DEFAULTS,
        database=DEFAULTS.database(SslMode.PREFER),
        ingress=Ingress(
            kind=IngressKind.GATEWAY_API,
            host="<FLYTE_HOST>",
            tls=Tls(mode=TlsMode.SECRET, secret_name="flyte-tls"),
        ),
    )


def onprem_production() -> DeploymentSpec:
    return production(DEFAULTS)


def presets() -> tuple[Preset, ...]:
    """This cloud's presets, in the order ``flytekit-deploy presets`` lists them."""
    return (
        Preset("onprem-starter", "Self-managed Kubernetes on flyte-binary (S3-compatible store)", onprem_starter),
        Preset("onprem-production", "Self-managed Kubernetes on flyte-core with Keycloak", onprem_production),
    )


class OnPremCloud(BaseCloud):
    environment = Environment.ONPREM
    display_name = "Self-managed Kubernetes"
    kubernetes_service = "Kubernetes"
    object_store = S3_COMPATIBLE
    ingress_controllers = (IngressController.CONTOUR, IngressController.TRAEFIK, IngressController.NGINX)

    @property
    def presets(self) -> tuple[Preset, ...]:
        return presets()


CLOUD = OnPremCloud()
