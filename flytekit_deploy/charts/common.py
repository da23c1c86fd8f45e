"""Helpers every emitter shares: merging values and walking them, a pod's identity annotations and resources,
the cluster a release goes to. No chart keys here."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..clouds import identities, identity_of
from ..spec import DeploymentModel, DeploymentSpec, IdentityMode, Resources

__all__ = [
    "IDENTITY_ANNOTATION",
    "copy_values",
    "deep_merge",
    "merge_into",
    "walk_leaves",
    "find_placeholders",
    "set_path",
    "PLACEHOLDER_IN_TEXT",
    "identity_annotations",
    "resources_values",
    "cluster_of",
]

IDENTITY_ANNOTATION: dict[IdentityMode, str] = {i.mode: i.annotation for i in identities()}
"""The ServiceAccount annotation that binds a pod to its cloud identity, per identity mode (each cloud module
names its own; every chart uses it the same way)."""


def identity_annotations(spec: DeploymentSpec, identity: str | None) -> dict[str, str]:
    """ServiceAccount annotations binding pods to ``identity`` (a placeholder when the spec leaves it empty)."""
    cloud_identity = identity_of(spec)
    if cloud_identity is None:
        return {}
    return {cloud_identity.annotation: identity or cloud_identity.backend_placeholder}


def resources_values(resources: Resources) -> dict[str, Any]:
    """A Kubernetes ``resources`` block from the spec's requests and limits (empty when nothing is set)."""
    requests: dict[str, str] = {}
    limits: dict[str, str] = {}
    if resources.cpu_request:
        requests["cpu"] = resources.cpu_request
    if resources.memory_request:
        requests["memory"] = resources.memory_request
    if resources.cpu_limit:
        limits["cpu"] = resources.cpu_limit
    if resources.memory_limit:
        limits["memory"] = resources.memory_limit
    if resources.ephemeral_storage:
        requests["ephemeral-storage"] = limits["ephemeral-storage"] = resources.ephemeral_storage
    out: dict[str, Any] = {}
    if requests:
        out["requests"] = requests
    if limits:
        out["limits"] = limits
    return out


def cluster_of(spec: DeploymentSpec) -> str:
    """The cluster the control plane runs in: the control-plane cluster with multi-cluster; else the environment's
    cluster name, else the deployment name."""
    if spec.model is DeploymentModel.MULTI_CLUSTER:
        return spec.clusters.control_plane_name
    name = getattr(spec.environment_settings, "cluster_name", None)
    return str(name) if name else spec.name


PLACEHOLDER_IN_TEXT = re.compile(r"<[A-Z][A-Z0-9_\-]*>")


def copy_values(node: Any) -> Any:
    """A deep copy of plain values (mappings, lists, scalars): what ``copy.deepcopy`` does for them, without its
    memo bookkeeping, which made it most of the emitters' time."""
    if isinstance(node, dict):
        return {key: copy_values(value) for key, value in node.items()}
    if isinstance(node, list):
        return [copy_values(item) for item in node]
    if isinstance(node, Mapping):
        return {key: copy_values(value) for key, value in node.items()}
    return node


def merge_into(target: dict[str, Any], override: Mapping[str, Any], *, keep_null: bool = False) -> dict[str, Any]:
    """:func:`deep_merge` in place: ``target`` takes copies of ``override``'s values (it never shares them)."""
    for key, value in override.items():
        if value is None and not keep_null:
            target.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(target.get(key), dict):
            merge_into(target[key], value, keep_null=keep_null)
        else:
            target[key] = copy_values(value)
    return target


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any], *, keep_null: bool = False) -> dict[str, Any]:
    """Helm's merge: mappings merge key by key, anything else (lists included) is replaced.

    ``None`` deletes the key, as Helm does when it layers values over a chart's defaults. With ``keep_null`` the
    ``None`` is kept instead: use it when composing values files that Helm will layer later, so that the null
    still reaches Helm and deletes the chart's default there. The result shares nothing with either input.
    """
    return merge_into(copy_values(base), override, keep_null=keep_null)


def walk_leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of nested values as (dotted path, value); list items as ``path[i]``."""
    if isinstance(node, Mapping):
        if not node:
            yield path, node
        for key, value in node.items():
            yield from walk_leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        if not node:
            yield path, node
        for index, value in enumerate(node):
            yield from walk_leaves(value, f"{path}[{index}]")
    else:
        yield path, node


def find_placeholders(values: Any) -> dict[str, list[str]]:
    """Placeholder -> value paths holding it, for ``<UPPER_CASE>`` markers still to fill in."""
    found: dict[str, list[str]] = {}
    for path, value in walk_leaves(values):
        if isinstance(value, str):
            for marker in PLACEHOLDER_IN_TEXT.findall(value):
                found.setdefault(marker, []).append(path)
    return found


def set_path(values: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``a.b.c`` in nested dicts, creating the mappings on the way."""
    node = values
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
