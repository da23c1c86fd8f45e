"""Collapsible form sections whose headers are real buttons.

ipywidgets' Accordion draws its section headers as plain elements that never take focus, so a keyboard user
tabbed from the open section straight to the pane tabs. Here each header is a Button: reachable with Tab,
toggled with Enter or Space, announced as a button. Several sections may be open at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as w

__all__ = ["Sections"]

_OPEN, _CLOSED = "caret-down", "caret-right"


class Sections(w.VBox):  # type: ignore[misc]
    """Titled bodies under header buttons; the Accordion-like ``titles``/``selected_index`` are kept for callers."""

    def __init__(self) -> None:
        super().__init__()
        self.add_class("fd-sections")
        self._titles: tuple[str, ...] = ()
        self._bodies: tuple[w.Widget, ...] = ()
        self._headers: tuple[w.Button, ...] = ()

    def set_sections(self, titles: Sequence[str], bodies: Sequence[w.Widget]) -> None:
        self._titles, self._bodies = tuple(titles), tuple(bodies)
        headers = []
        for index, title in enumerate(self._titles):
            button = w.Button(
                description=title, icon=_CLOSED, tooltip=f"Show or hide {title}", layout=w.Layout(width="100%")
            )
            button.add_class("fd-section-header")
            button.on_click(lambda _b, i=index: self.toggle(i))
            headers.append(button)
        self._headers = tuple(headers)
        for body in self._bodies:
            body.layout.display = "none"
        self.children = tuple(item for pair in zip(self._headers, self._bodies, strict=True) for item in pair)

    @property
    def titles(self) -> tuple[str, ...]:
        return self._titles

    @titles.setter
    def titles(self, titles: Sequence[str]) -> None:
        """New header texts (e.g. with an error count), same sections."""
        self._titles = tuple(titles)
        for header, title in zip(self._headers, self._titles, strict=True):
            if header.description != title:
                header.description = title

    def expand(self, index: int) -> None:
        """Show one section, leaving the others as they are."""
        self._show(index, True)

    @property
    def open_sections(self) -> list[int]:
        return [i for i, body in enumerate(self._bodies) if body.layout.display != "none"]

    @property
    def selected_index(self) -> int | None:
        """The first open section (None when all are closed)."""
        opened = self.open_sections
        return opened[0] if opened else None

    @selected_index.setter
    def selected_index(self, index: int | None) -> None:
        """Open ``index`` alone (None closes every section)."""
        for i in range(len(self._bodies)):
            self._show(i, i == index)

    def toggle(self, index: int) -> None:
        self._show(index, self._bodies[index].layout.display == "none")

    def _show(self, index: int, shown: bool) -> None:
        self._bodies[index].layout.display = None if shown else "none"
        self._headers[index].icon = _OPEN if shown else _CLOSED

    def header(self, index: int) -> w.Button:
        return self._headers[index]
