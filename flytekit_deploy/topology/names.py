"""The real names of the services a spec relies on: S3 and RDS on AWS, GCS and Cloud SQL on GCP, and so on.

Every table here is keyed by a spec enum and covers all its members (a test checks), so a new enum value cannot
silently fall back to a generic name. Values still written as ``<PLACEHOLDERS>`` are left out of labels: a diagram
says "EKS cluster", not "EKS cluster <EKS_CLUSTER_NAME>".
"""

from __future__ import annotations

from ..charts.gateway_api import controller_for
from ..clouds import CLOUDS, NO_CLOUD_IDENTITY, cloud_of, identities, identity_of, named, store_of, stores
from ..spec import (
    ConnectorKind,
    DatabaseFlavour,
    DeploymentSpec,
    Environment,
    IdentityMode,
    IdentityProvider,
    IngressController,
    LogProvider,
    StorageProvider,
)

__all__ = [
    "ENVIRONMENT_NAMES",
    "KUBERNETES_SERVICE",
    "DATABASE_NAMES",
    "OBJECT_STORE_NAMES",
    "IDENTITY_NAMES",
    "IDP_NAMES",
    "INGRESS_NAMES",
    "edge_label",
    "LOG_BACKEND_NAMES",
    "CONNECTOR_NAMES",
    "named",
    "account_label",
    "cluster_service",
    "cluster_label",
    "database_label",
    "identity_label",
    "object_store_label",
]

ENVIRONMENT_NAMES: dict[Environment, str] = {env: cloud.display_name for env, cloud in CLOUDS.items()}

KUBERNETES_SERVICE: dict[Environment, str] = {env: cloud.kubernetes_service for env, cloud in CLOUDS.items()}

DATABASE_NAMES: dict[DatabaseFlavour, str] = {
    DatabaseFlavour.IN_CLUSTER: "PostgreSQL (in-cluster)",
    **{cloud.database.flavour: cloud.database.label for cloud in CLOUDS.values() if cloud.database is not None},
    DatabaseFlavour.EXTERNAL: "External PostgreSQL",
}

OBJECT_STORE_NAMES: dict[StorageProvider, str] = {provider: store.label for provider, store in stores().items()}

IDENTITY_NAMES: dict[IdentityMode, str] = {
    NO_CLOUD_IDENTITY: "Kubernetes service accounts (RBAC)",
    **{identity.mode: identity.name for identity in identities()},
}

IDP_NAMES: dict[IdentityProvider, str] = {
    IdentityProvider.OKTA: "Okta",
    IdentityProvider.GOOGLE: "Google",
    IdentityProvider.ENTRA_ID: "Microsoft Entra ID",
    IdentityProvider.AUTH0: "Auth0",
    IdentityProvider.KEYCLOAK: "Keycloak",
    IdentityProvider.GENERIC: "OpenID Connect provider",
}

INGRESS_NAMES: dict[IngressController, str] = {
    IngressController.NGINX: "NGINX Ingress Controller",
    IngressController.CONTOUR: "Contour",
    IngressController.ALB: "AWS Load Balancer Controller (ALB)",
    IngressController.GCE: "GCE Ingress (Cloud Load Balancing)",
    IngressController.TRAEFIK: "Traefik",
    IngressController.NONE: "kubectl port-forward",
}

LOG_BACKEND_NAMES: dict[LogProvider, str] = {
    LogProvider.KUBERNETES: "Kubernetes dashboard",
    LogProvider.CLOUDWATCH: "CloudWatch Logs",
    LogProvider.STACKDRIVER: "Cloud Logging (Stackdriver)",
    LogProvider.AZURE: "Azure Monitor Logs",
    LogProvider.CUSTOM: "Custom log links",
}

CONNECTOR_NAMES: dict[ConnectorKind, str] = {
    ConnectorKind.AWS_BATCH: "AWS Batch",
    ConnectorKind.DATABRICKS: "Databricks",
    ConnectorKind.SNOWFLAKE: "Snowflake",
    ConnectorKind.BIGQUERY: "BigQuery",
    ConnectorKind.SLURM: "Slurm",
    ConnectorKind.SAGEMAKER: "Amazon SageMaker",
}


def account_label(spec: DeploymentSpec) -> str:
    """The outermost box: the cloud account, project or subscription, the workstation, or the own data centre."""
    return cloud_of(spec).account_label(spec)


def cluster_service(spec: DeploymentSpec) -> str:
    """EKS, GKE, AKS, the local runtime (k3d, kind...) or plain Kubernetes."""
    return cloud_of(spec).cluster_service(spec)


def cluster_label(spec: DeploymentSpec, name: str | None = None) -> str:
    """A Kubernetes cluster as its API server: ``Kubernetes API`` over ``EKS cluster <name>``.

    ``name`` is a data plane's name; empty means the main cluster (named in the environment settings, or the
    control plane name in multi-cluster).
    """
    if name is None:
        name = cloud_of(spec).cluster_name(spec)
    return f"Kubernetes API\n{named(f'{cluster_service(spec)} cluster', name)}"


def identity_label(spec: DeploymentSpec) -> str:
    """How pods authenticate: the cloud identity's name, or plain Kubernetes service accounts."""
    identity = identity_of(spec)
    return identity.name if identity is not None else IDENTITY_NAMES[spec.identity_mode]


def database_label(spec: DeploymentSpec) -> str:
    """The database: the managed service's name, or PostgreSQL in the cluster for the sandbox."""
    database = cloud_of(spec).database
    if database is not None and database.flavour is spec.database.flavour:
        return database.label
    return DATABASE_NAMES[spec.database.flavour]


def object_store_label(spec: DeploymentSpec) -> str:
    """The object store; an S3-compatible endpoint that is the sandbox's (or says minio) is MinIO."""
    store = spec.storage
    if store.provider.home is None and (spec.is_sandbox or "minio" in (store.endpoint or "")):
        return "MinIO (object storage)"
    return store_of(spec).label


def edge_label(spec: DeploymentSpec) -> str:
    """The entry node's name: the Gateway and its controller, or the Ingress controller."""
    if spec.ingress.gateway_api:
        return f"Gateway: {controller_for(spec).title}"
    return f"Ingress: {INGRESS_NAMES[spec.ingress.controller]}"
