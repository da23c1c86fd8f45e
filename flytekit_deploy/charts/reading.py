"""The reading half the per-chart tables share: take values out of a values file into spec data, and remember
which key paths were taken (everything else stays verbatim as overrides). It sits in charts/, below the importer,
so the chart readers (``charts/<chart>/read.py``) and the importer share it without importing each other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..clouds import CLOUDS
from ..spec import Environment
from ..values_read import placeholder_or, scalar, sslmode_of
from .tree import Path, get, split

__all__ = ["Reader", "identity_kind", "IDENTITY_ANNOTATIONS", "sslmode_of", "scalar", "placeholder_or"]

IDENTITY_ANNOTATIONS: dict[str, tuple[str, str]] = {
    cloud.identity.annotation: (env.value, cloud.identity.mode.value)
    for env, cloud in CLOUDS.items()
    if cloud.identity is not None
}
"""ServiceAccount annotation -> (environment, identity mode) it reveals."""


@dataclass
class Reader:
    """Values being read into spec data. ``take`` marks a key path as mapped; ``spec`` collects the spec data."""

    values: Mapping[str, Any]
    spec: dict[str, Any] = field(default_factory=dict)
    taken: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def peek(self, path: str, default: Any = None) -> Any:
        return get(self.values, path, default)

    def take(self, path: str, default: Any = None) -> Any:
        """The value at ``path`` (None-safe), marking it and everything under it as mapped."""
        parts = split(path)
        marker = object()
        value = get(self.values, parts, marker)
        if value is marker:
            return default
        self.taken.append(parts)
        return value

    def put(self, spec_path: str, value: Any) -> None:
        """Set ``a.b.c`` in the spec data (skipping None, so chart defaults stay the spec's defaults)."""
        if value is None:
            return
        node = self.spec
        keys = spec_path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value

    def got(self, spec_path: str, default: Any = None) -> Any:
        node: Any = self.spec
        for key in spec_path.split("."):
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    def put_setting(self, spec_path: str, value: Any) -> None:
        """``put`` into an environment's settings section (``aws.region``) only when the file is of that
        environment: a region read from an S3 block says nothing about a GCP project."""
        environment = self.got("environment")
        if environment is not None and Environment(environment).section == spec_path.split(".", 1)[0]:
            self.put(spec_path, value)

    def is_taken(self, path: Path) -> bool:
        return any(path[: len(prefix)] == prefix for prefix in self.taken)


def identity_kind(annotations: Any) -> tuple[str, str, str] | None:
    """(environment, identity mode, identifier) from a ServiceAccount's annotations, if one binds a cloud identity."""
    if not isinstance(annotations, Mapping):
        return None
    for environment, cloud in CLOUDS.items():
        identity = cloud.identity
        if identity is not None and annotations.get(identity.annotation):
            return environment.value, identity.mode.value, str(annotations[identity.annotation])
    return None
