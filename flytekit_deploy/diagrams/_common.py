"""What both renderers share: safe ids, one colour per node kind, and the order groups are drawn in."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..topology import Node, NodeKind, Topology

__all__ = ["DIRECTIONS", "KIND_COLOURS", "safe_ids", "check_direction", "Layout"]

DIRECTIONS = ("TB", "BT", "LR", "RL")

# Words mermaid's flowchart grammar (and DOT's) treats as keywords. An id equal to one of them, in any case, gets a
# prefix: a group or node named "end" would otherwise close a subgraph.
_RESERVED = frozenset(
    {
        "end", "graph", "flowchart", "flowchart-elk", "subgraph", "direction", "style", "linkstyle", "classdef",
        "class", "click", "call", "href", "callback", "default", "interpolate", "accdescr", "acctitle",
        "tb", "td", "bt", "lr", "rl", "node", "edge", "digraph", "strict",
    }
)  # fmt: skip
_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")

KIND_COLOURS: dict[NodeKind, tuple[str, str]] = {
    NodeKind.COMPONENT: ("#e8f0fe", "#1a73e8"),
    NodeKind.STORE: ("#fef7e0", "#e37400"),
    NodeKind.CLUSTER: ("#e6f4ea", "#188038"),
    NodeKind.INFRASTRUCTURE: ("#f1f3f4", "#5f6368"),
    NodeKind.EXTERNAL: ("#fce8e6", "#c5221f"),
    NodeKind.ACTOR: ("#ffffff", "#202124"),
    NodeKind.AGGREGATE: ("#d2e3fc", "#174ea6"),
    NodeKind.MODEL: ("#f3e8fd", "#8430ce"),
    NodeKind.ENVIRONMENT: ("#e6f4ea", "#188038"),
    NodeKind.FILE: ("#ffffff", "#5f6368"),
    NodeKind.TOOL: ("#e8f0fe", "#1a73e8"),
    NodeKind.CHART: ("#fef7e0", "#e37400"),
    NodeKind.RESOURCE: ("#f1f3f4", "#5f6368"),
}
"""Fill and stroke per kind, the same in mermaid and graphviz."""


def check_direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    return direction


def safe_ids(idents: Iterable[str]) -> dict[str, str]:
    """Topology id -> an id both mermaid and DOT accept unquoted: letters, digits and ``_``, never a keyword,
    never starting with a digit, unique (a clash after cleaning gets ``_2``, ``_3`` in order of appearance)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for ident in idents:
        if ident in mapping:
            continue
        base = _UNSAFE.sub("_", ident).strip("_") or "n"
        if base.lower() in _RESERVED or base[0].isdigit():
            base = f"n_{base}"
        candidate, number = base, 1
        while candidate.lower() in taken:
            number += 1
            candidate = f"{base}_{number}"
        taken.add(candidate.lower())
        mapping[ident] = candidate
    return mapping


class Layout:
    """A topology indexed for drawing: safe ids, each group's nodes and subgroups, and the groups worth drawing
    (a group with nothing inside, at any depth, is left out)."""

    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        self.ids = safe_ids([g.id for g in topology.groups] + [n.id for n in topology.nodes])
        self.nodes: dict[str | None, list[Node]] = {}
        for node in topology.nodes:
            self.nodes.setdefault(node.group, []).append(node)
        self.subgroups: dict[str | None, list[str]] = {}
        for group in topology.groups:
            self.subgroups.setdefault(group.parent, []).append(group.id)
        self.non_empty: set[str] = set()
        for node in topology.nodes:
            self.non_empty.update(g.id for g in topology.ancestors(node.group))

    def children(self, parent: str | None) -> tuple[list[Node], list[str]]:
        """Nodes and non-empty subgroups directly inside ``parent`` (``None``: the top level), in order."""
        groups = [g for g in self.subgroups.get(parent, []) if g in self.non_empty]
        return self.nodes.get(parent, []), groups
