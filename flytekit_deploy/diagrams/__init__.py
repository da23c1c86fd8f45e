"""Diagrams of a deployment: one topology graph, rendered as mermaid text or by graphviz.

Importing this package is light: no IPython, and ``graphviz`` only when a DOT graph or SVG is asked for.

>>> d = diagram("sandbox")
>>> d.mermaid.splitlines()[3]
'flowchart TB'
>>> "MinIO" in d.mermaid
True
"""

from .display import FORMATS, Diagram
from .graphviz_render import DotNotFoundError, to_graphviz, to_svg
from .mermaid import escape_label, to_mermaid
from .views import VIEWS, View, diagram, view_names

__all__ = [
    "FORMATS",
    "VIEWS",
    "Diagram",
    "DotNotFoundError",
    "View",
    "diagram",
    "escape_label",
    "to_graphviz",
    "to_mermaid",
    "to_svg",
    "view_names",
]
