"""The reading half the per-chart tables share: take values out of a values file into spec data, and remember
which key paths were taken (everything else stays verbatim as overrides)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..charts.common import IDENTITY_ANNOTATION
from ..charts.tree import Path, get, split
from ..spec import DEFAULT_IDENTITY, is_placeholder

__all__ = ["Reader", "identity_kind", "IDENTITY_ANNOTATIONS", "sslmode_of", "scalar", "placeholder_or"]

IDENTITY_ANNOTATIONS: dict[str, tuple[str, str]] = {
    IDENTITY_ANNOTATION[mode]: (env.value, mode.value)
    for env, mode in DEFAULT_IDENTITY.items()
    if mode in IDENTITY_ANNOTATION
}
"""ServiceAccount annotation -> (environment, identity mode) it reveals."""

_SSLMODE = re.compile(r"(?:^|\s)sslmode=(\S+)")


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

    def is_taken(self, path: Path) -> bool:
        return any(path[: len(prefix)] == prefix for prefix in self.taken)


def identity_kind(annotations: Any) -> tuple[str, str, str] | None:
    """(environment, identity mode, identifier) from a ServiceAccount's annotations, if one binds a cloud identity."""
    if not isinstance(annotations, Mapping):
        return None
    for key, (env, mode) in IDENTITY_ANNOTATIONS.items():
        if annotations.get(key):
            return env, mode, str(annotations[key])
    return None


def sslmode_of(options: Any) -> str | None:
    """``sslmode=require`` (libpq options string) -> ``require``."""
    if not isinstance(options, str):
        return None
    match = _SSLMODE.search(options)
    return match.group(1) if match else None


def scalar(value: Any) -> str | None:
    """A quantity or name as the spec stores it: a string, or None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def placeholder_or(value: Any, fallback: str) -> str:
    """Values files spell placeholders freely (``<AWS-REGION-CODE>``); keep them when they are spec placeholders."""
    text = scalar(value)
    if text is None:
        return fallback
    return text if not text.startswith("<") or is_placeholder(text) else fallback
