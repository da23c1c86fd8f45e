"""Topology -> graphviz: a cluster per group, a shape per node kind, the same colours as the mermaid output.

The ``graphviz`` package is imported when a function runs, not when this module loads, so the CLI's other
commands never pay for it. :func:`to_svg` runs the real ``dot``; without it, the error says what to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem, UserInputError
from ..topology import LineStyle, Node, NodeKind, Relation, Topology
from ._common import KIND_COLOURS, Layout, check_direction

if TYPE_CHECKING:
    import graphviz

__all__ = ["to_graphviz", "to_svg", "DotNotFoundError"]

_SHAPES: dict[NodeKind, tuple[str, str]] = {
    NodeKind.COMPONENT: ("box", "rounded,filled"),
    NodeKind.STORE: ("cylinder", "filled"),
    NodeKind.CLUSTER: ("hexagon", "filled"),
    NodeKind.INFRASTRUCTURE: ("box", "rounded,filled,dashed"),
    NodeKind.EXTERNAL: ("component", "filled"),
    NodeKind.ACTOR: ("ellipse", "filled"),
    NodeKind.AGGREGATE: ("box3d", "filled"),
    NodeKind.MODEL: ("box", "rounded,filled,bold"),
    NodeKind.ENVIRONMENT: ("hexagon", "filled"),
    NodeKind.FILE: ("note", "filled"),
    NodeKind.TOOL: ("cds", "filled"),
    NodeKind.CHART: ("folder", "filled"),
    NodeKind.RESOURCE: ("box", "filled"),
}

_LINES: dict[LineStyle, dict[str, str]] = {
    LineStyle.SOLID: {},
    LineStyle.DOTTED: {"style": "dashed"},
    LineStyle.THICK: {"penwidth": "2"},
    LineStyle.PLAIN: {"dir": "none"},
}

# Edges that point back up the main flow (FlytePropeller reports to FlyteAdmin, which sent it the workflow). dot
# ranks nodes by edge direction, so these are laid out reversed and drawn with the arrowhead at the far end:
# otherwise each such pair is a cycle that dot breaks at random, and the data planes climb above FlyteAdmin.
_UPWARD = frozenset({Relation.REPORTS_EVENTS, Relation.CACHES, Relation.SCRAPES})

_FONT = "Helvetica,Arial,sans-serif"


class DotNotFoundError(UserInputError):
    """SVG output needs Graphviz's ``dot`` program, which is not a Python package."""


def _text(text: str) -> str:
    """A DOT label that is never read as HTML (``<script>``) nor as an escape (``\\N``); lines become ``\\n``."""
    import graphviz

    label: str = graphviz.nohtml("\\n".join(line.replace("\\", "\\\\") for line in text.split("\n")))
    return label


def _node_attrs(node: Node) -> dict[str, str]:
    shape, style = _SHAPES[node.kind]
    fill, stroke = KIND_COLOURS[node.kind]
    return {
        "label": _text(node.label),
        "shape": shape,
        "style": style,
        "fillcolor": fill,
        "color": stroke,
        "tooltip": _text(node.detail or node.label),
    }


def to_graphviz(topology: Topology, direction: str = "TB") -> graphviz.Digraph:
    """A ``graphviz.Digraph`` of the topology; ``.source`` is the DOT text, ``.pipe()`` renders it."""
    import graphviz

    layout = Layout(topology)
    ids = layout.ids
    graph = graphviz.Digraph(
        name="flytekit_deploy",
        graph_attr={
            "rankdir": check_direction(direction),
            "label": _text(topology.title),
            "labelloc": "t",
            "fontname": _FONT,
            "fontsize": "16",
            "nodesep": "0.4",
            "ranksep": "0.6",
        },
        node_attr={"fontname": _FONT, "fontsize": "11", "margin": "0.15,0.06"},
        edge_attr={"fontname": _FONT, "fontsize": "9", "color": "#5f6368", "fontcolor": "#3c4043"},
    )

    def fill(container: graphviz.Digraph, parent: str | None) -> None:
        nodes, groups = layout.children(parent)
        for node in nodes:
            container.node(ids[node.id], **_node_attrs(node))
        for group_id in groups:
            with container.subgraph(name=f"cluster_{ids[group_id]}") as sub:
                sub.attr(
                    label=_text(topology.group(group_id).label),
                    style="rounded,dashed",
                    color="#9aa0a6",
                    fontsize="12",
                )
                fill(sub, group_id)

    fill(graph, None)
    for edge in topology.edges:
        attrs = dict(_LINES[edge.relation.line])
        if edge.label:
            attrs["label"] = _text(edge.label)
        if edge.relation in _UPWARD:
            graph.edge(ids[edge.target], ids[edge.source], dir="back", **attrs)
        else:
            graph.edge(ids[edge.source], ids[edge.target], **attrs)
    return graph


def to_svg(topology: Topology, direction: str = "TB") -> str:
    """The diagram as SVG text, laid out by Graphviz's ``dot``."""
    import graphviz

    try:
        svg: str = to_graphviz(topology, direction).pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise DotNotFoundError(
            [
                Problem(
                    "dot",
                    "SVG output needs the Graphviz program `dot`, which is not installed",
                    "install Graphviz (apt-get install graphviz, brew install graphviz, or conda install -c "
                    "conda-forge graphviz), or ask for --format mermaid / dot",
                )
            ],
            source="diagram",
        ) from None
    return svg
