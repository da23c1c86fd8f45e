"""The flyte-core sandbox preset against upstream's values-sandbox.yaml, for flyte-core and for flyte-deps."""

from __future__ import annotations

from flytekit_deploy.charts.common import deep_merge
from flytekit_deploy.charts.flyte_core import emit

from .flyte_core_upstream import NEEDS_REFERENCE, REFERENCE, _compare, _differences, _load, _only
from .flyte_core_upstream_inputs import SANDBOX_INPUTS, fed

pytestmark = NEEDS_REFERENCE


def test_sandbox_core_matches_values_sandbox() -> None:
    releases = emit(fed("sandbox-core", SANDBOX_INPUTS))
    (release,) = _only(releases, "all-in-one")
    allowed = [
        "db.*.database.options",
        "configmap.task_logs.plugins.k8s-array",
        "configmap.task_resource_defaults",
        "configmap.k8s.plugins.k8s.default-memory",
        "redis",
        "common.ingress.host",
        "common.ingress.webpackHMR",
        "flyteconsole.ga",
        "flyteadmin.service.annotations",
    ]
    _compare(release, ["values-sandbox.yaml"], allowed)


def test_sandbox_core_deps_match_flyte_deps_values_sandbox() -> None:
    (deps,) = _only(emit(fed("sandbox-core", SANDBOX_INPUTS)), "dependencies")
    deps_chart = REFERENCE / "charts" / "flyte-deps"
    chart = _load(deps_chart / "values.yaml")
    expected = deep_merge(chart, _load(deps_chart / "values-sandbox.yaml"))
    actual = deep_merge(chart, deps.values)
    assert list(_differences(actual, expected)) == []
