"""Scalar editors: one input widget per field (choice, switch, number, text, list of text, key/value lines, YAML).

:class:`ScalarEditor` picks the widget from the field's :class:`~.fields.Kind`, parses what was typed into plain
data (reporting unreadable input as problems under the field) and writes plain data back into the widget. Secret
fields (inline Secret values) are password inputs here; when they apply is :mod:`.visibility`'s business.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import yaml

from ..errors import Problem
from .editor_base import LABEL_WIDTH, Editor, Hooks, path_class, shared_model
from .fields import FieldMeta, Kind, field_help

__all__ = ["NOT_SET", "ScalarEditor"]

NOT_SET = ""
"""The dropdown entry of an optional choice left empty (enum values are never empty text)."""


def _make_input(meta: FieldMeta) -> w.Widget:
    """The widget for one scalar field kind (enum, bool, number, text, list of text, key/value lines, YAML)."""
    common: dict[str, Any] = {
        "description": meta.label,
        "tooltip": meta.tooltip,
        "style": shared_model("description-style", LABEL_WIDTH),
    }
    text: dict[str, Any] = {**common, "style": shared_model("text-style", LABEL_WIDTH)}
    wide = shared_model("layout", "96%")
    kind = meta.kind
    if kind is Kind.ENUM:
        assert meta.enum is not None
        options: list[tuple[str, str]] = [(str(m.value), str(m.value)) for m in meta.enum]
        if meta.optional:
            options.insert(0, ("(empty)", NOT_SET))
        return w.Dropdown(options=options, layout=shared_model("layout", "min(96%, 34em)"), **common)
    if kind is Kind.BOOL:
        return w.Checkbox(indent=True, **{**common, "style": shared_model("checkbox-style", LABEL_WIDTH)})
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
        return cls(layout=shared_model("layout", "min(96%, 26em)"), **extra, **common)
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
        self.help = w.HTML(field_help(meta, path), layout=shared_model("display", ""), style=shared_model("html-style", ""))
        self.help.add_class("fd-help")
        self.container = w.VBox([self.widget, self.help], layout=shared_model("display", ""))
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
