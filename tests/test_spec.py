"""The DeploymentSpec: loading, dumping without loss, the schema, and one clear message per class of bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from flytekit_deploy.errors import SpecError
from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import (
    ChartName,
    DeploymentModel,
    DeploymentSpec,
    Environment,
    IdentityMode,
    dump_spec,
    parse_quantity,
    parse_spec,
    recommend_chart,
    spec_from_dict,
    spec_json_schema,
)


def problems(text: str) -> list[tuple[str, str, str]]:
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    return [(p.path, p.message, p.fix) for p in caught.value.problems]


def only_problem(text: str) -> tuple[str, str, str]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_round_trips_through_yaml_and_json(name: str) -> None:
    spec = get_preset(name)
    for fmt in ("yaml", "json"):
        again = parse_spec(dump_spec(spec, fmt))
        assert again == spec


def test_default_spec_is_the_sandbox() -> None:
    spec = DeploymentSpec()
    assert spec.model is DeploymentModel.SANDBOX
    assert spec.chart_name is ChartName.FLYTE_SANDBOX
    assert spec.identity_mode is IdentityMode.RBAC
    assert spec.local is not None  # the chosen environment's section is created


def test_recommendation_rule() -> None:
    assert recommend_chart(DeploymentModel.SANDBOX) is ChartName.FLYTE_SANDBOX
    assert recommend_chart(DeploymentModel.SINGLE_CLUSTER) is ChartName.FLYTE_BINARY
    assert recommend_chart(DeploymentModel.HYBRID) is ChartName.FLYTE_BINARY
    assert recommend_chart(DeploymentModel.MULTI_CLUSTER) is ChartName.FLYTE_CORE
    assert recommend_chart(DeploymentModel.SINGLE_CLUSTER, propeller_replicas=3) is ChartName.FLYTE_CORE
    assert recommend_chart(DeploymentModel.SINGLE_CLUSTER, aws_scheduler=True) is ChartName.FLYTE_CORE


def test_schema_is_json_and_names_every_section() -> None:
    schema = spec_json_schema()
    json.dumps(schema)
    for section in ("storage", "database", "identity", "auth", "ingress", "components", "observability", "clusters"):
        assert section in schema["properties"]


def test_secret_refs_lists_every_reference_by_path() -> None:
    refs = get_preset("eks-production").secret_refs()
    assert "database.password" in refs
    assert "auth.client_secret" in refs


def test_quantities() -> None:
    assert parse_quantity("500m") == parse_quantity("0.5")
    assert parse_quantity("1Gi") == 1024**3
    assert parse_quantity("2") > parse_quantity("1500m")


# ---- one class of bad input each -------------------------------------------------------------------------------


def test_malformed_yaml_names_line_and_column() -> None:
    path, message, fix = only_problem("model: sandbox\n  environment: [local\n")
    assert path.startswith("line ")
    assert "not valid YAML" in message and fix


def test_top_level_not_a_mapping() -> None:
    path, message, _ = only_problem("- a\n- b\n")
    assert "mapping" in message


def test_unknown_key_suggests_the_nearest_field() -> None:
    (path, message, fix), *others = problems("storage:\n  metadata_bukcet: x\n")
    # the same run also says what the rest of that section lacks (an S3-compatible store needs an endpoint)
    assert [p for p, _, _ in others] == ["storage.endpoint"]
    assert path == "storage.metadata_bukcet"
    assert "unknown field" in message
    assert "metadata_bucket" in fix


def test_wrong_type() -> None:
    path, _, fix = only_problem("database:\n  port: many\n")
    assert path == "database.port"
    assert "whole number" in fix


def test_port_out_of_range() -> None:
    path, _, _ = only_problem("database:\n  port: 70000\n")
    assert path == "database.port"


def test_bad_enum_lists_the_choices() -> None:
    path, message, _ = only_problem("environment: mars\n")
    assert path == "environment"
    assert "aws" in message


@pytest.mark.parametrize(
    ("provider", "bucket", "rule"),
    [
        ("s3", "Upper_Case", "lowercase"),
        ("s3", "ab", "3 to 63"),
        ("s3", "192.168.1.1", "IP address"),
        ("gcs", "my_data-bucket", None),
        ("gcs", "my-google-data", "google"),
        ("gcs", "goog-data", "goog"),
        ("azure", "double--hyphen", "'--'"),
    ],
)
def test_bucket_rules_per_provider(provider: str, bucket: str, rule: str | None) -> None:
    base = get_preset({"s3": "eks-starter", "gcs": "gke-starter", "azure": "aks-starter"}[provider])
    data = base.model_dump(mode="json")
    data["storage"]["metadata_bucket"] = bucket
    if rule is None:
        spec_from_dict(data)
        return
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    (problem,) = caught.value.problems
    assert problem.path == "storage.metadata_bucket"
    assert rule in problem.message


def test_iam_role_arn_format() -> None:
    text = "model: single-cluster\nenvironment: aws\ncomponents: {}\n"
    assert problems(text)  # sandbox storage/database carry inline secrets: rejected outside the sandbox
    data = get_preset("eks-starter").model_dump(mode="json")
    data["components"]["scheduler"]["aws_scheduler_role_arn"] = "<X>"
    spec_from_dict(data)


def test_dns_hostname() -> None:
    data = get_preset("eks-starter").model_dump(mode="json")
    data["ingress"]["host"] = "https://flyte.example.com/"
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    (problem,) = caught.value.problems
    assert problem.path == "ingress.host"
    assert "host name" in problem.message


def test_kubernetes_quantity() -> None:
    path, message, fix = only_problem("components:\n  admin:\n    resources:\n      memory_request: 2GB\n")
    assert path == "components.admin.resources.memory_request"
    assert "quantity" in message and "Mi" in fix


def test_multi_cluster_on_flyte_binary_is_contradictory() -> None:
    data = get_preset("eks-multicluster").model_dump(mode="json")
    data["chart"] = "flyte-binary"
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    (problem,) = caught.value.problems
    assert problem.path == "chart"
    assert "flyte-core" in problem.message and "flyte-core" in problem.fix


def test_auth_none_in_production_is_contradictory() -> None:
    data = get_preset("eks-core").model_dump(mode="json")
    data["auth"] = {"mode": "none"}
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    (problem,) = caught.value.problems
    assert problem.path == "auth.mode"


def test_inline_secret_outside_sandbox() -> None:
    data = get_preset("eks-starter").model_dump(mode="json")
    data["database"]["password"]["value"] = "hunter2"
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    (problem,) = caught.value.problems
    assert problem.path == "database.password.value"
    assert "kubectl" in problem.fix


def test_identity_mode_must_match_environment() -> None:
    data = get_preset("gke-starter").model_dump(mode="json")
    data["identity"]["mode"] = "irsa"
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    assert caught.value.problems[0].path == "identity.mode"


def test_section_of_another_environment() -> None:
    data = get_preset("gke-starter").model_dump(mode="json")
    data["aws"] = {}
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    assert caught.value.problems[0].path == "aws"


def test_sandbox_model_in_a_cloud() -> None:
    path, _, fix = only_problem("environment: aws\nmodel: sandbox\n")
    assert path == "environment"
    assert "single-cluster" in fix


def test_aws_scheduler_outside_aws() -> None:
    data = get_preset("gke-production").model_dump(mode="json")
    data["components"]["scheduler"]["kind"] = "aws"
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    assert caught.value.problems[0].path == "components.scheduler.kind"


def test_duplicate_data_plane_names() -> None:
    data = get_preset("eks-multicluster").model_dump(mode="json")
    data["clusters"]["data_planes"][1]["name"] = data["clusters"]["data_planes"][0]["name"]
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    assert caught.value.problems[0].path == "clusters.data_planes"


def test_placeholders_pass_format_rules() -> None:
    spec = get_preset("eks-core")
    assert spec.storage.metadata_bucket.startswith("<")
    assert spec.environment is Environment.AWS


def test_presets_are_independent_copies() -> None:
    first = get_preset("eks-core")
    first.storage.metadata_bucket = "changed-bucket"
    first.ingress.host = "changed.example.com"
    again = get_preset("eks-core")
    assert again.storage.metadata_bucket == "<METADATA_BUCKET_NAME>"
    assert get_preset("eks-starter").ingress.host == "<FLYTE_HOST>"


def test_field_and_cross_field_problems_in_one_run() -> None:
    found = problems(
        "model: multi-cluster\nchart: flyte-binary\nclusters: {data_planes: [{name: dp-1}]}\n"
        "database: {host: 'my db'}\ncomponents: {admin: {replicas: true}}\n"
    )
    assert [p for p, _, _ in found] == ["database.host", "components.admin.replicas", "chart"] or {
        "database.host",
        "components.admin.replicas",
        "chart",
    } <= {p for p, _, _ in found}


def test_a_wrong_deciding_field_holds_back_the_rules_it_decides() -> None:
    found = problems("environment: awz\naws: {region: us-east-1}\n")
    assert [p for p, _, _ in found] == ["environment"]  # not also "aws settings given on local"


def test_all_bad_buckets_are_reported() -> None:
    found = problems("storage: {endpoint: 'http://m:9000', metadata_bucket: A_B, raw_data_bucket: x}\n")
    assert [p for p, _, _ in found if "bucket" in p] == ["storage.metadata_bucket", "storage.raw_data_bucket"]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("components: {admin: {replicas: true}}", "components.admin.replicas"),
        ("database: {port: false}", "database.port"),
        ("components: {propeller: {workers: true}}", "components.propeller.workers"),
    ],
)
def test_booleans_are_not_numbers(text: str, path: str) -> None:
    assert only_problem(text + "\n")[0] == path


@pytest.mark.parametrize(
    "host", ["flyteadmin", "flyteadmin.flyte.svc", "flyteadmin.flyte.svc.cluster.local", "db.example.com", "10.0.0.5"]
)
def test_in_cluster_database_hosts_are_accepted(host: str) -> None:
    assert spec_from_dict({"database": {"host": host}}).database.host == host


@pytest.mark.parametrize(
    "value",
    [
        "flyte-backend@my-project.iam.gserviceaccount.com",
        "123456789-compute@developer.gserviceaccount.com",
        "<FLYTE_BACKEND_GSA_EMAIL>",
    ],
)
def test_google_service_accounts_are_accepted(value: str) -> None:
    data: dict[str, Any] = {"model": "single-cluster", "environment": "gcp", "database": {"host": "db"}}
    data["storage"] = {"provider": "gcs", "metadata_bucket": "fl-md"}
    data["identity"] = {"backend": value}
    assert spec_from_dict(data).identity.backend == value


def test_an_arn_with_a_placeholder_inside_waits_for_it() -> None:
    data: dict[str, Any] = {"model": "single-cluster", "environment": "aws", "database": {"host": "db"}}
    data["storage"] = {"provider": "s3", "metadata_bucket": "b-md"}
    data["identity"] = {"backend": "arn:aws:iam::<AWS_ACCOUNT_ID>:role/flyte"}
    assert spec_from_dict(data).identity.backend.endswith(":role/flyte")
