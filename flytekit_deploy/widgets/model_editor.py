"""Nested-model editors: a titled box of child editors, one per field, and :func:`make_editor`, which picks the
editor a field's kind calls for.

A :class:`ModelEditor` is a section of the spec (or, with ``header=False``, the whole spec as :mod:`.form`
arranges it); optional sections get a switch unless a visibility rule decides whether they exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as w
from pydantic import BaseModel

from ..errors import Problem
from .editor_base import Editor, Hooks, join_path, section_layout, set_shown, title_widget
from .fields import FieldMeta, Kind, describe_model, schema_path
from .scalar_editors import ScalarEditor
from .visibility import RULES, Lookup, applies, secret_applies

__all__ = ["Arrange", "ModelEditor", "make_editor"]

Arrange = Callable[["ModelEditor"], w.Widget]
"""Lays out a model editor's header and body itself (the form's accordion of sections)."""


class ModelEditor(Editor):
    """A nested spec model: a titled box of child editors. Optional models get a switch unless a visibility rule
    decides whether they exist (environment sections, access keys)."""

    def __init__(
        self,
        model: type[BaseModel],
        meta: FieldMeta | None,
        path: str,
        hooks: Hooks,
        *,
        header: bool = True,
        title: str | None = None,
        arrange: Arrange | None = None,
        extra_header: list[w.Widget] | None = None,
    ) -> None:
        super().__init__(meta, path)
        self.model = model
        self.fields: dict[str, Editor] = {
            m.name: make_editor(m, join_path(path, m.name), hooks) for m in describe_model(model)
        }
        switch = self.fields.get("enabled")
        self._enabled = switch if isinstance(switch, ScalarEditor) and switch.meta.kind is Kind.BOOL else None
        self.toggle: w.Checkbox | None = None
        if meta is not None and meta.optional and schema_path(path) not in RULES:
            self.toggle = w.Checkbox(description=f"Set {meta.label.lower()}", tooltip=meta.tooltip, indent=False)
            self.toggle.observe(lambda _change: hooks.changed(), names="value")
        label = title or (meta.label if meta else model.__name__)
        tooltip = (meta.tooltip if meta else "") or " ".join((model.__doc__ or "").split())
        self.title = title_widget(label, tooltip)
        self.body = w.VBox([editor.container for editor in self.fields.values()])
        head: list[w.Widget] = []
        if header:
            head.append(w.HBox([self.title, *(extra_header or [])]) if extra_header else self.title)
        if self.toggle is not None:
            head.append(self.toggle)
        self.message_slot = len(head)
        if arrange is not None:
            self.container = arrange(self)
        else:
            style = section_layout() if header else None
            self.container = w.VBox([*head, self.body], layout=style or w.Layout())
        if meta is not None:
            self.set(meta.default)  # the parent's default for this section (the sandbox's storage, say)

    def set_path(self, path: str) -> None:
        super().set_path(path)
        for name, editor in self.fields.items():
            editor.set_path(join_path(path, name))

    def children(self) -> Iterator[Editor]:
        return iter(self.fields.values())

    @property
    def present(self) -> bool:
        return self.toggle is None or bool(self.toggle.value)

    def get(self, problems: list[Problem]) -> dict[str, Any] | None:
        if not self.present:
            return None
        return {name: editor.get(problems) for name, editor in self.fields.items() if editor.applies}

    def set(self, value: Any) -> None:
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json")
        if self.toggle is not None:
            self.toggle.value = value is not None
        data = value or {}
        for name, editor in self.fields.items():
            assert editor.meta is not None
            editor.set(data.get(name, editor.meta.default))

    def update_visibility(self, get: Lookup, applies_now: bool, parent_shown: bool) -> None:
        super().update_visibility(get, applies_now, parent_shown)
        set_shown(self.body, self.present)
        inner_shown = self.shown and self.present
        enabled = self._enabled is None or bool(self._enabled.widget.value)
        for editor in self.fields.values():
            assert editor.meta is not None
            ok = applies(schema_path(editor.path), get)
            if editor.meta.secret:
                ok = ok and secret_applies(get)
            if editor is not self._enabled and not enabled:
                ok = False
            editor.update_visibility(get, ok, inner_shown)


def make_editor(meta: FieldMeta, path: str, hooks: Hooks) -> Editor:
    """The editor a field's kind calls for."""
    # lists and maps of models hold ModelEditors as rows: imported here, not at the top, to break the cycle
    from .collection_editors import ListEditor, MapEditor

    if meta.kind is Kind.MODEL:
        assert meta.model is not None
        return ModelEditor(meta.model, meta, path, hooks)
    if meta.kind is Kind.MODEL_LIST:
        return ListEditor(meta, path, hooks)
    if meta.kind is Kind.MODEL_MAP:
        return MapEditor(meta, path, hooks)
    return ScalarEditor(meta, path, hooks)
