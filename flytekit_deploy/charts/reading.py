"""The reading half the per-chart tables share: take values out of a values file into spec data, and remember
which key paths were taken (everything else stays verbatim as overrides). It sits in charts/, below the importer,
so the chart readers (``charts/<chart>/read.py``) and the importer share it without importing each other."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..clouds import CLOUDS, Cloud, StoreFacts, cloud_for, recognise
from ..spec import Environment
from ..values_read import placeholder_or, scalar, sslmode_of
from .tree import Path, get, split

__all__ = [
    "Reader",
    "identity_kind",
    "IDENTITY_ANNOTATIONS",
    "sslmode_of",
    "scalar",
    "placeholder_or",
    "weigh_environment",
    "STORE_WEIGHT",
]

STORE_WEIGHT = 2
"""Where the data lives outweighs one identity annotation: a leftover annotation of another cloud (an AKS file
copied from an EKS one) must not move the whole import to that cloud."""

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


def identity_kind(annotations: Any, environment: str | None = None) -> tuple[str, str, str] | None:
    """(environment, identity mode, identifier) from a ServiceAccount's annotations, if one binds a cloud identity
    (of ``environment`` only, when given)."""
    if not isinstance(annotations, Mapping):
        return None
    for env, cloud in CLOUDS.items():
        identity = cloud.identity
        if environment is not None and env.value != environment:
            continue
        if identity is not None and annotations.get(identity.annotation):
            return env.value, identity.mode.value, str(annotations[identity.annotation])
    return None


def weigh_environment(r: Reader, annotation_paths: Sequence[str], facts: StoreFacts) -> Cloud:
    """The cloud a values file is for, from every piece of evidence: each cloud identity annotation on the given
    ServiceAccounts (1 per cloud seen) and the object store (:data:`STORE_WEIGHT`). Evidence that disagrees is
    reported in the reader's notes, naming each piece, so a leftover annotation is found and removed."""
    votes: dict[Environment, list[str]] = {}
    weights: dict[Environment, int] = {}
    for path in annotation_paths:
        annotations = r.peek(path)
        if not isinstance(annotations, Mapping):
            continue
        for env, cloud in CLOUDS.items():
            identity = cloud.identity
            if identity is not None and annotations.get(identity.annotation):
                votes.setdefault(env, []).append(f'{path}["{identity.annotation}"]')
                weights[env] = 1
    store_cloud = recognise(facts)
    if store_cloud.evidence(facts) > 0:
        votes.setdefault(store_cloud.environment, []).append(f"the object store ({facts.kind})")
        weights[store_cloud.environment] = weights.get(store_cloud.environment, 0) + STORE_WEIGHT
    if not votes:
        return store_cloud
    chosen = max(weights, key=lambda env: (weights[env], env is store_cloud.environment))
    if len(votes) > 1:
        others = "; ".join(f"{env.value}: {', '.join(found)}" for env, found in votes.items() if env is not chosen)
        r.notes.append(
            f"conflicting evidence about the cloud: {chosen.value} ({', '.join(votes[chosen])}) against {others}. "
            f"Imported as {chosen.value}; the other cloud's annotations stay verbatim in overrides: remove them "
            "if they are leftovers"
        )
    return cloud_for(chosen)
