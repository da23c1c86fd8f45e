"""The flyte-core sandbox preset against upstream's values-sandbox.yaml, for flyte-core and for flyte-deps."""

from __future__ import annotations

from pathlib import Path

import pytest

from flytekit_deploy.charts.common import deep_merge
from flytekit_deploy.charts.flyte_core import emit

from . import flyte_core_allowed as allowed
from .flyte_core_upstream import compare, load, only
from .flyte_core_upstream_inputs import SANDBOX_INPUTS, fed
from .upstream import assert_matches

pytestmark = pytest.mark.needs_shared


def test_sandbox_core_matches_values_sandbox(shared_reference: Path) -> None:
    (release,) = only(emit(fed("sandbox-core", SANDBOX_INPUTS)), "all-in-one")
    compare(shared_reference, release, ["values-sandbox.yaml"], allowed.SANDBOX)


def test_sandbox_core_deps_match_flyte_deps_values_sandbox(shared_reference: Path) -> None:
    (deps,) = only(emit(fed("sandbox-core", SANDBOX_INPUTS)), "dependencies")
    deps_chart = shared_reference / "charts" / "flyte-deps"
    chart = load(deps_chart / "values.yaml")
    expected = deep_merge(chart, load(deps_chart / "values-sandbox.yaml"))
    assert_matches(deep_merge(chart, deps.values), expected, [])
