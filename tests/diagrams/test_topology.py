"""The topology graph: what each spec puts in it (structure, not pixels)."""

from __future__ import annotations

from typing import Any

import pytest

from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.spec import (
    ConnectorKind,
    DatabaseFlavour,
    Environment,
    IdentityMode,
    IdentityProvider,
    IngressController,
    LogProvider,
    StorageProvider,
)
from flytekit_deploy.topology import (
    COLLAPSE_ABOVE,
    Ids,
    NodeKind,
    Relation,
    Topology,
    build_topology,
)
from flytekit_deploy.topology import names as names_module

from .specs import changed, many_data_planes


def labels(t: Topology, kind: NodeKind | None = None) -> list[str]:
    return [n.label for n in t.nodes if kind is None or n.kind is kind]


def only(t: Topology, text: str) -> str:
    found = t.find(text)
    assert len(found) == 1, (text, [n.label for n in found])
    return found[0].id


def group_labels(t: Topology) -> list[str]:
    return [g.label for g in t.groups]


# ---- invariants every preset keeps ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_gives_a_consistent_graph(name: str) -> None:
    spec = get_preset(name)
    t = build_topology(spec)
    ids = [n.id for n in t.nodes] + [g.id for g in t.groups]
    assert len(ids) == len(set(ids)), "ids are unique across nodes and groups"
    known = {n.id for n in t.nodes}
    assert all(e.source in known and e.target in known and e.source != e.target for e in t.edges)
    assert all(n.group is None or t.has(n.group) for n in t.nodes)
    # the picture always has its three layers and the Flyte core
    for text in ("FlyteAdmin", "DataCatalog", "FlytePropeller", "Kubernetes API"):
        assert t.find(text), text
    assert [n.kind for n in t.nodes if n.id in (Ids.DATABASE, Ids.OBJECT_STORE)] == [NodeKind.STORE] * 2
    assert "Storage & infrastructure" in group_labels(t)
    # nothing floats: every Flyte service is connected to something
    connected = {e.source for e in t.edges} | {e.target for e in t.edges}
    assert {n.id for n in t.of_kind(NodeKind.COMPONENT)} <= connected


@pytest.mark.parametrize(
    "table, enum",
    [
        (names_module.ENVIRONMENT_NAMES, Environment),
        (names_module.KUBERNETES_SERVICE, Environment),
        (names_module.DATABASE_NAMES, DatabaseFlavour),
        (names_module.OBJECT_STORE_NAMES, StorageProvider),
        (names_module.IDENTITY_NAMES, IdentityMode),
        (names_module.IDP_NAMES, IdentityProvider),
        (names_module.INGRESS_NAMES, IngressController),
        (names_module.LOG_BACKEND_NAMES, LogProvider),
        (names_module.CONNECTOR_NAMES, ConnectorKind),
    ],
)
def test_every_enum_value_has_a_real_name(table: dict[Any, str], enum: Any) -> None:
    assert set(table) == set(enum)


# ---- environments name their real services --------------------------------------------------------------------


def test_sandbox_is_one_binary_pod_with_minio_and_in_cluster_postgres() -> None:
    t = build_topology(get_preset("sandbox"))
    stores = labels(t, NodeKind.STORE)
    assert any("MinIO" in s for s in stores) and any("PostgreSQL" in s for s in stores)
    pod = [g for g in t.groups if g.label == "flyte-binary pod"]
    assert len(pod) == 1
    in_pod = {n.label for n in t.members(pod[0].id)}
    assert {"FlyteAdmin", "DataCatalog", "FlyteScheduler", "FlytePropeller", "FlyteConsole"} <= in_pod
    assert "Control plane" not in group_labels(t)
    assert t.group(Ids.ACCOUNT).label == "Local machine (k3d)"


@pytest.mark.parametrize("name", ["eks-starter", "gke-starter", "aks-starter", "onprem-starter"])
def test_flyte_binary_groups_components_in_one_pod(name: str) -> None:
    t = build_topology(get_preset(name))
    pod = t.group(Ids.BINARY_POD)
    assert pod.label == "flyte-binary pod"
    assert t.node(Ids.ADMIN).group == t.node(Ids.PROPELLER).group == pod.id


def test_eks_core_names_s3_rds_and_iam() -> None:
    t = build_topology(get_preset("eks-core"))
    assert t.node(Ids.OBJECT_STORE).label == "S3 buckets"
    assert t.node(Ids.DATABASE).label == "RDS PostgreSQL"
    assert "IAM" in t.node(Ids.IDENTITY).label
    assert "EKS cluster" in t.node(Ids.KUBERNETES).label
    assert t.group(Ids.ACCOUNT).label.startswith("AWS account")
    assert {"Control plane", "Data plane"} <= set(group_labels(t))
    # components run as their IAM roles; the seed's "IAM --> Admin / Catalog / Propeller"
    assumes = {e.source for e in t.edges if e.relation is Relation.ASSUMES_IDENTITY}
    assert {Ids.ADMIN, Ids.DATACATALOG, Ids.PROPELLER} <= assumes


def test_gcp_and_azure_name_their_services() -> None:
    gcp = build_topology(get_preset("gke-production"))
    assert labels(gcp, NodeKind.STORE) == ["Cloud SQL PostgreSQL", "GCS buckets"]
    assert "Google service accounts" in gcp.node(Ids.IDENTITY).label
    assert "GKE" in gcp.node(Ids.KUBERNETES).label
    azure = build_topology(get_preset("aks-production"))
    assert labels(azure, NodeKind.STORE) == ["Azure Database for PostgreSQL", "Azure Blob Storage containers"]
    assert "Managed identities" in azure.node(Ids.IDENTITY).label
    assert "Entra ID" in azure.node(Ids.IDP).label
    assert "AKS" in azure.node(Ids.KUBERNETES).label


def test_onprem_names_an_s3_compatible_store_and_external_postgres() -> None:
    t = build_topology(get_preset("onprem-production"))
    assert labels(t, NodeKind.STORE) == ["External PostgreSQL", "S3-compatible store"]
    assert not t.has(Ids.IDENTITY), "plain RBAC has no cloud identity to assume"
    assert "Keycloak" in t.node(Ids.IDP).label


# ---- the spec switches things on and off ----------------------------------------------------------------------


def test_aws_scheduler_replaces_flytescheduler() -> None:
    native = build_topology(get_preset("eks-core"))
    aws = build_topology(get_preset("eks-core-aws-scheduler"))
    assert native.find("FlyteScheduler") and not aws.find("FlyteScheduler")
    assert not native.find("EventBridge")
    eventbridge, queue = only(aws, "EventBridge Scheduler"), only(aws, "SQS queue")
    assert aws.edges_between(Ids.ADMIN, eventbridge) and aws.edges_between(eventbridge, queue)
    assert aws.edges_between(queue, Ids.ADMIN)


def test_disabled_console_vanishes_with_its_edges() -> None:
    t = build_topology(changed("eks-core", components__console__enabled=False))
    assert not t.find("FlyteConsole")
    assert all(Ids.CONSOLE not in (e.source, e.target) for e in t.edges)
    assert build_topology(get_preset("eks-core")).find("FlyteConsole")


def test_disabled_datacatalog_takes_the_cache_edge_with_it() -> None:
    t = build_topology(changed("gke-production", components__datacatalog__enabled=False))
    assert not t.find("DataCatalog")
    assert not any(e.relation is Relation.CACHES for e in t.edges)


@pytest.mark.parametrize(
    "controller, expected",
    [("nginx", "NGINX"), ("contour", "Contour"), ("alb", "ALB"), ("gce", "GCE"), ("traefik", "Traefik")],
)
def test_ingress_controller_is_named_by_the_spec(controller: str, expected: str) -> None:
    t = build_topology(changed("onprem-starter", ingress__kind="ingress", ingress__controller=controller))
    ingress = t.node(Ids.INGRESS)
    assert expected in ingress.label
    assert t.edges_between(Ids.USERS, Ids.INGRESS) and t.edges_between(Ids.INGRESS, Ids.ADMIN)


@pytest.mark.parametrize(
    "preset, expected",
    [("onprem-starter", "Gateway: Envoy Gateway"), ("aks-production", "Gateway: Application Gateway for Containers")],
)
def test_the_gateway_is_the_entry_when_the_way_in_is_gateway_api(preset: str, expected: str) -> None:
    t = build_topology(get_preset(preset))
    assert t.node(Ids.INGRESS).label.startswith(expected)
    assert t.edges_between(Ids.USERS, Ids.INGRESS) and t.edges_between(Ids.INGRESS, Ids.ADMIN)


def test_without_ingress_people_port_forward() -> None:
    t = build_topology(get_preset("sandbox"))
    assert not t.has(Ids.INGRESS)
    assert [e.label for e in t.edges_between(Ids.USERS, Ids.ADMIN)] == ["kubectl port-forward"]


def test_identity_provider_only_with_auth() -> None:
    assert not build_topology(get_preset("eks-starter")).has(Ids.IDP)
    t = build_topology(get_preset("eks-production"))
    assert "Okta" in t.node(Ids.IDP).label
    assert t.node(Ids.IDP).group == Ids.EXTERNAL
    assert t.edges_between(Ids.ADMIN, Ids.IDP)[0].relation is Relation.AUTHENTICATES


def test_prometheus_when_service_monitors_are_on() -> None:
    assert not build_topology(get_preset("eks-core")).find("Prometheus")
    t = build_topology(changed("eks-core", observability__service_monitor__enabled=True))
    prometheus = only(t, "Prometheus")
    scraped = {e.target for e in t.edges if e.source == prometheus and e.relation is Relation.SCRAPES}
    assert {Ids.ADMIN, Ids.DATACATALOG, Ids.PROPELLER} <= scraped


def test_log_backends_follow_the_providers() -> None:
    assert build_topology(get_preset("eks-core")).find("CloudWatch")
    assert build_topology(get_preset("gke-production")).find("Cloud Logging")
    assert build_topology(get_preset("aks-production")).find("Azure Monitor")
    custom = [{"name": "Grafana Loki", "template": "https://logs.example.com/{{ .podName }}"}]
    t = build_topology(
        changed("eks-core", observability__logs__providers=["cloudwatch", "custom"], observability__logs__custom=custom)
    )
    loki = t.node(only(t, "Grafana Loki"))
    assert loki.detail == custom[0]["template"]
    assert t.edges_between(Ids.CONSOLE, loki.id)[0].relation is Relation.LINKS_LOGS


def test_hybrid_connectors_are_external_services() -> None:
    t = build_topology(get_preset("eks-hybrid"))
    external = {n.label for n in t.members(Ids.EXTERNAL)}
    assert {"AWS Batch", "Databricks"} <= external
    service = t.node(Ids.CONNECTOR)
    assert "flyteconnector" in service.label
    delegated = {e.target for e in t.edges if e.source == Ids.CONNECTOR and e.relation is Relation.DELEGATES}
    assert {t.find("AWS Batch")[0].id, t.find("Databricks")[0].id} == delegated
    assert t.edges_between(Ids.PROPELLER, Ids.CONNECTOR)


# ---- multi-cluster ---------------------------------------------------------------------------------------------


def test_multi_cluster_shows_every_data_plane_with_label_and_weight() -> None:
    t = build_topology(get_preset("gke-multicluster"))
    assert t.group(Ids.CONTROL_PLANE).label == "Control plane: cluster control-plane"
    assert {"Data planes: label default", "Data planes: label gpu"} <= set(group_labels(t))
    assert {"dataplane-1 (weight 1)", "gpu-1 (weight 1)"} <= set(group_labels(t))
    propellers = [n for n in t.find("FlytePropeller") if n.label == "FlytePropeller"]
    assert len(propellers) == 2
    for propeller in propellers:
        assert t.edges_between(Ids.ADMIN, propeller.id)[0].relation is Relation.SENDS_WORKFLOWS
    # the control plane runs no propeller of its own
    assert not t.has(Ids.PROPELLER)
    eks = build_topology(get_preset("eks-multicluster"))
    assert {"dataplane-1 (weight 0.5)", "dataplane-2 (weight 0.5)"} <= set(group_labels(eks))


def test_control_plane_running_workloads_gets_its_own_data_plane() -> None:
    spec = changed("aks-multicluster", clusters__control_plane_runs_workloads=True)
    t = build_topology(spec)
    assert "Data plane: control-plane (in-cluster)" in group_labels(t)
    assert t.edges_between(Ids.data_plane("control-plane", Ids.PROPELLER), Ids.KUBERNETES)


def test_fifty_data_planes_collapse_per_label() -> None:
    spec = many_data_planes({"default": 40, "gpu": COLLAPSE_ABOVE + 1, "spot": COLLAPSE_ABOVE - 3})
    t = build_topology(spec)
    aggregates = {n.label: n for n in t.of_kind(NodeKind.AGGREGATE)}
    assert set(aggregates) == {"40 data planes (label default)", f"{COLLAPSE_ABOVE + 1} data planes (label gpu)"}
    names = aggregates["40 data planes (label default)"].detail
    assert names.count("default-") == 40 and "default-39 (weight 0.025)" in names
    # the small label is still drawn cluster by cluster
    spot = [g.label for g in t.subgroups(Ids.label_group("spot"))]
    assert spot == [f"spot-{i:02d} (weight 0.333)" for i in range(COLLAPSE_ABOVE - 3)]
    # no spaghetti: about as many edges as a two-data-plane deployment
    small = build_topology(get_preset("eks-multicluster"))
    assert len(t.edges) <= len(small.edges) + 25
    # an aggregate is wired like a data plane
    aggregate = aggregates["40 data planes (label default)"].id
    assert t.edges_between(Ids.ADMIN, aggregate) and t.edges_between(aggregate, Ids.OBJECT_STORE)


def test_expand_data_planes_draws_all_of_them() -> None:
    spec = many_data_planes({"default": 40, "gpu": 10})
    t = build_topology(spec, expand_data_planes=True)
    assert not t.of_kind(NodeKind.AGGREGATE)
    clusters = [n for n in t.of_kind(NodeKind.CLUSTER) if n.id != Ids.KUBERNETES]
    assert len(clusters) == 50
    assert len(build_topology(spec, collapse_above=100).of_kind(NodeKind.AGGREGATE)) == 0


# ---- the graph itself ------------------------------------------------------------------------------------------


def test_graph_rejects_dangling_references() -> None:
    t = Topology()
    t.add_group("g", "G")
    t.add_node("a", "A", NodeKind.COMPONENT, "g")
    with pytest.raises(ValueError, match="duplicate"):
        t.add_node("g", "clash with a group", NodeKind.COMPONENT)
    with pytest.raises(ValueError, match="unknown group"):
        t.add_node("b", "B", NodeKind.COMPONENT, "nope")
    with pytest.raises(ValueError, match="unknown node"):
        t.connect("a", "nope", Relation.CALLS_API)
    t.add_node("b", "B", NodeKind.STORE)
    t.connect("a", "b", Relation.STORES_DATA)
    t.connect("a", "b", Relation.STORES_DATA, "again")
    assert len(t.edges) == 1


def test_filtered_hands_content_to_the_parent_and_drops_empty_groups() -> None:
    t = build_topology(get_preset("eks-core"))
    small = t.filtered(lambda n: n.kind is NodeKind.COMPONENT, lambda g: g.id != Ids.ACCOUNT)
    assert {g.label for g in small.groups} == {"Control plane", "Data plane"}
    assert all(g.parent is None for g in small.groups)
    assert all(small.node(e.source) and small.node(e.target) for e in small.edges)
    assert len(t.nodes) > len(small.nodes), "the original is untouched"
