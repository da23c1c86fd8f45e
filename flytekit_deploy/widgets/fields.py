"""What kind of input each spec field needs, read from the pydantic model itself.

The form is generated from this description, so a field added to a spec model shows up in the configurator with
its title, description, bounds and default without any widget code being written for it.
"""

from __future__ import annotations

import enum
import functools
import html
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

__all__ = ["Kind", "FieldMeta", "describe_model", "field_help", "schema_path", "humanize", "WIKI_CHAPTERS"]


class Kind(str, enum.Enum):
    """The shape of a field's value, which decides the widget."""

    ENUM = "enum"
    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    TEXT = "text"
    TEXT_LIST = "text-list"
    ENUM_LIST = "enum-list"
    TEXT_MAP = "text-map"
    MODEL = "model"
    MODEL_LIST = "model-list"
    MODEL_MAP = "model-map"
    YAML = "yaml"
    """Anything else (free-form mappings such as ``overrides``): edited as YAML text."""


@dataclass(frozen=True)
class FieldMeta:
    """One field of a spec model, as the form needs it."""

    name: str
    kind: Kind
    label: str
    description: str
    optional: bool
    """``None`` is a valid value (an empty input means None)."""
    required: bool
    """No default: a new row starts empty and the person must fill it in."""
    default: Any
    """The default as plain (JSON-mode) data; None when required."""
    model: type[BaseModel] | None = None
    enum: type[enum.Enum] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    secret: bool = False
    """Marked ``json_schema_extra={"secret": True}``: a Password input."""
    examples: tuple[Any, ...] = ()
    """``Field(examples=[...])`` of the model, shown in the help line."""

    @property
    def tooltip(self) -> str:
        return self.description or self.label


def humanize(name: str) -> str:
    """``metadata_bucket`` -> ``Metadata bucket``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


_INDEX = re.compile(r"\[\d+\]")


def schema_path(path: str) -> str:
    """A field path with list indices blanked, so one rule covers every row: ``a.b[3].c`` -> ``a.b[].c``."""
    return _INDEX.sub("[]", path)


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _split_optional(annotation: Any) -> tuple[Any, bool]:
    """``X | None`` -> (X, True); anything else -> (annotation, False)."""
    annotation = _strip_annotated(annotation)
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(annotation)):
            return _strip_annotated(args[0]), True
    return annotation, False


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _classify(annotation: Any) -> tuple[Kind, bool, type[BaseModel] | None, type[enum.Enum] | None]:
    """(kind, optional, model class, enum class) of an annotation."""
    tp, optional = _split_optional(annotation)
    origin = typing.get_origin(tp)
    if _is_enum(tp):
        return Kind.ENUM, optional, None, tp
    if tp is bool:
        return Kind.BOOL, optional, None, None
    if tp is int:
        return Kind.INT, optional, None, None
    if tp is float:
        return Kind.FLOAT, optional, None, None
    if tp is str:
        return Kind.TEXT, optional, None, None
    if _is_model(tp):
        return Kind.MODEL, optional, tp, None
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        item = _strip_annotated(item)
        if _is_model(item):
            return Kind.MODEL_LIST, optional, item, None
        if _is_enum(item):
            return Kind.ENUM_LIST, optional, None, item
        if item is str:
            return Kind.TEXT_LIST, optional, None, None
    if origin is dict:
        key, value = (_strip_annotated(a) for a in (typing.get_args(tp) or (Any, Any)))
        if key is str and value is str:
            return Kind.TEXT_MAP, optional, None, None
        if key is str and _is_model(value):
            return Kind.MODEL_MAP, optional, value, None
    return Kind.YAML, optional, None, None


def _bounds(info: FieldInfo) -> tuple[float | None, float | None, bool]:
    low: float | None = None
    high: float | None = None
    exclusive = False
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Gt):
            low, exclusive = float(item.gt), True  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Le):
            high = float(item.le)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Lt):
            high = float(item.lt)  # type: ignore[arg-type]
    return low, high, exclusive


def _plain(value: Any) -> Any:
    """A default as JSON-mode data, the same shape the form reads and writes."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _default(info: FieldInfo) -> tuple[Any, bool]:
    if info.default is PydanticUndefined and info.default_factory is None:
        return None, True
    return _plain(info.get_default(call_default_factory=True)), False


def _doc(model: type[BaseModel] | None) -> str:
    """A nested model's docstring, in one line, as the tooltip of a field that has no description."""
    return " ".join((model.__doc__ or "").split()) if model is not None else ""


@functools.cache
def describe_model(model: type[BaseModel]) -> tuple[FieldMeta, ...]:
    """Every field of ``model`` in declaration order, with what the form needs to draw it."""
    out = []
    for name, info in model.model_fields.items():
        kind, optional, sub_model, enum_cls = _classify(info.annotation)
        low, high, exclusive = _bounds(info)
        default, required = _default(info)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        out.append(
            FieldMeta(
                name=name,
                kind=kind,
                label=info.title or humanize(name),
                description=info.description or _doc(sub_model),
                optional=optional,
                required=required,
                default=default,
                model=sub_model,
                enum=enum_cls,
                minimum=low,
                maximum=high,
                exclusive_minimum=exclusive,
                secret=bool(extra.get("secret")),
                examples=tuple(info.examples or ()),
            )
        )
    return tuple(out)


WIKI_CHAPTERS: dict[str, str] = {
    "name": "02-deployment-options",
    "namespace": "03-helm-deployment",
    "model": "02-deployment-options",
    "environment": "02-deployment-options",
    "profile": "02-deployment-options",
    "chart": "03-helm-deployment",
    "chart_version": "03-helm-deployment",
    "storage": "08-configuration",
    "database": "08-configuration",
    "identity": "09-security",
    "auth": "09-security",
    "ingress": "08-configuration",
    "components": "08-configuration",
    "observability": "10-monitoring",
    "clusters": "12-multi-cluster",
    "connectors": "13-external-dependencies",
    "projects": "08-configuration",
    "overrides": "03-helm-deployment",
}
"""Top-level spec field -> the wiki chapter that explains it (a notebook beside the configurator, so the link opens
the chapter in JupyterLab; the published site rewrites ``.ipynb`` links to its pages). An environment's settings
section links to its cloud's own chapter (:func:`_chapter_of`)."""


def _chapter_of(top: str) -> str | None:
    """The chapter for a top-level field: the table above, or for an environment's settings section the chapter its
    cloud module names, as the notebook beside the configurator (``05-aws.ipynb``)."""
    from ..clouds.registry import CLOUDS

    for cloud in CLOUDS.values():
        if cloud.environment.section != top:
            continue
        found = sorted(Path.cwd().glob(f"[0-9]*-{cloud.chapter}.ipynb")) if cloud.chapter else []
        return found[0].stem if found else "02-deployment-options"
    return WIKI_CHAPTERS.get(top)


def _shown(value: Any) -> str:
    return value.value if isinstance(value, enum.Enum) else str(value)


def field_help(meta: FieldMeta, path: str) -> str:
    """The help line under a field, as HTML: what it is, the allowed values or range, an example, the wiki chapter.

    Generated from the model's own metadata, so it can never disagree with what validation accepts.

    >>> from pydantic import BaseModel, Field
    >>> class M(BaseModel):
    ...     replicas: int = Field(default=1, ge=1, le=5, description="Pods to run.")
    >>> print(field_help(describe_model(M)[0], "components.replicas"))
    Pods to run. From 1 to 5. Default: 1. <a href="08-configuration.ipynb" target="_blank">Wiki: 08-configuration</a>
    """
    parts = [html.escape(meta.description)] if meta.description else []
    if meta.enum is not None:
        parts.append("One of: " + ", ".join(f"<code>{html.escape(_shown(m))}</code>" for m in meta.enum) + ".")
    if meta.minimum is not None or meta.maximum is not None:
        low = "" if meta.minimum is None else f"{meta.minimum:g}"
        high = "" if meta.maximum is None else f"{meta.maximum:g}"
        text = f"From {low} to {high}." if low and high else (f"At least {low}." if low else f"At most {high}.")
        parts.append(text.replace("At least", "More than") if meta.exclusive_minimum and not high else text)
    if meta.examples:
        parts.append("Example: " + ", ".join(f"<code>{html.escape(_shown(e))}</code>" for e in meta.examples) + ".")
    elif meta.default not in (None, "", [], {}) and not meta.secret and meta.kind not in (Kind.YAML, Kind.MODEL):
        parts.append(f"Default: {html.escape(_shown(meta.default))}.")
    chapter = _chapter_of(path.split(".")[0].split("[")[0])
    if chapter:
        parts.append(f'<a href="{chapter}.ipynb" target="_blank">Wiki: {chapter}</a>')
    return " ".join(parts)
