"""Unit tests of the flyte-core emitter: every preset emits, and each spec section lands where the chart reads it.

This file covers what holds for every preset; the sections have their own files (test_flyte_core_*.py).
"""

from __future__ import annotations

import pytest
import yaml

from flytekit_deploy.charts.flyte_core import emit
from flytekit_deploy.errors import SpecError
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import ChartName

from .flyte_core_helpers import CORE_PRESETS, main

# ---- every preset ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", CORE_PRESETS)
def test_every_flyte_core_preset_emits(preset: str) -> None:
    spec = get_preset(preset)
    releases = emit(spec)
    assert releases
    for release in releases:
        assert release.namespace == spec.namespace
        assert release.version == spec.chart_version
        if release.chart is ChartName.FLYTE_CORE:
            assert release.release == spec.name
            assert release.role in ("all-in-one", "control-plane", "data-plane")
            for key in release.values:  # a comment above every top-level block
                assert release.comments.get(key), key
            assert all(path.split(".")[0] in release.values for path in release.comments)
        yaml.safe_load(yaml.safe_dump(release.values))  # plain data, dumpable
        assert all(s.cluster == release.cluster for s in release.secrets)


@pytest.mark.parametrize("preset", CORE_PRESETS)
def test_emitted_keys_are_keys_flyte_core_reads(preset: str) -> None:
    chart_keys = pytest.importorskip("flytekit_deploy.checks.chart_keys")
    for release in emit(get_preset(preset)):
        findings = chart_keys.check_values(release.values, release.chart.value)
        assert [f.path for f in findings] == []


def test_single_cluster_release_shape() -> None:
    spec = get_preset("eks-core")
    (release,) = emit(spec)
    assert (release.role, release.release, release.cluster) == ("all-in-one", "flyte", "<EKS_CLUSTER_NAME>")
    assert release.filename == "values-flyte-core.yaml"


def test_onprem_cluster_name_and_local_fallback() -> None:
    assert main(emit(get_preset("onprem-production"))).cluster == "flyte"
    sandbox = emit(get_preset("sandbox-core"))
    assert [r.cluster for r in sandbox] == ["flyte", "flyte"]  # local: no cluster name, the deployment name


def test_other_charts_are_refused() -> None:
    with pytest.raises(SpecError, match="flyte-core"):
        emit(get_preset("eks-starter"))


def test_emitting_twice_is_identical() -> None:
    for preset in CORE_PRESETS:
        first, second = emit(get_preset(preset)), emit(get_preset(preset))
        assert [yaml.safe_dump(r.values, sort_keys=False) for r in first] == [
            yaml.safe_dump(r.values, sort_keys=False) for r in second
        ]
        assert [(r.comments, r.notes, r.secrets) for r in first] == [(r.comments, r.notes, r.secrets) for r in second]


def test_top_level_blocks_follow_the_charts_order() -> None:
    keys = list(main(emit(get_preset("eks-core"))).values)
    assert keys.index("flyteadmin") < keys.index("storage") < keys.index("configmap")
    assert keys.index("configmap") < keys.index("cluster_resource_manager")
