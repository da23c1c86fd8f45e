"""flytekit reads ``abfs://`` only with the storage account named (it fails with "Must provide ... account_name"):
every Azure plan must give its task pods ``AZURE_STORAGE_ACCOUNT_NAME``, whatever the chart."""

from __future__ import annotations

from typing import Any

import pytest

from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names


def _task_pod_env(values: dict[str, Any]) -> list[dict[str, Any]]:
    if "configuration" in values:  # flyte-binary
        return list(values["configuration"]["inline"]["plugins"]["k8s"].get("default-env-vars", []))
    return list(values["configmap"]["k8s"]["plugins"]["k8s"].get("default-env-vars", []))


AZURE = [name for name in preset_names() if get_preset(name).environment.value == "azure"]


@pytest.mark.parametrize("name", AZURE)
def test_every_azure_plan_names_the_storage_account(name: str) -> None:
    spec = get_preset(name)
    assert spec.azure is not None
    for release in build_plan(spec).releases:
        if release.chart.value == "flyteconnector":
            continue
        if "configuration" not in release.values and "configmap" not in release.values:
            continue
        assert {"AZURE_STORAGE_ACCOUNT_NAME": spec.azure.storage_account} in _task_pod_env(release.values), (
            f"{name}: {release.filename}"
        )


def test_there_are_azure_presets_on_both_charts() -> None:
    assert {get_preset(n).chart_name.value for n in AZURE} >= {"flyte-binary", "flyte-core"}
