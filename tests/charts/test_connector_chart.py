"""The flyteconnector emitter and the connector endpoint the main charts point their connector-service plugin at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts import emit_releases
from flytekit_deploy.charts.common import deep_merge, walk_leaves
from flytekit_deploy.charts.flyteconnector import emitter as connector
from flytekit_deploy.charts.values_yaml import values_to_yaml
from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import ChartName, DeploymentSpec

from .upstream import ABSENT, Allowed, allow, assert_matches

NO_SECRET_DATA = (
    "secretData off: upstream's pseudo Secret would carry credentials in the values; the person's Secrets are "
    "mounted instead"
)
ALLOWED: list[Allowed] = [
    allow("connectorSecret", {}, ABSENT, NO_SECRET_DATA),
    allow("connectorSecret.secretData.data.username", ABSENT, "User", NO_SECRET_DATA),
    allow(
        "podEnv",
        [
            {
                "name": "_FSEC_FLYTE_DATABRICKS_ACCESS_TOKEN",
                "valueFrom": {"secretKeyRef": {"name": "flyte-connector-secrets", "key": "databricks-token"}},
            }
        ],
        {},
        "the connector credentials from existing Secrets, as the _FSEC_<KEY> variables flytekit's SecretsManager "
        "reads (a second volume at /etc/secrets, where the chart mounts its own Secret, does not render)",
    ),
    allow("serviceAccount.annotations", ABSENT, {}, "IRSA: the connector calls AWS as the backend role"),
    allow(
        ("serviceAccount", "annotations", "eks.amazonaws.com/role-arn"),
        "<FLYTE_BACKEND_IAM_ROLE_ARN>",
        ABSENT,
        "IRSA: the connector calls AWS as the backend role",
    ),
]


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def spec_with(changes: dict[str, Any], preset: str = "eks-hybrid") -> DeploymentSpec:
    return DeploymentSpec.model_validate(deep_merge(get_preset(preset).model_dump(mode="json"), changes))


@pytest.mark.needs_shared
def test_hybrid_connector_release_against_the_chart_defaults(shared_reference: Path) -> None:
    defaults = load(shared_reference / "charts" / "flyteconnector" / "values.yaml")
    (release,) = connector.emit(get_preset("eks-hybrid"))
    assert_matches(deep_merge(defaults, release.values), defaults, ALLOWED)
    # the chart's default secret data (a placeholder username) is gone, as Helm's null removes it
    assert deep_merge(defaults, release.values)["connectorSecret"] == {}


@pytest.mark.needs_shared
def test_endpoint_is_what_the_charts_default_to_and_what_upstream_renders(shared_reference: Path) -> None:
    spec = get_preset("eks-hybrid")
    assert spec.namespace == "flyte"
    binary = load(shared_reference / "charts" / "flyte-binary" / "values.yaml")
    core = load(shared_reference / "charts" / "flyte-core" / "values.yaml")
    assert (
        connector.connector_endpoint(spec)
        == binary["configuration"]["connectorService"]["defaultConnector"]["endpoint"]
    )
    plugin = core["flyteconnector"]["plugin_config"]["plugins"]["connector-service"]["defaultConnector"]
    assert connector.connector_endpoint(spec) == plugin["endpoint"]
    rendered = shared_reference / "deployment" / "connector" / "flyte_connector_helm_generated.yaml"
    docs = [d for d in yaml.safe_load_all(rendered.read_text(encoding="utf-8")) if d]
    (service,) = [d for d in docs if d["kind"] == "Service"]
    assert service["metadata"]["name"] == connector.CONNECTOR_SERVICE
    assert [p["port"] for p in service["spec"]["ports"]] == [connector.CONNECTOR_PORT]
    (deployment,) = [d for d in docs if d["kind"] == "Deployment"]
    (mount,) = deployment["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert mount["mountPath"] == connector.SECRETS_DIR


def test_endpoint_follows_the_namespace() -> None:
    assert connector.connector_endpoint(spec_with({"namespace": "ml"})) == "k8s://flyteconnector.ml:8000"


@pytest.mark.parametrize("name", list(PRESETS))
def test_no_release_without_connectors(name: str) -> None:
    spec = get_preset(name)
    releases = connector.emit(spec)
    assert (releases != []) == (bool(spec.connectors) or spec.components.connector.enabled)
    assert [r for r in emit_releases(spec) if r.chart is ChartName.FLYTECONNECTOR] == releases


def test_aws_batch_alone_needs_no_connector_service() -> None:
    spec = spec_with({"connectors": [{"kind": "aws-batch"}], "components": {"connector": {"enabled": False}}})
    assert connector.emit(spec) == []
    assert not connector.needs_connector_service(spec)
    enabled = spec_with({"connectors": [{"kind": "aws-batch"}]})
    assert len(connector.emit(enabled)) == 1


def test_hybrid_release_mounts_credentials_from_secrets() -> None:
    spec = get_preset("eks-hybrid")
    (release,) = connector.emit(spec)
    assert (release.release, release.chart, release.role, release.namespace, release.cluster) == (
        "flyteconnector",
        ChartName.FLYTECONNECTOR,
        "connector",
        spec.namespace,
        "<EKS_CLUSTER_NAME>",
    )
    values = release.values
    assert values["connectorSecret"] == {"secretData": None}
    assert "additionalVolumes" not in values and "additionalVolumeMounts" not in values  # break the v1.16.8 chart
    assert values["podEnv"] == [
        {
            "name": "_FSEC_FLYTE_DATABRICKS_ACCESS_TOKEN",
            "valueFrom": {"secretKeyRef": {"name": "flyte-connector-secrets", "key": "databricks-token"}},
        }
    ]
    (secret,) = release.secrets
    assert (secret.name, list(secret.keys), secret.values) == ("flyte-connector-secrets", ["databricks-token"], None)
    assert secret.spec_paths == ["connectors[1].secret"]
    assert values["serviceAccount"]["annotations"] == {"eks.amazonaws.com/role-arn": "<FLYTE_BACKEND_IAM_ROLE_ARN>"}
    assert any("flytekitplugins-spark" in note for note in release.notes)
    assert "minio" not in values_to_yaml(release)
    for path, value in walk_leaves(values):
        assert value != "User", path


def test_more_connectors_each_get_their_secret_as_env() -> None:
    spec = spec_with(
        {
            "environment": "gcp",
            "aws": None,
            "storage": {"provider": "gcs", "region": None},
            "identity": {"backend": None, "tasks": None},
            "observability": {"logs": {"providers": ["stackdriver"]}},
            "connectors": [
                {"kind": "bigquery", "secret": {"name": "gcp-key", "key": "key.json"}},
                {"kind": "snowflake", "secret": {"name": "conn", "key": "snowflake"}},
                {
                    "kind": "slurm",
                    "endpoint": "https://slurm.example.com",
                    "secret": {"name": "conn", "key": "ssh-key"},
                },
            ],
            "components": {
                "connector": {
                    "replicas": 2,
                    "image_tag": "1.16.0",
                    "resources": {"cpu_request": "1", "memory_limit": "1Gi"},
                }
            },
        }
    )
    (release,) = connector.emit(spec)
    values = release.values
    assert [(e["name"], e["valueFrom"]["secretKeyRef"]) for e in values["podEnv"]] == [
        ("_FSEC_KEY.JSON", {"name": "gcp-key", "key": "key.json"}),
        ("_FSEC_SNOWFLAKE_PRIVATE_KEY", {"name": "conn", "key": "snowflake"}),
        ("_FSEC_SSH-KEY", {"name": "conn", "key": "ssh-key"}),
    ]
    assert values["serviceAccount"]["annotations"] == {"iam.gke.io/gcp-service-account": "<FLYTE_BACKEND_GSA_EMAIL>"}
    assert (values["replicaCount"], values["image"]) == (2, {"tag": "1.16.0"})
    assert values["resources"] == {"requests": {"cpu": "1"}, "limits": {"memory": "1Gi"}}
    assert [s.name for s in release.secrets] == ["gcp-key", "conn"]
    assert set(release.secrets[1].keys) == {"snowflake", "ssh-key"}


def test_connector_without_secrets_keeps_the_chart_secret_and_adds_no_mount() -> None:
    spec = spec_with({"connectors": [{"kind": "sagemaker"}]})
    values = connector.emit(spec)[0].values
    assert "connectorSecret" not in values and "additionalVolumes" not in values


def test_overrides_merge_last_and_emission_is_deterministic() -> None:
    spec = spec_with({"overrides": {"flyteconnector": {"image": {"repository": "example/connector"}}}})
    values = connector.emit(spec)[0].values
    assert values["image"] == {"repository": "example/connector"}
    first, second = connector.emit(get_preset("eks-hybrid"))[0], connector.emit(get_preset("eks-hybrid"))[0]
    assert first == second and values_to_yaml(first) == values_to_yaml(second)


def test_emitted_keys_exist_in_the_chart() -> None:
    chart_keys = pytest.importorskip("flytekit_deploy.checks.chart_keys")
    (release,) = connector.emit(get_preset("eks-hybrid"))
    findings = chart_keys.check_values(release.values, "flyteconnector")
    assert [(f.path, f.message) for f in findings] == []
