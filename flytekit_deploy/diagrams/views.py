"""Named views: every diagram of the deployment page, drawn from the library instead of by hand.

- ``architecture``: the overall picture (Flyte services, stores, Kubernetes) of a spec, flyte-core on own
  infrastructure when none is given;
- ``deployment-options``: deployment models x environments, asking the spec's own validation rules which
  combinations are allowed (so "sandbox runs on local or on-prem only" is not written down twice);
- ``helm-process``: values files -> helm -> chart -> Kubernetes resource types, from the releases the chart
  emitters produce for the spec;
- ``sandbox``, ``aws``, ``gcp``, ``azure``, ``multi-cluster``: the full topology of a preset;
- ``this-deployment``: the full topology of the spec given.

>>> view_names()[:3]
['architecture', 'deployment-options', 'helm-process']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..charts.registry import chart_for, main_charts
from ..clouds import cloud_for
from ..errors import Problem, SpecError, UserInputError
from ..presets import get_preset
from ..spec import (
    ChartName,
    ConnectorKind,
    DeploymentModel,
    DeploymentSpec,
    Environment,
    Profile,
    recommend_chart,
    spec_from_dict,
)
from ..topology import COLLAPSE_ABOVE, Ids, NodeKind, Relation, Topology, build_topology
from ..topology.graph import Group
from ..topology.names import ENVIRONMENT_NAMES, IDENTITY_NAMES, KUBERNETES_SERVICE, cluster_label
from .display import Diagram

if TYPE_CHECKING:
    from ..charts import ReleaseValues

__all__ = ["View", "VIEWS", "view_names", "diagram", "reading_view", "deployment_options", "helm_process", "overview"]

_OVERVIEW_KINDS = frozenset({NodeKind.COMPONENT, NodeKind.STORE, NodeKind.CLUSTER, NodeKind.AGGREGATE})
_ARCHITECTURE_PRESET = "onprem-production"
_HELM_PRESET = "eks-core"


@dataclass(frozen=True)
class View:
    name: str
    title: str
    build: Callable[[DeploymentSpec | None, bool], Topology]
    """(spec or None, expand_data_planes) -> topology."""
    direction: str = "TB"
    needs_spec: bool = False
    collapse: bool = True
    """Drawn for reading at page width (:func:`reading_view`); the options grid is narrow as it is."""


def reading_view(topology: Topology) -> Topology:
    """The graph drawn to be read at page width (1280 px screens): the account box goes, each remaining top-level
    group becomes one node listing its members, and edges between the same two nodes merge.

    Measured with real mermaid: the AWS, GCP, Azure and multi-cluster views shrink from 4,000-5,000 px to under
    800 px wide, so labels stay at full size in a page column; the full graph is ``diagram(...).detailed``.
    """
    unwrap = {Ids.ACCOUNT}
    topology = _data_planes_together(topology, unwrap)
    top = [g.id for g in topology.groups if g.parent is None or g.parent in unwrap]
    return topology.collapsed([g for g in top if g not in unwrap], unwrap=unwrap)


_ALL_DATA_PLANES = "data-planes"


def _data_planes_together(topology: Topology, unwrap: set[str]) -> Topology:
    """Several data-plane boxes side by side (one per execution label, plus the control plane's own) are what made
    a multi-cluster view too wide to read; below the account they become one box listing each label and cluster."""
    prefixes = (Ids.label_group(""), Ids.data_plane(""))
    planes = [g for g in topology.groups if (g.parent is None or g.parent in unwrap) and g.id.startswith(prefixes)]
    if len(planes) < 2:
        return topology
    clusters = sum(
        1 for n in topology.of_kind(NodeKind.CLUSTER) if any(a in planes for a in topology.ancestors(n.group))
    )
    parent = planes[0].parent
    together = Group(_ALL_DATA_PLANES, f"Data planes: {clusters} clusters", parent)
    groups = [Group(g.id, g.label, _ALL_DATA_PLANES) if g in planes else g for g in topology.groups]
    return Topology(topology.title, list(topology.nodes), list(topology.edges), [together, *groups])


# ---- architecture ---------------------------------------------------------------------------------------------


def overview(spec: DeploymentSpec, *, expand_data_planes: bool = False) -> Topology:
    """Flyte services, stores and Kubernetes only: the full topology without ingress, identity, monitoring, people
    and the account box."""
    full = build_topology(spec, expand_data_planes=expand_data_planes)
    return full.filtered(lambda n: n.kind in _OVERVIEW_KINDS, lambda g: g.id != Ids.ACCOUNT)


# ---- deployment options ---------------------------------------------------------------------------------------


def _without_inline_secrets(data: Any) -> Any:
    """The sandbox's stores with their inline development keys removed (allowed in the sandbox only)."""
    if isinstance(data, dict):
        return {k: _without_inline_secrets(v) for k, v in data.items() if k != "value"}
    return data


def _allowed(model: DeploymentModel, environment: Environment, chart: ChartName) -> bool:
    """Whether the spec's rules accept ``model`` on ``environment`` with ``chart``, everything else minimal."""
    stores = DeploymentSpec().model_dump(mode="json", include={"storage", "database"})
    data: dict[str, Any] = {
        "model": model.value,
        "environment": environment.value,
        "chart": chart.value,
        **_without_inline_secrets(stores),
    }
    if model is DeploymentModel.MULTI_CLUSTER:
        data["clusters"] = {"data_planes": [{"name": "dataplane-1"}]}
    if model is DeploymentModel.HYBRID:
        data["connectors"] = [{"kind": next(iter(ConnectorKind)).value}]
    try:
        spec_from_dict(data)
    except SpecError:
        return False
    return True


def _environment_label(environment: Environment) -> str:
    name, service = ENVIRONMENT_NAMES[environment], KUBERNETES_SERVICE[environment]
    flavours = cloud_for(environment).flavours
    if flavours:
        return f"{name}\n{', '.join(flavours)}"
    return name if service in name else f"{name} / {service}"


def deployment_options() -> Topology:
    """Models (grouped by the profile they are meant for) -> the environments the spec's rules allow them in."""
    t = Topology("Deployment options: models and where they run")
    env_group = t.add_group("environments", "Environments").id
    for environment in Environment:
        t.add_node(f"env-{environment.value}", _environment_label(environment), NodeKind.ENVIRONMENT, env_group)
    for model in DeploymentModel:
        profile = Profile.DEVELOPMENT if recommend_chart(model) is ChartName.FLYTE_SANDBOX else Profile.PRODUCTION
        group = f"profile-{profile.value}"
        if not t.has(group):
            t.add_group(group, profile.value.capitalize())
        allowed = {env: [c for c in main_charts() if _allowed(model, env, c)] for env in Environment}
        recommended = recommend_chart(model)
        charts = [recommended] + [c for c in main_charts() if c is not recommended]
        usable = [c.value for c in charts if any(c in found for found in allowed.values())]
        label = f"{model.value.capitalize()}\ncharts: {', '.join(usable)}"
        node = t.add_node(f"model-{model.value}", label, NodeKind.MODEL, group).id
        for environment, found in allowed.items():
            if found:
                t.connect(node, f"env-{environment.value}", Relation.RUNS_IN, "")
    return t


# ---- helm process ---------------------------------------------------------------------------------------------


def _resource_kinds(spec: DeploymentSpec, releases: list[ReleaseValues]) -> list[tuple[str, str]]:
    """The Kubernetes resource types the releases create, each with what it holds for this spec."""
    full = build_topology(spec)
    binary = chart_for(spec.chart_name).single_process
    workloads = ["flyte-binary"] if binary else []
    # the CoPilot is a sidecar in task pods, and flyte-binary's services are one Deployment
    workloads += [
        n.label for n in full.of_kind(NodeKind.COMPONENT) if Ids.base(n.id) != Ids.COPILOT and n.group != Ids.BINARY_POD
    ]
    secrets = sorted({secret.name for release in releases for secret in release.secrets})
    kinds = [
        ("ServiceAccount", f"one per Flyte service; identity: {IDENTITY_NAMES[spec.identity_mode]}"),
        ("ConfigMap", "Flyte configuration"),
        ("Secret", f"created before installing: {', '.join(secrets)}" if secrets else ""),
        ("Deployment", ", ".join(dict.fromkeys(workloads))),
        ("Service", "in-cluster endpoints of the Flyte services"),
        ("ClusterRole / ClusterRoleBinding", "what the Flyte services may do in the cluster"),
    ]
    propeller = spec.components.propeller
    if propeller.enabled and propeller.create_crds:
        kinds.append(("CustomResourceDefinition", "FlyteWorkflow"))
    if spec.ingress.chart_ingress:
        kinds.append(("Ingress", spec.ingress.host or ""))
    elif spec.ingress.gateway_api:
        kinds.append(("Gateway / HTTPRoute / GRPCRoute", f"gateway-api.yaml (kubectl apply) {spec.ingress.host or ''}"))
    if spec.observability.service_monitor.enabled:
        kinds.append(("ServiceMonitor", "Prometheus scrape targets"))
    return kinds


def helm_process(spec: DeploymentSpec, *, expand: bool = False, collapse_above: int = COLLAPSE_ABOVE) -> Topology:
    """Values files -> ``helm upgrade --install`` <- chart, -> Kubernetes API -> resource types.

    Releases come from the chart emitters (the plan's own source), so file names, release names, charts and
    versions are the ones ``flytekit-deploy values`` writes. Many releases of one chart and role (data planes)
    become one file node when there are more than ``collapse_above``.
    """
    from ..charts import emit_releases

    releases = emit_releases(spec)
    t = Topology(f"Helm deployment: {spec.name} ({spec.chart_name.value})")
    files = t.add_group("values-files", "Values files").id
    charts = t.add_group("charts", "Helm charts").id
    helm = t.add_group("helm", "Helm").id
    kubernetes = t.add_group("kubernetes", "Kubernetes").id
    resources = t.add_group("resource-types", "Resource types", kubernetes).id

    batches: dict[tuple[str, str], list[ReleaseValues]] = {}
    for release in releases:
        batches.setdefault((release.chart.value, release.role), []).append(release)
    clusters = list(dict.fromkeys(r.cluster for r in releases))
    kube_label = cluster_label(spec) if len(clusters) == 1 else f"Kubernetes API\n{len(clusters)} clusters"
    kube = t.add_node(Ids.KUBERNETES, kube_label, NodeKind.CLUSTER, kubernetes, ", ".join(clusters)).id

    for (chart, role), batch in batches.items():
        first = batch[0]
        chart_id = f"chart-{chart}"
        if not t.has(chart_id):
            t.add_node(chart_id, f"{first.chart_ref}\n{first.version}", NodeKind.CHART, charts, first.repo)
        names = " ".join(dict.fromkeys(r.release for r in batch))
        command = t.add_node(
            f"helm-{chart}-{role}",
            f"helm upgrade --install {names}\n-n {first.namespace}",
            NodeKind.TOOL,
            helm,
            ", ".join(f"cluster {r.cluster}" for r in batch),
        ).id
        if len(batch) > collapse_above and not expand:
            file_nodes = [
                t.add_node(
                    f"files-{chart}-{role}",
                    f"{len(batch)} values files ({role})",
                    NodeKind.FILE,
                    files,
                    ", ".join(r.filename for r in batch),
                ).id
            ]
        else:
            file_nodes = [
                t.add_node(f"file-{r.filename}", r.filename, NodeKind.FILE, files, f"cluster {r.cluster}").id
                for r in batch
            ]
        for file_node in file_nodes:
            t.connect(file_node, command, Relation.CONFIGURES, "-f")
        t.connect(chart_id, command, Relation.PACKAGES)
        t.connect(command, kube, Relation.APPLIES, f"{role} manifests")
    for kind, detail in _resource_kinds(spec, releases):
        node = t.add_node(f"resource-{kind.split()[0]}", kind, NodeKind.RESOURCE, resources, detail).id
        t.connect(kube, node, Relation.CREATES, "")
    return t


# ---- the registry ---------------------------------------------------------------------------------------------


def _preset(name: str, title: str) -> Callable[[DeploymentSpec | None, bool], Topology]:
    def build(_spec: DeploymentSpec | None, expand: bool) -> Topology:
        topology = build_topology(get_preset(name), expand_data_planes=expand)
        topology.title = f"{title} (preset {name}): {topology.title}"
        return topology

    return build


def _architecture(spec: DeploymentSpec | None, expand: bool) -> Topology:
    topology = overview(spec or get_preset(_ARCHITECTURE_PRESET), expand_data_planes=expand)
    topology.title = f"Architecture: {topology.title}"
    return topology


def _this_deployment(spec: DeploymentSpec | None, expand: bool) -> Topology:
    assert spec is not None
    return build_topology(spec, expand_data_planes=expand)


VIEWS: dict[str, View] = {
    v.name: v
    for v in [
        View("architecture", "Control plane, data plane, storage and infrastructure", _architecture),
        View(
            "deployment-options",
            "Deployment models and environments",
            lambda _s, _e: deployment_options(),
            "LR",
            collapse=False,
        ),
        View(
            "helm-process",
            "Values files, helm, chart and Kubernetes resources",
            lambda spec, expand: helm_process(spec or get_preset(_HELM_PRESET), expand=expand),
        ),
        View("sandbox", "Sandbox", _preset("sandbox", "Sandbox")),
        View("aws", "AWS / EKS", _preset("eks-core", "AWS / EKS")),
        View("gcp", "GCP / GKE", _preset("gke-production", "GCP / GKE")),
        View("azure", "Azure / AKS", _preset("aks-production", "Azure / AKS")),
        View("multi-cluster", "Multi-cluster", _preset("eks-multicluster", "Multi-cluster")),
        View("this-deployment", "The deployment a spec describes", _this_deployment, needs_spec=True),
    ]
}


def view_names() -> list[str]:
    return list(VIEWS)


def diagram(
    view: str, spec: DeploymentSpec | None = None, *, expand_data_planes: bool = False, detailed: bool = False
) -> Diagram:
    """A named view as a :class:`Diagram`, drawn for reading (:func:`reading_view`) unless ``detailed``.
    Views other than ``this-deployment`` work without a spec."""
    found = VIEWS.get(view)
    if found is None:
        raise UserInputError([Problem("view", f"unknown view {view!r}", f"choose one of: {', '.join(VIEWS)}")])
    if found.needs_spec and spec is None:
        raise UserInputError(
            [Problem("spec", f"the {view} view draws a spec, and none was given", "pass a spec file or a preset")]
        )
    topology = found.build(spec, expand_data_planes)
    drawn = reading_view(topology) if found.collapse and not detailed else None
    return Diagram(topology, found.direction, name=view, drawn=drawn)
