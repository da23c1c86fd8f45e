"""spec -> Topology: which Flyte services run where, what they talk to, and the real services behind them.

Layout (groups): the cloud account (or workstation, or own infrastructure) holds the control plane, the data
plane(s) and "Storage & infrastructure"; the identity provider and hybrid compute sit in "External services";
people sit outside everything. flyte-binary (and the sandbox chart, which runs it) puts every Flyte service into
one "flyte-binary pod" group, because it is one process. Multi-cluster adds one group per execution label holding
its data planes; a label with more than ``collapse_above`` data planes shows them as one aggregated node so fifty
clusters do not turn into a thousand edges (``expand_data_planes=True`` draws them all).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..charts.registry import chart_for
from ..clouds import cloud_of, identity_of
from ..spec import (
    AuthMode,
    Component,
    Components,
    DataPlane,
    DeploymentModel,
    DeploymentSpec,
    LogProvider,
    SchedulerKind,
)
from .graph import NodeKind, Relation, Topology
from .names import (
    CONNECTOR_NAMES,
    IDP_NAMES,
    INGRESS_NAMES,
    LOG_BACKEND_NAMES,
    account_label,
    cluster_label,
    database_label,
    edge_label,
    identity_label,
    object_store_label,
)

__all__ = ["build_topology", "COLLAPSE_ABOVE", "Ids"]

COLLAPSE_ABOVE = 6
"""Data planes per execution label drawn one by one; more than this become one aggregated node."""


class Ids:
    """Stable ids of the nodes and groups every deployment has (data plane ids derive from cluster names)."""

    ADMIN = "flyteadmin"
    DATACATALOG = "datacatalog"
    SCHEDULER = "flytescheduler"
    PROPELLER = "flytepropeller"
    WEBHOOK = "flytepropeller-webhook"
    CONSOLE = "flyteconsole"
    CLUSTER_RESOURCES = "cluster-resource-manager"
    COPILOT = "flytecopilot"
    CONNECTOR = "connector-service"
    DATABASE = "database"
    OBJECT_STORE = "object-store"
    KUBERNETES = "kubernetes-api"
    INGRESS = "ingress-controller"
    IDENTITY = "cloud-identity"
    IDP = "identity-provider"
    PROMETHEUS = "prometheus"
    EVENTBRIDGE = "eventbridge-scheduler"
    SQS = "sqs-queue"
    USERS = "users"

    ACCOUNT = "account"
    CONTROL_PLANE = "control-plane"
    DATA_PLANE = "data-plane"
    BINARY_POD = "flyte-binary-pod"
    INFRASTRUCTURE = "storage-infrastructure"
    EXTERNAL = "external-services"

    # Per-cluster ids join names with "/", which no cluster name (a DNS label) contains, so data planes named
    # "a" and "a-flytepropeller" can never collide.

    @staticmethod
    def label_group(label: str) -> str:
        return f"dataplanes/{label}"

    @staticmethod
    def collapsed(label: str) -> str:
        return f"dataplanes/{label}/all"

    @staticmethod
    def data_plane(name: str, base: str = "") -> str:
        """A data plane's group (no ``base``), or its instance of a node such as ``Ids.PROPELLER``."""
        return f"dp/{name}/{base}" if base else f"dp/{name}"

    @staticmethod
    def base(ident: str) -> str:
        """What a node is, whichever cluster it belongs to: ``dp/gpu-1/flytepropeller`` -> ``flytepropeller``."""
        return ident.rsplit("/", 1)[-1]

    @staticmethod
    def log_backend(provider: LogProvider, index: int = 0) -> str:
        return f"logs/{provider.value}" + (f"/{index}" if index else "")

    @staticmethod
    def connector(index: int) -> str:
        return f"connector/{index}"


def build_topology(
    spec: DeploymentSpec, *, expand_data_planes: bool = False, collapse_above: int = COLLAPSE_ABOVE
) -> Topology:
    """The deployment a spec describes, as a graph. A pure function of the spec."""
    return _Builder(spec, expand_data_planes=expand_data_planes, collapse_above=collapse_above).build()


@dataclass(frozen=True)
class _DataPlane:
    """The nodes playing each role in one data plane; an aggregate plays all of them with one node."""

    propeller: str | None
    kubernetes: str
    webhook: str | None = None
    copilot: str | None = None


def _title(field: str) -> str:
    """A component's display name: the title its spec field carries (one spelling for forms and diagrams)."""
    return Components.model_fields[field].title or field


def _replicas(component: Component) -> str:
    return f"{component.replicas} replica{'s' if component.replicas != 1 else ''}"


class _Builder:
    def __init__(self, spec: DeploymentSpec, *, expand_data_planes: bool, collapse_above: int) -> None:
        self.spec = spec
        self.c = spec.components
        self.binary = chart_for(spec.chart_name).single_process
        self.multi = spec.model is DeploymentModel.MULTI_CLUSTER
        self.expand = expand_data_planes
        self.collapse_above = collapse_above
        self.t = Topology(f"{spec.name}: {spec.model.value} on {cloud_of(spec).display_name} ({spec.chart_name.value})")
        self.data_planes: list[_DataPlane] = []
        self.log_backends: list[tuple[LogProvider, str]] = []
        self.connectors: list[str] = []

    # ---- helpers -----------------------------------------------------------------------------------------------

    def has(self, ident: str | None) -> bool:
        return ident is not None and self.t.has(ident)

    def link(self, source: str | None, target: str | None, relation: Relation, label: str | None = None) -> None:
        """Connect when both ends exist (a disabled component simply has no node) and differ (an aggregate)."""
        if source != target and self.has(source) and self.has(target):
            assert source is not None and target is not None
            self.t.connect(source, target, relation, label)

    def component(self, ident: str, field: str, group: str | None) -> None:
        """The Flyte service configured by ``spec.components.<field>``, when it is enabled."""
        settings: Component = getattr(self.c, field)
        if settings.enabled:
            detail = "" if self.binary else _replicas(settings)
            self.t.add_node(ident, _title(field), NodeKind.COMPONENT, group, detail)

    def external_group(self) -> str:
        if not self.t.has(Ids.EXTERNAL):
            self.t.add_group(Ids.EXTERNAL, "External services")
        return Ids.EXTERNAL

    # ---- nodes -------------------------------------------------------------------------------------------------

    def build(self) -> Topology:
        self.add_groups()
        self.add_control_plane()
        self.add_data_planes()
        self.add_storage_and_infrastructure()
        self.add_external()
        self.t.add_node(Ids.USERS, "Users: browser, flytectl, pyflyte", NodeKind.ACTOR)
        self.wire_control_plane()
        for data_plane in self.data_planes:
            self.wire_data_plane(data_plane)
        self.wire_access()
        return self.t

    def add_groups(self) -> None:
        t = self.t
        t.add_group(Ids.ACCOUNT, account_label(self.spec))
        if self.binary:
            t.add_group(Ids.BINARY_POD, "flyte-binary pod", Ids.ACCOUNT)
            t.add_group(Ids.DATA_PLANE, "Data plane: task pods", Ids.ACCOUNT)
        elif self.multi:
            t.add_group(
                Ids.CONTROL_PLANE, f"Control plane: cluster {self.spec.clusters.control_plane_name}", Ids.ACCOUNT
            )
        else:
            t.add_group(Ids.CONTROL_PLANE, "Control plane", Ids.ACCOUNT)
            t.add_group(Ids.DATA_PLANE, "Data plane", Ids.ACCOUNT)
        t.add_group(Ids.INFRASTRUCTURE, "Storage & infrastructure", Ids.ACCOUNT)

    def add_control_plane(self) -> None:
        group = Ids.BINARY_POD if self.binary else Ids.CONTROL_PLANE
        self.component(Ids.ADMIN, "admin", group)
        self.component(Ids.DATACATALOG, "datacatalog", group)
        if self.c.scheduler.kind is SchedulerKind.NATIVE:
            self.component(Ids.SCHEDULER, "scheduler", group)
        self.component(Ids.CONSOLE, "console", group)
        self.component(Ids.CLUSTER_RESOURCES, "cluster_resource_manager", group)
        # flyteconnector is a release of its own, beside the main chart
        self.component(Ids.CONNECTOR, "connector", Ids.ACCOUNT if self.binary else Ids.CONTROL_PLANE)

    def add_data_planes(self) -> None:
        spec, t = self.spec, self.t
        main_cluster = spec.clusters.control_plane_name if self.multi else None
        t.add_node(Ids.KUBERNETES, cluster_label(spec, main_cluster), NodeKind.CLUSTER, Ids.INFRASTRUCTURE)
        if not self.multi:
            group = Ids.BINARY_POD if self.binary else Ids.DATA_PLANE
            self.add_data_plane("", group, Ids.KUBERNETES, copilot_group=Ids.DATA_PLANE)
            return
        if spec.clusters.control_plane_runs_workloads:
            name = spec.clusters.control_plane_name
            group = t.add_group(Ids.data_plane(name), f"Data plane: {name} (in-cluster)", Ids.ACCOUNT).id
            self.add_data_plane(name, group, Ids.KUBERNETES)
        by_label: dict[str, list[DataPlane]] = {}
        for data_plane in spec.clusters.data_planes:
            by_label.setdefault(data_plane.label, []).append(data_plane)
        for label, members in by_label.items():
            group = t.add_group(Ids.label_group(label), f"Data planes: label {label}", Ids.ACCOUNT).id
            if len(members) > self.collapse_above and not self.expand:
                node = t.add_node(
                    Ids.collapsed(label),
                    f"{len(members)} data planes (label {label})",
                    NodeKind.AGGREGATE,
                    group,
                    ", ".join(f"{dp.name} (weight {dp.weight:g})" for dp in members),
                ).id
                self.data_planes.append(_DataPlane(node if self.c.propeller.enabled else None, node))
                continue
            for dp in members:
                dp_group = t.add_group(Ids.data_plane(dp.name), f"{dp.name} (weight {dp.weight:g})", group).id
                kubernetes = t.add_node(
                    Ids.data_plane(dp.name, Ids.KUBERNETES), cluster_label(spec, dp.name), NodeKind.CLUSTER, dp_group
                ).id
                self.add_data_plane(dp.name, dp_group, kubernetes)

    def add_data_plane(self, name: str, group: str, kubernetes: str, copilot_group: str | None = None) -> None:
        """FlytePropeller, its webhook and the CoPilot sidecar of one cluster (``name`` empty: the only one)."""
        t, propeller = self.t, self.c.propeller
        if not propeller.enabled:
            self.data_planes.append(_DataPlane(None, kubernetes))
            return

        def ident(base: str) -> str:
            return Ids.data_plane(name, base) if name else base

        where = f"cluster {name}" if name else ""
        detail = ", ".join(x for x in (where, "" if self.binary else _replicas(propeller)) if x)
        prop = t.add_node(ident(Ids.PROPELLER), _title("propeller"), NodeKind.COMPONENT, group, detail)
        webhook = None
        if propeller.webhook:
            webhook = t.add_node(ident(Ids.WEBHOOK), "FlytePropeller webhook", NodeKind.COMPONENT, group, where).id
        copilot = t.add_node(
            ident(Ids.COPILOT),
            "FlyteCoPilot (task pod sidecar)",
            NodeKind.COMPONENT,
            copilot_group or group,
            where,
        ).id
        self.data_planes.append(_DataPlane(prop.id, kubernetes, webhook, copilot))

    def add_storage_and_infrastructure(self) -> None:
        spec, t, infra = self.spec, self.t, Ids.INFRASTRUCTURE
        db = spec.database
        t.add_node(
            Ids.DATABASE,
            database_label(spec),
            NodeKind.STORE,
            infra,
            f"{db.host}:{db.port}, databases {db.admin_dbname} and {db.datacatalog_dbname}",
        )
        buckets = dict.fromkeys([spec.storage.metadata_bucket, spec.storage.data_bucket])
        t.add_node(Ids.OBJECT_STORE, object_store_label(spec), NodeKind.STORE, infra, ", ".join(buckets))
        if spec.ingress.enabled:
            # in the account but outside the storage box: it is the entry at the top, the stores are at the bottom
            t.add_node(
                Ids.INGRESS,
                edge_label(spec),
                NodeKind.INFRASTRUCTURE,
                Ids.ACCOUNT,
                spec.ingress.host or "",
            )
        if identity_of(spec) is not None:
            t.add_node(Ids.IDENTITY, identity_label(spec), NodeKind.INFRASTRUCTURE, infra)
        if self.c.scheduler.enabled and self.c.scheduler.kind is SchedulerKind.AWS:
            t.add_node(Ids.EVENTBRIDGE, "EventBridge Scheduler", NodeKind.INFRASTRUCTURE, infra)
            t.add_node(Ids.SQS, f"SQS queue {self.c.scheduler.aws_queue}", NodeKind.INFRASTRUCTURE, infra)
        if spec.observability.service_monitor.enabled:
            t.add_node(Ids.PROMETHEUS, "Prometheus", NodeKind.INFRASTRUCTURE, infra, "ServiceMonitors")
        logs = spec.observability.logs
        for provider in dict.fromkeys(logs.providers):
            if provider is LogProvider.CUSTOM and logs.custom:
                for index, link in enumerate(logs.custom, 1):
                    node = t.add_node(
                        Ids.log_backend(provider, index), link.name, NodeKind.INFRASTRUCTURE, infra, link.template
                    )
                    self.log_backends.append((provider, node.id))
                continue
            node = t.add_node(Ids.log_backend(provider), LOG_BACKEND_NAMES[provider], NodeKind.INFRASTRUCTURE, infra)
            self.log_backends.append((provider, node.id))

    def add_external(self) -> None:
        spec, t = self.spec, self.t
        if spec.auth.enabled:
            t.add_node(
                Ids.IDP,
                f"Identity provider: {IDP_NAMES[spec.auth.idp]}",
                NodeKind.EXTERNAL,
                self.external_group(),
                spec.auth.issuer,
            )
        for index, connector in enumerate(spec.connectors, 1):
            node = t.add_node(
                Ids.connector(index),
                CONNECTOR_NAMES[connector.kind],
                NodeKind.EXTERNAL,
                self.external_group(),
                connector.endpoint or "",
            )
            self.connectors.append(node.id)

    # ---- edges -------------------------------------------------------------------------------------------------

    def wire_control_plane(self) -> None:
        link = self.link
        link(Ids.ADMIN, Ids.DATABASE, Relation.READS_WRITES_METADATA)
        link(Ids.ADMIN, Ids.OBJECT_STORE, Relation.STORES_DATA, "reads/writes inputs, outputs")
        link(Ids.DATACATALOG, Ids.DATABASE, Relation.READS_WRITES_METADATA, "reads/writes artifact metadata")
        link(Ids.DATACATALOG, Ids.OBJECT_STORE, Relation.STORES_DATA, "reads/writes artifacts")
        link(Ids.SCHEDULER, Ids.DATABASE, Relation.READS_WRITES_METADATA, "reads schedules")
        link(Ids.SCHEDULER, Ids.ADMIN, Relation.SCHEDULES, "launches scheduled executions")
        link(Ids.ADMIN, Ids.EVENTBRIDGE, Relation.SCHEDULES, "creates schedules")
        link(Ids.EVENTBRIDGE, Ids.SQS, Relation.QUEUES, "sends due executions")
        link(Ids.SQS, Ids.ADMIN, Relation.QUEUES, "delivers executions")
        link(Ids.CONSOLE, Ids.ADMIN, Relation.CALLS_API)
        link(Ids.CLUSTER_RESOURCES, Ids.DATABASE, Relation.READS_WRITES_METADATA, "reads projects")
        link(Ids.ADMIN, Ids.IDENTITY, Relation.ASSUMES_IDENTITY)
        link(Ids.DATACATALOG, Ids.IDENTITY, Relation.ASSUMES_IDENTITY)
        for component in (Ids.ADMIN, Ids.DATACATALOG, Ids.SCHEDULER):
            link(Ids.PROMETHEUS, component, Relation.SCRAPES)
        for _, backend in self.log_backends:
            link(Ids.CONSOLE, backend, Relation.LINKS_LOGS)
        for external in self.connectors:
            link(Ids.CONNECTOR, external, Relation.DELEGATES, "submits jobs")
        link(Ids.CONNECTOR, Ids.IDENTITY, Relation.ASSUMES_IDENTITY)
        link(Ids.ADMIN, Ids.IDP, Relation.AUTHENTICATES, "verifies logins (OIDC)")

    def wire_data_plane(self, dp: _DataPlane) -> None:
        link, propeller = self.link, dp.propeller
        link(Ids.CLUSTER_RESOURCES, dp.kubernetes, Relation.SYNCS_RESOURCES)
        link(dp.webhook, dp.kubernetes, Relation.INJECTS, "injects secrets into pods")
        for provider, backend in self.log_backends:
            if provider is LogProvider.KUBERNETES:
                link(backend, dp.kubernetes, Relation.CALLS_API, "reads pod logs")
            elif provider is not LogProvider.CUSTOM:
                link(dp.kubernetes, backend, Relation.SHIPS_LOGS)
        if propeller is None:
            return
        link(Ids.ADMIN, propeller, Relation.SENDS_WORKFLOWS, "creates FlyteWorkflow CRs")
        link(propeller, Ids.ADMIN, Relation.REPORTS_EVENTS)
        link(propeller, dp.kubernetes, Relation.LAUNCHES_PODS, "launches task pods")
        link(propeller, Ids.DATACATALOG, Relation.CACHES)
        link(propeller, Ids.OBJECT_STORE, Relation.STORES_DATA, "reads/writes workflow data")
        link(propeller, dp.copilot, Relation.INJECTS, "adds sidecar")
        link(dp.copilot, Ids.OBJECT_STORE, Relation.STORES_DATA, "uploads task outputs")
        link(propeller, Ids.IDENTITY, Relation.ASSUMES_IDENTITY)
        link(Ids.PROMETHEUS, propeller, Relation.SCRAPES)
        if self.has(Ids.CONNECTOR):
            link(propeller, Ids.CONNECTOR, Relation.DELEGATES)
        else:
            for external in self.connectors:
                link(propeller, external, Relation.DELEGATES)
        if self.spec.auth.mode is AuthMode.OIDC_EXTERNAL:
            link(propeller, Ids.IDP, Relation.AUTHENTICATES, "gets service tokens")

    def wire_access(self) -> None:
        """How people reach FlyteAdmin and FlyteConsole: through the ingress, or a port-forward without one."""
        ingress = self.spec.ingress
        if ingress.enabled:
            self.link(Ids.USERS, Ids.INGRESS, Relation.CALLS_API, ingress.scheme.upper())
            self.link(Ids.INGRESS, Ids.ADMIN, Relation.PROXIES, "routes API (HTTP, gRPC)")
            self.link(Ids.INGRESS, Ids.CONSOLE, Relation.PROXIES, "routes /console")
        else:
            self.link(Ids.USERS, Ids.ADMIN, Relation.CALLS_API, INGRESS_NAMES[ingress.controller])
            self.link(Ids.USERS, Ids.CONSOLE, Relation.CALLS_API, INGRESS_NAMES[ingress.controller])
        self.link(Ids.USERS, Ids.IDP, Relation.AUTHENTICATES, "signs in")
