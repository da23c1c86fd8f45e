"""Collection editors: lists of models (``list[Model]``) and keyed models (``dict[str, Model]``).

Both are a titled box of rows, each row a :class:`~.model_editor.ModelEditor` with a Remove button, and an Add
button below; adding, removing or re-keying a row moves field paths, which they report as a restructure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as w

from ..errors import Problem
from .editor_base import (
    LABEL_WIDTH,
    Editor,
    Hooks,
    header_html,
    join_path,
    path_class,
    section_layout,
    shared_model,
    title_widget,
)
from .fields import FieldMeta
from .model_editor import ModelEditor
from .visibility import Lookup

__all__ = ["ListEditor", "MapEditor"]


class _RowsEditor(Editor):
    """What lists and maps of models share: the titled box, the Add button, Remove buttons, row visibility."""

    def __init__(self, meta: FieldMeta, path: str, hooks: Hooks) -> None:
        super().__init__(meta, path)
        assert meta.model is not None
        self.meta: FieldMeta = meta
        self.item_model = meta.model
        self._hooks = hooks
        self.rows_box = w.VBox()
        self.add_button = w.Button(description="Add", icon="plus", tooltip=f"Add to {meta.label.lower()}")
        self.add_button.add_class(path_class(path) + "-add")
        self.add_button.on_click(lambda _b: self._add_empty())
        title = title_widget(meta.label, meta.tooltip)
        self.container = w.VBox([title, self.rows_box, self.add_button], layout=section_layout())
        self.set(meta.default)

    def _add_empty(self) -> None:
        """What the Add button does."""
        raise NotImplementedError

    def _row_editor(self, path: str, title: str) -> tuple[ModelEditor, w.Button]:
        """A row's model box, with a Remove button in its header (the caller says what Remove does)."""
        remove = w.Button(description="Remove", icon="trash", layout=shared_model("layout", "auto"))
        row = ModelEditor(self.item_model, None, path, self._hooks, title=title, extra_header=[remove])
        return row, remove

    def _show_rows(self) -> None:
        """Put the rows' boxes on screen after the rows changed, and tell the form that paths moved."""
        self.rows_box.children = tuple(row.container for row in self.children())
        self._hooks.restructured()

    def update_visibility(self, get: Lookup, applies_now: bool, parent_shown: bool) -> None:
        super().update_visibility(get, applies_now, parent_shown)
        for row in self.children():
            row.update_visibility(get, True, self.shown)


class ListEditor(_RowsEditor):
    """``list[Model]``: one titled row per item, each removable, and an Add button."""

    rows: list[ModelEditor]

    def _add_empty(self) -> None:
        self.add(self.first_item())

    def first_item(self) -> dict[str, Any] | None:
        """A new row's starting value: a required ``name`` gets ``<item>-N`` (``dataplane-3``), never empty text.

        The stem is the list's own field name in the singular, so the Add button and ``Configurator.add_row``
        name rows alike.
        """
        field = self.item_model.model_fields.get("name")
        if field is None or not field.is_required():
            return None
        stem = self.path.rsplit(".", 1)[-1].replace("_", "").removesuffix("s")
        taken = {str(row.fields["name"].raw()) for row in self.rows if "name" in row.fields}
        number = len(self.rows) + 1
        while f"{stem}-{number}" in taken:
            number += 1
        return {"name": f"{stem}-{number}"}

    def _row_title(self, index: int) -> str:
        return f"{self.meta.label} #{index + 1}"

    def _make_row(self, index: int) -> ModelEditor:
        row, remove = self._row_editor(f"{self.path}[{index}]", self._row_title(index))
        remove.on_click(lambda _b: self.remove(self.rows.index(row)))
        return row

    def set_path(self, path: str) -> None:
        super().set_path(path)
        for index, row in enumerate(self.rows):
            row.set_path(f"{path}[{index}]")

    def children(self) -> Iterator[Editor]:
        return iter(self.rows)

    def raw(self) -> Any:
        return len(self.rows)

    def get(self, problems: list[Problem]) -> list[Any]:
        return [row.get(problems) for row in self.rows]

    def set(self, value: Any) -> None:
        items = list(value or [])
        self.rows = []
        for index, item in enumerate(items):
            row = self._make_row(index)
            row.set(item)
            self.rows.append(row)
        self._show_rows()

    def add(self, item: Any = None) -> ModelEditor:
        row = self._make_row(len(self.rows))
        if item is not None:
            row.set(item)
        self.rows.append(row)
        self.rows_box.children = (*self.rows_box.children, row.container)
        self._hooks.restructured()
        return row

    def remove(self, index: int) -> None:
        self.rows.pop(index)
        for position, row in enumerate(self.rows):
            row.set_path(f"{self.path}[{position}]")
            row.title.value = header_html(self._row_title(position), "")
        self._show_rows()


class MapEditor(_RowsEditor):
    """``dict[str, Model]``: rows of a key and a model box (per-domain quotas)."""

    rows: list[tuple[w.Text, ModelEditor]]

    def _add_empty(self) -> None:
        self.add("")

    def _make_row(self, key: str) -> tuple[w.Text, ModelEditor]:
        key_input = w.Text(
            value=key, description="Key", style=shared_model("text-style", LABEL_WIDTH), continuous_update=False
        )
        key_input.add_class(path_class(self.path) + "-key")
        row, remove = self._row_editor(join_path(self.path, key), self.meta.label)
        row.container.children = (key_input, *row.container.children)
        row.message_slot += 1

        def renamed(_change: Any) -> None:
            row.set_path(join_path(self.path, key_input.value.strip()))
            self._hooks.restructured()

        key_input.observe(renamed, names="value")
        remove.on_click(lambda _b: self._drop(key_input))
        return key_input, row

    def set_path(self, path: str) -> None:
        super().set_path(path)
        for key_input, row in self.rows:
            row.set_path(join_path(path, key_input.value.strip()))

    def children(self) -> Iterator[Editor]:
        return iter(row for _key, row in self.rows)

    def keys(self) -> list[str]:
        return [key_input.value.strip() for key_input, _row in self.rows]

    def raw(self) -> Any:
        return self.keys()

    def get(self, problems: list[Problem]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_input, row in self.rows:
            key = key_input.value.strip()
            if not key:
                problems.append(Problem(self.path, "an entry has no key", "type the key (e.g. a domain name)"))
                continue
            if key in out:
                problems.append(Problem(self.path, f"key {key!r} is given twice", "remove or rename one"))
                continue
            out[key] = row.get(problems)
        return out

    def set(self, value: Any) -> None:
        self.rows = []
        for key, item in dict(value or {}).items():
            key_input, row = self._make_row(str(key))
            row.set(item)
            self.rows.append((key_input, row))
        self._show_rows()

    def add(self, key: str, item: Any = None) -> ModelEditor:
        key_input, row = self._make_row(key)
        if item is not None:
            row.set(item)
        self.rows.append((key_input, row))
        self.rows_box.children = (*self.rows_box.children, row.container)
        self._hooks.restructured()
        return row

    def remove(self, key: str) -> None:
        for key_input, _row in self.rows:
            if key_input.value.strip() == key:
                self._drop(key_input)
                return
        raise KeyError(key)

    def _drop(self, key_input: w.Text) -> None:
        self.rows = [(k, r) for k, r in self.rows if k is not key_input]
        self._show_rows()
