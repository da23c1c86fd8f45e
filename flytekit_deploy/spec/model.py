"""DeploymentSpec: the one typed description of a Flyte deployment. Everything else is derived from it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .auth import Auth
from .base import DnsLabel, SecretRef, SpecModel
from .clusters import Clusters, Connector
from .components import Components, SchedulerKind
from .database import Database
from .identity import Identity, IdentityMode, default_identity
from .ingress import Ingress
from .observability import Observability
from .overrides import check_overrides
from .platform import (
    AwsSettings,
    AzureSettings,
    ChartName,
    DeploymentModel,
    Environment,
    GcpSettings,
    Hardening,
    LocalSettings,
    OnPremSettings,
    Profile,
)
from .projects import Projects
from .storage import Storage, StorageCredentials, StorageProvider
from .validators import (
    check_chart_version,
    check_iam_role_arn,
    check_identity,
    check_no_credentials_in_url,
    invalid,
    raise_all,
)

__all__ = ["DeploymentSpec", "recommend_chart", "MAIN_CHARTS", "ENVIRONMENT_SECTIONS", "DEFAULT_IDENTITY"]

MAIN_CHARTS = (ChartName.FLYTE_BINARY, ChartName.FLYTE_CORE, ChartName.FLYTE_SANDBOX)

ENVIRONMENT_SECTIONS: dict[Environment, str] = {env: env.section for env in Environment}
"""Environment -> the spec field holding its settings."""

DEFAULT_IDENTITY: dict[Environment, IdentityMode] = {env: default_identity(env) for env in Environment}
"""Environment -> the identity mode used when the spec names none."""


def _sandbox_storage() -> Storage:
    """The sandbox's MinIO, with its well-known development keys (inline is allowed in the sandbox only)."""
    return Storage(
        provider=StorageProvider.S3_COMPATIBLE,
        metadata_bucket="my-s3-bucket",
        endpoint="http://flyte-sandbox-minio.flyte:9000",
        credentials=StorageCredentials.SECRET,
        access_key=SecretRef(name="flyte-sandbox-minio", key="root-user", value="minio"),
        secret_key=SecretRef(name="flyte-sandbox-minio", key="root-password", value="miniostorage"),
    )


def _sandbox_database() -> Database:
    """The sandbox's in-cluster PostgreSQL."""
    return Database(
        host="flyte-sandbox-postgresql",
        user="postgres",
        password=SecretRef(name="flyte-sandbox-postgresql", key="postgres-password", value="postgres"),
    )


def recommend_chart(model: DeploymentModel, propeller_replicas: int = 1, aws_scheduler: bool = False) -> ChartName:
    """The chart the kit picks when the spec names none.

    - sandbox: ``flyte-sandbox`` (the chart ``flytectl demo`` installs: flyte-binary with MinIO and PostgreSQL);
    - multi-cluster: ``flyte-core``, the only chart with control-plane / data-plane profiles;
    - one cluster (single-cluster, hybrid): ``flyte-binary`` — one process, one Deployment, simplest to run —
      unless FlytePropeller must scale on its own (more than one replica) or the AWS scheduler is wanted, which
      only ``flyte-core`` offers.
    """
    if model is DeploymentModel.SANDBOX:
        return ChartName.FLYTE_SANDBOX
    if model is DeploymentModel.MULTI_CLUSTER or propeller_replicas > 1 or aws_scheduler:
        return ChartName.FLYTE_CORE
    return ChartName.FLYTE_BINARY


class DeploymentSpec(SpecModel):
    """A Flyte v1 deployment: model, environment, chart, and every choice the Helm values depend on."""

    name: DnsLabel = Field(default="flyte", description="Deployment name; the Helm release name.")
    namespace: DnsLabel = Field(default="flyte", description="Namespace of the Flyte services.")
    model: DeploymentModel = Field(default=DeploymentModel.SANDBOX, description="Deployment model.")
    environment: Environment = Field(default=Environment.LOCAL, description="Where Kubernetes runs.")
    chart: ChartName | None = Field(
        default=None,
        description="flyte-binary, flyte-core or flyte-sandbox. Empty: the kit's recommendation.",
    )
    chart_version: str = Field(default="v1.16.8", description="Pinned chart version (the last Flyte v1 release).")
    profile: Profile = Field(default=Profile.DEVELOPMENT, description="development or production.")
    hardening: Hardening | None = Field(
        default=None,
        description="restricted: every pod passes Pod Security 'restricted' (values plus the kit's Helm "
        "post-renderer); off: the charts' defaults. Empty: restricted for production, off otherwise (the sandbox "
        "stays simple: its MinIO and PostgreSQL run as root).",
    )

    local: LocalSettings | None = Field(default=None, description="Local cluster (environment local).")
    aws: AwsSettings | None = Field(default=None, description="AWS account (environment aws).")
    gcp: GcpSettings | None = Field(default=None, description="GCP project (environment gcp).")
    azure: AzureSettings | None = Field(default=None, description="Azure subscription (environment azure).")
    onprem: OnPremSettings | None = Field(default=None, description="Self-managed cluster (environment on-prem).")

    storage: Storage = Field(default_factory=lambda: _sandbox_storage(), title="Storage")
    database: Database = Field(default_factory=lambda: _sandbox_database(), title="Database")
    identity: Identity = Field(default_factory=Identity, title="Identity")
    auth: Auth = Field(default_factory=Auth, title="Authentication")
    ingress: Ingress = Field(default_factory=Ingress, title="Ingress")
    components: Components = Field(default_factory=Components, title="Components")
    observability: Observability = Field(default_factory=Observability, title="Observability")
    clusters: Clusters = Field(default_factory=Clusters, title="Clusters")
    connectors: list[Connector] = Field(default_factory=list, description="Hybrid: compute outside Kubernetes.")
    projects: Projects = Field(default_factory=Projects, title="Projects and domains")
    overrides: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Verbatim values per chart (flyte-core: {...}) deep-merged last; kept from imported files.",
    )

    @field_validator("chart_version")
    @classmethod
    def _chart_version(cls, value: str) -> str:
        return check_chart_version(value)

    # ---- derived choices -------------------------------------------------------------------------------------

    @property
    def chart_name(self) -> ChartName:
        """The chart of the main release: the one chosen, or the recommendation."""
        if self.chart is not None:
            return self.chart
        return recommend_chart(
            self.model,
            self.components.propeller.replicas,
            self.components.scheduler.kind is SchedulerKind.AWS,
        )

    @property
    def identity_mode(self) -> IdentityMode:
        return self.identity.mode or DEFAULT_IDENTITY[self.environment]

    @property
    def hardening_level(self) -> Hardening:
        """The hardening in force: the one chosen, else restricted for production and off otherwise."""
        if self.hardening is not None:
            return self.hardening
        return Hardening.RESTRICTED if self.profile is Profile.PRODUCTION else Hardening.OFF

    @property
    def is_sandbox(self) -> bool:
        return self.model is DeploymentModel.SANDBOX

    @property
    def environment_settings(
        self,
    ) -> LocalSettings | AwsSettings | GcpSettings | AzureSettings | OnPremSettings:
        settings: LocalSettings | AwsSettings | GcpSettings | AzureSettings | OnPremSettings | None = getattr(
            self, self.environment.section
        )
        assert settings is not None  # filled by _environment_section
        return settings

    def secret_refs(self) -> dict[str, SecretRef]:
        """Every Secret reference in the spec, by field path."""
        found: dict[str, SecretRef] = {}

        def walk(node: Any, path: str) -> None:
            if isinstance(node, SecretRef):
                found[path] = node
            elif isinstance(node, SpecModel):
                for field in type(node).model_fields:
                    walk(getattr(node, field), f"{path}.{field}" if path else field)
            elif isinstance(node, list):
                for index, item in enumerate(node):
                    walk(item, f"{path}[{index}]")
            elif isinstance(node, dict):
                for key, item in node.items():
                    walk(item, f"{path}.{key}")

        walk(self, "")
        return found

    # ---- rules that span sections ----------------------------------------------------------------------------

    @model_validator(mode="before")
    @classmethod
    def _environment_section(cls, data: Any) -> Any:
        """Create the settings section of the chosen environment when it is missing."""
        if isinstance(data, dict):
            env = data.get("environment", cls.model_fields["environment"].default)
            try:
                section = ENVIRONMENT_SECTIONS[Environment(env)]
            except ValueError:
                return data  # the field validator reports the bad environment
            if data.get(section) is None:
                data = {**data, section: {}}
        return data

    @model_validator(mode="after")
    def _coherent(self) -> DeploymentSpec:
        """Every contradiction at once: a spec with twelve problems needs one run, not twelve."""
        errors = [
            *self._check_environment_sections(),
            *self._check_model_and_chart(),
            *self._check_identity_and_storage(),
            *self._check_identities(),
            *self._check_secrets_inline(),
            *check_overrides(self.overrides, self.is_sandbox),
            *self._check_urls(),
            *self._check_hardening(),
        ]
        if self.profile is Profile.PRODUCTION and not self.auth.enabled:
            errors.append(
                invalid(
                    "a production deployment without authentication lets anyone who reaches it run code in your "
                    "cluster",
                    "set auth.mode to oidc-internal or oidc-external, or profile: development",
                    "auth.mode",
                )
            )
        raise_all(errors)
        return self

    def _check_hardening(self) -> Iterator[PydanticCustomError]:
        if self.is_sandbox and self.hardening is Hardening.RESTRICTED:
            yield invalid(
                "the sandbox cannot be hardened: its bundled MinIO, PostgreSQL and registry images run as root and "
                "write to root-owned paths",
                "set hardening: off (or leave it empty) for the sandbox, or choose model single-cluster",
                "hardening",
            )

    def _check_urls(self) -> Iterator[PydanticCustomError]:
        """No text of the spec carries ``user:password@`` in a URL (log links, dashboards, annotations...): it
        would land in values files. Field validators already said so for the URL fields they own."""
        owned = {"storage.endpoint", "auth.issuer", "auth.flytectl_redirect_uri"}

        def walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
            if isinstance(node, SecretRef):
                return
            if isinstance(node, SpecModel):
                for name in type(node).model_fields:
                    if name != "overrides":
                        yield from walk(getattr(node, name), f"{path}.{name}" if path else name)
            elif isinstance(node, (list, tuple)):
                for index, item in enumerate(node):
                    yield from walk(item, f"{path}[{index}]")
            elif isinstance(node, dict):
                for key, item in node.items():
                    yield from walk(item, f"{path}.{key}")
            elif isinstance(node, str) and "://" in node and path not in owned:
                yield path, node

        for path, text in walk(self, ""):
            try:
                check_no_credentials_in_url(text, path)
            except PydanticCustomError as error:
                yield error

    def _check_identities(self) -> Iterator[PydanticCustomError]:
        """Each identity in the form of the identity mode: a role ARN (IRSA), a service account email (GCP), a
        managed identity client ID (Azure)."""
        mode = self.identity_mode.value
        named = {
            "identity.backend": self.identity.backend,
            "identity.propeller": self.identity.propeller,
            "identity.tasks": self.identity.tasks,
            **{f"identity.tasks_per_domain.{d}": v for d, v in self.identity.tasks_per_domain.items()},
        }
        for path, value in named.items():
            if value is None:
                continue
            try:
                check_identity(value, mode, path)
            except PydanticCustomError as error:
                yield error
        if self.components.scheduler.kind is SchedulerKind.AWS:
            try:
                check_iam_role_arn(self.components.scheduler.aws_scheduler_role_arn, "")
            except PydanticCustomError as error:
                yield invalid(
                    str(error),
                    "use the form arn:aws:iam::123456789012:role/flyte-scheduler",
                    "components.scheduler.aws_scheduler_role_arn",
                )

    def _check_environment_sections(self) -> Iterator[PydanticCustomError]:
        for env, section in ENVIRONMENT_SECTIONS.items():
            if env is not self.environment and getattr(self, section) is not None:
                yield invalid(
                    f"settings for {section} are given but the environment is {self.environment.value}",
                    f"remove the '{section}' section, or set environment: {env.value}",
                    section,
                )

    def _check_model_and_chart(self) -> Iterator[PydanticCustomError]:
        model, chart = self.model, self.chart_name
        if chart not in MAIN_CHARTS:
            yield invalid(
                f"{chart.value} is not a chart for the main release",
                "choose flyte-binary, flyte-core or flyte-sandbox (dependencies are added by the kit)",
                "chart",
            )
        if model is DeploymentModel.MULTI_CLUSTER and chart is not ChartName.FLYTE_CORE:
            yield invalid(
                f"multi-cluster needs flyte-core; {chart.value} has no control-plane / data-plane split",
                "set chart: flyte-core (or leave chart empty for the recommendation)",
                "chart",
            )
        if model is DeploymentModel.MULTI_CLUSTER and not self.clusters.data_planes:
            yield invalid(
                "multi-cluster needs at least one data plane",
                "add clusters.data_planes entries",
                "clusters.data_planes",
            )
        if model is not DeploymentModel.MULTI_CLUSTER and self.clusters.data_planes:
            yield invalid(
                f"data planes are only used by the multi-cluster model, not {model.value}",
                "remove clusters.data_planes, or set model: multi-cluster",
                "clusters.data_planes",
            )
        names = [dp.name for dp in self.clusters.data_planes]
        duplicates = sorted(
            {n for n in names if names.count(n) > 1} | ({self.clusters.control_plane_name} & set(names))
        )
        if duplicates:
            yield invalid(
                f"cluster names must be unique: {', '.join(duplicates)}",
                "rename the duplicates",
                "clusters.data_planes",
            )
        if chart is ChartName.FLYTE_SANDBOX and model is not DeploymentModel.SANDBOX:
            yield invalid(
                f"the flyte-sandbox chart is for the sandbox model, not {model.value}",
                "set chart: flyte-binary or flyte-core, or model: sandbox",
                "chart",
            )
        if model is DeploymentModel.SANDBOX and not self.environment.hosts_sandbox:
            yield invalid(
                f"the sandbox model runs on a local or self-managed cluster, not {self.environment.value}",
                "set environment: local, or model: single-cluster for a cloud deployment",
                "environment",
            )
        if model is DeploymentModel.HYBRID and not self.connectors:
            yield invalid(
                "the hybrid model needs at least one connector for compute outside Kubernetes",
                "add connectors: [{kind: aws-batch}] (or databricks, snowflake, bigquery, slurm, sagemaker)",
                "connectors",
            )
        home = self.components.scheduler.kind.home
        if home is not None:
            if self.environment is not home:
                yield invalid(
                    "the AWS scheduler runs on AWS only",
                    "set components.scheduler.kind: native",
                    "components.scheduler.kind",
                )
            if chart is not ChartName.FLYTE_CORE:
                yield invalid(
                    f"the AWS scheduler is configured by flyte-core only, not {chart.value}",
                    "set chart: flyte-core, or components.scheduler.kind: native",
                    "components.scheduler.kind",
                )

    def _check_identity_and_storage(self) -> Iterator[PydanticCustomError]:
        mode, env = self.identity_mode, self.environment
        cloud_of_mode = mode.home
        if cloud_of_mode is not None and cloud_of_mode is not env:
            yield invalid(
                f"identity mode {mode.value} exists on {cloud_of_mode.value} only, the environment is {env.value}",
                f"set identity.mode: {DEFAULT_IDENTITY[env].value} (or leave it empty)",
                "identity.mode",
            )
        store = self.storage
        needs_env = store.provider.home
        if store.credentials is StorageCredentials.WORKLOAD_IDENTITY:
            if needs_env is None:
                yield invalid(
                    "an S3-compatible store has no workload identity; it takes access keys",
                    "set storage.credentials: secret with access_key and secret_key",
                    "storage.credentials",
                )
            elif needs_env is not env:
                yield invalid(
                    f"{store.provider.value} with workload identity needs the {needs_env.value} environment",
                    "set storage.credentials: secret with access keys, or use the environment's own store",
                    "storage.credentials",
                )
            elif mode.home is None:
                yield invalid(
                    "workload identity for storage needs a cloud identity mode, not rbac",
                    f"set identity.mode: {DEFAULT_IDENTITY[env].value}, or storage.credentials: secret",
                    "storage.credentials",
                )

    def _check_secrets_inline(self) -> Iterator[PydanticCustomError]:
        if self.is_sandbox:
            return
        inline = [path for path, ref in self.secret_refs().items() if ref.is_inline]
        if inline:
            yield invalid(
                f"inline secret values outside the sandbox would be written to values files: {', '.join(inline)}",
                "remove 'value' and create the Secret with kubectl (flytekit-deploy values lists the commands)",
                inline[0] + ".value",
            )
