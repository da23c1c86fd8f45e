"""Import round trips, judged by an oracle that shares no code with the importer.

An upstream overlay is imported into a spec and the spec emitted again; both files are layered over the chart's
defaults (and flyte-core's ``{{ .Values.* }}`` references expanded, as Helm's ``tpl`` does) and compared leaf by
leaf by :func:`tests.charts.upstream.assert_matches`, after the normalisations below, each a difference of
spelling only. What still differs is a deliberate choice of the kit, listed with both values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts.common import deep_merge
from flytekit_deploy.charts.tree import dotted, leaves, resolve_values_refs
from flytekit_deploy.importer import import_values, import_values_file
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import ChartName

from .upstream import ABSENT, Allowed, allow, assert_matches

SECRET_MOUNT = "the kit mounts the database password from a Secret (never a value in a values file)"
SSLMODE = "sslmode=prefer written out, where the file left it unset (the Go driver's default is prefer)"
ARRAY_LOGS = "the kit links map-task (k8s-array) logs to the same provider as task logs"

_PASSWORD_FILE = [
    allow("configuration.database.passwordPath", "/etc/db/pass.txt", "", SECRET_MOUNT),
    allow(
        "deployment.extraVolumeMounts",
        [{"name": "db-password", "mountPath": "/etc/db", "readOnly": True}],
        [],
        SECRET_MOUNT,
    ),
    allow(
        "deployment.extraVolumes",
        [
            {
                "name": "db-password",
                "secret": {"secretName": "db-pass", "items": [{"key": "pass.txt", "path": "pass.txt"}]},
            }
        ],
        [],
        SECRET_MOUNT,
    ),
]
_SSLMODE = [
    allow("db.admin.database.options", "sslmode=prefer", ABSENT, SSLMODE),
    allow("db.datacatalog.database.options", "sslmode=prefer", ABSENT, SSLMODE),
]
_STACKDRIVER = (
    "https://console.cloud.google.com/logs/query;query=resource.labels.namespace_name%3D%22{{.namespace}}%22%0A"
    "resource.labels.pod_name%3D%22{{.podName}}%22%0Aresource.labels.container_name%3D%22{{.containerName}}%22"
    "?project=<GCP_PROJECT_ID>&angularJsUrl=%2Flogs%2Fviewer%3Fproject%3D<GCP_PROJECT_ID>"
)
ALLOWED: dict[tuple[str, str], list[Allowed]] = {
    ("flyte-binary", "eks-starter.yaml"): _PASSWORD_FILE,
    ("flyte-binary", "gke-starter.yaml"): [
        *_PASSWORD_FILE,
        allow(
            "configuration.logging.plugins.stackdriver.templateUri",
            _STACKDRIVER,
            f'"{_STACKDRIVER}"\n',
            "upstream's block scalar keeps literal quotes and a newline, which would end up in the link; the "
            "importer reads the link inside them",
        ),
    ],
    ("flyte-core", "values-eks.yaml"): [
        *_SSLMODE,
        allow("configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-enabled", True, ABSENT, ARRAY_LOGS),
        allow(
            "configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-log-group",
            "<LOG_GROUP_NAME>",
            ABSENT,
            ARRAY_LOGS,
        ),
        allow(
            "configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-region", "<AWS_REGION>", ABSENT, ARRAY_LOGS
        ),
    ],
    ("flyte-core", "values-gcp.yaml"): _SSLMODE,
}


def normalised(node: Any, path: tuple[str, ...] = ()) -> Any:
    """Spelling made one: a CPU/memory quantity is its text (``1`` and ``"1"``), a cluster resource template is
    the YAML document it holds (key order and quoting are not meaning)."""
    if isinstance(node, dict):
        return {key: normalised(value, (*path, str(key))) for key, value in node.items()}
    if len(path) >= 3 and path[-3] == "resources" and path[-2] in ("limits", "requests"):
        return str(node)
    if len(path) == 3 and path[:2] == ("clusterResourceTemplates", "inline") and isinstance(node, str):
        return yaml.safe_load(node)
    return node


def effective(defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """What Helm installs: the values over the chart's defaults, with flyte-core's tpl references expanded."""
    merged = deep_merge(defaults, values)
    resolved = dict(resolve_values_refs(merged, merged))
    resolved.pop("userSettings", None)
    return dict(normalised(resolved))


@pytest.mark.needs_shared
@pytest.mark.parametrize(("chart", "overlay"), list(ALLOWED))
def test_upstream_overlay_round_trips(shared_reference: Path, chart: str, overlay: str) -> None:
    charts = shared_reference / "charts"
    defaults = yaml.safe_load((charts / chart / "values.yaml").read_text())
    original = yaml.safe_load((charts / chart / overlay).read_text())
    result = import_values_file(charts / chart / overlay, chart)
    assert result.spec.chart_name is ChartName(chart)
    assert result.spec.overrides.get(chart, {}) == result.overrides
    release = next(r for r in build_plan(result.spec).releases if r.chart.value == chart)
    assert_matches(effective(defaults, release.values), effective(defaults, original), ALLOWED[(chart, overlay)])
    # the spec owns the essentials, and every key of the file is accounted for exactly once
    assert result.mapped and not set(result.mapped) & set(result.unmapped)
    file_keys = {
        dotted(p) for p, v in leaves(resolve_values_refs(original, original)) if not (isinstance(v, dict) and not v)
    }
    file_keys = {k for k in file_keys if not k.startswith("userSettings")}
    assert file_keys == set(result.mapped) | set(result.unmapped)


@pytest.mark.parametrize("preset", ["eks-starter", "gke-starter", "onprem-starter", "eks-core", "gke-production"])
def test_the_kits_own_values_import_back_to_the_same_values(preset: str) -> None:
    spec = get_preset(preset)
    values = build_plan(spec).releases[0].values
    result = import_values(values, spec.chart_name)
    assert result.spec.environment is spec.environment
    assert result.spec.storage.metadata_bucket == spec.storage.metadata_bucket
    assert result.spec.database.host == spec.database.host
    assert result.spec.ingress.controller is spec.ingress.controller
    again = next(r for r in build_plan(result.spec).releases if r.chart is spec.chart_name).values
    assert_matches(again, values, [])  # no normalisation: the kit's own file comes back leaf for leaf
