"""The flyte-core multi-cluster preset against upstream's control-plane and data-plane overlays."""

from __future__ import annotations

from pathlib import Path

import pytest

from flytekit_deploy.charts.flyte_core import emit

from . import flyte_core_allowed as allowed
from .flyte_core_upstream import compare, only
from .flyte_core_upstream_inputs import EKS_INPUTS, fed

pytestmark = pytest.mark.needs_shared


def test_eks_control_plane_matches_values_controlplane(shared_reference: Path) -> None:
    releases = emit(fed("eks-multicluster", EKS_INPUTS))
    (control,) = only(releases, "control-plane")
    entries = [*allowed.COMMON, *allowed.EKS, *allowed.CONTROL_PLANE]
    compare(shared_reference, control, ["values-eks.yaml", "values-controlplane.yaml"], entries)


def test_eks_data_planes_match_values_dataplane(shared_reference: Path) -> None:
    releases = emit(fed("eks-multicluster", EKS_INPUTS))
    planes = only(releases, "data-plane")
    assert [p.cluster for p in planes] == ["dataplane-1", "dataplane-2"]
    for plane, own in zip(planes, (allowed.DATA_PLANE_1, allowed.DATA_PLANE_2), strict=True):
        entries = [*allowed.COMMON, *allowed.EKS, *allowed.DATA_PLANES, *own]
        compare(shared_reference, plane, ["values-eks.yaml", "values-dataplane.yaml"], entries)
