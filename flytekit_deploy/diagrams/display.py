"""The :class:`Diagram` wrapper: one topology, shown as mermaid or graphviz, inline in JupyterLab.

JupyterLab 4 renders a ```` ```mermaid ```` fence in markdown output natively and ranks markdown above SVG, so a
notebook shows the mermaid drawing; nbconvert prefers SVG, so an exported page shows the graphviz drawing and needs
no JavaScript. Both are computed only when asked for; nothing here imports IPython.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem, UserInputError
from ..topology import Topology
from ._common import check_direction
from .graphviz_render import DotNotFoundError, to_graphviz, to_svg
from .mermaid import to_mermaid

if TYPE_CHECKING:
    import graphviz

__all__ = ["Diagram", "FORMATS"]

FORMATS = ("mermaid", "dot", "svg")


class Diagram:
    """A topology ready to display: ``.mermaid`` and ``.dot`` text, ``.svg()`` from the real ``dot``."""

    def __init__(
        self, topology: Topology, direction: str = "TB", name: str = "", drawn: Topology | None = None
    ) -> None:
        self.topology = topology
        """The whole graph (what tests and notebooks query)."""
        self.drawn = drawn or topology
        """What the text and pictures draw: the reading view of :func:`~.views.diagram`, or the whole graph."""
        self.direction = check_direction(direction)
        self.name = name
        self._mermaid: str | None = None
        self._svg: str | None = None

    @property
    def title(self) -> str:
        return self.topology.title

    @property
    def mermaid(self) -> str:
        """Mermaid flowchart text (no fence)."""
        if self._mermaid is None:
            self._mermaid = to_mermaid(self.drawn, self.direction)
        return self._mermaid

    def graph(self) -> graphviz.Digraph:
        """A fresh ``graphviz.Digraph`` to tweak or render in other formats."""
        return to_graphviz(self.drawn, self.direction)

    @property
    def dot(self) -> str:
        """Graphviz DOT source."""
        source: str = self.graph().source
        return source

    def svg(self) -> str:
        """SVG laid out by Graphviz's ``dot`` (rendered once, then kept)."""
        if self._svg is None:
            self._svg = to_svg(self.drawn, self.direction)
        return self._svg

    @property
    def detailed(self) -> Diagram:
        """The same diagram drawing every node and group of the graph (wider: meant to be opened full size)."""
        return Diagram(self.topology, self.direction, self.name)

    def render(self, fmt: str) -> str:
        """The diagram as ``mermaid``, ``dot`` or ``svg`` text."""
        if fmt == "mermaid":
            return self.mermaid
        if fmt == "dot":
            return self.dot
        if fmt == "svg":
            return self.svg()
        raise UserInputError([Problem("--format", f"unknown format {fmt!r}", f"choose one of: {', '.join(FORMATS)}")])

    def _repr_markdown_(self) -> str:
        return f"```mermaid\n{self.mermaid}```\n"

    def _repr_svg_(self) -> str | None:
        """None without ``dot``: the notebook then shows the mermaid fence alone instead of an error."""
        try:
            return self.svg()
        except DotNotFoundError:
            return None

    def __repr__(self) -> str:
        t = self.topology
        what = self.name or t.title or "diagram"
        return f"<Diagram {what!r}: {len(t.nodes)} nodes, {len(t.edges)} edges, {len(t.groups)} groups>"
