"""Adding a cloud is one object (normally one module under ``clouds/``) and one registry line: a throwaway
"second on-prem flavour", defined here and nowhere else, is registered through the documented hook
(:func:`flytekit_deploy.clouds.registered`, the stand-in for the line in ``CLOUDS``), and presets, topology,
emitters, rules and the importer answer for it without another change."""

from __future__ import annotations

from typing import Any

from flytekit_deploy.clouds import CLOUDS, Preset, cloud_of, registered
from flytekit_deploy.clouds._presets import starter
from flytekit_deploy.clouds.base import BaseCloud, Prerequisite
from flytekit_deploy.clouds.onprem import DEFAULTS, S3_COMPATIBLE
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.spec import DeploymentSpec, Environment
from flytekit_deploy.topology import build_topology
from flytekit_deploy.topology.names import account_label, cluster_label


def _oke_lab() -> DeploymentSpec:
    return starter(DEFAULTS, name="lab")


class LabCloud(BaseCloud):
    """A second self-managed flavour: its own names, a task-pod variable, a preset."""

    environment = Environment.ONPREM
    display_name = "Lab cluster"
    kubernetes_service = "LabKube"
    object_store = S3_COMPATIBLE

    @property
    def presets(self) -> tuple[Preset, ...]:
        return (Preset("lab-starter", "The lab's cluster", _oke_lab),)

    def account_label(self, spec: DeploymentSpec) -> str:
        return "Lab data centre"

    def task_pod_env(self, spec: DeploymentSpec) -> list[dict[str, Any]]:
        return [{"LAB_PROXY": "http://proxy.lab:3128"}]

    def prerequisites(self, spec: DeploymentSpec) -> tuple[Prerequisite, ...]:
        return (Prerequisite("lab proxy", "task pods reach the store through it"),)


def test_a_registered_cloud_answers_everywhere() -> None:
    before = CLOUDS[Environment.ONPREM]
    with registered(LabCloud()):
        assert "lab-starter" in preset_names()
        assert "onprem-starter" not in preset_names()
        spec = get_preset("lab-starter")
        assert account_label(spec) == "Lab data centre"
        assert "LabKube cluster" in cluster_label(spec)
        topology = build_topology(spec)
        assert topology.title == "lab: single-cluster on Lab cluster (flyte-binary)"
        assert any("Lab data centre" in group.label for group in topology.groups)
        assert cloud_of(spec).prerequisites(spec)[0].name == "lab proxy"
        values = build_plan(spec).releases[0].values
        env = values["configuration"]["inline"]["plugins"]["k8s"]["default-env-vars"]
        assert {"LAB_PROXY": "http://proxy.lab:3128"} in env
    assert CLOUDS[Environment.ONPREM] is before
    assert "lab-starter" not in preset_names()


def test_every_cloud_implements_the_protocol() -> None:
    from flytekit_deploy.clouds import Cloud

    for environment, cloud in CLOUDS.items():
        assert isinstance(cloud, Cloud)
        assert cloud.environment is environment
        assert cloud.presets, f"{environment.value} has no preset"
        for preset in cloud.presets:
            assert preset.build().environment is environment
