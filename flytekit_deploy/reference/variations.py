"""Varying one spec field: the values to try instead of its current one, and the valid specs that result.

The experiment of :mod:`.effects` (and :func:`single_field_variants`, which the troubleshooting tables use) varies
each leaf field on its own: a boolean flipped, an enum moved to each other member, a string replaced by a probe, an
optional value removed. A field inside an empty list or map is reached by seeding one item first; a field of a
switched-off block is tried again with its ``enabled`` switch on.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any, Union

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from ..charts.common import copy_values
from ..errors import SpecError
from ..spec import DeploymentSpec, SpecModel
from ..spec.validators import check_quantity
from .fields import FieldRow, all_field_rows, model_at

__all__ = [
    "PROBE",
    "PROBE_TOKEN",
    "EXCLUDED_FIELDS",
    "top_field",
    "locate",
    "seeded_copy",
    "variants",
    "switched_on",
    "single_field_variants",
]

PROBE = "<EXAMPLE_VALUE>"
"""The string a varied text field gets. Written as a placeholder, it passes every format rule of the spec
(placeholders always do), so the variation is valid wherever the field is."""
_PROBE_KEY = "example-key"
PROBE_TOKEN = re.compile(r"example[-_](value|key)", re.IGNORECASE)
"""Matches a key the probe created (:data:`PROBE` or the probe key), wherever it ends up in emitted values."""

EXCLUDED_FIELDS: dict[str, str] = {
    "overrides": "verbatim chart values, deep-merged last: it sets exactly the keys you write under it",
}
"""Fields the experiment does not vary, with the reason shown in the tables."""


def top_field(path: str) -> str:
    """The top-level spec field a field path starts with (``clusters.data_planes[].name`` -> ``clusters``)."""
    return path.split(".")[0].split("[")[0]


def _split_optional(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) for ``X | None``; other annotations come back unchanged."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            return args[0], optional
        return Union[tuple(args)], optional  # noqa: UP007 - a runtime Union of the remaining members
    return annotation, False


def _is_quantity(annotation: Any, metadata: Iterable[Any]) -> bool:
    items = list(metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        items += list(typing.get_args(annotation)[1:])
    return any(getattr(item, "func", None) is check_quantity for item in items)


def _base_type(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def _alternatives(info: FieldInfo, current: Any, domains: list[str]) -> list[list[Any]]:
    """Values (in JSON form) to try instead of ``current``, in tiers: a later tier is tried only when the earlier
    ones changed nothing. The spec's own validation later rejects the invalid ones."""
    inner, optional = _split_optional(info.annotation)
    first: list[Any] = []
    if optional and current is not None:
        first.append(None)
    if _is_quantity(inner, info.metadata):
        return [[*first, "7" if current != "7" else "9"]]
    kind = _base_type(inner)
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if kind is bool:
        first += [not current] if current is not None else [True, False]
    elif isinstance(kind, type) and issubclass(kind, Enum):
        first += [member.value for member in kind if member.value != current]
    elif kind is int:
        base = current if isinstance(current, int) else 0
        first += [base + 1, base - 1]
    elif kind is float:
        first.append(0.5 if current != 0.5 else 1.0)
    elif kind is str:
        # formats that do not accept placeholders (durations, URLs) get a value of their own shape
        return [[*first, PROBE], ["17s", "https://example-value.example.com/x"]]
    elif origin is list and args:
        item = _base_type(args[0])
        items = list(current or [])
        if isinstance(item, type) and issubclass(item, Enum):
            for member in item:
                toggled = [v for v in items if v != member.value] if member.value in items else [*items, member.value]
                if toggled:
                    first.append(toggled)
        else:
            first.append([*items, PROBE])
    elif origin is dict and args:
        # a free-form map first (annotations, labels); a map the kit reads by domain only reacts to domain keys
        entries = dict(current or {})
        first.append({**entries, _PROBE_KEY: PROBE})
        if entries:
            first.append({**entries, next(iter(entries)): PROBE})
        return [first, [{**entries, d: PROBE} for d in domains if d not in entries]]
    return [first]


_SEGMENT = re.compile(r"^(?P<name>[^\[]+)(?P<list>\[\])?$")


def locate(data: Any, path: str) -> tuple[Any, str | int] | None:
    """The container holding the leaf at ``path`` (``[]``: the first item, ``<key>``: the first key) and the leaf's
    key in it; None when the data has no such place (an absent optional section, an empty list)."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        if part == "<key>":
            if not isinstance(node, dict) or not node:
                return None
            node = node[next(iter(node))]
            continue
        match = _SEGMENT.match(part)
        if match is None or not isinstance(node, dict) or node.get(match.group("name")) is None:
            return None
        node = node[match.group("name")]
        if match.group("list"):
            if not isinstance(node, list) or not node:
                return None
            node = node[0]
    last = parts[-1]
    if not isinstance(node, dict) or last not in node:
        return None
    return node, last


def _seed_item(model: type[SpecModel]) -> dict[str, Any] | None:
    """An item of ``model``: its required fields set to a probe (enums: their first member), the rest defaults."""
    item: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        kind = _base_type(_split_optional(info.annotation)[0])
        if isinstance(kind, type) and issubclass(kind, Enum):
            item[name] = next(iter(kind)).value
        elif kind is str:
            item[name] = PROBE
        else:
            return None
    try:
        return model.model_validate(item).model_dump(mode="json")
    except ValidationError:
        return None


def seeded_copy(data: dict[str, Any], path: str, domains: list[str]) -> dict[str, Any] | None:
    """``data`` with one item added to each empty list or map on the way to ``path`` (a map keyed by the first
    domain, as the spec keys its per-domain maps), so a field inside an empty collection can vary too. None when
    the way is blocked by something else (an absent optional section)."""
    seeded = copy_values(data)
    parts = path.split(".")
    node: Any = seeded
    walked: list[str] = []
    for part in parts[:-1]:
        if part == "<key>":
            if not isinstance(node, dict):
                return None
            if not node:
                item = _seed_item(model_at(".".join(walked)))
                if item is None:
                    return None
                node[domains[0] if domains else _PROBE_KEY] = item
            node = node[next(iter(node))]
            walked.append(part)
            continue
        match = _SEGMENT.match(part)
        if match is None or not isinstance(node, dict) or node.get(match.group("name")) is None:
            return None
        node = node[match.group("name")]
        walked.append(part)
        if match.group("list"):
            if not isinstance(node, list):
                return None
            if not node:
                item = _seed_item(model_at(".".join(walked)))
                if item is None:
                    return None
                node.append(item)
            node = node[0]
    return seeded if locate(seeded, path) is not None else None


def variants(data: dict[str, Any], row: FieldRow, domains: list[str]) -> list[list[DeploymentSpec]]:
    """Valid specs that differ from ``data`` in the field of ``row`` only, tier by tier."""
    if row.info is None:
        return []
    place = locate(data, row.path)
    if place is None:
        return []
    container, key = place
    current = container[key]
    tiers: list[list[DeploymentSpec]] = []
    for values in _alternatives(row.info, current, domains):
        specs: list[DeploymentSpec] = []
        for value in values:
            varied = copy_values(data)
            varied_place = locate(varied, row.path)
            assert varied_place is not None
            varied_place[0][varied_place[1]] = value
            try:
                specs.append(DeploymentSpec.model_validate(varied))
            except (ValidationError, SpecError, ValueError):
                continue
        tiers.append(specs)
    return tiers


def switched_on(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    """``data`` with the ``enabled`` switch beside the field at ``path`` turned on, when there is one and it is off:
    a field of a disabled block (a ServiceMonitor's interval) only shows its keys once the block is on."""
    parts = path.split(".")
    if parts[-1] == "enabled":
        return None
    switched: dict[str, Any] = copy_values(data)
    place = locate(switched, ".".join([*parts[:-1], "enabled"]))
    if place is None or place[0][place[1]] is not False:
        return None
    place[0][place[1]] = True
    return switched


def single_field_variants(spec: DeploymentSpec) -> Iterator[tuple[str, Any, DeploymentSpec]]:
    """Every valid spec that differs from ``spec`` in one leaf field: (field path, new value, spec). Used to find
    what each change does, e.g. which checks it trips. Fields in :data:`EXCLUDED_FIELDS` are left alone."""
    data = spec.model_dump(mode="json")
    domains = list(spec.projects.domains)
    for row in all_field_rows():
        if top_field(row.path) in EXCLUDED_FIELDS:
            continue
        for tier in variants(data, row, domains):
            for variant in tier:
                place = locate(variant.model_dump(mode="json"), row.path)
                yield row.path, (place[0][place[1]] if place else None), variant
