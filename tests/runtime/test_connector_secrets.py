"""The connector's credentials reach flytekit's own secrets lookup through the env vars the kit emits."""

from __future__ import annotations

import pytest

from flytekit_deploy.charts.flyteconnector import emitter as connector
from flytekit_deploy.presets import get_preset


def test_flytekit_reads_the_databricks_token_from_the_emitted_env(monkeypatch: pytest.MonkeyPatch) -> None:
    context_manager = pytest.importorskip("flytekit.core.context_manager", reason="pip install flytekit")
    (release,) = connector.emit(get_preset("eks-hybrid"))
    for entry in release.values["podEnv"]:  # what the kubelet sets from the Secret
        monkeypatch.setenv(entry["name"], "dapi-token-from-the-secret")
    secrets = context_manager.SecretsManager()
    # flytekitplugins-spark's Databricks connector: get_connector_secret("FLYTE_DATABRICKS_ACCESS_TOKEN")
    assert secrets.get(key="FLYTE_DATABRICKS_ACCESS_TOKEN") == "dapi-token-from-the-secret"
