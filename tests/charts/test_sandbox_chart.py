"""The flyte-sandbox emitter: against the chart's own defaults (which the sandbox preset should reproduce, apart from
the image overrides a plain local cluster needs), and unit behaviour."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts import emit_releases
from flytekit_deploy.charts.common import deep_merge, walk_leaves
from flytekit_deploy.charts.flyte_sandbox import emitter as sandbox
from flytekit_deploy.charts.values_yaml import values_to_yaml
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import ChartName, DeploymentSpec

from .upstream import ABSENT, Allowed, allow, assert_matches

IMAGES = "upstream's `sandbox` tags with pullPolicy Never exist only in flytectl demo's k3s image; published images"
BINARY_IMAGE = IMAGES + " (the released flyte-binary-release at the chart version)"
DBNAME = (
    "the spec names FlyteAdmin's database flyteadmin; the chart's default is flyte. flyteadmin creates the database "
    "on first start either way"
)


def _image(path: str, repository: str | None, tag: str, registry: str | None = None) -> list[Allowed]:
    """A published image replacing a `sandbox` tag: pull policy and tag always, repository/registry when upstream
    leaves them to the subchart (ABSENT) or names the k3s-only one."""
    entries = [
        allow(f"{path}.pullPolicy", "IfNotPresent", "Never", IMAGES),
        allow(f"{path}.tag", tag, "sandbox", IMAGES),
    ]
    if repository is not None:
        entries.append(allow(f"{path}.repository", repository, ABSENT, IMAGES))
    if registry is not None:
        entries.append(allow(f"{path}.registry", registry, ABSENT, IMAGES))
    return entries


ALLOWED: list[Allowed] = [
    *_image("docker-registry.image", "registry", "2.8.1"),
    *_image("kubernetes-dashboard.image", "kubernetesui/dashboard", "v2.7.0"),
    *_image("minio.image", "bitnamilegacy/minio", "2023.7.18-debian-11-r0", "docker.io"),
    *_image("minio.volumePermissions.image", "bitnamilegacy/os-shell", "11-debian-11-r91", "docker.io"),
    *_image("postgresql.image", "bitnamilegacy/postgresql", "15.4.0-debian-11-r45", "docker.io"),
    *_image("postgresql.volumePermissions.image", "bitnamilegacy/os-shell", "11-debian-11-r91", "docker.io"),
    *_image("sandbox.buildkit.image", None, "buildx-stable-1"),
    *_image("sandbox.proxy.image", None, "v1.23-latest"),
    allow("flyte-binary.deployment.image.pullPolicy", "IfNotPresent", "Never", BINARY_IMAGE),
    allow(
        "flyte-binary.deployment.image.repository",
        "cr.flyte.org/flyteorg/flyte-binary-release",
        "flyte-binary",
        BINARY_IMAGE,
    ),
    allow("flyte-binary.deployment.image.tag", "v1.16.8", "sandbox", BINARY_IMAGE),
    allow("flyte-binary.deployment.waitForDB.image.pullPolicy", "IfNotPresent", "Never", IMAGES),
    allow("flyte-binary.deployment.waitForDB.image.repository", "postgres", "bitnami/postgresql", IMAGES),
    allow("flyte-binary.deployment.waitForDB.image.tag", "15-alpine", "sandbox", IMAGES),
    allow("flyte-binary.configuration.database.dbname", "flyteadmin", "flyte", DBNAME),
]


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def values_of(spec: DeploymentSpec) -> dict[str, Any]:
    (release,) = sandbox.emit(spec)
    return release.values


def _go(text: str) -> str:
    """Go-template whitespace is spelling: ``{{.namespace }}`` is ``{{ .namespace }}``."""
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", lambda m: "{{ " + m.group(1) + " }}", text)


def _spelling(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _spelling(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_spelling(value) for value in node]
    return _go(node) if isinstance(node, str) else node


def meaning(values: dict[str, Any], binary_defaults: dict[str, Any]) -> dict[str, Any]:
    """Values as the sandbox chart sees them, its flyte-binary subchart's defaults layered underneath."""
    values = deep_merge(values, {"flyte-binary": deep_merge(binary_defaults, values["flyte-binary"])})
    spelled: dict[str, Any] = _spelling(values)
    return spelled


@pytest.fixture(scope="module")
def charts(shared_reference: Path) -> Path:
    return shared_reference / "charts"


@pytest.mark.needs_shared
def test_preset_reproduces_the_chart_defaults_but_the_images(charts: Path) -> None:
    defaults = load(charts / "flyte-sandbox" / "values.yaml")
    binary = load(charts / "flyte-binary" / "values.yaml")
    ours = meaning(deep_merge(defaults, values_of(get_preset("sandbox"))), binary)
    assert_matches(ours, meaning(defaults, binary), ALLOWED)


@pytest.mark.needs_shared
def test_every_sandbox_tag_of_upstream_is_replaced(charts: Path) -> None:
    defaults = load(charts / "flyte-sandbox" / "values.yaml")
    sandboxed = {path.rsplit(".", 1)[0] for path, value in walk_leaves(defaults) if value in ("sandbox", "Never")}
    assert sandboxed == set(sandbox.PUBLISHED_IMAGES) | {"flyte-binary.deployment.image"}
    merged = deep_merge(defaults, values_of(get_preset("sandbox")))
    for path, value in walk_leaves(merged):
        assert value not in ("sandbox", "Never"), path


@pytest.mark.needs_shared
def test_bitnami_charts_are_the_pinned_major_versions(charts: Path) -> None:
    """The published tags are Debian 11 builds of the 12.x chart line flyte-sandbox pins (Chart.lock)."""
    lock = {d["name"]: d["version"] for d in load(charts / "flyte-sandbox" / "Chart.lock")["dependencies"]}
    assert lock["minio"].startswith("12.") and lock["postgresql"].startswith("12.")
    for path in ("minio.image", "postgresql.image"):
        image = sandbox.PUBLISHED_IMAGES[path]
        assert image.repository.startswith("bitnamilegacy/") and "debian-11" in image.tag


def test_credentials_and_buckets_follow_the_spec() -> None:
    spec = get_preset("sandbox")
    values = values_of(spec)
    assert spec.storage.access_key and spec.storage.secret_key
    access, secret = spec.storage.access_key.value, spec.storage.secret_key.value
    assert values["minio"]["auth"] == {"rootUser": access, "rootPassword": secret}
    s3 = values["flyte-binary"]["configuration"]["storage"]["providerConfig"]["s3"]
    assert (s3["accessKey"], s3["secretKey"]) == (access, secret)
    env = values["flyte-binary"]["configuration"]["inline"]["plugins"]["k8s"]["default-env-vars"]
    assert {"FLYTE_AWS_ACCESS_KEY_ID": access} in env and {"FLYTE_AWS_SECRET_ACCESS_KEY": secret} in env
    password = spec.database.password.value
    assert values["postgresql"]["auth"] == {"postgresPassword": password}
    assert values["flyte-binary"]["configuration"]["database"]["password"] == password
    assert values["minio"]["defaultBuckets"] == spec.storage.metadata_bucket

    custom = DeploymentSpec.model_validate(
        deep_merge(
            spec.model_dump(mode="json"),
            {
                "storage": {
                    "metadata_bucket": "meta",
                    "raw_data_bucket": "raw",
                    "access_key": {"value": "admin"},
                    "secret_key": {"value": "s3cr3t-key"},
                },
                "database": {"password": {"value": "pg-pass"}},
            },
        )
    )
    values = values_of(custom)
    assert values["minio"]["defaultBuckets"] == "meta,raw"
    assert values["minio"]["auth"] == {"rootUser": "admin", "rootPassword": "s3cr3t-key"}
    assert values["flyte-binary"]["configuration"]["storage"]["userDataContainer"] == "raw"
    assert values["postgresql"]["auth"]["postgresPassword"] == "pg-pass"


def test_images_are_published_and_pulled_if_not_present() -> None:
    spec = get_preset("sandbox")
    values = values_of(spec)
    flyte = values["flyte-binary"]["deployment"]["image"]
    assert flyte == {
        "repository": "cr.flyte.org/flyteorg/flyte-binary-release",
        "tag": "v1.16.8",
        "pullPolicy": "IfNotPresent",
    }
    for path, image in sandbox.PUBLISHED_IMAGES.items():
        node: Any = values
        for part in path.split("."):
            node = node[part]
        assert node["pullPolicy"] == "IfNotPresent" and node["tag"] == image.tag
    for value in dict(walk_leaves(values)).values():
        assert value not in ("sandbox", "Never")


def test_dashboard_follows_the_kubernetes_log_link() -> None:
    spec = get_preset("sandbox")
    values = values_of(spec)
    assert "enabled" not in values["kubernetes-dashboard"]
    link = values["flyte-binary"]["configuration"]["logging"]["plugins"]["kubernetes"]["templateUri"]
    assert link.startswith("http://localhost:30080/kubernetes-dashboard/") and "{{ .podName }}" in link
    custom = DeploymentSpec.model_validate(
        deep_merge(
            spec.model_dump(mode="json"),
            {
                "observability": {
                    "logs": {
                        "providers": ["custom"],
                        "custom": [{"name": "Loki", "template": "http://loki/{{ .podName }}"}],
                    }
                }
            },
        )
    )
    values = values_of(custom)
    assert values["kubernetes-dashboard"] == {"enabled": False}
    assert values["flyte-binary"]["configuration"]["logging"]["plugins"] == {
        "custom": [{"displayName": "Loki", "templateUris": ["http://loki/{{ .podName }}"]}]
    }


def test_release_notes_and_secrets() -> None:
    spec = get_preset("sandbox")
    (release,) = emit_releases(spec)
    assert (release.release, release.chart, release.role, release.namespace) == (
        "flyte-sandbox",
        ChartName.FLYTE_SANDBOX,
        "all-in-one",
        spec.namespace,
    )
    assert release.secrets == []  # the charts create them from the values
    assert any("k3d" in note and "30080" in note for note in release.notes)
    assert any("sandbox" in note and "published" in note for note in release.notes)
    assert "published image" in release.comments["minio"]
    kind = DeploymentSpec(local={"runtime": "kind"})
    assert any("extraPortMappings" in n for n in sandbox.emit(kind)[0].notes)
    assert sandbox.emit(DeploymentSpec(name="my-flyte-sandbox"))[0].release == "my-flyte-sandbox"
    renamed = sandbox.emit(DeploymentSpec(name="demo"))[0]
    assert renamed.release == "flyte-sandbox" and any("Service names" in n for n in renamed.notes)


def test_external_database_and_store_switch_the_bundled_ones_off() -> None:
    spec = DeploymentSpec.model_validate(
        {
            "database": {
                "flavour": "external",
                "host": "pg.example.com",
                "password": {"name": "pg", "key": "p", "value": "x"},
            },
            "storage": {
                "provider": "s3-compatible",
                "endpoint": "https://s3.example.com",
                "credentials": "secret",
                "access_key": {"name": "s3", "key": "a", "value": "ak"},
                "secret_key": {"name": "s3", "key": "s", "value": "sk"},
            },
        }
    )
    values = values_of(spec)
    assert values["postgresql"] == {"enabled": False}
    assert values["minio"] == {"enabled": False}
    assert values["flyte-binary"]["configuration"]["database"]["host"] == "pg.example.com"
    s3 = values["flyte-binary"]["configuration"]["storage"]["providerConfig"]["s3"]
    assert s3["endpoint"] == "https://s3.example.com" and s3["disableSSL"] is False
    env = values["flyte-binary"]["configuration"]["inline"]["plugins"]["k8s"]["default-env-vars"]
    assert {"FLYTE_AWS_ENDPOINT": "https://s3.example.com"} in env


def test_overrides_and_determinism() -> None:
    spec = DeploymentSpec.model_validate({"overrides": {"flyte-sandbox": {"docker-registry": {"enabled": False}}}})
    values = values_of(spec)
    assert values["docker-registry"]["enabled"] is False
    first, second = sandbox.emit(get_preset("sandbox"))[0], sandbox.emit(get_preset("sandbox"))[0]
    assert first == second and values_to_yaml(first) == values_to_yaml(second)
    assert list(first.values) == [
        "docker-registry",
        "flyte-binary",
        "kubernetes-dashboard",
        "minio",
        "postgresql",
        "sandbox",
    ]


def test_emitted_keys_exist_in_the_chart() -> None:
    chart_keys = pytest.importorskip("flytekit_deploy.checks.chart_keys")
    findings = chart_keys.check_values(values_of(get_preset("sandbox")), "flyte-sandbox")
    assert [(f.path, f.message) for f in findings] == []
