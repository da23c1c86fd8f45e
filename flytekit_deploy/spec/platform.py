"""Where Flyte runs: the deployment model, the environment, the chart, and the cloud account."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator

from .base import SpecModel
from .validators import check_cluster_name, check_uuid

__all__ = [
    "DeploymentModel",
    "Environment",
    "ChartName",
    "Profile",
    "Hardening",
    "LocalRuntime",
    "LocalSettings",
    "AwsSettings",
    "GcpSettings",
    "AzureSettings",
    "OnPremSettings",
]


class DeploymentModel(str, Enum):
    """How the control plane and the data plane are laid out."""

    SANDBOX = "sandbox"
    SINGLE_CLUSTER = "single-cluster"
    MULTI_CLUSTER = "multi-cluster"
    HYBRID = "hybrid"


class Environment(str, Enum):
    """Where Kubernetes runs. What each one means lives in ``flytekit_deploy.clouds``; the spec knows only the
    two facts its own validation needs (below the clouds layer): the settings section, and whether the sandbox
    model may run there."""

    LOCAL = "local"
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"
    ONPREM = "on-prem"

    @property
    def section(self) -> str:
        """The spec field holding this environment's settings (``on-prem`` -> ``onprem``)."""
        return self.value.replace("-", "")

    @property
    def hosts_sandbox(self) -> bool:
        """The sandbox model runs on a workstation or a self-managed cluster, never in a cloud account."""
        return self in (Environment.LOCAL, Environment.ONPREM)


class ChartName(str, Enum):
    """The Flyte v1 Helm charts the kit emits values for."""

    FLYTE_BINARY = "flyte-binary"
    FLYTE_CORE = "flyte-core"
    FLYTE_SANDBOX = "flyte-sandbox"
    FLYTE_DEPS = "flyte-deps"
    FLYTECONNECTOR = "flyteconnector"


class Profile(str, Enum):
    """``development`` favours few replicas and easy access; ``production`` asks for HA, auth and TLS."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Hardening(str, Enum):
    """Pod hardening. ``restricted``: every Flyte pod passes Pod Security Standards ``restricted`` (security
    contexts through the values, the rest through the kit's Helm post-renderer); ``off``: the charts' defaults."""

    RESTRICTED = "restricted"
    OFF = "off"


class LocalRuntime(str, Enum):
    KIND = "kind"
    K3D = "k3d"
    MINIKUBE = "minikube"
    DOCKER_DESKTOP = "docker-desktop"


class LocalSettings(SpecModel):
    """A Kubernetes cluster on a workstation."""

    runtime: LocalRuntime = Field(default=LocalRuntime.K3D, description="Local Kubernetes distribution.")


class AwsSettings(SpecModel):
    """The AWS account and EKS cluster Flyte runs in."""

    account_id: str = Field(
        default="<AWS_ACCOUNT_ID>",
        pattern=r"^(\d{12}|<[A-Z][A-Z0-9_\-]*>)$",
        description="12-digit AWS account ID.",
    )
    region: str = Field(
        default="<AWS_REGION>",
        pattern=r"^([a-z]{2}(-gov)?-[a-z]+-\d|<[A-Z][A-Z0-9_\-]*>)$",
        description="AWS region code, e.g. us-east-1.",
    )
    cluster_name: str = Field(default="<EKS_CLUSTER_NAME>", description="EKS cluster name (log group paths).")

    @field_validator("cluster_name")
    @classmethod
    def _cluster(cls, value: str) -> str:
        return check_cluster_name(value, "aws")


class GcpSettings(SpecModel):
    """The GCP project and GKE cluster Flyte runs in."""

    project_id: str = Field(
        default="<GCP_PROJECT_ID>",
        pattern=r"^([a-z][a-z0-9-]{4,28}[a-z0-9]|<[A-Z][A-Z0-9_\-]*>)$",
        description="GCP project ID.",
    )
    region: str = Field(
        default="<GCP_REGION>",
        pattern=r"^([a-z]+-[a-z]+\d+(-[a-z])?|<[A-Z][A-Z0-9_\-]*>)$",
        description="GCP region, e.g. us-central1.",
    )
    cluster_name: str = Field(default="<GKE_CLUSTER_NAME>", description="GKE cluster name.")

    @field_validator("cluster_name")
    @classmethod
    def _cluster(cls, value: str) -> str:
        return check_cluster_name(value, "gcp")


class AzureSettings(SpecModel):
    """The Azure subscription, storage account and AKS cluster Flyte runs in."""

    tenant_id: str = Field(default="<AZURE_TENANT_ID>", description="Entra ID tenant (GUID).")
    subscription_id: str = Field(default="<AZURE_SUBSCRIPTION_ID>", description="Subscription (GUID).")
    resource_group: str = Field(
        default="<AZURE_RESOURCE_GROUP>",
        pattern=r"^([-\w.()]{0,89}[-\w()]|<[A-Z][A-Z0-9_\-]*>)$",
        description="Resource group of the cluster.",
    )
    region: str = Field(
        default="<AZURE_REGION>",
        pattern=r"^([a-z0-9]+|<[A-Z][A-Z0-9_\-]*>)$",
        description="Azure region, e.g. westeurope.",
    )
    storage_account: str = Field(
        default="<AZURE_STORAGE_ACCOUNT>",
        pattern=r"^([a-z0-9]{3,24}|<[A-Z][A-Z0-9_\-]*>)$",
        description="Storage account holding the Blob containers (3-24 lowercase letters and digits).",
    )
    cluster_name: str = Field(default="<AKS_CLUSTER_NAME>", description="AKS cluster name.")

    @field_validator("tenant_id")
    @classmethod
    def _tenant(cls, value: str) -> str:
        return check_uuid(value, "tenant ID")

    @field_validator("subscription_id")
    @classmethod
    def _subscription(cls, value: str) -> str:
        return check_uuid(value, "subscription ID")

    @field_validator("cluster_name")
    @classmethod
    def _cluster(cls, value: str) -> str:
        return check_cluster_name(value, "azure")


class OnPremSettings(SpecModel):
    """A self-managed Kubernetes cluster."""

    cluster_name: str = Field(default="flyte", description="A name for the cluster, used in diagrams and configs.")

    @field_validator("cluster_name")
    @classmethod
    def _cluster(cls, value: str) -> str:
        return check_cluster_name(value, "on-prem")
