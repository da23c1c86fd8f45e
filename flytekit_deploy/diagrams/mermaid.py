"""Topology -> mermaid flowchart text: a subgraph per group, a shape per node kind, a label on every edge.

Labels are always quoted, and every character mermaid could read as syntax is written as an entity (``#quot;``,
``#40;`` ...), which mermaid decodes back for display; ids are sanitised (``end`` becomes ``n_end``). So a label
such as ``he said "hi" (end) <script>`` cannot break the diagram or inject markup.

>>> from flytekit_deploy.topology import NodeKind, Relation, Topology
>>> t = Topology()
>>> _ = t.add_node("end", 'Say "hi" (now)', NodeKind.COMPONENT)
>>> _ = t.add_node("db", "PostgreSQL", NodeKind.STORE)
>>> _ = t.connect("end", "db", Relation.STORES_DATA)
>>> print(to_mermaid(t, classes=False), end="")
flowchart TB
  n_end["Say #quot;hi#quot; #40;now#41;"]
  db[("PostgreSQL")]
  n_end -->|"stores data"| db
"""

from __future__ import annotations

import json

from ..topology import LineStyle, Node, NodeKind, Topology
from ._common import KIND_COLOURS, Layout, check_direction

__all__ = ["to_mermaid", "escape_label"]

_SHAPES: dict[NodeKind, tuple[str, str]] = {
    NodeKind.COMPONENT: ("[", "]"),
    NodeKind.STORE: ("[(", ")]"),
    NodeKind.CLUSTER: ("{{", "}}"),
    NodeKind.INFRASTRUCTURE: ("(", ")"),
    NodeKind.EXTERNAL: ("[[", "]]"),
    NodeKind.ACTOR: ("([", "])"),
    NodeKind.AGGREGATE: ("[[", "]]"),
    NodeKind.MODEL: ("(", ")"),
    NodeKind.ENVIRONMENT: ("{{", "}}"),
    NodeKind.FILE: ("[/", "/]"),
    NodeKind.TOOL: (">", "]"),
    NodeKind.CHART: ("[[", "]]"),
    NodeKind.RESOURCE: ("[", "]"),
}

_ARROWS: dict[LineStyle, str] = {
    LineStyle.SOLID: "-->",
    LineStyle.DOTTED: "-.->",
    LineStyle.THICK: "==>",
    LineStyle.PLAIN: "---",
}

# One pass (str.translate), so the '#' of an entity is never escaped again.
_ENTITIES = str.maketrans(
    {
        "#": "#35;",
        '"': "#quot;",
        "&": "#amp;",
        "<": "#lt;",
        ">": "#gt;",
        "(": "#40;",
        ")": "#41;",
        "[": "#91;",
        "]": "#93;",
        "{": "#123;",
        "}": "#125;",
        "|": "#124;",
        "`": "#96;",
        ";": "#59;",
        "%": "#37;",
        "\\": "#92;",
        "\t": " ",
        "\r": "",
    }
)


def escape_label(text: str) -> str:
    """Text safe inside a quoted mermaid label; line breaks become ``<br/>``."""
    return "<br/>".join(line.translate(_ENTITIES) for line in text.split("\n"))


def _node(node: Node, ident: str) -> str:
    opening, closing = _SHAPES[node.kind]
    return f'{ident}{opening}"{escape_label(node.label)}"{closing}'


def to_mermaid(topology: Topology, direction: str = "TB", *, classes: bool = True) -> str:
    """The flowchart text (no fence). ``classes`` adds a colour per node kind."""
    layout = Layout(topology)
    ids = layout.ids
    lines: list[str] = []
    if topology.title:
        # front matter is YAML; JSON quoting is valid YAML and mermaid shows the title as plain text
        lines += ["---", f"title: {json.dumps(topology.title.replace(chr(10), ' '))}", "---"]
    lines.append(f"flowchart {check_direction(direction)}")

    def emit(parent: str | None, indent: str) -> None:
        nodes, groups = layout.children(parent)
        lines.extend(indent + _node(node, ids[node.id]) for node in nodes)
        for group_id in groups:
            group = topology.group(group_id)
            lines.append(f'{indent}subgraph {ids[group_id]}["{escape_label(group.label)}"]')
            emit(group_id, indent + "  ")
            lines.append(f"{indent}end")

    emit(None, "  ")
    for edge in topology.edges:
        arrow = _ARROWS[edge.relation.line]
        text = f'|"{escape_label(edge.label)}"|' if edge.label else ""
        lines.append(f"  {ids[edge.source]} {arrow}{text} {ids[edge.target]}")
    if classes:
        by_kind: dict[NodeKind, list[str]] = {}
        for node in topology.nodes:
            by_kind.setdefault(node.kind, []).append(ids[node.id])
        for kind, members in by_kind.items():
            fill, stroke = KIND_COLOURS[kind]
            # prefixed: mermaid's own CSS classes include "cluster" (every subgraph) and "node"
            lines.append(f"  classDef kind_{kind.value} fill:{fill},stroke:{stroke},color:#202124")
            lines.append(f"  class {','.join(members)} kind_{kind.value}")
    return "\n".join(lines) + "\n"
