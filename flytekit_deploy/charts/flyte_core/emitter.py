"""Values for the ``flyte-core`` chart: one release per cluster (all-in-one, or a control plane and its data
planes), plus ``flyte-deps`` for the sandbox on flyte-core.

The sections live in ``flyte_core_*`` modules, one concern each; this module assembles them the way upstream
layers its files: the environment's values first, then the multi-cluster profile, then the person's verbatim
overrides (``spec.overrides["flyte-core"]``).

>>> from flytekit_deploy.presets import get_preset
>>> [(r.role, r.chart.value) for r in emit(get_preset("sandbox-core"))]
[('dependencies', 'flyte-deps'), ('all-in-one', 'flyte-core')]
"""

from __future__ import annotations

from typing import Any

from ...errors import Problem, SpecError
from ...spec import ChartName, DeploymentModel, DeploymentSpec
from ..base import ReleaseValues
from ..common import cluster_of, deep_merge
from ..flyte_deps.emitter import deps_release
from ..hardening import hardening_comments, hardening_values
from .access import add_auth, add_ingress
from .clusters import control_plane_profile, credentials_notes, credentials_secret, data_plane_profile
from .config import add_connectors, add_propeller_config, add_task_logs
from .data import add_database, add_project_resources, add_storage
from .parts import ALL_IN_ONE, CONTROL_PLANE, DATA_PLANE, Parts, merge
from .services import add_identity, add_monitoring, add_scheduler, add_services

__all__ = ["CHART", "emit", "build_parts"]

CHART = ChartName.FLYTE_CORE

_TOP_LEVEL_ORDER = (
    "flyteadmin",
    "flytescheduler",
    "datacatalog",
    "flyteconnector",
    "flytepropeller",
    "flyteconsole",
    "deployRedoc",
    "secrets",
    "webhook",
    "common",
    "storage",
    "db",
    "configmap",
    "workflow_scheduler",
    "workflow_notifications",
    "cluster_resource_manager",
)
"""The chart's own order of top-level blocks (values.yaml), so emitted files read like upstream's."""

_DEFAULT_COMMENTS = {
    "flyteadmin": "FlyteAdmin: the API, projects and executions",
    "flytescheduler": "FlyteScheduler: fires launch plan schedules",
    "datacatalog": "DataCatalog: task output caching",
    "flytepropeller": "FlytePropeller: runs workflows as Kubernetes resources",
    "flyteconsole": "FlyteConsole: the web UI",
    "common": "settings the services share",
    "configmap": "Flyte's own configuration files (flyte-core passes most blocks through tpl)",
    "deployRedoc": "sandbox: serve the OpenAPI docs (redoc) next to FlyteAdmin",
}


def build_parts(spec: DeploymentSpec) -> Parts:
    """Every section of the all-in-one values for ``spec``, with comments, Secrets and notes."""
    parts = Parts()
    for section in (
        add_services,
        add_scheduler,
        add_identity,
        add_monitoring,
        add_storage,
        add_database,
        add_project_resources,
        add_propeller_config,
        add_task_logs,
        add_connectors,
        add_ingress,
        add_auth,
    ):
        section(spec, parts)
    if spec.is_sandbox:
        parts.add({"deployRedoc": True})
    return parts


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    rank = {key: index for index, key in enumerate(_TOP_LEVEL_ORDER)}
    return {key: values[key] for key in sorted(values, key=lambda k: (rank.get(k, len(rank)), k))}


def _release(
    spec: DeploymentSpec,
    parts: Parts,
    role: str,
    cluster: str,
    profile: dict[str, Any] | None = None,
    profile_comments: dict[str, str] | None = None,
) -> ReleaseValues:
    """One flyte-core release: the shared values, the role's profile on top, the person's overrides last."""
    values = hardening_values(spec, CHART.value, _ordered(merge(parts.values, profile or {})))  # hardening
    overrides = spec.overrides.get(CHART.value, {})
    values = deep_merge(values, overrides, keep_null=True)
    comments = {
        **_DEFAULT_COMMENTS,
        **parts.comments,
        **(profile_comments or {}),
        **hardening_comments(spec, CHART.value),
    }
    for key in overrides:
        comments[key] = comments.get(key, key) + " (with spec.overrides['flyte-core'] merged last)"
    kept = {path: text for path, text in comments.items() if path.split(".")[0] in values}
    for key in values:
        kept.setdefault(key, f"{key}: set from the spec")
    position = {key: index for index, key in enumerate(values)}
    ordered_comments = {path: kept[path] for path in sorted(kept, key=lambda p: (position[p.split(".")[0]], p))}
    return ReleaseValues(
        release=spec.name,
        chart=CHART,
        namespace=spec.namespace,
        cluster=cluster,
        role=role,
        values=values,
        comments=ordered_comments,
        secrets=parts.secrets_for(role, cluster),
        notes=parts.notes_for(role),
        version=spec.chart_version,
    )


def emit(spec: DeploymentSpec) -> list[ReleaseValues]:
    """The flyte-core releases of ``spec``, in install order: flyte-deps before the sandbox, data planes before
    the control plane (its ``cluster-credentials`` Secret is made from their service account tokens)."""
    if spec.chart_name is not CHART:
        raise SpecError(
            [Problem("chart", f"the flyte-core emitter got a {spec.chart_name.value} spec", "set chart: flyte-core")]
        )
    parts = build_parts(spec)
    if spec.model is DeploymentModel.MULTI_CLUSTER:
        releases = [
            _release(spec, parts, DATA_PLANE, plane.name, *data_plane_profile(spec, plane))
            for plane in spec.clusters.data_planes
        ]
        control = _release(spec, parts, CONTROL_PLANE, spec.clusters.control_plane_name, *control_plane_profile(spec))
        control.secrets.append(credentials_secret(spec))
        control.notes += credentials_notes(spec)
        return [*releases, control]
    cluster = cluster_of(spec)  # the environment's cluster name, else the deployment name
    releases = [deps_release(spec, cluster)] if spec.is_sandbox else []
    releases.append(_release(spec, parts, ALL_IN_ONE, cluster))
    return releases
