"""The flyte-core multi-cluster preset against upstream's control-plane and data-plane overlays."""

from __future__ import annotations

from flytekit_deploy.charts.flyte_core import emit

from .flyte_core_upstream import _EKS_ALLOWED, NEEDS_REFERENCE, _compare, _only
from .flyte_core_upstream_inputs import EKS_INPUTS, fed

pytestmark = NEEDS_REFERENCE


def test_eks_control_plane_matches_values_controlplane() -> None:
    releases = emit(fed("eks-multicluster", EKS_INPUTS))
    (control,) = _only(releases, "control-plane")
    allowed = [*_EKS_ALLOWED, "configmap.clusters", "flyteadmin.additionalVolume*", "datacatalog.service"]
    _compare(control, ["values-eks.yaml", "values-controlplane.yaml"], allowed)


def test_eks_data_planes_match_values_dataplane() -> None:
    releases = emit(fed("eks-multicluster", EKS_INPUTS))
    planes = _only(releases, "data-plane")
    assert [p.cluster for p in planes] == ["dataplane-1", "dataplane-2"]
    allowed = [
        *_EKS_ALLOWED,
        "flytescheduler.enabled",
        "common.ingress.enabled",
        "configmap.admin.admin.endpoint",
        "configmap.admin.admin.insecure",
        "configmap.catalog.catalog-cache",
        "flytepropeller.clusterName",
    ]
    for plane in planes:
        _compare(plane, ["values-eks.yaml", "values-dataplane.yaml"], allowed)
