"""The flyte-core emitter against upstream's own overlays.

For each upstream overlay the matching preset is fed the same inputs upstream uses (bucket names, hosts, roles,
resources, quotas, placeholders), emitted, and compared with the overlay: both are merged over the chart's
values.yaml (Helm's merge) and ``{{ .Values.* }}`` indirections are resolved. They must be equal except for the
key paths in ALLOW, each with the reason the difference is right. An allow-list entry a comparison does not use
fails the test too, so the list cannot go stale.

The comparison and the allow-list are in flyte_core_upstream.py, the inputs in flyte_core_upstream_inputs.py;
the sandbox and multi-cluster comparisons have their own files (test_flyte_core_reference_*.py).
"""

from __future__ import annotations

from flytekit_deploy.charts.flyte_core import emit

from .flyte_core_upstream import _AUTH_PATHS, _EKS_ALLOWED, ALLOW, NEEDS_REFERENCE, _compare
from .flyte_core_upstream_inputs import EKS_AWS_SCHEDULER_INPUTS, EKS_INPUTS, GCP_INPUTS, fed

pytestmark = NEEDS_REFERENCE

# ---- the comparisons -----------------------------------------------------------------------------------------------


def test_eks_matches_values_eks() -> None:
    (release,) = emit(fed("eks-core", EKS_INPUTS))
    _compare(release, ["values-eks.yaml"], _EKS_ALLOWED)


def test_eks_aws_scheduler_matches_values_eks_override() -> None:
    (release,) = emit(fed("eks-core-aws-scheduler", EKS_INPUTS, EKS_AWS_SCHEDULER_INPUTS))
    allowed = [*_EKS_ALLOWED, "workflow_scheduler.config.scheduler.*reconnect*"]
    _compare(release, ["values-eks.yaml", "values-eks-override.yaml"], allowed)


def test_gke_matches_values_gcp() -> None:
    (release,) = emit(fed("gke-production", GCP_INPUTS))
    allowed = [
        *_AUTH_PATHS,
        "common.databaseSecret.secretManifest",
        "db.*.database.options",
        "configmap.task_resource_defaults",
        "cluster_resource_manager.standalone_deploy",
        "flytepropeller.cacheSizeMbs",
        "Release",
        "datacatalog.serviceAccount.annotations.iam.gke.io/gcp-service-account",
        "common.ingress.annotations.cert-manager.io/*",
    ]
    _compare(release, ["values-gcp.yaml"], allowed)


def test_allow_list_is_small_and_explained() -> None:
    assert len(ALLOW) <= 31
    assert all(len(reason) > 20 for reason in ALLOW.values())
