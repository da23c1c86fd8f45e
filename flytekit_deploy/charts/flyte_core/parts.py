"""Building blocks the flyte-core emitter modules share: the accumulator each section writes into, a merge that
keeps Helm's ``null`` (delete-the-default) markers, and small chart facts used by more than one section.

Only the ``flyte_core*`` modules import this; nothing outside them should know flyte-core's keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ...spec import Resources
from ..base import SecretSpec
from ..common import deep_merge, merge_into

__all__ = [
    "ALL_IN_ONE",
    "CONTROL_PLANE",
    "DATA_PLANE",
    "ADMIN_ROLES",
    "PROPELLER_ROLES",
    "EVERY_ROLE",
    "Parts",
    "merge",
    "escape_go_template",
    "resources_values",
    "anti_affinity",
]

ALL_IN_ONE = "all-in-one"
CONTROL_PLANE = "control-plane"
DATA_PLANE = "data-plane"
EVERY_ROLE = frozenset({ALL_IN_ONE, CONTROL_PLANE, DATA_PLANE})
ADMIN_ROLES = frozenset({ALL_IN_ONE, CONTROL_PLANE})
"""Roles whose release runs FlyteAdmin and DataCatalog."""
PROPELLER_ROLES = frozenset({ALL_IN_ONE, CONTROL_PLANE, DATA_PLANE})
"""Roles whose release may run FlytePropeller or the scheduler (both log in to FlyteAdmin)."""

_GO_DELIMITER = re.compile(r"\{\{|\}\}")


@dataclass
class Parts:
    """What the section builders produce for one spec, before it is split into releases.

    ``values`` is the all-in-one release's values (profiles for control and data planes are layered on top);
    ``secrets`` pairs each Secret with the roles whose cluster needs it.
    """

    values: dict[str, Any] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    secrets: list[tuple[frozenset[str], SecretSpec]] = field(default_factory=list)
    notes: list[tuple[frozenset[str], str]] = field(default_factory=list)

    def add(self, fragment: Mapping[str, Any], comments: Mapping[str, str] | None = None) -> None:
        """Merge a values fragment in; comments only fill paths not yet commented (first writer explains)."""
        merge_into(self.values, fragment, keep_null=True)
        for path, text in (comments or {}).items():
            self.comments.setdefault(path, text)

    def secret(self, roles: frozenset[str], secret: SecretSpec) -> None:
        self.secrets.append((roles, secret))

    def note(self, text: str, roles: frozenset[str] = EVERY_ROLE) -> None:
        """A step or caveat for the releases of ``roles`` (an Ingress caveat means nothing on a data plane)."""
        if all(existing != text for _roles, existing in self.notes):
            self.notes.append((roles, text))

    def notes_for(self, role: str) -> list[str]:
        return [text for roles, text in self.notes if role in roles]

    def secrets_for(self, role: str, cluster: str) -> list[SecretSpec]:
        """The Secrets a release of ``role`` on ``cluster`` needs; entries naming the same Secret become one."""
        merged: dict[str, SecretSpec] = {}
        for roles, secret in self.secrets:
            if role not in roles:
                continue
            found = merged.get(secret.name)
            if found is None:
                merged[secret.name] = replace(
                    secret, cluster=cluster, keys=dict(secret.keys), spec_paths=list(secret.spec_paths)
                )
                continue
            for key, what in secret.keys.items():
                found.keys.setdefault(key, what)
            if secret.purpose not in found.purpose:
                found.purpose = f"{found.purpose}; {secret.purpose}"
            found.spec_paths += [p for p in secret.spec_paths if p not in found.spec_paths]
        return list(merged.values())


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge keeping ``None``: in an emitted values file a null is Helm's way of deleting a chart default."""
    return deep_merge(base, override, keep_null=True)


def escape_go_template(text: str) -> str:
    """Protect a Go-template log link from flyte-core's ``tpl`` pass: ``{{ .podName }}`` becomes
    ``{{ "{{" }} .podName {{ "}}" }}``, which Helm renders back to the original for Flyte to expand at runtime."""
    return _GO_DELIMITER.sub(lambda m: '{{ "{{" }}' if m.group() == "{{" else '{{ "}}" }}', text)


def resources_values(resources: Resources) -> dict[str, Any]:
    """Spec resources as a Kubernetes requests/limits block; only the quantities the spec sets (the chart's
    defaults fill the rest, as a values overlay does)."""
    limits: dict[str, Any] = {}
    requests: dict[str, Any] = {}
    if resources.cpu_limit is not None:
        limits["cpu"] = resources.cpu_limit
    if resources.ephemeral_storage is not None:
        limits["ephemeral-storage"] = resources.ephemeral_storage
        requests["ephemeral-storage"] = resources.ephemeral_storage
    if resources.memory_limit is not None:
        limits["memory"] = resources.memory_limit
    if resources.cpu_request is not None:
        requests["cpu"] = resources.cpu_request
    if resources.memory_request is not None:
        requests["memory"] = resources.memory_request
    block: dict[str, Any] = {}
    if limits:
        block["limits"] = dict(sorted(limits.items()))
    if requests:
        block["requests"] = dict(sorted(requests.items()))
    return block


def anti_affinity(app_name: str) -> dict[str, Any]:
    """Required pod anti-affinity on the node: a node failure takes at most one replica with it."""
    return {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "labelSelector": {"matchLabels": {"app.kubernetes.io/name": app_name}},
                    "topologyKey": "kubernetes.io/hostname",
                }
            ]
        }
    }
