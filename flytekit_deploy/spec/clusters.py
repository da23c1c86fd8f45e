"""Multi-cluster (one control plane, N data planes) and hybrid (compute outside Kubernetes)."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator

from .base import DnsLabel, KubeContext, SecretRef, SpecModel
from .validators import check_https_url

__all__ = ["DataPlane", "Clusters", "ConnectorKind", "Connector"]


class DataPlane(SpecModel):
    """A cluster that runs FlytePropeller and the task pods."""

    name: DnsLabel = Field(description="Cluster ID, e.g. dataplane-1 (also the key in configmap.clusters).")
    endpoint: str = Field(
        default="<DATAPLANE_K8S_API_ENDPOINT>",
        description="Kubernetes API server URL of this cluster (https).",
    )
    label: DnsLabel = Field(
        default="default", description="Execution cluster label; executions with this label run here."
    )
    weight: float = Field(default=1.0, gt=0, le=1, description="Share of the label's executions (0 < w <= 1).")
    kube_context: KubeContext | None = Field(
        default=None,
        description="kubeconfig context of this cluster for the install commands (e.g. kind-dataplane-1, or an "
        "EKS ARN). Empty: the current context.",
    )

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        return check_https_url(value, "API server URL")


class Clusters(SpecModel):
    """Where the control plane runs and which data planes it sends executions to."""

    control_plane_name: DnsLabel = Field(default="control-plane", description="Name of the control plane cluster.")
    kube_context: KubeContext | None = Field(
        default=None,
        description="kubeconfig context of the main cluster (the control plane, or the only cluster) for the "
        "install commands. Empty: the current context, never a guess from the cluster name.",
    )
    control_plane_runs_workloads: bool = Field(
        default=False,
        description="Also run executions in the control plane's own cluster (in-cluster credentials).",
    )
    data_planes: list[DataPlane] = Field(default_factory=list, description="Data plane clusters (multi-cluster).")
    admin_endpoint: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.:/\[\]<>-]{1,300}$",
        description="How data planes reach FlyteAdmin, e.g. dns:///flyte.example.com. Empty: from the ingress host.",
    )


class ConnectorKind(str, Enum):
    """Compute outside Kubernetes that Flyte drives from the control plane (hybrid model)."""

    AWS_BATCH = "aws-batch"
    DATABRICKS = "databricks"
    SNOWFLAKE = "snowflake"
    BIGQUERY = "bigquery"
    SLURM = "slurm"
    SAGEMAKER = "sagemaker"


class Connector(SpecModel):
    kind: ConnectorKind = Field(description="The external service.")
    secret: SecretRef | None = Field(
        default=None, description="Credentials the connector needs (token, key); none with workload identity."
    )
    endpoint: str | None = Field(default=None, description="Service endpoint where one is needed (Databricks, Slurm).")

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        return None if value is None else check_https_url(value, "endpoint", allow_http=True)
