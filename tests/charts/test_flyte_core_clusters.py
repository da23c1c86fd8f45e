"""flyte-core emitter: multi-cluster releases, a control plane and its data planes."""

from __future__ import annotations

from typing import Any

from flytekit_deploy.charts.flyte_core import emit
from flytekit_deploy.spec import DeploymentSpec

from .flyte_core_helpers import at, spec_of

# ---- multi-cluster -------------------------------------------------------------------------------------------


def three_data_planes(**clusters: Any) -> DeploymentSpec:
    planes = [
        {"name": "east", "endpoint": "https://east.example.com", "label": "default", "weight": 0.5},
        {"name": "west", "endpoint": "https://west.example.com", "label": "default", "weight": 0.5},
        {"name": "gpu", "endpoint": "https://gpu.example.com", "label": "gpu", "weight": 1.0},
    ]
    return spec_of(
        "eks-multicluster",
        ingress={"host": "flyte.example.com"},
        clusters={"data_planes": planes, **clusters},
        hardening="off",  # the admin's volumes without the hardened OIDC secret file (test_hardening_values.py)
    )


def test_multicluster_three_data_planes() -> None:
    releases = emit(three_data_planes())
    assert [(r.role, r.cluster) for r in releases] == [
        ("data-plane", "east"),
        ("data-plane", "west"),
        ("data-plane", "gpu"),
        ("control-plane", "control-plane"),
    ]
    control = releases[-1]
    clusters = at(control.values, "configmap", "clusters")
    assert clusters["labelClusterMap"] == {
        "default": [{"id": "east", "weight": 0.5}, {"id": "west", "weight": 0.5}],
        "gpu": [{"id": "gpu", "weight": 1.0}],
    }
    assert [c["name"] for c in clusters["clusterConfigs"]] == ["east", "west", "gpu"]
    assert clusters["clusterConfigs"][2] == {
        "name": "gpu",
        "endpoint": "https://gpu.example.com",
        "enabled": True,
        "auth": {
            "type": "file_path",
            "tokenPath": "/var/run/credentials/gpu_token",
            "certPath": "/var/run/credentials/gpu_cacert",
        },
    }
    assert control.values["flyteadmin"]["additionalVolumes"] == [
        {"name": "cluster-credentials", "secret": {"secretName": "cluster-credentials"}}
    ]
    assert control.values["flyteadmin"]["additionalVolumeMounts"] == [
        {"name": "cluster-credentials", "mountPath": "/var/run/credentials"}
    ]
    assert control.values["flytepropeller"]["enabled"] is False
    (credentials,) = [s for s in control.secrets if s.name == "cluster-credentials"]
    assert list(credentials.keys) == [f"{n}_{k}" for n in ("east", "west", "gpu") for k in ("token", "cacert")]
    assert "flyteadmin" in credentials.purpose and credentials.cluster == "control-plane"
    assert any("create secret generic cluster-credentials" in n for n in control.notes)
    assert any("kubernetes.io/service-account-token" in n for n in control.notes)


def test_data_planes_report_to_the_control_plane() -> None:
    releases = emit(three_data_planes())
    for plane in releases[:3]:
        values = plane.values
        assert values["flyteadmin"]["enabled"] is False
        assert values["flyteadmin"]["serviceAccount"]["alwaysCreate"] is True
        assert values["flytepropeller"]["enabled"] is True
        assert values["flytepropeller"]["clusterName"] == plane.cluster
        assert at(values, "configmap", "admin", "admin", "endpoint") == "dns:///flyte.example.com"
        assert at(values, "configmap", "admin", "admin", "insecure") is False
        assert at(values, "common", "ingress", "enabled") is False
        assert plane.filename == f"values-flyte-core-{plane.cluster}.yaml"
        assert [s.name for s in plane.secrets] == ["flyte-secret-auth"]  # no database on a data plane
        assert not any("ALB" in n for n in plane.notes)


def test_control_plane_running_workloads_gets_in_cluster_credentials() -> None:
    releases = emit(three_data_planes(control_plane_runs_workloads=True, admin_endpoint="dns:///admin.internal:443"))
    control = releases[-1]
    assert control.values["flytepropeller"]["enabled"] is True
    first = at(control.values, "configmap", "clusters", "clusterConfigs")[0]
    assert first["name"] == "control-plane"
    assert first["auth"]["tokenPath"] == "/var/run/secrets/kubernetes.io/serviceaccount/token"
    assert at(releases[0].values, "configmap", "admin", "admin", "endpoint") == "dns:///admin.internal:443"
