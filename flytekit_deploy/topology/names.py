"""The real names of the services a spec relies on: S3 and RDS on AWS, GCS and Cloud SQL on GCP, and so on.

Every table here is keyed by a spec enum and covers all its members (a test checks), so a new enum value cannot
silently fall back to a generic name. Values still written as ``<PLACEHOLDERS>`` are left out of labels: a diagram
says "EKS cluster", not "EKS cluster <EKS_CLUSTER_NAME>".
"""

from __future__ import annotations

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
    is_placeholder,
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
    "object_store_label",
]

ENVIRONMENT_NAMES: dict[Environment, str] = {
    Environment.LOCAL: "Local Kubernetes",
    Environment.AWS: "AWS",
    Environment.GCP: "GCP",
    Environment.AZURE: "Azure",
    Environment.ONPREM: "Self-managed Kubernetes",
}

KUBERNETES_SERVICE: dict[Environment, str] = {
    Environment.LOCAL: "local",
    Environment.AWS: "EKS",
    Environment.GCP: "GKE",
    Environment.AZURE: "AKS",
    Environment.ONPREM: "Kubernetes",
}

DATABASE_NAMES: dict[DatabaseFlavour, str] = {
    DatabaseFlavour.IN_CLUSTER: "PostgreSQL (in-cluster)",
    DatabaseFlavour.RDS: "RDS PostgreSQL",
    DatabaseFlavour.CLOUD_SQL: "Cloud SQL PostgreSQL",
    DatabaseFlavour.AZURE_POSTGRES: "Azure Database for PostgreSQL",
    DatabaseFlavour.EXTERNAL: "External PostgreSQL",
}

OBJECT_STORE_NAMES: dict[StorageProvider, str] = {
    StorageProvider.S3: "S3 buckets",
    StorageProvider.GCS: "GCS buckets",
    StorageProvider.AZURE: "Azure Blob Storage containers",
    StorageProvider.S3_COMPATIBLE: "S3-compatible store",
}

IDENTITY_NAMES: dict[IdentityMode, str] = {
    IdentityMode.RBAC: "Kubernetes service accounts (RBAC)",
    IdentityMode.IRSA: "IAM roles (IRSA)",
    IdentityMode.GCP_WORKLOAD_IDENTITY: "Google service accounts (Workload Identity)",
    IdentityMode.AZURE_WORKLOAD_IDENTITY: "Managed identities (Entra ID workload identity)",
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


def named(prefix: str, *values: str | None) -> str:
    """``prefix`` followed by the values that are filled in (placeholders and empties dropped)."""
    filled = [v for v in values if v and not is_placeholder(v)]
    return " ".join([prefix, *filled])


def account_label(spec: DeploymentSpec) -> str:
    """The outermost box: the cloud account, project or subscription, the workstation, or the own data centre."""
    env = spec.environment
    if spec.aws is not None and env is Environment.AWS:
        return named("AWS account", spec.aws.account_id, spec.aws.region)
    if spec.gcp is not None and env is Environment.GCP:
        return named("GCP project", spec.gcp.project_id, spec.gcp.region)
    if spec.azure is not None and env is Environment.AZURE:
        return named("Azure subscription", spec.azure.subscription_id, spec.azure.region)
    if spec.local is not None and env is Environment.LOCAL:
        return f"Local machine ({spec.local.runtime.value})"
    return "Self-managed infrastructure"


def cluster_service(spec: DeploymentSpec) -> str:
    """EKS, GKE, AKS, the local runtime (k3d, kind...) or plain Kubernetes."""
    if spec.local is not None and spec.environment is Environment.LOCAL:
        return spec.local.runtime.value
    return KUBERNETES_SERVICE[spec.environment]


def _main_cluster_name(spec: DeploymentSpec) -> str | None:
    for settings in (spec.aws, spec.gcp, spec.azure, spec.onprem):
        if settings is not None:
            return settings.cluster_name
    return None


def cluster_label(spec: DeploymentSpec, name: str | None = None) -> str:
    """A Kubernetes cluster as its API server: ``Kubernetes API`` over ``EKS cluster <name>``.

    ``name`` is a data plane's name; empty means the main cluster (named in the environment settings, or the
    control plane name in multi-cluster).
    """
    if name is None:
        name = _main_cluster_name(spec)
    return f"Kubernetes API\n{named(f'{cluster_service(spec)} cluster', name)}"


def database_label(spec: DeploymentSpec) -> str:
    """The database: the managed service's name, or PostgreSQL in the cluster for the sandbox."""
    return DATABASE_NAMES[spec.database.flavour]


def object_store_label(spec: DeploymentSpec) -> str:
    """The object store; an S3-compatible endpoint that is the sandbox's (or says minio) is MinIO."""
    store = spec.storage
    if store.provider is StorageProvider.S3_COMPATIBLE and (spec.is_sandbox or "minio" in (store.endpoint or "")):
        return "MinIO (object storage)"
    return OBJECT_STORE_NAMES[store.provider]


def edge_label(spec: DeploymentSpec) -> str:
    """The entry node's name: the Gateway and its controller, or the Ingress controller."""
    if spec.ingress.gateway_api:
        from ..charts.gateway_api import controller_for

        return f"Gateway: {controller_for(spec).title}"
    return f"Ingress: {INGRESS_NAMES[spec.ingress.controller]}"
