"""The upstream side of the flyte-core reference tests: where upstream's overlays are, the allow-list of reasoned
differences, and the comparison itself (both sides merged over the chart's values.yaml, ``{{ .Values.* }}``
resolved, equal forms made identical, every difference allow-listed and every allow-list entry used)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts.base import ReleaseValues
from flytekit_deploy.charts.common import deep_merge
from flytekit_deploy.spec import parse_quantity

__all__ = [
    "ALLOW",
    "CORE",
    "NEEDS_REFERENCE",
    "REFERENCE",
    "_AUTH_PATHS",
    "_EKS_ALLOWED",
    "_compare",
    "_differences",
    "_load",
    "_only",
]

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REFERENCE = SHARED / "reference" / "flyte-v1.16.8"
CORE = REFERENCE / "charts" / "flyte-core"

NEEDS_REFERENCE = [
    pytest.mark.needs_shared,
    pytest.mark.skipif(
        not REFERENCE.is_dir(),
        reason=f"{REFERENCE} is absent: the upstream overlays these tests compare with are not available",
    ),
]
"""The ``pytestmark`` of every test module comparing with upstream's overlays."""

# ---- the allow-list: key path pattern -> why emitted and upstream differ ---------------------------------------

_AUTH = (
    "inputs differ by necessity: upstream's overlays run without authentication, but the spec refuses a production "
    "profile without it (and these presets are production), so the fed spec has OIDC on"
)
_TASK_DEFAULTS = (
    "per-task default requests/limits are tuning the spec does not model (recommended spec field); the chart's "
    "defaults stay"
)
ALLOW: dict[str, str] = {
    "configmap.adminServer.server.security.useAuth": _AUTH,
    "configmap.adminServer.server.security.allowedHeaders": _AUTH + " (flyte-authorization must be allowed then)",
    "configmap.adminServer.auth": _AUTH,
    "flyteadmin.env": _AUTH + " (the OIDC client secret reaches FlyteAdmin from its Secret)",
    "secrets.adminOauthClientCredentials.clientSecret": (
        "upstream ships the chart's placeholder 'foobar' as a real client secret; we never inline secrets: null "
        "makes the chart mount the Secret the person creates"
    ),
    "common.databaseSecret.secretManifest": (
        "upstream renders the database password from values (userSettings.dbPassword); we keep it out of values "
        "and list the Secret to create"
    ),
    "db.*.database.options": (
        "upstream leaves sslmode to the driver default (prefer); the spec's sslmode is always written"
    ),
    "configmap.task_logs.plugins.k8s-array": (
        "upstream gives legacy map-task subtasks log links on GCP only; we give them the same links as other tasks"
    ),
    "configmap.task_resource_defaults": _TASK_DEFAULTS,
    "configmap.k8s.plugins.k8s.default-memory": _TASK_DEFAULTS,
    "cluster_resource_manager.standalone_deploy": "stale key: no v1.16.8 template reads it (false anyway)",
    "flytepropeller.cacheSizeMbs": "stale key: no v1.16.8 template reads it",
    "flytescheduler.enabled": "no template reads it; workflow_scheduler.enabled: false already removes the scheduler",
    "redis": "flyte-core has no redis block; no template reads it",
    "Release": "not a values key: Helm's .Release object cannot be set from values (placeholder in the GCP overlay)",
    "workflow_notifications.config": "example settings of a disabled module; the spec does not model notifications",
    "datacatalog.serviceAccount.annotations.iam.gke.io/gcp-service-account": (
        "the spec has one backend identity for FlyteAdmin and DataCatalog; upstream uses a separate GSA for "
        "DataCatalog (recommended spec field identity.datacatalog)"
    ),
    "common.ingress.annotations.cert-manager.io/*": (
        "the spec names a ClusterIssuer (cluster-issuer annotation); upstream refers to a namespaced Issuer"
    ),
    "common.ingress.host": "sandbox: an empty host and no host render the same host-less Ingress rule",
    "common.ingress.webpackHMR": "route to a webpack dev server for console development; not modelled",
    "flyteconsole.ga": "Google Analytics tracking in the sandbox console; deliberately not enabled",
    "flyteadmin.service.annotations": (
        "Contour proxies gRPC to FlyteAdmin only with the h2c upstream-protocol annotation (upstream's 'flyte' "
        "sandbox chart sets it; values-sandbox.yaml leaves it out)"
    ),
    "configmap.clusters": (
        "upstream's control-plane profile leaves the data planes to the person; the spec lists them"
    ),
    "flyteadmin.additionalVolume*": "mounts the cluster-credentials Secret the data planes' clusterConfigs read",
    "common.ingress.enabled": (
        "upstream's data-plane render still has both Ingresses, pointing at a FlyteAdmin that is not there"
    ),
    "configmap.admin.admin.endpoint": (
        "upstream's data-plane profile leaves propeller on flyteadmin:81, which does not exist on a data plane"
    ),
    "configmap.admin.admin.insecure": "as endpoint: the control plane is reached through its TLS Ingress",
    "configmap.catalog.catalog-cache": "as the admin endpoint: datacatalog:89 does not exist on a data plane",
    "flytepropeller.clusterName": "names the data plane in the events propeller sends (upstream leaves it blank)",
    "workflow_scheduler.config.scheduler.*reconnect*": (
        "upstream puts reconnectAttempts: 10 / reconnectDelaySeconds: 30 under workflowExecutor, where Flyte's "
        "SchedulerConfig has no such keys (ignored); we write the same values at scheduler level, where it reads "
        "them (runtime.unknown-key, issue 10)"
    ),
    "datacatalog.service": (
        "control plane: upstream keeps type NodePort with no annotations, unreachable from data planes; we make it "
        "an internal LoadBalancer (multicluster.rst: DataCatalog is not behind the Ingress), issue 10 item 4"
    ),
}

# ---- helpers -------------------------------------------------------------------------------------------------------

_VALUES_REF = re.compile(r"\{\{\s*\.Values\.([A-Za-z0-9_.]+)\s*\}\}")


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return loaded


def _lookup(values: Mapping[str, Any], dotted: str) -> Any:
    node: Any = values
    for part in dotted.split("."):
        node = node[part]
    return node


def _resolve(values: dict[str, Any]) -> dict[str, Any]:
    """Resolve ``{{ .Values.x.y }}`` indirections (tpl does this at render time), then drop userSettings, which
    only ever feeds them."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):
            return _VALUES_REF.sub(lambda m: str(_lookup(values, m.group(1))), node)
        return node

    for _ in range(5):
        values = walk(values)
    values.pop("userSettings", None)
    return values


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Forms that mean the same to the chart and Flyte made identical: quantities as numbers (``1`` == ``"1"``),
    cluster resource customData as the domain -> variable map Flyte reads, and resource templates without YAML
    comment lines."""

    def walk(node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, (*path, str(k))) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, path) for v in node]
        quantity = len(path) >= 3 and path[-3] == "resources" and path[-2] in ("limits", "requests")
        if quantity and isinstance(node, (int, float, str)) and not isinstance(node, bool):
            return parse_quantity(str(node))
        return node

    values = walk(values, ())
    crm = values.get("cluster_resource_manager", {})
    custom = crm.get("config", {}).get("cluster_resources", {}).get("customData")
    if isinstance(custom, list):
        crm["config"]["cluster_resources"]["customData"] = {
            domain: {var: str(v["value"]) for entry in entries for var, v in entry.items()}
            for item in custom
            for domain, entries in item.items()
        }
    if isinstance(crm.get("templates"), list):
        crm["templates"] = {
            t["key"]: "\n".join(
                line.rstrip() for line in t["value"].splitlines() if not line.strip().startswith("#")
            ).strip()
            for t in crm["templates"]
        }
    return values


def _differences(a: Any, b: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Key paths (as tuples: chart keys may contain dots) where ``a`` and ``b`` differ; lists compare whole."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            sub = (*path, str(key))
            if key not in a or key not in b:
                yield sub
            else:
                yield from _differences(a[key], b[key], sub)
    elif a != b or (type(a) is not type(b) and not isinstance(a, Decimal)):
        yield path


def _pattern_for(path: tuple[str, ...], patterns: list[str]) -> str | None:
    prefixes = [".".join(path[: i + 1]) for i in range(len(path))]
    for pattern in patterns:
        if any(fnmatchcase(prefix, pattern) for prefix in prefixes):
            return pattern
    return None


def _at(values: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(values, dict) or key not in values:
            return "<absent>"
        values = values[key]
    return values


def _compare(release: ReleaseValues, overlays: list[str], allowed: list[str]) -> None:
    chart = _load(CORE / "values.yaml")
    upstream = chart
    for name in overlays:
        upstream = deep_merge(upstream, _load(CORE / name))
    expected = _normalise(_resolve(upstream))
    actual = _normalise(_resolve(deep_merge(chart, release.values)))
    unexpected, used = [], set()
    for path in _differences(actual, expected):
        pattern = _pattern_for(path, allowed)
        if pattern is None:
            unexpected.append(f"{'.'.join(path)}: emitted {_at(actual, path)!r}, upstream {_at(expected, path)!r}")
        else:
            used.add(pattern)
    assert not unexpected, "emitted values differ from upstream:\n" + "\n".join(unexpected)
    assert not set(allowed) - used, f"allow-list entries this comparison does not need: {set(allowed) - used}"
    assert all(p in ALLOW for p in allowed)


def _only(releases: list[ReleaseValues], role: str) -> list[ReleaseValues]:
    return [r for r in releases if r.role == role]


# ---- allow-list entries the comparisons share ----------------------------------------------------------------------

_AUTH_PATHS = [
    "configmap.adminServer.server.security.useAuth",
    "configmap.adminServer.server.security.allowedHeaders",
    "configmap.adminServer.auth",
    "flyteadmin.env",
    "secrets.adminOauthClientCredentials.clientSecret",
]
_EKS_ALLOWED = [
    *_AUTH_PATHS,
    "common.databaseSecret.secretManifest",
    "db.*.database.options",
    "configmap.task_logs.plugins.k8s-array",
    "configmap.task_resource_defaults",
    "cluster_resource_manager.standalone_deploy",
    "workflow_notifications.config",
]
