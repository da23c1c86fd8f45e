"""flyte-core emitter: secrets never inline outside the sandbox, and what the sandbox inlines instead."""

from __future__ import annotations

import pytest

from flytekit_deploy.charts.common import walk_leaves
from flytekit_deploy.charts.flyte_core import emit
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import ChartName

from .flyte_core_helpers import CORE_PRESETS, at, main, spec_of

SECRET_LEAVES = {"password", "clientSecret", "secretKey", "accessKey", "access_key_id", "secret_key"}
STOW_SECRET_LEAVES = ("stow.config.key", "stow.config.json")


@pytest.mark.parametrize("preset", [p for p in CORE_PRESETS if not get_preset(p).is_sandbox])
def test_secrets_never_inline_outside_sandbox(preset: str) -> None:
    for release in emit(get_preset(preset)):
        for path, value in walk_leaves(release.values):
            secret_leaf = path.rsplit(".", 1)[-1] in SECRET_LEAVES or path.endswith(STOW_SECRET_LEAVES)
            if secret_leaf and "secretKeyRef" not in path:
                assert value is None, path
        assert "secretManifest" not in release.values.get("common", {}).get("databaseSecret", {})
        assert all(secret.values is None for secret in release.secrets)
        credentials = release.values.get("secrets", {}).get("adminOauthClientCredentials")
        if credentials is not None:
            assert "clientSecret" in credentials and credentials["clientSecret"] is None  # deletes 'foobar'


def test_sandbox_uses_flyte_deps_without_secrets() -> None:
    releases = emit(get_preset("sandbox-core"))
    deps, core = releases
    assert (deps.role, deps.chart, deps.release) == ("dependencies", ChartName.FLYTE_DEPS, "flyte-deps")
    assert deps.values["contour"]["enabled"] is True
    assert core.values["storage"] == {"type": "sandbox", "bucketName": "my-s3-bucket"}
    assert core.secrets == []
    env = at(core.values, "configmap", "k8s", "plugins", "k8s", "default-env-vars")
    assert {"FLYTE_AWS_ACCESS_KEY_ID": "minio"} in env  # development keys, sandbox only
    assert core.values["deployRedoc"] is True


def test_sandbox_with_another_store_inlines_its_development_keys() -> None:
    spec = spec_of(
        "sandbox-core",
        storage={"endpoint": "http://minio.storage.svc:9000", "access_key": {"value": "dev"}},
        database={"host": "db.example.com"},
    )
    releases = emit(spec)
    core = main(releases)
    config = core.values["storage"]["custom"]["stow"]["config"]
    assert (config["access_key_id"], config["secret_key"], config["disable_ssl"]) == ("dev", "miniostorage", True)
    assert at(core.values, "db", "admin", "database", "password") == "postgres"
    deps = releases[0].values
    assert (deps["minio"]["enabled"], deps["postgres"]["enabled"]) == (False, False)
