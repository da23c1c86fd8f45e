"""The editor base class and what every editor shares: field-path helpers, message lines, shared widget models.

:class:`Editor` is one field (or the whole spec) at a field path: it knows whether its field applies right now
(:mod:`.visibility`), shows validation problems and findings under it, and turns widget input into plain
(JSON-mode) data and back. The concrete editors live in :mod:`.scalar_editors`, :mod:`.model_editor` and
:mod:`.collection_editors`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from ..errors import Problem
from .fields import FieldMeta
from .theme import severity_class
from .visibility import Lookup

__all__ = [
    "LABEL_WIDTH",
    "Editor",
    "Hooks",
    "Message",
    "header_html",
    "join_path",
    "path_class",
    "render_messages",
    "section_layout",
    "set_shown",
    "shared_model",
    "title_widget",
]

LABEL_WIDTH = "15em"

Message = tuple[str, str]
"""(severity, text): ``error`` for validation problems, else a finding's severity."""


@dataclass(frozen=True)
class Hooks:
    """What editors tell the form: an input changed, or rows were added, removed or re-keyed (paths moved)."""

    changed: Callable[[], None]
    restructured: Callable[[], None]


_ICONS = {"error": "✖", "warning": "⚠", "info": "ℹ"}


def join_path(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def path_class(path: str) -> str:
    """A CSS class naming a field path, so a browser test (or a person's CSS) can find one input."""
    return "fd-path-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def render_messages(messages: list[Message]) -> str:
    lines = [
        f'<div class="{severity_class(sev)}" style="font-size:90%;line-height:1.3">'
        f"{_ICONS.get(sev, '•')} {html.escape(text)}</div>"
        for sev, text in messages
    ]
    return "".join(lines)


def set_shown(widget: w.Widget, shown: bool) -> None:
    """Show or hide one widget, touching its layout only when that changes something."""
    display = None if shown else "none"
    if widget.layout.display != display:
        widget.layout.display = display


_SHARED: dict[tuple[str, str], Any] = {}


def shared_model(kind: str, value: str) -> Any:
    """One Layout or Style model for every input that looks alike; never mutated after creation.

    A form has a few hundred inputs: a private Layout and Style each would triple the models the front end
    creates and an executed notebook stores.
    """
    key = (kind, value)
    found = _SHARED.get(key)
    if found is None or found.comm is None:  # closed: make another
        factories: dict[str, Callable[[], Any]] = {
            "layout": lambda: w.Layout(width=value),
            "display": lambda: w.Layout(display=value or None),
            "html-style": lambda: HTMLStyle(),
            "text-style": lambda: TextStyle(description_width=value),
            "checkbox-style": lambda: CheckboxStyle(description_width=value),
            "description-style": lambda: DescriptionStyle(description_width=value),
        }
        found = _SHARED[key] = factories[kind]()
    return found


def header_html(text: str, tooltip: str) -> str:
    """A section's title with its description visible beside it (a tooltip alone is never seen on a label)."""
    title = f'<b title="{html.escape(tooltip, quote=True)}">{html.escape(text)}</b>'
    if tooltip and tooltip != text:
        title += f' <span class="fd-muted" style="font-size:88%">{html.escape(tooltip)}</span>'
    return title


def title_widget(text: str, tooltip: str) -> w.HTML:
    """The bold title of a section (a nested model, a list or map of models, one of their rows)."""
    return w.HTML(header_html(text, tooltip), layout=shared_model("display", ""), style=shared_model("html-style", ""))


def section_layout() -> w.Layout:
    """A new Layout for a titled section box: a grey bar on the left, indented contents."""
    return w.Layout(border_left="3px solid var(--jp-border-color2, #d0d7de)", padding="2px 0 4px 8px", margin="4px 0")


class Editor:
    """One field (or the whole spec) at a field path."""

    meta: FieldMeta | None
    container: w.Box
    message_slot = 1
    """Where the message line goes among the container's children. It is made on first use: most fields never
    have one, and every widget is one more model for the front end to create and a notebook to store."""
    message_margin = "0 0 4px 0"

    def __init__(self, meta: FieldMeta | None, path: str) -> None:
        self.meta = meta
        self.path = path
        self.applies = True
        """The field applies to the current input (its data is collected)."""
        self.shown = True
        """The field and every parent apply (its messages are visible)."""
        self._messages: list[Message] = []
        self.message: w.HTML | None = None
        self._visible_layout: w.Layout | None = None

    # ---- structure ---------------------------------------------------------------------------------------

    def set_path(self, path: str) -> None:
        self.path = path

    def children(self) -> Iterator[Editor]:
        return iter(())

    def walk(self) -> Iterator[Editor]:
        yield self
        for child in self.children():
            yield from child.walk()

    # ---- data ----------------------------------------------------------------------------------------------

    def get(self, problems: list[Problem]) -> Any:
        """The field's value as plain data; input that cannot be read is reported into ``problems``."""
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError

    def raw(self) -> Any:
        """The current input, for visibility rules (no parsing)."""
        return None

    # ---- display -------------------------------------------------------------------------------------------

    def update_visibility(self, get: Lookup, applies_now: bool, parent_shown: bool) -> None:
        self.applies = applies_now
        self.shown = parent_shown and applies_now
        self._display(applies_now)

    def _display(self, shown: bool) -> None:
        """Show or hide the container by swapping in a shared hidden Layout (no private Layout per field)."""
        hidden = shared_model("display", "none")
        current = self.container.layout
        if shown and current is hidden:
            self.container.layout = self._visible_layout
        elif not shown and current is not hidden:
            self._visible_layout = current
            self.container.layout = hidden

    def set_messages(self, messages: list[Message]) -> None:
        if messages == self._messages:
            return
        self._messages = list(messages)
        if self.message is None:
            self.message = w.HTML(layout=w.Layout(margin=self.message_margin))
            self.message.add_class("fd-message")
            children = list(self.container.children)
            children.insert(self.message_slot, self.message)
            self.container.children = tuple(children)
        self.message.value = render_messages(messages)
        set_shown(self.message, bool(messages))

    @property
    def messages(self) -> list[Message]:
        return list(self._messages)
