"""Which cloud identity each Flyte component and each task pod runs as."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from .base import K8sName, SpecModel
from .platform import Environment

__all__ = ["IdentityMode", "Identity", "default_identity"]


class IdentityMode(str, Enum):
    """IRSA on EKS, Workload Identity on GKE, Azure workload identity on AKS, plain RBAC elsewhere."""

    RBAC = "rbac"
    IRSA = "irsa"
    GCP_WORKLOAD_IDENTITY = "gcp-workload-identity"
    AZURE_WORKLOAD_IDENTITY = "azure-workload-identity"

    @property
    def home(self) -> Environment | None:
        """The only environment this identity mode exists in (None: plain RBAC works everywhere)."""
        return {
            IdentityMode.IRSA: Environment.AWS,
            IdentityMode.GCP_WORKLOAD_IDENTITY: Environment.GCP,
            IdentityMode.AZURE_WORKLOAD_IDENTITY: Environment.AZURE,
        }.get(self)

    @staticmethod
    def default_for(environment: Environment) -> IdentityMode:
        """The environment's own cloud identity, else RBAC."""
        return next((mode for mode in IdentityMode if mode.home is environment), IdentityMode.RBAC)


def default_identity(environment: Environment) -> IdentityMode:
    """The identity mode an environment uses when the spec names none."""
    return IdentityMode.default_for(environment)


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
