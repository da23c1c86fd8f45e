"""Which cloud identity each Flyte component and each task pod runs as."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from .base import K8sName, SpecModel

__all__ = ["IdentityMode", "Identity"]


class IdentityMode(str, Enum):
    """IRSA on EKS, Workload Identity on GKE, Azure workload identity on AKS, plain RBAC elsewhere."""

    RBAC = "rbac"
    IRSA = "irsa"
    GCP_WORKLOAD_IDENTITY = "gcp-workload-identity"
    AZURE_WORKLOAD_IDENTITY = "azure-workload-identity"


class Identity(SpecModel):
    """Roles / service accounts. Each identifier is an IAM role ARN (IRSA), a Google service account email
    (GCP Workload Identity) or a managed identity client ID (Azure); unused with plain RBAC."""

    mode: IdentityMode | None = Field(
        default=None,
        description="Empty: chosen from the environment (IRSA on AWS, Workload Identity on GCP...).",
    )
    backend: str | None = Field(
        default=None,
        description="Identity of the Flyte backend (FlyteAdmin, DataCatalog, scheduler; the single binary).",
    )
    propeller: str | None = Field(default=None, description="Identity of FlytePropeller. Empty: the backend identity.")
    tasks: str | None = Field(
        default=None,
        description="Default identity of task pods in every project-domain namespace (cluster resource templates).",
    )
    tasks_per_domain: dict[str, str] = Field(
        default_factory=dict, description="Per-domain override of the task identity, e.g. production: <role>."
    )
    task_service_account: K8sName = Field(
        default="default", description="Kubernetes service account task pods use in each namespace."
    )

    def task_identity(self, domain: str) -> str | None:
        return self.tasks_per_domain.get(domain, self.tasks)
