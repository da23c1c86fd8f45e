"""A Kubernetes cluster on a workstation (kind, k3d, minikube, Docker Desktop): the sandbox presets, no cloud
identity, the sandbox's MinIO and PostgreSQL."""

from __future__ import annotations

from ..spec import (
    ChartName,
    Database,
    DatabaseFlavour,
    DeploymentSpec,
    Environment,
    Ingress,
    IngressController,
    IngressKind,
    LocalRuntime,
    Logs,
    Observability,
    SecretRef,
    Storage,
    StorageCredentials,
    StorageProvider,
)
from ._presets import Preset
from .base import BaseCloud, StoreFacts

__all__ = ["CLOUD", "LocalCloud"]


def sandbox() -> DeploymentSpec:
    return DeploymentSpec()


def sandbox_core() -> DeploymentSpec:
    return DeploymentSpec(
        chart=ChartName.FLYTE_CORE,
        ingress=Ingress(controller=IngressController.CONTOUR, separate_grpc=False),
        # flyte-deps serves the Kubernetes dashboard on node port 30082
        observability=Observability(logs=Logs(kubernetes_url="http://localhost:30082/#/log/")),
        storage=Storage(
            provider=StorageProvider.S3_COMPATIBLE,
            metadata_bucket="my-s3-bucket",
            endpoint="http://minio.flyte.svc.cluster.local:9000",
            credentials=StorageCredentials.SECRET,
            access_key=SecretRef(name="minio", key="root-user", value="minio"),
            secret_key=SecretRef(name="minio", key="root-password", value="miniostorage"),
        ),
        database=Database(
            host="postgres.flyte.svc.cluster.local",
            user="postgres",
            admin_dbname="flyteadmin",
            datacatalog_dbname="datacatalog",
            password=SecretRef(name="postgres", key="password", value="postgres"),
        ),
    )


def presets() -> tuple[Preset, ...]:
    """This cloud's presets, in the order ``flytekit-deploy presets`` lists them."""
    return (
        Preset("sandbox", "Local sandbox: the flyte-sandbox chart with MinIO and PostgreSQL", sandbox),
        Preset(
            "sandbox-core",
            "Local sandbox on flyte-core with flyte-deps (MinIO, PostgreSQL, Contour)",
            sandbox_core,
            "flyte-core/values-sandbox.yaml",
        ),
    )


class LocalCloud(BaseCloud):
    environment = Environment.LOCAL
    display_name = "Local Kubernetes"
    kubernetes_service = "local"
    ingress_controllers = (IngressController.NONE, IngressController.CONTOUR, IngressController.NGINX)
    way_in = IngressKind.INGRESS
    """The sandbox's own proxy (or Contour's Ingress) on a workstation; Gateway API offered with Envoy Gateway."""
    """The sandbox is reached with port-forward; flyte-deps brings Contour for a flyte-core sandbox."""
    flavours = tuple(runtime.value for runtime in LocalRuntime)

    @property
    def presets(self) -> tuple[Preset, ...]:
        return presets()

    @property
    def default_database_flavour(self) -> DatabaseFlavour:
        return DatabaseFlavour.IN_CLUSTER

    def account_label(self, spec: DeploymentSpec) -> str:
        return f"Local machine ({spec.local.runtime.value})" if spec.local is not None else super().account_label(spec)

    def cluster_service(self, spec: DeploymentSpec) -> str:
        return spec.local.runtime.value if spec.local is not None else self.kubernetes_service

    def evidence(self, facts: StoreFacts) -> int:
        """flyte-core's ``storage.type: sandbox`` is flyte-deps' MinIO: a workstation sandbox."""
        return 2 if facts.kind == "sandbox" else 0  # stronger than the S3-compatible store that also serves it


CLOUD = LocalCloud()
