"""The topology graph: nodes, edges and groups, with no knowledge of how it is drawn.

Renderers (mermaid, graphviz) read it; :func:`flytekit_deploy.topology.build_topology` writes it. Ids are plain
strings derived from names, unique across nodes *and* groups (mermaid shares one namespace between subgraphs and
nodes); renderers sanitise them for their own syntax. Insertion order is kept, so output is deterministic.

>>> t = Topology("demo")
>>> _ = t.add_group("cp", "Control plane")
>>> _ = t.add_node("admin", "FlyteAdmin", NodeKind.COMPONENT, group="cp")
>>> _ = t.add_node("db", "PostgreSQL", NodeKind.STORE)
>>> t.connect("admin", "db", Relation.READS_WRITES_METADATA).label
'reads/writes metadata'
>>> [n.id for n in t.members("cp")]
['admin']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

__all__ = ["NodeKind", "LineStyle", "Relation", "Node", "Edge", "Group", "Topology"]


class NodeKind(str, Enum):
    """What a node is; renderers pick a shape and colour per kind."""

    COMPONENT = "component"
    """A Flyte service (FlyteAdmin, FlytePropeller, ...)."""
    STORE = "store"
    """Where state lives: the database, the object store."""
    CLUSTER = "cluster"
    """A Kubernetes cluster, drawn as its API server."""
    INFRASTRUCTURE = "infrastructure"
    """A service Flyte relies on: ingress controller, cloud identity, Prometheus, logs, cloud scheduler, queue."""
    EXTERNAL = "external"
    """Outside the deployment: identity provider, hybrid compute services."""
    ACTOR = "actor"
    """People and their clients."""
    AGGREGATE = "aggregate"
    """Many similar nodes shown as one (``detail`` lists them)."""
    MODEL = "model"
    """A deployment model (sandbox, single-cluster, ...)."""
    ENVIRONMENT = "environment"
    """Where Kubernetes runs (local, AWS, ...)."""
    FILE = "file"
    """A file the kit writes (values files)."""
    TOOL = "tool"
    """A command that acts (helm)."""
    CHART = "chart"
    """A Helm chart."""
    RESOURCE = "resource"
    """A Kubernetes resource type."""


class LineStyle(str, Enum):
    """How an edge is drawn: the main flow solid, supporting relations dotted, association without arrowhead."""

    SOLID = "solid"
    DOTTED = "dotted"
    THICK = "thick"
    PLAIN = "plain"


class Relation(str, Enum):
    """What an edge means. ``text`` is the default label, ``line`` the drawing style."""

    READS_WRITES_METADATA = "reads-writes-metadata"
    STORES_DATA = "stores-data"
    SCHEDULES = "schedules"
    QUEUES = "queues"
    SENDS_WORKFLOWS = "sends-workflows"
    REPORTS_EVENTS = "reports-events"
    CACHES = "caches"
    LAUNCHES_PODS = "launches-pods"
    INJECTS = "injects"
    SYNCS_RESOURCES = "syncs-resources"
    CALLS_API = "calls-api"
    PROXIES = "proxies"
    AUTHENTICATES = "authenticates"
    SCRAPES = "scrapes"
    ASSUMES_IDENTITY = "assumes-identity"
    SHIPS_LOGS = "ships-logs"
    LINKS_LOGS = "links-logs"
    DELEGATES = "delegates"
    RUNS_IN = "runs-in"
    CONFIGURES = "configures"
    PACKAGES = "packages"
    APPLIES = "applies"
    CREATES = "creates"

    @property
    def text(self) -> str:
        return _RELATION_TEXT[self][0]

    @property
    def line(self) -> LineStyle:
        return _RELATION_TEXT[self][1]


_RELATION_TEXT: dict[Relation, tuple[str, LineStyle]] = {
    Relation.READS_WRITES_METADATA: ("reads/writes metadata", LineStyle.SOLID),
    Relation.STORES_DATA: ("stores data", LineStyle.SOLID),
    Relation.SCHEDULES: ("schedules", LineStyle.SOLID),
    Relation.QUEUES: ("queues", LineStyle.SOLID),
    Relation.SENDS_WORKFLOWS: ("sends workflows", LineStyle.THICK),
    Relation.REPORTS_EVENTS: ("reports events", LineStyle.DOTTED),
    Relation.CACHES: ("looks up cache", LineStyle.DOTTED),
    Relation.LAUNCHES_PODS: ("launches pods", LineStyle.THICK),
    Relation.INJECTS: ("injects", LineStyle.DOTTED),
    Relation.SYNCS_RESOURCES: ("creates namespaces, quotas", LineStyle.DOTTED),
    Relation.CALLS_API: ("calls API", LineStyle.SOLID),
    Relation.PROXIES: ("routes", LineStyle.SOLID),
    Relation.AUTHENTICATES: ("authenticates", LineStyle.DOTTED),
    Relation.SCRAPES: ("scrapes metrics", LineStyle.DOTTED),
    Relation.ASSUMES_IDENTITY: ("assumes identity", LineStyle.DOTTED),
    Relation.SHIPS_LOGS: ("ships task logs", LineStyle.DOTTED),
    Relation.LINKS_LOGS: ("links task logs", LineStyle.DOTTED),
    Relation.DELEGATES: ("delegates tasks", LineStyle.SOLID),
    Relation.RUNS_IN: ("runs in", LineStyle.SOLID),
    Relation.CONFIGURES: ("configures", LineStyle.SOLID),
    Relation.PACKAGES: ("templates", LineStyle.SOLID),
    Relation.APPLIES: ("applies", LineStyle.THICK),
    Relation.CREATES: ("creates", LineStyle.SOLID),
}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: NodeKind
    group: str | None = None
    detail: str = ""
    """More than the label has room for (host names, the data planes an aggregate stands for); a tooltip."""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: Relation
    label: str = ""
    """Shown on the edge; empty draws no label."""


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    parent: str | None = None


@dataclass
class Topology:
    """A graph with nested groups. Build it with ``add_group``/``add_node``/``connect``; they check references."""

    title: str = ""
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._nodes = {n.id: n for n in self.nodes}
        self._groups = {g.id: g for g in self.groups}
        self._edge_keys = {(e.source, e.target, e.relation) for e in self.edges}

    # ---- building ----------------------------------------------------------------------------------------------

    def _check_new_id(self, ident: str) -> None:
        if not ident:
            raise ValueError("an empty id")
        if ident in self._nodes or ident in self._groups:
            raise ValueError(f"duplicate id {ident!r}")

    def _check_group(self, group: str | None) -> None:
        if group is not None and group not in self._groups:
            raise ValueError(f"unknown group {group!r}")

    def add_group(self, ident: str, label: str, parent: str | None = None) -> Group:
        self._check_new_id(ident)
        self._check_group(parent)
        group = Group(ident, label, parent)
        self.groups.append(group)
        self._groups[ident] = group
        return group

    def add_node(self, ident: str, label: str, kind: NodeKind, group: str | None = None, detail: str = "") -> Node:
        self._check_new_id(ident)
        self._check_group(group)
        node = Node(ident, label, kind, group, detail)
        self.nodes.append(node)
        self._nodes[ident] = node
        return node

    def connect(self, source: str, target: str, relation: Relation, label: str | None = None) -> Edge:
        """Add an edge (once per source, target and relation); ``label`` defaults to the relation's text."""
        for end in (source, target):
            if end not in self._nodes:
                raise ValueError(f"edge to unknown node {end!r}")
        edge = Edge(source, target, relation, relation.text if label is None else label)
        key = (source, target, relation)
        if key not in self._edge_keys:
            self._edge_keys.add(key)
            self.edges.append(edge)
        return edge

    # ---- reading -----------------------------------------------------------------------------------------------

    def node(self, ident: str) -> Node:
        return self._nodes[ident]

    def group(self, ident: str) -> Group:
        return self._groups[ident]

    def has(self, ident: str) -> bool:
        return ident in self._nodes or ident in self._groups

    def members(self, group: str | None) -> list[Node]:
        """Nodes directly in ``group`` (``None``: the top level)."""
        return [n for n in self.nodes if n.group == group]

    def subgroups(self, parent: str | None) -> list[Group]:
        """Groups directly inside ``parent`` (``None``: the top level)."""
        return [g for g in self.groups if g.parent == parent]

    def ancestors(self, group: str | None) -> Iterator[Group]:
        """``group`` and the groups around it, innermost first."""
        while group is not None:
            found = self._groups[group]
            yield found
            group = found.parent

    def find(self, text: str) -> list[Node]:
        """Nodes whose label contains ``text`` (case-insensitive); handy in tests and notebooks."""
        needle = text.lower()
        return [n for n in self.nodes if needle in n.label.lower()]

    def of_kind(self, kind: NodeKind) -> list[Node]:
        return [n for n in self.nodes if n.kind is kind]

    def edges_between(self, source: str, target: str) -> list[Edge]:
        return [e for e in self.edges if e.source == source and e.target == target]

    # ---- deriving ----------------------------------------------------------------------------------------------

    def filtered(
        self,
        keep_node: Callable[[Node], bool],
        keep_group: Callable[[Group], bool] = lambda _: True,
        title: str | None = None,
    ) -> Topology:
        """A smaller view of the same graph: dropped groups hand their content to their parent, edges touching a
        dropped node go, and groups left empty go too."""

        def parent_kept(group: str | None) -> str | None:
            for found in self.ancestors(group):
                if keep_group(found):
                    return found.id
            return None

        nodes = [Node(n.id, n.label, n.kind, parent_kept(n.group), n.detail) for n in self.nodes if keep_node(n)]
        kept_ids = {n.id for n in nodes}
        used: set[str] = set()
        for n in nodes:
            used.update(g.id for g in self.ancestors(n.group) if keep_group(g))
        groups = [Group(g.id, g.label, parent_kept(g.parent)) for g in self.groups if g.id in used]
        edges = [e for e in self.edges if e.source in kept_ids and e.target in kept_ids]
        return Topology(self.title if title is None else title, nodes, edges, groups)

    def collapsed(self, groups: Iterable[str], *, unwrap: Iterable[str] = (), max_edge_lines: int = 2) -> Topology:
        """A view drawn for reading: each group of ``groups`` (with everything inside it) becomes one node whose
        label lists what it holds, the groups of ``unwrap`` are dropped (their content moves up), and edges
        between the same two nodes merge into one carrying their distinct labels (at most ``max_edge_lines``).

        The members are listed one per line: the labels of the groups inside it (at any depth, in order), then
        the first label line of every node inside, repeated names counted (``FlytePropeller ×3``). The node takes the kind most of its members have, so the
        shape and colour still say "services" or "stores".
        """
        targets = [g for g in groups if g in self._groups]
        dropped = set(unwrap)
        owner: dict[str, str] = {}
        for node in self.nodes:
            chain = [g.id for g in self.ancestors(node.group)]
            owner[node.id] = next((g for g in reversed(chain) if g in targets), node.id)
        nodes: list[Node] = []
        for group_id in targets:
            members = [n for n in self.nodes if owner[n.id] == group_id]
            if not members:
                continue
            holding = {a.id for n in members for a in self.ancestors(n.group)}
            inside = [
                g.label.split("\n")[0]
                for g in self.groups
                if g.id in holding and g.id != group_id and group_id in {a.id for a in self.ancestors(g.parent)}
            ]
            direct = [n.label.split("\n")[0] for n in members]
            lines = _counted(inside + direct)
            kinds = [n.kind for n in members]
            kind = max(dict.fromkeys(kinds), key=kinds.count)
            group = self._groups[group_id]
            parent = next((g.id for g in self.ancestors(group.parent) if g.id not in dropped), None)
            detail = "; ".join(n.detail for n in members if n.detail)
            nodes.append(Node(group_id, "\n".join([group.label, *lines]), kind, parent, detail))
        for node in self.nodes:
            if owner[node.id] == node.id:
                parent = next((g.id for g in self.ancestors(node.group) if g.id not in dropped), None)
                nodes.append(Node(node.id, node.label, node.kind, parent, node.detail))
        merged: dict[tuple[str, str], list[Edge]] = {}
        for edge in self.edges:
            source, target = owner[edge.source], owner[edge.target]
            if source != target:
                merged.setdefault((source, target), []).append(edge)
        edges = []
        for (source, target), found in merged.items():
            labels = list(dict.fromkeys(e.label for e in found if e.label))
            if len(labels) > max_edge_lines:
                labels = [*labels[: max_edge_lines - 1], f"+{len(labels) - max_edge_lines + 1} more"]
            edges.append(Edge(source, target, found[0].relation, "\n".join(labels)))
        kept_groups = {n.group for n in nodes}
        used: set[str] = set()
        for kept in kept_groups:
            used.update(g.id for g in self.ancestors(kept))
        remaining = [
            Group(g.id, g.label, next((a.id for a in self.ancestors(g.parent) if a.id not in dropped), None))
            for g in self.groups
            if g.id in used and g.id not in dropped and g.id not in targets
        ]
        return Topology(self.title, nodes, edges, remaining)


def _counted(names: list[str]) -> list[str]:
    """Names in first-seen order, a repeated one once with its count."""
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return [name if count == 1 else f"{name} \u00d7{count}" for name, count in counts.items()]
