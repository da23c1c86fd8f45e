"""The Flyte config each process really reads, taken out of the rendered objects.

A Flyte process is started with ``--config <dir>/*.yaml``; the directory is a volume of the pod (a ConfigMap, a
Secret, or a projected volume of several). The process reads every matching file in lexical order (Go's
``filepath.Glob``) and viper merges them: maps deep-merge, a later file wins per leaf, keys compare
case-insensitively. Finding the files through the pod, not through ConfigMap names, is what makes this work for
every chart: what is not mounted is not read.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender
    from ..plan import Plan

__all__ = ["ConfigFile", "ProcessConfig", "process_configs", "merge", "pod_specs", "WORKLOAD_KINDS"]

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same result, much faster
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
BINARIES = {"flyteadmin", "flytepropeller", "datacatalog", "flytescheduler", "flyte"}


@dataclass(frozen=True)
class ConfigFile:
    """One file a process reads: where it comes from (``ConfigMap name/key``) and its parsed content."""

    source: str
    data: Any
    error: str = ""


@dataclass
class ProcessConfig:
    """The merged config of one Flyte process (one container of one workload) of one release."""

    filename: str
    cluster: str
    namespace: str
    workload: str
    container: str
    component: str
    files: list[ConfigFile]
    merged: dict[str, Any]
    unreadable: list[str] = field(default_factory=list)
    """Mounted sources whose content the plan does not know (a Secret the person creates)."""
    env: set[str] | None = None
    """Names of the container's environment variables; ``None`` when ``envFrom`` makes them unknowable."""

    @property
    def where(self) -> str:
        return f"{self.filename}: {self.workload}"

    def source_of(self, path: tuple[str, ...]) -> str:
        """The last file that sets ``path`` (viper's winner), for a finding's location."""
        winner = ""
        for item in self.files:
            node: Any = item.data
            for part in path:
                node = _get(node, part) if isinstance(node, Mapping) else None
                if node is None:
                    break
            else:
                winner = item.source
        return winner or (self.files[0].source if self.files else "")


def _get(node: Mapping[str, Any], key: str) -> Any:
    if key in node:
        return node[key]
    lowered = key.lower()
    for k, v in node.items():
        if str(k).lower() == lowered:
            return v
    return None


def merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """viper's MergeConfigMap: nested maps merge, anything else is replaced; keys compare case-insensitively."""
    out = dict(base)
    for key, value in extra.items():
        match = next((k for k in out if str(k).lower() == str(key).lower()), None)
        if match is not None and isinstance(out[match], Mapping) and isinstance(value, Mapping):
            out[match] = merge(dict(out[match]), value)
        else:
            if match is not None:
                del out[match]
            out[key] = value
    return out


def pod_specs(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The pod template of a workload object (CronJob one level deeper)."""
    spec = body.get("spec") or {}
    if body.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    template = spec.get("template") or {}
    pod = template.get("spec")
    return pod if isinstance(pod, dict) else None


def _binary(container: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(component, config glob)`` when the container runs a Flyte binary with ``--config``."""
    argv = [str(a) for a in (container.get("command") or []) + (container.get("args") or [])]
    words = [w for a in argv for w in a.split()]
    glob = ""
    for i, word in enumerate(words):
        if word == "--config" and i + 1 < len(words):
            glob = words[i + 1]
        elif word.startswith("--config="):
            glob = word.split("=", 1)[1]
    if not glob:
        return None
    names = {posixpath.basename(w) for w in words}
    if "flyte" in names or (not container.get("command") and words and words[0] == "start"):
        return "flyte-binary", glob
    for name in ("flyteadmin", "flytepropeller", "datacatalog", "flytescheduler"):
        if name in names:
            return name, glob
    return None


def _secret_files(body: Mapping[str, Any]) -> dict[str, str]:
    out = {str(k): str(v) for k, v in (body.get("stringData") or {}).items()}
    for key, value in (body.get("data") or {}).items():
        try:
            out[str(key)] = base64.b64decode(str(value), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            out[str(key)] = ""
    return out


def _sources(volume: Mapping[str, Any]) -> Iterator[tuple[str, str, list[Any] | None]]:
    """``(kind, name, items)`` of a volume: one for configMap/secret, each source of a projected volume."""
    if "configMap" in volume:
        yield "ConfigMap", str(volume["configMap"].get("name", "")), volume["configMap"].get("items")
    if "secret" in volume:
        yield "Secret", str(volume["secret"].get("secretName", "")), volume["secret"].get("items")
    for source in (volume.get("projected") or {}).get("sources") or []:
        if "configMap" in source:
            yield "ConfigMap", str(source["configMap"].get("name", "")), source["configMap"].get("items")
        if "secret" in source:
            yield "Secret", str(source["secret"].get("name", "")), source["secret"].get("items")


def _load(source: str, text: str) -> ConfigFile:
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER) if text.strip() else {}
    except yaml.YAMLError as exc:
        return ConfigFile(source, None, f"not valid YAML: {exc}".splitlines()[0])
    if data is not None and not isinstance(data, Mapping):
        return ConfigFile(source, None, f"is a {type(data).__name__}, not a map of sections")
    return ConfigFile(source, dict(data or {}))


def process_configs(plan: Plan, rendered: PlanRender) -> list[ProcessConfig]:
    """Every distinct Flyte process config of the plan (init containers reading the same files count once)."""
    by_release = {r.filename: r for r in plan.releases}
    out: list[ProcessConfig] = []
    for filename, result in rendered.results.items():
        release = by_release.get(filename)
        cluster = release.cluster if release else ""
        files: dict[tuple[str, str], dict[str, str]] = {}
        for obj in result.objects:
            if obj.kind == "ConfigMap":
                files[("ConfigMap", obj.body["metadata"]["name"])] = {
                    str(k): str(v) for k, v in (obj.body.get("data") or {}).items()
                }
            elif obj.kind == "Secret":
                files[("Secret", obj.body["metadata"]["name"])] = _secret_files(obj.body)
        planned = {
            s.name: dict(s.values or {})
            for s in plan.secrets
            if s.cluster == cluster and (release is None or s.namespace == release.namespace)
        }
        seen: set[tuple[str, ...]] = set()
        for obj in result.objects:
            if obj.kind not in WORKLOAD_KINDS:
                continue
            pod = pod_specs(obj.body) or {}
            volumes = {v.get("name"): v for v in pod.get("volumes") or []}
            for container in (pod.get("initContainers") or []) + (pod.get("containers") or []):
                found = _binary(container)
                if not found:
                    continue
                component, glob = found
                directory, pattern = posixpath.split(glob)
                mount = next(
                    (m for m in container.get("volumeMounts") or [] if m["mountPath"].rstrip("/") == directory),
                    None,
                )
                config_files: list[tuple[str, str, str]] = []
                unreadable: list[str] = []
                volume = volumes.get(mount["name"]) if mount else None
                for kind, name, items in _sources(volume or {}):
                    content = files.get((kind, name))
                    if content is None and kind == "Secret" and planned.get(name):
                        content = planned[name]
                    if content is None:
                        unreadable.append(f"{kind} {name}")
                        continue
                    mapping = {str(i["key"]): str(i["path"]) for i in items} if items else {k: k for k in content}
                    for key, path in mapping.items():
                        if key in content and fnmatch.fnmatch(path, pattern):
                            config_files.append((path, f"{kind} {name}/{key}", content[key]))
                config_files.sort()
                identity = (component, *(s for _p, s, _t in config_files))
                if identity in seen:
                    continue
                seen.add(identity)
                loaded = [_load(source, text) for _path, source, text in config_files]
                merged: dict[str, Any] = {}
                for item in loaded:
                    if item.data:
                        merged = merge(merged, item.data)
                out.append(
                    ProcessConfig(
                        filename=filename,
                        cluster=cluster,
                        namespace=result.namespace,
                        workload=f"{obj.kind} {obj.body['metadata']['name']}",
                        container=str(container.get("name", "")),
                        component=component,
                        files=loaded,
                        merged=merged,
                        unreadable=unreadable,
                        env=None
                        if container.get("envFrom")
                        else {str(e.get("name")) for e in container.get("env") or []},
                    )
                )
    return out
