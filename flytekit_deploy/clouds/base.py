"""The one question list every environment answers: :class:`Cloud`, and the typed parts it is made of.

The rest of the kit (emitters, rules, topology, presets, importer, widgets) asks a :class:`Cloud` instead of
branching on ``spec.environment``; :mod:`flytekit_deploy.clouds.registry` maps each environment to its object.
:class:`BaseCloud` holds the answers of a cloud that has nothing special (plain Kubernetes), so a new cloud
overrides only what differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ..spec import (
    DatabaseFlavour,
    DeploymentSpec,
    Environment,
    IdentityMode,
    IngressController,
    IngressKind,
    SslMode,
    StorageProvider,
    is_placeholder,
)
from ._presets import Preset
from .gateway import CONTOUR, ENVOY_GATEWAY, GatewayControllerInfo
from .hcl import InfraModule, ServiceAccountRef

__all__ = [
    "Cloud",
    "BaseCloud",
    "CloudIdentity",
    "ManagedDatabase",
    "ObjectStore",
    "BinaryStorage",
    "StoreFacts",
    "TaskAccess",
    "ValuesReader",
    "Prerequisite",
    "named",
]

Values = dict[str, Any]


class ValuesReader(Protocol):
    """What the importer's reader offers a cloud: read chart keys, mark them mapped, write spec data."""

    notes: list[str]

    def peek(self, path: str, default: Any = None) -> Any: ...

    def take(self, path: str, default: Any = None) -> Any: ...

    def put(self, spec_path: str, value: Any) -> None: ...

    def got(self, spec_path: str, default: Any = None) -> Any: ...

    def put_setting(self, spec_path: str, value: Any) -> None:
        """``put`` into an environment's settings (``aws.region``) only when the file is of that environment."""
        ...


@dataclass(frozen=True)
class CloudIdentity:
    """How pods take a cloud identity: the ServiceAccount annotation, the labels the webhook wants, the names of
    the cluster-resource template variables, and the format of an identifier."""

    mode: IdentityMode
    name: str
    """Shown in diagrams, e.g. ``IAM roles (IRSA)``."""
    annotation: str
    """ServiceAccount annotation binding pods to the identity."""
    binary_template_variable: str
    """flyte-binary cluster resource template variable carrying the task identity per domain."""
    core_template_variable: str
    """The same for flyte-core (upstream's overlays name it differently on GCP)."""
    backend_placeholder: str
    tasks_placeholder: str
    check: Callable[[str], str]
    """Format check of an identifier (from :mod:`flytekit_deploy.spec.validators`)."""
    identifier: str
    """What an identifier is called in a fix, e.g. ``IAM role ARN``."""
    trust: Callable[[DeploymentSpec, tuple[str, str], tuple[str, str]], str]
    """What to set up so the backend's and the task pods' (namespace, service account) may take the identity."""
    per_namespace_binding: bool = False
    """Each Kubernetes service account is bound by hand, one per namespace (no wildcard trust)."""
    pod_labels: Mapping[str, str] = field(default_factory=dict)
    """Labels a pod needs before the identity is injected (Azure's webhook looks for one)."""


@dataclass(frozen=True)
class ManagedDatabase:
    """The cloud's managed PostgreSQL."""

    flavour: DatabaseFlavour
    name: str
    """The service's name in findings, e.g. ``Amazon RDS``."""
    label: str
    """Its name in diagrams, e.g. ``RDS PostgreSQL``."""
    fixed_ports: tuple[tuple[int, ...], str] | None = None
    """Ports the service listens on and why, when it fixes them."""
    plaintext_note: str | None = None
    """None: the service refuses connections without TLS (RDS from PostgreSQL 15, Azure). Else what happens to a
    plain connection, for the finding."""


@dataclass(frozen=True)
class BinaryStorage:
    """flyte-binary's ``configuration.storage`` provider part for one store."""

    provider: str
    config: Values
    comment: str
    keys_from_secret: bool = False
    """The store takes keys from a Secret: the emitter wires them into the pod's environment."""
    note: str | None = None


@dataclass(frozen=True)
class StoreFacts:
    """What a values file says about its object store, in the store's own words (read by the chart reader)."""

    kind: str
    """flyte-binary ``configuration.storage.provider`` or flyte-core ``storage.type``."""
    endpoint: Any = None
    stow_kind: Any = None


@dataclass(frozen=True)
class TaskAccess:
    """What flytekit inside a task pod needs to reach a store, by the URL scheme it reads: read by the runtime
    wiring rules (``wiring.task-storage``, ``wiring.task-credentials``) and the storage rehearsal."""

    schemes: tuple[str, ...]
    """URL schemes flytekit reads the store by (``abfs``, ``abfss``)."""
    config_kinds: tuple[str, ...]
    """Flyte storage config ``type`` (or ``stow.kind``) values that name the store."""
    emulator: str
    """The loopback stand-in the rehearsal runs for it (``moto-s3``, ``gcs-emulator``, ``azurite``)."""
    required_env: tuple[str, ...] = ()
    """Variables of which a task pod needs one whatever its credentials (Azure's account name), else flytekit fails."""
    required_why: str = ""
    endpoint_env: str | None = None
    """Variable that points flytekit at a store away from the cloud's own endpoint (S3-compatible stores)."""
    own_endpoint_host: str | None = None
    """Host suffix of the cloud's own endpoint: an endpoint elsewhere needs ``endpoint_env``."""
    key_env: tuple[str, ...] = ()
    """Variables that hand flytekit keys (then no cloud identity is needed)."""
    anonymous_fallback: bool = False
    """Without credentials flytekit's client for the store falls back to anonymous access instead of failing."""
    credentials_fix: str = ""
    """What to give task pods that have no credentials for the store."""


@dataclass(frozen=True)
class Prerequisite:
    """Something that must exist in the cloud before the charts install (filled by the infrastructure work)."""

    name: str
    why: str
    spec_paths: tuple[str, ...] = ()


@runtime_checkable
class ObjectStore(Protocol):
    """One object store: how each chart is configured for it, what a task pod needs to reach it, and how a
    values file shows it."""

    @property
    def provider(self) -> StorageProvider: ...

    @property
    def label(self) -> str:
        """Shown in diagrams, e.g. ``S3 buckets``."""
        ...

    @property
    def scheme(self) -> str:
        """URI scheme flytekit reads, e.g. ``s3``."""
        ...

    @property
    def signs_for_region(self) -> bool:
        """The client signs each request for one region, so a missing or wrong one is an access error."""
        ...

    @property
    def keys_ignored(self) -> tuple[str, str] | None:
        """(why, fix) when the charts cannot pass access keys to this store; None when keys work."""
        ...

    @property
    def s3_api(self) -> bool:
        """Speaks the S3 API (the live doctor probes it with boto3)."""
        ...

    @property
    def takes_endpoint(self) -> bool:
        """The spec names its endpoint (``storage.endpoint``)."""
        ...

    @property
    def takes_region(self) -> bool:
        """The spec may name its region (``storage.region``)."""
        ...

    def check_by_hand(self, buckets: list[str], account: str | None) -> tuple[str, str]:
        """(commands to check the buckets by hand, the SDK a probe would need) for stores the kit cannot probe."""
        ...

    def raw_output_prefix(self, spec: DeploymentSpec) -> str: ...

    def binary_storage(self, spec: DeploymentSpec, keys: tuple[str, str] | None) -> BinaryStorage: ...

    def core_native(self, spec: DeploymentSpec) -> tuple[Values, str] | None:
        """flyte-core's own storage type reached by workload identity (s3, gcs), or None: use stow."""
        ...

    def stow(self, spec: DeploymentSpec, keyed: bool, with_keys: bool) -> Values: ...

    def core_remote_data(self) -> Values | None: ...

    def task_pod_env(self, spec: DeploymentSpec, inline: bool) -> list[dict[str, str]]: ...

    @property
    def task_access(self) -> TaskAccess:
        """What flytekit in a task pod needs to reach this store (checked on the render, rehearsed on loopback)."""
        ...

    @property
    def key_variables(self) -> tuple[tuple[str, str, str], ...]:
        """Per access key of a store that takes keys from a Secret: (``spec.storage`` attribute, variable the Flyte
        backend's SDK reads, variable flytekit reads in a task pod). Empty when keys cannot reach pods as variables."""
        ...

    def recognises(self, facts: StoreFacts) -> bool:
        """True when a values file's storage facts are this store's."""
        ...

    def read_binary(self, r: ValuesReader, base: str) -> None:
        """Take flyte-binary ``configuration.storage.providerConfig`` into spec data."""
        ...

    def read_core(self, r: ValuesReader) -> None:
        """Take flyte-core ``storage`` into spec data."""
        ...


@runtime_checkable
class Cloud(Protocol):
    """Everything the kit asks about one environment."""

    @property
    def environment(self) -> Environment: ...

    @property
    def display_name(self) -> str:
        """``AWS``, ``Self-managed Kubernetes``... (diagram titles, tables)."""
        ...

    @property
    def kubernetes_service(self) -> str:
        """``EKS``, ``GKE``... or ``Kubernetes``."""
        ...

    @property
    def chapter(self) -> str | None:
        """The wiki chapter of this cloud, for findings (None: the topic's own chapter)."""
        ...

    @property
    def public_cloud(self) -> bool:
        """Ingress hosts are reachable from the internet by default."""
        ...

    @property
    def identity(self) -> CloudIdentity | None: ...

    @property
    def object_store(self) -> ObjectStore | None: ...

    @property
    def database(self) -> ManagedDatabase | None: ...

    @property
    def ingress_controllers(self) -> tuple[IngressController, ...]:
        """Ingress controllers that fit (``ingress.kind: ingress``), the default first; ingress-nginx is retired
        and offered only as the legacy choice, never first. With :attr:`way_in` and :attr:`gateway_controllers`,
        the place where the ingress / gateway choice is made."""
        ...

    @property
    def way_in(self) -> IngressKind:
        """What this environment's starters come in through: Gateway API routes or the chart's Ingress."""
        ...

    @property
    def gateway_controllers(self) -> tuple[GatewayControllerInfo, ...]:
        """Gateway API implementations that fit (``ingress.kind: gateway-api``), the recommended one first."""
        ...

    def gateway_substitutions(self, spec: DeploymentSpec) -> Mapping[str, str]:
        """Placeholder -> the spec's value, for words of a controller's install command and Gateway annotations
        that name cloud resources (AKS: the AGC resource, frontend and controller identity)."""
        ...

    @property
    def flavours(self) -> tuple[str, ...]:
        """Kubernetes distributions this environment comes in, when it names them (kind, k3d... locally)."""
        ...

    @property
    def admin_role_name_key(self) -> str | None:
        """FlyteAdmin ``roleNameKey``: the pod annotation an execution's role is written under (AWS)."""
        ...

    @property
    def propeller_critical_priority(self) -> bool:
        """FlytePropeller may run as ``system-cluster-critical`` outside kube-system (GKE refuses it)."""
        ...

    @property
    def grpc_service_annotations(self) -> Mapping[str, str]:
        """Annotations flyte-core's gRPC Services need for the cloud's load balancer."""
        ...

    @property
    def internal_lb_annotations(self) -> Mapping[str, str]:
        """Annotations that make a ``LoadBalancer`` Service internal (reachable from the cloud's private network
        only): data planes reach the control plane's DataCatalog that way."""
        ...

    default_sslmode: SslMode

    @property
    def presets(self) -> tuple[Preset, ...]: ...

    def account_label(self, spec: DeploymentSpec) -> str: ...

    def cluster_service(self, spec: DeploymentSpec) -> str: ...

    def cluster_name(self, spec: DeploymentSpec) -> str | None: ...

    def task_pod_env(self, spec: DeploymentSpec) -> list[dict[str, Any]]:
        """Environment variables every task pod gets from the environment itself (not the store)."""
        ...

    def task_pod_plugin(self, spec: DeploymentSpec) -> Values:
        """Further ``plugins.k8s`` settings of the environment (GPU node labels...)."""
        ...

    def prerequisites(self, spec: DeploymentSpec) -> tuple[Prerequisite, ...]:
        """What must exist in the cloud before installing (buckets, database, identities)."""
        ...

    def infrastructure(self, spec: DeploymentSpec, accounts: Sequence[ServiceAccountRef]) -> InfraModule | None:
        """The prerequisites of :meth:`prerequisites` as a Terraform root module whose identities bind exactly
        ``accounts`` (the ServiceAccounts the rendered releases annotate); None when the cloud has none."""
        ...

    def evidence(self, facts: StoreFacts) -> int:
        """How strongly a values file's storage says "this cloud" (0: not at all); the importer takes the
        strongest, after the identity annotation, which is decisive."""
        ...

    @property
    def default_database_flavour(self) -> DatabaseFlavour:
        """The database flavour an imported file of this cloud is assumed to use."""
        ...


def named(prefix: str, *values: str | None) -> str:
    """``prefix`` followed by the values that are filled in (placeholders and empties dropped)."""
    filled = [v for v in values if v and not is_placeholder(v)]
    return " ".join([prefix, *filled])


class BaseCloud:
    """A cloud with nothing special: plain Kubernetes answers. Subclasses set attributes and override methods."""

    environment: Environment
    display_name: str = "Kubernetes"
    kubernetes_service: str = "Kubernetes"
    chapter: str | None = None
    public_cloud: bool = False
    identity: CloudIdentity | None = None
    object_store: ObjectStore | None = None
    database: ManagedDatabase | None = None
    ingress_controllers: tuple[IngressController, ...] = (
        IngressController.CONTOUR,
        IngressController.TRAEFIK,
        IngressController.NGINX,
    )
    way_in: IngressKind = IngressKind.GATEWAY_API
    gateway_controllers: tuple[GatewayControllerInfo, ...] = (ENVOY_GATEWAY, CONTOUR)
    flavours: tuple[str, ...] = ()
    admin_role_name_key: str | None = None
    propeller_critical_priority: bool = True
    grpc_service_annotations: Mapping[str, str] = {}
    internal_lb_annotations: Mapping[str, str] = {}
    default_sslmode: SslMode = SslMode.REQUIRE

    def gateway_substitutions(self, spec: DeploymentSpec) -> Mapping[str, str]:
        return {}

    @property
    def presets(self) -> tuple[Preset, ...]:
        """None by default; a cloud module overrides this with its own list."""
        return ()

    def settings(self, spec: DeploymentSpec) -> Any:
        """This environment's settings section of ``spec`` (None when the spec is of another environment)."""
        return getattr(spec, self.environment.section, None)

    def account_label(self, spec: DeploymentSpec) -> str:
        return "Self-managed infrastructure"

    def cluster_service(self, spec: DeploymentSpec) -> str:
        return self.kubernetes_service

    def cluster_name(self, spec: DeploymentSpec) -> str | None:
        name = getattr(self.settings(spec), "cluster_name", None)
        return str(name) if name is not None else None

    def task_pod_env(self, spec: DeploymentSpec) -> list[dict[str, Any]]:
        return []

    def task_pod_plugin(self, spec: DeploymentSpec) -> Values:
        return {}

    def evidence(self, facts: StoreFacts) -> int:
        return 1 if self.object_store is not None and self.object_store.recognises(facts) else 0

    @property
    def default_database_flavour(self) -> DatabaseFlavour:
        return self.database.flavour if self.database is not None else DatabaseFlavour.EXTERNAL

    def infrastructure(self, spec: DeploymentSpec, accounts: Sequence[ServiceAccountRef]) -> InfraModule | None:
        return None

    def prerequisites(self, spec: DeploymentSpec) -> tuple[Prerequisite, ...]:
        """The buckets, the database and the cloud identities the spec names, when they belong to this cloud."""
        found: list[Prerequisite] = []
        store, storage = self.object_store, spec.storage
        if store is not None and storage.provider is store.provider:
            found.append(
                Prerequisite(
                    f"{store.label}: {storage.metadata_bucket}", "Flyte's metadata", ("storage.metadata_bucket",)
                )
            )
            if storage.data_bucket != storage.metadata_bucket:
                found.append(
                    Prerequisite(
                        f"{store.label}: {storage.data_bucket}", "task outputs (raw data)", ("storage.raw_data_bucket",)
                    )
                )
        if self.database is not None and spec.database.flavour is self.database.flavour:
            found.append(
                Prerequisite(
                    f"{self.database.name}: {spec.database.host}",
                    "FlyteAdmin's and DataCatalog's PostgreSQL",
                    ("database.host",),
                )
            )
        identity = self.identity
        if identity is not None and spec.identity_mode is identity.mode:
            for field_name, who in (("backend", "the Flyte services"), ("tasks", "task pods")):
                given = getattr(spec.identity, field_name) or getattr(identity, f"{field_name}_placeholder")
                found.append(
                    Prerequisite(
                        f"{identity.name}: {given}", f"the cloud identity of {who}", (f"identity.{field_name}",)
                    )
                )
        return tuple(found)
