"""Flyte's own config files as the pods will read them, taken out of a plan's rendered ConfigMaps.

A rehearsal must use what the cluster receives, not what the kit meant to send, so every value here comes from a
rendered object. Flyte merges the files of a config folder in name order, later files winning key by key; that is
what :func:`component_configs` does. Placeholders (``<FLYTE_HOST>``) are what only the operator knows; a rehearsal
fills them with valid stand-ins (:func:`fill_placeholders`) and says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender

__all__ = ["ComponentConfig", "component_configs", "fill_placeholders", "merge", "placeholder_value", "find"]

PLACEHOLDER = re.compile(r"<([A-Z0-9_]+)>")

# ConfigMap name suffix -> the Flyte components that read it. flyte-binary and flyte-sandbox run every component
# in one process from one ConfigMap; flyte-core gives each its own.
_SINGLE_BINARY = ("-flyte-binary-config", "flyte-sandbox-config")
_CORE = {
    "flyte-propeller-config": ("propeller",),
    "flyte-admin-base-config": ("admin",),
    "datacatalog-config": ("datacatalog",),
}


@dataclass(frozen=True)
class ComponentConfig:
    """One component's merged config in one release: ``propeller``, ``admin`` or ``datacatalog``."""

    filename: str
    component: str
    config: dict[str, Any]
    configmap: str


def merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``extra`` into ``base`` the way Flyte layers its config files (maps merge, the rest replaces)."""
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def _components(name: str) -> tuple[str, ...]:
    if name.endswith(_SINGLE_BINARY):
        return ("propeller", "admin", "datacatalog")
    return _CORE.get(name, ())


def component_configs(render: PlanRender) -> list[ComponentConfig]:
    """Every Flyte component's config in the render, one entry per (release, component)."""
    out: list[ComponentConfig] = []
    for filename, cm in render.of_kind("ConfigMap"):
        name = str(cm.get("metadata", {}).get("name", ""))
        components = _components(name)
        if not components:
            continue
        merged: dict[str, Any] = {}
        for key in sorted(cm.get("data") or {}):
            try:
                doc = yaml.safe_load(cm["data"][key])
            except yaml.YAMLError:
                continue
            if isinstance(doc, Mapping):
                merge(merged, doc)
        out.extend(ComponentConfig(filename, c, merged, name) for c in components)
    return out


def find(config: Mapping[str, Any], dotted: str) -> Any:
    """``config['a']['b']`` for ``'a.b'``, or None."""
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def placeholder_value(name: str) -> str:
    """A stand-in valid as a bucket, container, account or host label: ``RAW_DATA_BUCKET_NAME`` -> ``rawdatabucketname``.

    >>> placeholder_value("AZURE_STORAGE_ACCOUNT")
    'azurestorageaccount'
    """
    return re.sub(r"[^a-z0-9]", "", name.lower())[:24] or "x"


def fill_placeholders(value: Any) -> Any:
    """``value`` with every ``<PLACEHOLDER>`` in its strings replaced by :func:`placeholder_value`."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: placeholder_value(m.group(1)), value)
    if isinstance(value, Mapping):
        return {k: fill_placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(v) for v in value]
    return value
