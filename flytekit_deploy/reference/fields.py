"""Field tables of the DeploymentSpec, read from the pydantic model itself (names, types, defaults, descriptions).

The spec is the one source of truth, so the wiki's parameter tables are generated from its metadata: a field added
to the model appears in the configuration chapter without anyone editing prose.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..spec import DeploymentSpec, SecretRef, SpecModel
from ..spec.validators import check_dns_label, check_quantity
from .markdown import Markdown, inline_code, md_table

__all__ = [
    "GENERAL_SECTION",
    "FieldRow",
    "spec_sections",
    "section_title",
    "field_rows",
    "all_field_rows",
    "field_table",
    "leaf_paths",
    "model_at",
]

GENERAL_SECTION = "deployment"
"""The name under which the top-level scalar fields (name, model, chart...) are grouped."""


@dataclass(frozen=True)
class FieldRow:
    """One leaf field of the spec: its dotted path (``[]`` marks a list item, ``<key>`` a map key)."""

    section: str
    path: str
    type: str
    default: str
    description: str
    secret: bool = False
    info: FieldInfo | None = field(default=None, repr=False, compare=False)
    """The pydantic field behind the row (its annotation and validators), for code that varies the field."""


def _model_of(annotation: Any) -> type[SpecModel] | None:
    """The SpecModel class an annotation holds directly or as ``X | None``; None for anything else."""
    if isinstance(annotation, type) and issubclass(annotation, SpecModel):
        return annotation
    if typing.get_origin(annotation) in (Union, types.UnionType):
        models = [a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, SpecModel)]
        others = [a for a in typing.get_args(annotation) if a is not type(None) and a not in models]
        if len(models) == 1 and not others:
            return models[0]
    return None


def _container_model(annotation: Any) -> tuple[str, type[SpecModel]] | None:
    """``("[]", Model)`` for ``list[Model]``, ``(".<key>", Model)`` for ``dict[str, Model]``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args and _model_of(args[0]):
        model = _model_of(args[0])
        assert model is not None
        return "[]", model
    if origin is dict and len(args) == 2 and _model_of(args[1]):
        model = _model_of(args[1])
        assert model is not None
        return ".<key>", model
    return None


def _type_name(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A reader's name for a type: enums list their values, Annotated validators name the format."""
    for item in metadata or []:
        func = getattr(item, "func", None)
        if func is check_quantity:
            return "quantity"
        if func is check_dns_label:
            return "DNS label"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0], list(args[1:]))
    if origin in (Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        name = " or ".join(parts)
        return f"{name} (optional)" if type(None) in args else name
    if origin is list:
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"map {_type_name(args[0])} → {_type_name(args[1])}" if args else "map"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(str(member.value) for member in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    if annotation is Any:
        return "any"
    return getattr(annotation, "__name__", str(annotation))


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


_NO_PARENT = object()


def _default_text(info: FieldInfo, inherited: Any = _NO_PARENT) -> str:
    """The default as a reader would write it in YAML; required fields say so. ``inherited`` is the value the
    parent's own default carries (``auth.client_secret`` defaults to a whole SecretRef whose name is set)."""
    if inherited is not _NO_PARENT:
        value = _plain(inherited)
    elif info.default is PydanticUndefined and info.default_factory is None:
        return "required"
    else:
        value = _plain(info.get_default(call_default_factory=True))
    if value is None:
        return "empty"
    if value == [] or value == {}:
        return "empty"
    if isinstance(value, bool):
        return inline_code(str(value).lower())
    if isinstance(value, (list, dict)):
        import json

        return inline_code(json.dumps(value))
    return inline_code(value)


def _field_default(info: FieldInfo) -> Any:
    """The field's default value, or None for a required field."""
    if info.default is PydanticUndefined and info.default_factory is None:
        return None
    return info.get_default(call_default_factory=True)


def _description(info: FieldInfo, model: type[SpecModel] | None = None) -> str:
    text = info.description or info.title or ""
    if not text and model is not None and model.__doc__:
        text = " ".join(model.__doc__.split())
    return text


def _is_secret(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("secret"))


def _walk(
    model: type[SpecModel], prefix: str, section: str, context: str = "", parent_default: BaseModel | None = None
) -> list[FieldRow]:
    """Leaf rows below ``model``; ``context`` (the parent's description) prefixes rows of a SecretRef, whose own
    descriptions ("Name of the Kubernetes Secret") would not say which secret it is."""
    rows: list[FieldRow] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        nested = _model_of(info.annotation)
        inherited = getattr(parent_default, name) if parent_default is not None else _NO_PARENT
        if nested is not None:
            own = inherited if inherited is not _NO_PARENT else _field_default(info)
            rows += _walk(
                nested,
                path,
                section,
                _description(info) if nested is SecretRef else "",
                own if isinstance(own, BaseModel) else None,
            )
            continue
        container = _container_model(info.annotation)
        if container is not None:
            suffix, item_model = container
            rows += _walk(item_model, path + suffix, section)
            continue
        rows.append(
            FieldRow(
                section=section,
                path=path,
                type=_type_name(info.annotation, list(info.metadata)),
                default=_default_text(info, inherited),
                description=f"{context} {_description(info)}".strip() if context else _description(info),
                secret=_is_secret(info),
                info=info,
            )
        )
    return rows


def spec_sections() -> list[str]:
    """The sections of a spec file, in model order: ``deployment`` (the top-level scalars) first, then every
    top-level field that is a model or a list of models (storage, database, ..., aws, gcp, azure...)."""
    sections = [GENERAL_SECTION]
    for name, info in DeploymentSpec.model_fields.items():
        if _model_of(info.annotation) is not None or _container_model(info.annotation) is not None:
            sections.append(name)
    return sections


def section_title(section: str) -> str:
    """A heading for a section: the field's title or description (``storage`` -> ``Storage``)."""
    if section == GENERAL_SECTION:
        return "Deployment (top-level fields)"
    info = DeploymentSpec.model_fields[section]
    if info.title:
        return info.title
    model = _model_of(info.annotation)
    doc = (model.__doc__ or "").strip().split("\n")[0] if model else ""
    return f"{section}: {doc}" if doc else section


def field_rows(section: str) -> list[FieldRow]:
    """Every leaf field of one section, in model order. Unknown section names are a ValueError naming the choices."""
    if section == GENERAL_SECTION:
        rows = []
        for name, info in DeploymentSpec.model_fields.items():
            if name in spec_sections():
                continue
            rows.append(
                FieldRow(
                    section=GENERAL_SECTION,
                    path=name,
                    type=_type_name(info.annotation, list(info.metadata)),
                    default=_default_text(info),
                    description=_description(info),
                    info=info,
                )
            )
        return rows
    if section not in DeploymentSpec.model_fields or section not in spec_sections():
        raise ValueError(f"unknown spec section {section!r}; choose one of: {', '.join(spec_sections())}")
    info = DeploymentSpec.model_fields[section]
    model = _model_of(info.annotation)
    if model is not None:
        return _walk(model, section, section)
    container = _container_model(info.annotation)
    assert container is not None
    suffix, item_model = container
    return _walk(item_model, section + suffix, section)


def all_field_rows() -> list[FieldRow]:
    """Every leaf field of the spec, section by section."""
    return [row for section in spec_sections() for row in field_rows(section)]


def leaf_paths() -> list[str]:
    """The dotted path of every leaf field (``clusters.data_planes[].name`` style)."""
    return [row.path for row in all_field_rows()]


def field_table(section: str) -> Markdown:
    """The parameter table of one section: field, type, default, meaning."""
    rows = [
        (
            inline_code(row.path),
            row.type,
            row.default,
            row.description + (" *(sandbox only; never written outside it)*" if row.secret else ""),
        )
        for row in field_rows(section)
    ]
    return md_table(["field", "type", "default", "meaning"], rows)


def model_at(path: str) -> type[SpecModel]:
    """The model class a dotted path (``clusters.data_planes[]``, ``projects.quotas.<key>``) leads to: used to build
    an item for an empty list or map when a field inside it is to be varied."""
    model: type[SpecModel] = DeploymentSpec
    parts = path.split(".") if path else []
    index = 0
    while index < len(parts):
        part = parts[index]
        name = part[:-2] if part.endswith("[]") else part
        info = model.model_fields.get(name)
        if info is None:
            raise ValueError(f"{path!r} does not lead to a model (no field {name!r} in {model.__name__})")
        nested = _model_of(info.annotation)
        container = _container_model(info.annotation)
        if nested is not None:
            model = nested
        elif container is not None:
            suffix, model = container
            if suffix == ".<key>":
                index += 1  # skip the "<key>" segment
        else:
            raise ValueError(f"{path!r} does not lead to a model ({name!r} is a plain field)")
        index += 1
    return model
