"""The flyte-core emitter against upstream's own overlays.

For each upstream overlay the matching preset is fed the same inputs upstream uses (bucket names, hosts, roles,
resources, quotas, placeholders), emitted, and compared with the overlay: both are merged over the chart's
values.yaml (Helm's merge) and ``{{ .Values.* }}`` indirections are resolved. They must be equal except for the
leaves in flyte_core_allowed.py, each pinning both values and the reason the difference is right. An entry a
comparison does not use fails the test too, so the list cannot go stale.

The comparison is in flyte_core_upstream.py, the inputs in flyte_core_upstream_inputs.py; the sandbox and
multi-cluster comparisons have their own files (test_flyte_core_reference_*.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flytekit_deploy.charts.flyte_core import emit

from . import flyte_core_allowed as allowed
from .flyte_core_upstream import compare
from .flyte_core_upstream_inputs import EKS_AWS_SCHEDULER_INPUTS, EKS_INPUTS, GCP_INPUTS, fed

pytestmark = pytest.mark.needs_shared


def test_eks_matches_values_eks(shared_reference: Path) -> None:
    (release,) = emit(fed("eks-core", EKS_INPUTS))
    compare(shared_reference, release, ["values-eks.yaml"], [*allowed.COMMON, *allowed.EKS])


def test_eks_aws_scheduler_matches_values_eks_override(shared_reference: Path) -> None:
    (release,) = emit(fed("eks-core-aws-scheduler", EKS_INPUTS, EKS_AWS_SCHEDULER_INPUTS))
    overlays = ["values-eks.yaml", "values-eks-override.yaml"]
    compare(shared_reference, release, overlays, [*allowed.COMMON, *allowed.EKS, *allowed.AWS_SCHEDULER])


def test_gke_matches_values_gcp(shared_reference: Path) -> None:
    (release,) = emit(fed("gke-production", GCP_INPUTS))
    compare(shared_reference, release, ["values-gcp.yaml"], [*allowed.COMMON, *allowed.GKE])


def test_allow_list_is_small_and_explained() -> None:
    """Few kinds of difference, each explained, however many leaves each touches."""
    lists = (
        allowed.COMMON,
        allowed.EKS,
        allowed.GKE,
        allowed.CONTROL_PLANE,
        allowed.DATA_PLANES,
        allowed.SANDBOX,
        allowed.AWS_SCHEDULER,
    )
    reasons = {entry.reason for entries in lists for entry in entries}
    assert len(reasons) <= 30
    assert all(len(reason) > 20 for reason in reasons)
