"""What a task pod of a plan gets to reach storage: its environment, prefixes and cloud identity.

Propeller builds every task pod from its k8s plugin config (the PodTemplate named by
``default-pod-template-name``, ``default-env-from-configmaps``, ``default-env-vars``, ``default-env-vars-from-env``, ``default-labels``), passes the raw-output prefix (``propeller.rawoutput-prefix``) and writes outputs under the
metadata prefix (``<scheme>://<storage.container>/<propeller.metadata-prefix>``). The pod's cloud identity comes
from the service account the cluster-resource templates create in each project namespace (IRSA, GKE Workload
Identity, Azure Workload Identity). All of it is read from the rendered objects of the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..clouds import CloudIdentity, TaskAccess, scheme_of_config, task_access_for
from .flyte_config import component_configs, fill_placeholders, find

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender

__all__ = ["TaskPod", "task_pods", "DEFAULT_METADATA_PREFIX"]

# propeller's default for `propeller.metadata-prefix` (flytepropeller config reference, v1.16.8)
DEFAULT_METADATA_PREFIX = "metadata/propeller"


@dataclass(frozen=True)
class TaskPod:
    """A task pod of one propeller (one release: a data plane, or the single-binary install)."""

    filename: str
    env: dict[str, str]
    labels: dict[str, str]
    raw_output_prefix: str | None
    metadata_prefix: str | None
    storage: dict[str, Any]
    identities: frozenset[str] = field(default_factory=frozenset)
    env_from_env: dict[str, str] = field(default_factory=dict)
    """``default-env-vars-from-env``: task pod variable -> propeller's variable it is copied from (values the
    operator's Secrets give propeller, unknown to the plan)."""

    @property
    def scheme(self) -> str | None:
        prefix = self.raw_output_prefix or self.metadata_prefix
        return prefix.split("://", 1)[0] if prefix and "://" in prefix else None

    @property
    def access(self) -> TaskAccess | None:
        """What flytekit needs for the pod's store (from the cloud modules); None for a scheme no store uses."""
        found = task_access_for(self.scheme) if self.scheme else None
        return found[0] if found else None

    @property
    def identity(self) -> CloudIdentity | None:
        """The cloud identity that hands this pod credentials for its store: the annotation on the project service
        account and the labels the identity's webhook looks for on the pod; None without one."""
        found = task_access_for(self.scheme) if self.scheme else None
        for identity in found[1] if found else ():
            labelled = all(self.labels.get(k) == v for k, v in identity.pod_labels.items())
            if identity.annotation in self.identities and labelled:
                return identity
        return None


def _as_map(value: Any) -> dict[str, str]:
    """Flyte decodes ``default-env-vars``/``default-labels`` weakly: a map, or a list of one-entry maps merged."""
    out: dict[str, str] = {}
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, Mapping):
            out.update({str(k): "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                        for k, v in item.items()})  # fmt: skip
    return out


def _storage_scheme(storage: Mapping[str, Any]) -> str | None:
    kind = str(storage.get("type") or "")
    if kind == "stow":
        kind = str(find(storage, "stow.kind") or "")
    return scheme_of_config(kind)


def _identities(render: PlanRender) -> frozenset[str]:
    """Identity annotations on the ``default`` ServiceAccount the cluster-resource templates create."""
    found: set[str] = set()
    for _filename, cm in render.of_kind("ConfigMap"):
        if "template" not in str(cm.get("metadata", {}).get("name", "")):
            continue
        for text in (cm.get("data") or {}).values():
            try:
                docs = list(yaml.safe_load_all(str(text).replace("{{", "").replace("}}", "")))
            except yaml.YAMLError:
                continue
            for doc in docs:
                if isinstance(doc, Mapping) and doc.get("kind") == "ServiceAccount":
                    annotations = (doc.get("metadata") or {}).get("annotations") or {}
                    found.update(str(k) for k in annotations)
    return frozenset(found)


def _pod_template_env(render: PlanRender, name: str) -> dict[str, str]:
    """Literal env of the ``default``/``primary`` container of the PodTemplate propeller bases task pods on."""
    env: dict[str, str] = {}
    for _filename, template in render.of_kind("PodTemplate"):
        if (template.get("metadata") or {}).get("name") != name:
            continue
        containers = (((template.get("template") or {}).get("spec") or {}).get("containers")) or []
        for container in containers:
            if container.get("name") in ("default", "primary"):
                env.update({str(e["name"]): str(e["value"]) for e in container.get("env") or [] if "value" in e})
    return env


def _configmap_env(render: PlanRender, names: Any) -> dict[str, str]:
    """``default-env-from-configmaps``: every key of each named ConfigMap the plan renders."""
    wanted = set(names) if isinstance(names, list) else set()
    env: dict[str, str] = {}
    for _filename, cm in render.of_kind("ConfigMap"):
        if (cm.get("metadata") or {}).get("name") in wanted:
            env.update({str(k): str(v) for k, v in (cm.get("data") or {}).items()})
    return env


def task_pods(render: PlanRender) -> list[TaskPod]:
    """One :class:`TaskPod` per propeller in the plan, placeholders filled with valid stand-ins."""
    identities = _identities(render)
    pods: list[TaskPod] = []
    for cfg in component_configs(render):
        if cfg.component != "propeller":
            continue
        config = fill_placeholders(cfg.config)
        storage = config.get("storage") if isinstance(config.get("storage"), Mapping) else {}
        k8s = find(config, "plugins.k8s") or {}
        raw = find(config, "propeller.rawoutput-prefix")
        container = storage.get("container") if storage else None
        scheme = _storage_scheme(storage) if storage else None
        meta_path = find(config, "propeller.metadata-prefix") or DEFAULT_METADATA_PREFIX
        metadata = f"{scheme}://{container}/{str(meta_path).strip('/')}" if scheme and container else None
        pods.append(
            TaskPod(
                filename=cfg.filename,
                env=fill_placeholders(
                    {
                        **_pod_template_env(render, str(k8s.get("default-pod-template-name") or "")),
                        **_configmap_env(render, k8s.get("default-env-from-configmaps")),
                        **_as_map(k8s.get("default-env-vars")),
                    }
                ),
                labels=_as_map(k8s.get("default-labels")),
                env_from_env=_as_map(k8s.get("default-env-vars-from-env")),
                raw_output_prefix=str(raw) if raw else None,
                metadata_prefix=metadata,
                storage=dict(storage or {}),
                identities=identities,
            )
        )
    return pods
