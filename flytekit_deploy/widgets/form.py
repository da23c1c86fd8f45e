"""The whole spec form: every DeploymentSpec field as an editor, grouped into collapsible sections.

Sections are a curated order on top of the generated editors; a top-level field no section names lands in
"Other", so nothing added to the spec is ever missing from the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import ipywidgets as w

from ..clouds import CLOUDS
from ..errors import Problem
from ..spec import DeploymentSpec
from .editors import Editor, Hooks, ListEditor, MapEditor, Message, ModelEditor
from .fields import Kind
from .sections import Sections

__all__ = ["SECTIONS", "Form", "path_prefixes"]

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Model and environment",
        ("name", "namespace", "model", "environment", "profile", "hardening", *(env.section for env in CLOUDS)),
    ),
    ("Chart", ("chart", "chart_version")),
    ("Storage", ("storage",)),
    ("Database", ("database",)),
    ("Identity", ("identity",)),
    ("Authentication", ("auth",)),
    ("Ingress", ("ingress",)),
    ("Components", ("components",)),
    ("Observability", ("observability",)),
    ("Clusters and connectors", ("clusters", "connectors")),
    ("Projects and quotas", ("projects",)),
    ("Overrides", ("overrides",)),
)


def path_prefixes(path: str) -> Iterator[str]:
    """``a.b[2].c`` -> ``a.b[2].c``, ``a.b[2]``, ``a.b``, ``a``: where to show a message when no field matches."""
    while path:
        yield path
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""


def _top(path: str) -> str:
    return path.split(".")[0].split("[")[0]


class Form:
    """Editors for a DeploymentSpec, a field-path index, and the data they hold."""

    def __init__(self, on_change: Callable[[], None], model: type[DeploymentSpec] = DeploymentSpec) -> None:
        self._ready = False
        self._on_change = on_change
        self.hooks = Hooks(changed=self._changed, restructured=self._restructured)
        self.section_titles: list[str] = []
        self._section_fields: list[tuple[str, ...]] = []
        self.accordion = Sections()
        self.root = ModelEditor(model, None, "", self.hooks, header=False, arrange=self._arrange)
        self._index: dict[str, Editor] = {}
        self._with_messages: set[str] = set()
        self._reindex()
        self._ready = True

    # ---- building --------------------------------------------------------------------------------------------

    def _arrange(self, root: ModelEditor) -> w.Widget:
        names = list(root.fields)
        placed: set[str] = set()
        boxes: list[w.Widget] = []
        for title, fields in (*SECTIONS, ("Other", tuple(names))):
            present = [f for f in fields if f in root.fields and f not in placed]
            if not present:
                continue
            placed.update(present)
            editors = [root.fields[f] for f in present]
            if len(editors) == 1 and isinstance(editors[0], ModelEditor):
                # a section that is one model: no second title inside the Accordion's own
                only = editors[0]
                only.container.children = tuple(c for c in only.container.children if c is not only.title)
                only.message_slot = max(0, only.message_slot - 1)
                only.container.layout = w.Layout()
            boxes.append(w.VBox([e.container for e in editors], layout=w.Layout(padding="4px")))
            self.section_titles.append(title)
            self._section_fields.append(tuple(present))
        self.accordion.set_sections(self.section_titles, boxes)
        self.accordion.selected_index = 0
        return self.accordion

    def _changed(self) -> None:
        if self._ready:
            self._on_change()

    def _restructured(self) -> None:
        if self._ready:
            self._reindex()
            self._on_change()

    def _reindex(self) -> None:
        self._index = {e.path: e for e in self.root.walk() if e.path}

    # ---- lookup ------------------------------------------------------------------------------------------------

    @property
    def paths(self) -> list[str]:
        return list(self._index)

    def editor(self, path: str) -> Editor:
        try:
            return self._index[path]
        except KeyError:
            raise KeyError(f"no field {path!r} in the form") from None

    def editors(self) -> Iterable[Editor]:
        return self._index.values()

    def raw(self, path: str) -> Any:
        """Current input at ``path`` for visibility rules; None where there is no such field."""
        editor = self._index.get(path)
        return editor.raw() if editor is not None else None

    # ---- data --------------------------------------------------------------------------------------------------

    def update_visibility(self) -> None:
        self.root.update_visibility(self.raw, True, True)

    def get_data(self) -> tuple[dict[str, Any], list[Problem]]:
        """The data of every field that applies, and the problems of input that could not be read."""
        problems: list[Problem] = []
        data = self.root.get(problems) or {}
        return data, problems

    def set_data(self, data: dict[str, Any]) -> None:
        self.root.set(data)
        self._reindex()

    def set_value(self, path: str, value: Any) -> None:
        self.editor(path).set(value)

    # ---- rows ------------------------------------------------------------------------------------------------

    def add_row(self, path: str, item: dict[str, Any] | None = None, key: str = "") -> str:
        """Add a row to a list (or a keyed entry to a map) of models; returns the new row's path."""
        editor = self.editor(path)
        if isinstance(editor, ListEditor):
            row = editor.add(item if item is not None else editor.first_item())
            return row.path
        if isinstance(editor, MapEditor):
            if not key:
                key = self._suggest_key(path, set(editor.keys()))
            return editor.add(key, item).path
        raise TypeError(f"{path} is not a list or map of models")

    def _suggest_key(self, path: str, taken: set[str]) -> str:
        if path == "projects.quotas":  # one quota per domain: offer the first domain without one
            domains = self.get_data()[0].get("projects", {}).get("domains", [])
            for domain in domains:
                if domain not in taken:
                    return str(domain)
        return ""

    def remove_row(self, path: str, index: int | str) -> None:
        editor = self.editor(path)
        if isinstance(editor, ListEditor):
            editor.remove(int(index))
        elif isinstance(editor, MapEditor):
            editor.remove(str(index))
        else:
            raise TypeError(f"{path} is not a list or map of models")

    # ---- messages ----------------------------------------------------------------------------------------------

    def place(self, path: str) -> Editor | None:
        """The editor a message about ``path`` is shown under: the field itself, else its nearest shown parent."""
        for prefix in path_prefixes(path):
            editor = self._index.get(prefix)
            if editor is not None and editor.shown:
                return editor
        return None

    def show_messages(self, items: Iterable[tuple[str, Message]]) -> list[tuple[str, Message]]:
        """Show each (path, message) under its field; return those no shown field could take."""
        by_path: dict[str, list[Message]] = {}
        unplaced: list[tuple[str, Message]] = []
        for path, message in items:
            editor = self.place(path)
            if editor is None:
                unplaced.append((path, message))
            else:
                by_path.setdefault(editor.path, []).append(message)
        for path in self._with_messages - set(by_path):
            editor = self._index.get(path)
            if editor is not None:
                editor.set_messages([])
        for path, messages in by_path.items():
            self._index[path].set_messages(messages)
        self._with_messages = set(by_path)
        self._update_titles(by_path)
        return unplaced

    def _update_titles(self, by_path: dict[str, list[Message]]) -> None:
        titles = []
        for title, fields in zip(self.section_titles, self._section_fields, strict=True):
            errors = sum(
                1
                for path, messages in by_path.items()
                for severity, _text in messages
                if severity == "error" and _top(path) in fields
            )
            titles.append(f"{title}  ✖ {errors}" if errors else title)
        if tuple(titles) != tuple(self.accordion.titles):
            self.accordion.titles = tuple(titles)

    def open_section_of(self, path: str) -> None:
        """Expand the section holding ``path`` (to show an error the person must fix)."""
        top = _top(path)
        for index, fields in enumerate(self._section_fields):
            if top in fields:
                self.accordion.expand(index)
                return

    def kinds(self) -> dict[str, Kind]:
        return {p: e.meta.kind for p, e in self._index.items() if e.meta is not None}
