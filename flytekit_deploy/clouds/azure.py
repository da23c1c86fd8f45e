"""Azure / AKS: Blob Storage, Azure Database for PostgreSQL, Entra ID workload identity, Azure Monitor, and the
Azure presets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    LogProvider,
    SslMode,
    StorageCredentials,
    StorageProvider,
)
from ..spec.validators import check_uuid
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
from .azure_infra import azure_module
from .base import BaseCloud, BinaryStorage, CloudIdentity, ManagedDatabase, StoreFacts, TaskAccess, ValuesReader, named
from .gateway import ALL_CERTIFICATES, ENVOY_GATEWAY, GatewayControllerInfo, InstallCommand
from .hcl import InfraModule, ServiceAccountRef

__all__ = ["CLOUD", "AzureCloud", "AzureBlobStore", "DEFAULTS", "USE_LABEL", "azure_template", "storage_account"]

USE_LABEL = {"azure.workload.identity/use": "true"}
"""Pod label the Azure workload identity webhook looks for before it injects the token."""

_NO_ACCOUNT = "<AZURE_STORAGE_ACCOUNT>"
_SUBJECT = "system:serviceaccount:{}:{}"


def storage_account(spec: DeploymentSpec) -> str:
    return spec.azure.storage_account if spec.azure else _NO_ACCOUNT


def azure_template(spec: DeploymentSpec) -> str:
    """Azure Monitor / Log Analytics query prefix with the pod name appended."""
    return spec.observability.logs.azure_workspace_url + "{{ .podName }}"


APPLICATION_GATEWAY_FOR_CONTAINERS = GatewayControllerInfo(
    controller=GatewayController.APPLICATION_GATEWAY_FOR_CONTAINERS,
    title="Application Gateway for Containers (ALB Controller)",
    gateway_class="azure-alb-external",
    controller_name=None,
    grpc_route=True,
    tls_modes=ALL_CERTIFICATES,
    reason="AKS: Azure's managed layer-7 gateway (successor of AGIC), gRPC supported",
    evidence=(
        "https://learn.microsoft.com/azure/application-gateway/for-containers/grpc",
        "https://learn.microsoft.com/azure/application-gateway/for-containers/overview",
        "https://learn.microsoft.com/azure/application-gateway/for-containers/"
        "quickstart-deploy-application-gateway-for-containers-alb-controller-helm",
    ),
    install=(
        InstallCommand(
            "Install the ALB Controller of Application Gateway for Containers",
            (
                "helm",
                "upgrade",
                "--install",
                "alb-controller",
                "oci://mcr.microsoft.com/application-lb/charts/alb-controller",
                "--version",
                "1.7.9",
                "-n",
                "azure-alb-system",
                "--create-namespace",
                "--set",
                "albController.namespace=azure-alb-system",
                "--set",
                "albController.podIdentity.clientID=<AGC_IDENTITY_CLIENT_ID>",
            ),
            "the ALB Controller programs the Application Gateway for Containers resource from the Gateway",
        ),
    ),
    gateway_annotations=(("alb.networking.azure.io/alb-id", "<AGC_RESOURCE_ID>"),),
    gateway_addresses=(("alb.networking.azure.io/alb-frontend", "<AGC_FRONTEND_NAME>"),),
    version="1.7.9",
)
"""AKS's own Gateway API implementation."""


class AzureBlobStore:
    """Azure Blob Storage containers in one storage account (flytekit reads them as ``abfs://``)."""

    provider = StorageProvider.AZURE
    label = "Azure Blob Storage containers"
    scheme = "abfs"
    signs_for_region = False
    s3_api = False
    takes_endpoint = False
    takes_region = False
    keys_ignored = None
    task_access = TaskAccess(
        schemes=("abfs", "abfss"),
        config_kinds=("azure",),
        emulator="azurite",
        required_env=("AZURE_STORAGE_ACCOUNT_NAME", "FLYTE_AZURE_STORAGE_ACCOUNT_NAME"),
        required_why="flytekit fails every task ('Must provide ... account_name')",
        key_env=("AZURE_STORAGE_ACCOUNT_KEY", "FLYTE_AZURE_STORAGE_ACCOUNT_KEY", "AZURE_CLIENT_SECRET"),
        credentials_fix="Azure workload identity (client-id annotation and the azure.workload.identity/use label), "
        "or a key",
    )
    key_variables: tuple[tuple[str, str, str], ...] = ()

    def check_by_hand(self, buckets: list[str], account: str | None) -> tuple[str, str]:
        commands = "; ".join(
            f"`az storage container show --account-name {account or '<ACCOUNT>'} --name {b} --auth-mode login`"
            for b in buckets
        )
        return commands, "azure-storage-blob"

    def raw_output_prefix(self, spec: DeploymentSpec) -> str:
        return f"abfs://{spec.storage.data_bucket}@{storage_account(spec)}.dfs.core.windows.net/"

    def binary_storage(self, spec: DeploymentSpec, keys: tuple[str, str] | None) -> BinaryStorage:
        note = None
        if spec.storage.credentials is StorageCredentials.SECRET:
            note = (
                "flyte-binary takes an Azure storage key only inline (configuration.storage.providerConfig.azure.key);"
                " use storage.credentials: workload-identity, or add the key with overrides at your own risk."
            )
        return BinaryStorage(
            "azure",
            {"azure": {"account": storage_account(spec)}},
            "Azure Blob containers in the storage account, reached with Azure workload identity",
            note=note,
        )

    def core_native(self, spec: DeploymentSpec) -> tuple[dict[str, Any], str] | None:
        return {"type": "custom", "custom": self.stow(spec, keyed=False, with_keys=False)}, (
            "Azure Blob Storage through stow with workload identity (no account key)"
        )

    def stow(self, spec: DeploymentSpec, keyed: bool, with_keys: bool) -> dict[str, Any]:
        store = spec.storage
        config: dict[str, Any] = {"account": storage_account(spec)}
        if with_keys and store.secret_key is not None:
            config["key"] = store.secret_key.value
        return {"type": "stow", "container": store.metadata_bucket, "stow": {"kind": "azure", "config": config}}

    def core_remote_data(self) -> dict[str, Any] | None:
        return None

    def task_pod_env(self, spec: DeploymentSpec, inline: bool) -> list[dict[str, str]]:
        """flytekit's abfs client needs the account name (it fails with "Must provide ... account_name")."""
        return [{"AZURE_STORAGE_ACCOUNT_NAME": storage_account(spec)}]

    def recognises(self, facts: StoreFacts) -> bool:
        return facts.kind == "azure" or (facts.kind == "custom" and facts.stow_kind == "azure")

    def read_binary(self, r: ValuesReader, base: str) -> None:
        r.put("storage.provider", self.provider.value)
        account = r.take(f"{base}.providerConfig.azure.account")
        if account:
            r.put_setting("azure.storage_account", placeholder_or(account, _NO_ACCOUNT))

    def read_core(self, r: ValuesReader) -> None:
        r.take("storage.custom.stow.kind")
        r.put("storage.provider", self.provider.value)


DEFAULTS = CloudDefaults(
    environment=Environment.AZURE,
    storage=placeholder_buckets(StorageProvider.AZURE, noun="CONTAINER"),
    database_flavour=DatabaseFlavour.AZURE_POSTGRES,
    database_host="<AZURE_POSTGRES_HOST>",
    sslmode=SslMode.REQUIRE,
    identity=Identity(backend="<FLYTE_BACKEND_CLIENT_ID>", tasks="<FLYTE_TASKS_CLIENT_ID>"),
    ingress=cert_manager_gateway(),
    logs=LogProvider.AZURE,
    idp=IdentityProvider.ENTRA_ID,
    issuer="<ENTRA_ID_ISSUER_URL>",
)
"""What every Azure preset starts from."""


def aks_starter() -> DeploymentSpec:
    return starter(DEFAULTS)


def aks_production() -> DeploymentSpec:
    return production(DEFAULTS)


def aks_multicluster() -> DeploymentSpec:
    return with_changes(
        aks_production(),
        model=DeploymentModel.MULTI_CLUSTER,
        clusters=Clusters(
            data_planes=[
                DataPlane(name="dataplane-1", endpoint="<DATAPLANE_1_K8S_API_URL>", label="default", weight=1.0),
            ]
        ),
    )


def presets() -> tuple[Preset, ...]:
    """This cloud's presets, in the order ``flytekit-deploy presets`` lists them."""
    return (
        Preset(
            "aks-starter",
            "Azure single cluster on flyte-binary (Blob Storage, Azure PostgreSQL)",
            aks_starter,
        ),
        Preset("aks-production", "Azure production on flyte-core (workload identity, Entra ID)", aks_production),
        Preset("aks-multicluster", "Azure control plane with one data plane", aks_multicluster),
    )


class AzureCloud(BaseCloud):
    environment = Environment.AZURE

    def gateway_substitutions(self, spec: DeploymentSpec) -> Mapping[str, str]:
        """The AGC placeholders of the controller install and the Gateway, from ``azure.agc_*``."""
        if spec.azure is None:
            return {}
        return {
            "<AGC_IDENTITY_CLIENT_ID>": spec.azure.agc_controller_client_id,
            "<AGC_RESOURCE_ID>": spec.azure.agc_resource_id,
            "<AGC_FRONTEND_NAME>": spec.azure.agc_frontend_name,
        }

    display_name = "Azure"
    kubernetes_service = "AKS"
    gateway_controllers = (APPLICATION_GATEWAY_FOR_CONTAINERS, ENVOY_GATEWAY)
    chapter = "azure"
    public_cloud = True
    identity = CloudIdentity(
        mode=IdentityMode.AZURE_WORKLOAD_IDENTITY,
        name="Managed identities (Entra ID workload identity)",
        annotation="azure.workload.identity/client-id",
        binary_template_variable="defaultAzureClientId",
        core_template_variable="defaultAzureClientId",
        backend_placeholder="<FLYTE_BACKEND_CLIENT_ID>",
        tasks_placeholder="<FLYTE_TASKS_CLIENT_ID>",
        check=check_uuid,
        identifier="managed identity client ID",
        trust=lambda spec, backend, tasks: (
            f"federate {_SUBJECT.format(*backend)} with the backend identity and "
            f"{_SUBJECT.format(*tasks)} (one credential per project namespace) with the task identities"
        ),
        per_namespace_binding=True,
        pod_labels=USE_LABEL,
    )
    object_store = AzureBlobStore()
    database = ManagedDatabase(
        DatabaseFlavour.AZURE_POSTGRES,
        "Azure Database for PostgreSQL",
        "Azure Database for PostgreSQL",
        fixed_ports=((5432, 6432), "Azure Database for PostgreSQL listens on 5432 (6432: PgBouncer)"),
    )
    internal_lb_annotations = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}

    @property
    def presets(self) -> tuple[Preset, ...]:
        return presets()

    def account_label(self, spec: DeploymentSpec) -> str:
        settings = spec.azure
        if settings is None:
            return super().account_label(spec)
        return named("Azure subscription", settings.subscription_id, settings.region)

    def infrastructure(self, spec: DeploymentSpec, accounts: Sequence[ServiceAccountRef]) -> InfraModule | None:
        """The prerequisites as a Terraform root module (:mod:`.azure_infra`)."""
        return azure_module(spec, accounts)


CLOUD = AzureCloud()
