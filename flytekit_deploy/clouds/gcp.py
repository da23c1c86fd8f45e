"""GCP / GKE: GCS, Cloud SQL, Workload Identity, Cloud Logging, and the GCP presets."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..spec import (
    Clusters,
    DatabaseFlavour,
    DataPlane,
    DeploymentModel,
    DeploymentSpec,
    Environment,
    GatewayController,
    Identity,
    IdentityMode,
    IdentityProvider,
    IngressController,
    LogProvider,
    SslMode,
    StorageProvider,
)
from ..spec.validators import check_gcp_service_account
from ..values_read import placeholder_or
from ._presets import (
    CloudDefaults,
    Preset,
    cert_manager_gateway,
    placeholder_buckets,
    production,
    starter,
    with_changes,
)
from .base import BaseCloud, BinaryStorage, CloudIdentity, ManagedDatabase, StoreFacts, TaskAccess, ValuesReader, named
from .gateway import ALL_CERTIFICATES, ENVOY_GATEWAY, GatewayControllerInfo
from .gcp_infra import gcp_module
from .hcl import InfraModule, ServiceAccountRef

__all__ = ["CLOUD", "GcpCloud", "GcsStore", "DEFAULTS", "stackdriver_template"]

_NO_PROJECT = "<GCP_PROJECT_ID>"


def _project(spec: DeploymentSpec) -> str:
    return spec.gcp.project_id if spec.gcp else _NO_PROJECT


_STACKDRIVER_QUERY = (
    "resource.labels.namespace_name%3D%22{{.namespace}}%22%0A"
    "resource.labels.pod_name%3D%22{{.podName}}%22%0A"
    "resource.labels.container_name%3D%22{{.containerName}}%22"
)


def stackdriver_template(spec: DeploymentSpec) -> str:
    """Cloud Logging query for the task's container (GKE writes container logs there by default)."""
    project = _project(spec)
    return (
        "https://console.cloud.google.com/logs/query;query="
        + _STACKDRIVER_QUERY
        + "?project="
        + project
        + "&angularJsUrl=%2Flogs%2Fviewer%3Fproject%3D"
        + project
    )


GKE_GATEWAY = GatewayControllerInfo(
    controller=GatewayController.GKE,
    title="GKE Gateway controller",
    gateway_class="gke-l7-global-external-managed",
    controller_name=None,
    grpc_route=None,
    tls_modes=ALL_CERTIFICATES,
    reason="GKE's managed Gateway (global external Application Load Balancer); GRPCRoute not confirmed",
    evidence=("https://cloud.google.com/kubernetes-engine/docs/how-to/gatewayclass-capabilities",),
    install=(),
    version="managed by GKE",
)
"""GKE's own Gateway API implementation (offered second: its docs found here do not confirm GRPCRoute)."""


class GcsStore:
    """Google Cloud Storage: Flyte reads Application Default Credentials (Workload Identity on GKE)."""

    provider = StorageProvider.GCS
    label = "GCS buckets"
    scheme = "gs"
    signs_for_region = False
    s3_api = False
    takes_endpoint = False
    takes_region = False
    key_variables: tuple[tuple[str, str, str], ...] = ()
    task_access = TaskAccess(
        schemes=("gs",),
        config_kinds=("gcs", "google"),
        emulator="gcs-emulator",
        key_env=("GOOGLE_APPLICATION_CREDENTIALS",),
        anonymous_fallback=True,
        credentials_fix="Workload Identity: annotate the project service account with iam.gke.io/gcp-service-account",
    )
    keys_ignored = (
        "Flyte's GCS storage reads Application Default Credentials; the charts have no setting for keys, so "
        "the Secret would be ignored and access denied",
        "use credentials: workload-identity on GKE, or provider s3-compatible with HMAC keys and endpoint "
        "https://storage.googleapis.com",
    )

    def check_by_hand(self, buckets: list[str], account: str | None) -> tuple[str, str]:
        commands = "; ".join(f"`gcloud storage ls gs://{b}` (or `gsutil ls gs://{b}`)" for b in buckets)
        return commands, "google-cloud-storage"

    def raw_output_prefix(self, spec: DeploymentSpec) -> str:
        return f"gs://{spec.storage.data_bucket}/"

    def binary_storage(self, spec: DeploymentSpec, keys: tuple[str, str] | None) -> BinaryStorage:
        return BinaryStorage(
            "gcs", {"gcs": {"project": _project(spec)}}, "GCS buckets, reached with the pod's Workload Identity"
        )

    def core_native(self, spec: DeploymentSpec) -> tuple[dict[str, Any], str] | None:
        return {
            "type": "gcs",
            "gcs": {"projectId": _project(spec)},
        }, "GCS through GCP Workload Identity: no keys anywhere"

    def stow(self, spec: DeploymentSpec, keyed: bool, with_keys: bool) -> dict[str, Any]:
        store = spec.storage
        config: dict[str, Any] = {
            "project_id": _project(spec),
            "scopes": "https://www.googleapis.com/auth/cloud-platform",
        }
        if with_keys and store.secret_key is not None:
            config["json"] = store.secret_key.value
        return {"type": "stow", "container": store.metadata_bucket, "stow": {"kind": "google", "config": config}}

    def core_remote_data(self) -> dict[str, Any] | None:
        return {"remoteData": {"region": None, "scheme": "gcs"}}

    def task_pod_env(self, spec: DeploymentSpec, inline: bool) -> list[dict[str, str]]:
        return []

    def recognises(self, facts: StoreFacts) -> bool:
        return facts.kind == "gcs"

    def read_binary(self, r: ValuesReader, base: str) -> None:
        r.put("storage.provider", self.provider.value)
        project = r.take(f"{base}.providerConfig.gcs.project")
        if project:
            r.put_setting("gcp.project_id", placeholder_or(project, _NO_PROJECT))

    def read_core(self, r: ValuesReader) -> None:
        r.put("storage.provider", self.provider.value)
        project = r.take("storage.gcs.projectId")
        if project:
            r.put_setting("gcp.project_id", placeholder_or(project, _NO_PROJECT))


DEFAULTS = CloudDefaults(
    environment=Environment.GCP,
    storage=placeholder_buckets(StorageProvider.GCS),
    database_flavour=DatabaseFlavour.CLOUD_SQL,
    database_host="<CLOUD_SQL_IP>",
    # Cloud SQL accepts TLS whether or not "require SSL" is on, and refuses plaintext when it is: require works
    # with both (upstream's overlays say disable, which an enforcing instance refuses; the rehearsal shows it)
    sslmode=SslMode.REQUIRE,
    identity=Identity(backend="<FLYTE_BACKEND_GSA_EMAIL>", tasks="<FLYTE_TASKS_GSA_EMAIL>"),
    ingress=cert_manager_gateway(),
    logs=LogProvider.STACKDRIVER,
    idp=IdentityProvider.GOOGLE,
    issuer="https://accounts.google.com",
)
"""What every GCP preset starts from."""


def gke_starter() -> DeploymentSpec:
    return starter(DEFAULTS)


def gke_production() -> DeploymentSpec:
    return production(DEFAULTS)


def gke_multicluster() -> DeploymentSpec:
    return with_changes(
        gke_production(),
        model=DeploymentModel.MULTI_CLUSTER,
        clusters=Clusters(
            data_planes=[
                DataPlane(name="dataplane-1", endpoint="<DATAPLANE_1_K8S_API_URL>", label="default", weight=1.0),
                DataPlane(name="gpu-1", endpoint="<GPU_DATAPLANE_K8S_API_URL>", label="gpu", weight=1.0),
            ]
        ),
    )


def presets() -> tuple[Preset, ...]:
    """This cloud's presets, in the order ``flytekit-deploy presets`` lists them."""
    return (
        Preset(
            "gke-starter",
            "GCP single cluster on flyte-binary (GCS, Cloud SQL, Workload Identity)",
            gke_starter,
            "flyte-binary/gke-starter.yaml",
        ),
        Preset("gke-production", "GCP production on flyte-core", gke_production, "flyte-core/values-gcp.yaml"),
        Preset("gke-multicluster", "GCP control plane with a default and a GPU data plane", gke_multicluster),
    )


class GcpCloud(BaseCloud):
    environment = Environment.GCP
    display_name = "GCP"
    kubernetes_service = "GKE"
    chapter = "gcp"
    public_cloud = True
    identity = CloudIdentity(
        mode=IdentityMode.GCP_WORKLOAD_IDENTITY,
        name="Google service accounts (Workload Identity)",
        annotation="iam.gke.io/gcp-service-account",
        binary_template_variable="defaultIamServiceAccount",
        core_template_variable="gsa",
        backend_placeholder="<FLYTE_BACKEND_GSA_EMAIL>",
        tasks_placeholder="<FLYTE_TASKS_GSA_EMAIL>",
        check=check_gcp_service_account,
        identifier="Google service account email",
        trust=lambda spec, backend, tasks: (
            "grant roles/iam.workloadIdentityUser to "
            f"{_project(spec)}.svc.id.goog[{'/'.join(backend)}] on the backend GSA and to [{'/'.join(tasks)}] on the "
            "task GSAs"
        ),
        per_namespace_binding=True,
    )
    object_store = GcsStore()
    database = ManagedDatabase(
        DatabaseFlavour.CLOUD_SQL,
        "Cloud SQL",
        "Cloud SQL PostgreSQL",
        fixed_ports=((5432,), "Cloud SQL listens on 5432"),
        plaintext_note="Cloud SQL accepts unencrypted connections unless the instance enforces SSL, and then refuses them",
    )
    ingress_controllers = (IngressController.GCE, IngressController.NGINX)
    gateway_controllers = (ENVOY_GATEWAY, GKE_GATEWAY)
    """GKE's own controller is offered, but its docs found here do not confirm GRPCRoute: Envoy Gateway (behind a
    Google L4 load balancer) serves flytectl's gRPC by design."""
    propeller_critical_priority = False
    """GKE admits system-cluster-critical pods only in kube-system."""
    grpc_service_annotations = {"cloud.google.com/app-protocols": json.dumps({"grpc": "HTTP2"}, separators=(",", ":"))}
    """GCP load balancers speak HTTP/2 to the gRPC port only when the Service says so."""
    internal_lb_annotations = {"networking.gke.io/load-balancer-type": "Internal"}
    default_sslmode = SslMode.DISABLE

    @property
    def presets(self) -> tuple[Preset, ...]:
        return presets()

    def account_label(self, spec: DeploymentSpec) -> str:
        settings = spec.gcp
        return named("GCP project", settings.project_id, settings.region) if settings else super().account_label(spec)

    def task_pod_plugin(self, spec: DeploymentSpec) -> dict[str, Any]:
        """GPU nodes on GKE: the accelerator labels and the taint GKE puts on them."""
        toleration = {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
        return {
            "gpu-device-node-label": "cloud.google.com/gke-accelerator",
            "gpu-partition-size-node-label": "cloud.google.com/gke-gpu-partition-size",
            "resource-tolerations": [{"nvidia.com/gpu": [toleration]}],
        }

    def infrastructure(self, spec: DeploymentSpec, accounts: Sequence[ServiceAccountRef]) -> InfraModule | None:
        """The prerequisites as a Terraform root module (:mod:`.gcp_infra`)."""
        return gcp_module(spec, accounts)


CLOUD = GcpCloud()
