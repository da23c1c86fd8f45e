"""Editors: one per field, drawn from :mod:`.fields` metadata, each reading and writing plain (JSON-mode) data.

An editor knows its field path (so validation problems and findings can be shown under it), whether its field
applies right now (:mod:`.visibility`), and how to turn widget input into spec data and back. Composite editors
(nested models, lists of models, keyed models) hold child editors, so the whole spec is a tree of them.
"""

from __future__ import annotations

import enum
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import yaml
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle
from pydantic import BaseModel

from ..errors import Problem
from .fields import FieldMeta, Kind, describe_model, schema_path
from .visibility import RULES, Lookup, applies, secret_applies

__all__ = [
    "LABEL_WIDTH",
    "Editor",
    "ScalarEditor",
    "ModelEditor",
    "ListEditor",
    "MapEditor",
    "make_editor",
    "join_path",
    "path_class",
    "Message",
    "Hooks",
]

LABEL_WIDTH = "15em"
NOT_SET = ""
"""The dropdown entry of an optional choice left empty (enum values are never empty text)."""

Message = tuple[str, str]
"""(severity, text): ``error`` for validation problems, else a finding's severity."""


@dataclass(frozen=True)
class Hooks:
    """What editors tell the form: an input changed, or rows were added, removed or re-keyed (paths moved)."""

    changed: Callable[[], None]
    restructured: Callable[[], None]


_COLOURS = {"error": "#b00020", "warning": "#a15c00", "info": "#1d5fa8"}
_ICONS = {"error": "✖", "warning": "⚠", "info": "ℹ"}


def join_path(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def path_class(path: str) -> str:
    """A CSS class naming a field path, so a browser test (or a person's CSS) can find one input."""
    return "fd-path-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def render_messages(messages: list[Message]) -> str:
    lines = [
        f'<div style="color:{_COLOURS.get(sev, "#444")};font-size:90%;line-height:1.3">'
        f"{_ICONS.get(sev, '•')} {html.escape(text)}</div>"
        for sev, text in messages
    ]
    return "".join(lines)


def _show(widget: w.Widget, shown: bool) -> None:
    display = None if shown else "none"
    if widget.layout.display != display:
        widget.layout.display = display


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
        hidden = _shared("display", "none")
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
        _show(self.message, bool(messages))

    @property
    def messages(self) -> list[Message]:
        return list(self._messages)


# ---- scalar fields --------------------------------------------------------------------------------------------


_SHARED: dict[tuple[str, str], Any] = {}


def _shared(kind: str, value: str) -> Any:
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


def _make_input(meta: FieldMeta) -> w.Widget:
    """The widget for one scalar field kind (enum, bool, number, text, list of text, key/value lines, YAML)."""
    common: dict[str, Any] = {
        "description": meta.label,
        "tooltip": meta.tooltip,
        "style": _shared("description-style", LABEL_WIDTH),
    }
    text: dict[str, Any] = {**common, "style": _shared("text-style", LABEL_WIDTH)}
    wide = _shared("layout", "96%")
    kind = meta.kind
    if kind is Kind.ENUM:
        assert meta.enum is not None
        options: list[tuple[str, str]] = [(str(m.value), str(m.value)) for m in meta.enum]
        if meta.optional:
            options.insert(0, ("(empty)", NOT_SET))
        return w.Dropdown(options=options, layout=_shared("layout", "min(96%, 34em)"), **common)
    if kind is Kind.BOOL:
        return w.Checkbox(indent=True, **{**common, "style": _shared("checkbox-style", LABEL_WIDTH)})
    if kind in (Kind.INT, Kind.FLOAT) and not meta.optional:
        bounded = meta.minimum is not None or meta.maximum is not None
        if kind is Kind.INT:
            cls = w.BoundedIntText if bounded else w.IntText
            extra: dict[str, Any] = {}
            if bounded:
                extra = {
                    "min": int(meta.minimum or 0),
                    "max": int(meta.maximum if meta.maximum is not None else 2**31 - 1),
                }
        else:
            cls = w.BoundedFloatText if bounded else w.FloatText
            extra = {}
            if bounded:
                extra = {
                    "min": meta.minimum or 0.0,
                    "max": meta.maximum if meta.maximum is not None else 1e18,
                    "step": 0.05 if (meta.maximum or 0) <= 1 else 1,
                }
        return cls(layout=_shared("layout", "min(96%, 26em)"), **extra, **common)
    if kind is Kind.ENUM_LIST:
        assert meta.enum is not None
        values = [str(m.value) for m in meta.enum]
        return w.SelectMultiple(options=values, rows=min(len(values), 6), layout=wide, **common)
    if kind in (Kind.TEXT_MAP, Kind.YAML):
        hint = "key: value, one per line" if kind is Kind.TEXT_MAP else "YAML mapping"
        return w.Textarea(placeholder=hint, rows=3, continuous_update=False, layout=wide, **text)
    if kind is Kind.TEXT_LIST:
        return w.Text(placeholder="comma-separated", layout=wide, **text)
    placeholder = _empty_hint(meta.description) if meta.optional else ""
    cls = w.Password if meta.secret else w.Text
    return cls(placeholder=placeholder, layout=wide, **text)


def _empty_hint(description: str) -> str:
    """What an empty optional field means, from its description ("... Empty: the metadata bucket. ...")."""
    _, found, rest = description.partition("Empty:")
    meaning = rest.strip().split(". ")[0].rstrip(".") if found else ""
    return f"empty: {meaning}" if meaning else "empty: not set"


def _plain_scalar(value: Any) -> Any:
    """An enum member as its value (``StorageProvider.S3`` -> ``"s3"``), anything else as is."""
    return value.value if isinstance(value, enum.Enum) else value


class ScalarEditor(Editor):
    """A single input widget with its message line."""

    message_margin = f"0 0 4px {LABEL_WIDTH}"

    def __init__(self, meta: FieldMeta, path: str, hooks: Hooks) -> None:
        super().__init__(meta, path)
        self.meta: FieldMeta = meta
        self.widget = _make_input(meta)
        self.widget.add_class("fd-field")
        self.widget.add_class(path_class(path))
        self.container = w.VBox([self.widget], layout=_shared("display", ""))
        self.set(meta.default)
        self.widget.observe(lambda _change: hooks.changed(), names="value")

    def set_path(self, path: str) -> None:
        self.widget.remove_class(path_class(self.path))
        super().set_path(path)
        self.widget.add_class(path_class(path))

    def raw(self) -> Any:
        value = self.widget.value
        if self.meta.kind is Kind.ENUM:
            return value or None
        if self.meta.kind is Kind.ENUM_LIST:
            return list(value)
        return value

    def get(self, problems: list[Problem]) -> Any:
        kind, value = self.meta.kind, self.widget.value
        if kind is Kind.ENUM:
            return value or None
        if kind is Kind.BOOL:
            return bool(value)
        if kind is Kind.ENUM_LIST:
            return list(value)
        if kind is Kind.TEXT_LIST:
            return [part.strip() for part in str(value).split(",") if part.strip()]
        if kind is Kind.TEXT_MAP:
            return self._parse_map(str(value), problems)
        if kind is Kind.YAML:
            return self._parse_yaml(str(value), problems)
        if kind in (Kind.INT, Kind.FLOAT) and not self.meta.optional:
            return value
        text = str(value)
        if self.meta.optional and not text.strip():
            return None
        if kind is Kind.INT:
            return self._parse_number(text, int, problems)
        if kind is Kind.FLOAT:
            return self._parse_number(text, float, problems)
        return text

    def _parse_number(self, text: str, cast: Callable[[str], Any], problems: list[Problem]) -> Any:
        try:
            return cast(text.strip())
        except ValueError:
            problems.append(Problem(self.path, f"{text!r} is not a number", "write a number, or leave it empty"))
            return None

    def _parse_map(self, text: str, problems: list[Problem]) -> dict[str, str]:
        out: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep or not key.strip():
                problems.append(
                    Problem(
                        self.path,
                        f"line {number} {line.strip()!r} is not 'key: value'",
                        "write one key: value per line",
                    )
                )
                continue
            out[key.strip()] = value.strip().strip("\"'")
        return out

    def _parse_yaml(self, text: str, problems: list[Problem]) -> Any:
        try:
            data = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError as error:
            problems.append(Problem(self.path, f"not valid YAML: {error}", "fix the indentation or quoting"))
            return self.meta.default
        if data is None:
            return self.meta.default
        if isinstance(self.meta.default, dict) and not isinstance(data, dict):
            problems.append(Problem(self.path, "expected a mapping", "write key: value lines"))
            return self.meta.default
        return data

    def set(self, value: Any) -> None:
        kind = self.meta.kind
        if kind is Kind.ENUM:
            if value is None:  # a required choice starts at its first option, an optional one empty
                value = NOT_SET if self.meta.optional else self.widget.options[0][1]
            self.widget.value = str(_plain_scalar(value))
        elif kind is Kind.BOOL:
            self.widget.value = bool(value)
        elif kind is Kind.ENUM_LIST:
            self.widget.value = tuple(str(_plain_scalar(v)) for v in (value or ()))
        elif kind is Kind.TEXT_LIST:
            self.widget.value = value if isinstance(value, str) else ", ".join(str(v) for v in value or ())
        elif kind is Kind.TEXT_MAP:
            self.widget.value = (
                value if isinstance(value, str) else "\n".join(f"{k}: {v}" for k, v in (value or {}).items())
            )
        elif kind is Kind.YAML:
            self.widget.value = (
                value if isinstance(value, str) else yaml.safe_dump(value, sort_keys=False) if value else ""
            )
        elif kind in (Kind.INT, Kind.FLOAT) and not self.meta.optional:
            self.widget.value = value if value is not None else (self.meta.default or 0)
        else:
            self.widget.value = "" if value is None else str(value)


# ---- nested models ------------------------------------------------------------------------------------------


def _header(text: str, tooltip: str) -> str:
    return f'<b title="{html.escape(tooltip, quote=True)}">{html.escape(text)}</b>'


def _title(text: str, tooltip: str) -> w.HTML:
    return w.HTML(_header(text, tooltip), layout=_shared("display", ""), style=_shared("html-style", ""))


Arrange = Callable[["ModelEditor"], w.Widget]


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
        self.title = _title(label, tooltip)
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
            style = w.Layout(border_left="3px solid #d0d7de", padding="2px 0 4px 8px", margin="4px 0") if header else None
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
        _show(self.body, self.present)
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


# ---- lists and maps of models ---------------------------------------------------------------------------------


class ListEditor(Editor):
    """``list[Model]``: one titled row per item, each removable, and an Add button."""

    def __init__(self, meta: FieldMeta, path: str, hooks: Hooks) -> None:
        super().__init__(meta, path)
        assert meta.model is not None
        self.meta: FieldMeta = meta
        self.item_model = meta.model
        self._hooks = hooks
        self.rows: list[ModelEditor] = []
        self.rows_box = w.VBox()
        self.add_button = w.Button(description="Add", icon="plus", tooltip=f"Add to {meta.label.lower()}")
        self.add_button.add_class(path_class(path) + "-add")
        self.add_button.on_click(lambda _b: self.add())
        title = _title(meta.label, meta.tooltip)
        self.container = w.VBox(
            [title, self.rows_box, self.add_button],
            layout=w.Layout(border_left="3px solid #d0d7de", padding="2px 0 4px 8px", margin="4px 0"),
        )
        self.set(meta.default)

    def _row_title(self, index: int) -> str:
        return f"{self.meta.label} #{index + 1}"

    def _make_row(self, index: int) -> ModelEditor:
        remove = w.Button(description="Remove", icon="trash", layout=_shared("layout", "auto"))
        row = ModelEditor(
            self.item_model,
            None,
            f"{self.path}[{index}]",
            self._hooks,
            title=self._row_title(index),
            extra_header=[remove],
        )
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
        self.rows_box.children = tuple(row.container for row in self.rows)
        self._hooks.restructured()

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
            row.title.value = _header(self._row_title(position), "")
        self.rows_box.children = tuple(row.container for row in self.rows)
        self._hooks.restructured()

    def update_visibility(self, get: Lookup, applies_now: bool, parent_shown: bool) -> None:
        super().update_visibility(get, applies_now, parent_shown)
        for row in self.rows:
            row.update_visibility(get, True, self.shown)


class MapEditor(Editor):
    """``dict[str, Model]``: rows of a key and a model box (per-domain quotas)."""

    def __init__(self, meta: FieldMeta, path: str, hooks: Hooks) -> None:
        super().__init__(meta, path)
        assert meta.model is not None
        self.meta: FieldMeta = meta
        self.item_model = meta.model
        self._hooks = hooks
        self.rows: list[tuple[w.Text, ModelEditor]] = []
        self.rows_box = w.VBox()
        self.add_button = w.Button(description="Add", icon="plus", tooltip=f"Add to {meta.label.lower()}")
        self.add_button.add_class(path_class(path) + "-add")
        self.add_button.on_click(lambda _b: self.add(""))
        title = _title(meta.label, meta.tooltip)
        self.container = w.VBox(
            [title, self.rows_box, self.add_button],
            layout=w.Layout(border_left="3px solid #d0d7de", padding="2px 0 4px 8px", margin="4px 0"),
        )
        self.set(meta.default)

    def _make_row(self, key: str) -> tuple[w.Text, ModelEditor]:
        key_input = w.Text(
            value=key, description="Key", style=_shared("text-style", LABEL_WIDTH), continuous_update=False
        )
        key_input.add_class(path_class(self.path) + "-key")
        remove = w.Button(description="Remove", icon="trash", layout=_shared("layout", "auto"))
        row = ModelEditor(
            self.item_model, None, join_path(self.path, key), self._hooks, title=self.meta.label, extra_header=[remove]
        )
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
        self.rows_box.children = tuple(row.container for _k, row in self.rows)
        self._hooks.restructured()

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
        self.rows_box.children = tuple(row.container for _k, row in self.rows)
        self._hooks.restructured()

    def update_visibility(self, get: Lookup, applies_now: bool, parent_shown: bool) -> None:
        super().update_visibility(get, applies_now, parent_shown)
        for _key, row in self.rows:
            row.update_visibility(get, True, self.shown)


def make_editor(meta: FieldMeta, path: str, hooks: Hooks) -> Editor:
    """The editor a field's kind calls for."""
    if meta.kind is Kind.MODEL:
        assert meta.model is not None
        return ModelEditor(meta.model, meta, path, hooks)
    if meta.kind is Kind.MODEL_LIST:
        return ListEditor(meta, path, hooks)
    if meta.kind is Kind.MODEL_MAP:
        return MapEditor(meta, path, hooks)
    return ScalarEditor(meta, path, hooks)
