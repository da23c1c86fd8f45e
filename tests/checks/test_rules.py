"""Static rules: one failing spec per rule (rule id, spec path, severity), and every preset free of errors."""

from __future__ import annotations

from typing import Any

import pytest

from flytekit_deploy.checks import Finding, Severity, doctor, static_findings
from flytekit_deploy.checks.rules import CHAPTERS, RULES, RuleContext, run_rules
from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import DeploymentSpec

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def variant(preset: str, **changes: Any) -> DeploymentSpec:
    """A preset with some fields changed, validated again. ``a__b=1`` sets ``a.b``."""
    data = get_preset(preset).model_dump(mode="json")
    for key, value in changes.items():
        node = data
        parts = key.split("__")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return DeploymentSpec.model_validate(data)


def only(spec: DeploymentSpec, rule: str) -> list[Finding]:
    return [f for f in static_findings(spec) if f.rule == rule]


def assert_one(spec: DeploymentSpec, rule: str, path: str, severity: Severity) -> Finding:
    found = only(spec, rule)
    assert [(f.path, f.severity) for f in found] == [(path, severity)], found
    item = found[0]
    assert item.fix and item.message and item.chapter in CHAPTERS
    return item


# ---- database ------------------------------------------------------------------------------------------------


def test_database_host_placeholder() -> None:
    assert_one(get_preset("eks-starter"), "database.host-placeholder", "database.host", WARNING)


def test_database_host_with_port_is_refused_by_the_spec() -> None:
    from flytekit_deploy.errors import SpecError
    from flytekit_deploy.spec import spec_from_dict

    data = get_preset("onprem-starter").model_dump(mode="json")
    data["database"]["host"] = "postgres:5432"
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    assert [p.path for p in caught.value.problems] == ["database.host"]
    assert "database.port" in caught.value.problems[0].fix


def test_database_port_of_cloud_sql_is_fixed() -> None:
    spec = variant("gke-starter", database__port=5433)
    assert_one(spec, "database.port", "database.port", WARNING)


@pytest.mark.parametrize(
    ("preset", "mode", "severity"),
    [
        ("aks-starter", "disable", ERROR),  # Azure PostgreSQL refuses plain connections
        ("eks-starter", "disable", ERROR),  # RDS PostgreSQL 15+ forces SSL
        ("eks-starter", "prefer", WARNING),
        ("gke-starter", "disable", INFO),  # Cloud SQL accepts it unless the instance enforces SSL
    ],
)
def test_managed_database_wants_tls(preset: str, mode: str, severity: Severity) -> None:
    spec = variant(preset, database__sslmode=mode)
    item = assert_one(spec, "database.sslmode", "database.sslmode", severity)
    assert "require" in item.fix


def test_managed_database_with_require_is_clean() -> None:
    assert only(get_preset("aks-starter"), "database.sslmode") == []


def test_password_value_outside_the_sandbox() -> None:
    spec = variant("eks-starter", database__password={"name": "db-pass", "key": "pass.txt", "value": "<DB_PASSWORD>"})
    assert_one(spec, "database.password-inline", "database.password.value", WARNING)


def test_shared_database_is_info() -> None:
    spec = variant("eks-core", database__datacatalog_dbname="flyteadmin")
    assert_one(spec, "database.shared", "database.datacatalog_dbname", INFO)


def test_database_in_another_cloud() -> None:
    spec = variant("gke-starter", database__flavour="rds", database__sslmode="require")
    assert_one(spec, "database.flavour-environment", "database.flavour", WARNING)


def test_in_cluster_database_in_production() -> None:
    spec = variant("onprem-production", database__flavour="in-cluster")
    assert_one(spec, "database.in-cluster-production", "database.flavour", WARNING)


# ---- storage -------------------------------------------------------------------------------------------------


def test_bucket_placeholders() -> None:
    found = only(get_preset("gke-starter"), "storage.bucket-placeholder")
    assert {f.path for f in found} == {"storage.metadata_bucket", "storage.raw_data_bucket"}


def test_s3_outside_aws_needs_a_region() -> None:
    spec = variant(
        "onprem-starter",
        storage__provider="s3",
        storage__endpoint=None,
        storage__metadata_bucket="flyte-meta",
        storage__raw_data_bucket="flyte-data",
    )
    assert_one(spec, "storage.region", "storage.region", ERROR)


def test_s3_region_placeholder_and_cross_region() -> None:
    assert_one(get_preset("eks-starter"), "storage.region-placeholder", "storage.region", WARNING)
    spec = variant("eks-starter", storage__region="eu-west-1", aws__region="us-east-1")
    assert_one(spec, "storage.region", "storage.region", INFO)


def test_gcs_with_keys_is_an_error() -> None:
    keys = {"name": "gcs-hmac", "key": "id"}
    spec = variant("gke-starter", storage__credentials="secret", storage__access_key=keys, storage__secret_key=keys)
    assert_one(spec, "storage.credentials", "storage.credentials", ERROR)


def test_static_keys_on_their_own_cloud() -> None:
    keys = {"name": "s3-keys", "key": "id"}
    spec = variant("eks-starter", storage__credentials="secret", storage__access_key=keys, storage__secret_key=keys)
    assert_one(spec, "storage.static-keys", "storage.credentials", WARNING)


def test_workload_identity_without_a_task_identity() -> None:
    spec = variant("eks-starter", identity__tasks=None)
    item = assert_one(spec, "storage.identity-missing", "identity.tasks", WARNING)
    assert "IAM role ARN" in item.fix


def test_raw_data_bucket_advised() -> None:
    spec = variant("onprem-starter", storage__raw_data_bucket=None)
    assert_one(spec, "storage.raw-data-bucket", "storage.raw_data_bucket", INFO)
    spec = variant("onprem-production", storage__raw_data_bucket=None)
    assert_one(spec, "storage.raw-data-bucket", "storage.raw_data_bucket", WARNING)


def test_plain_http_object_store_outside_the_cluster() -> None:
    spec = variant("onprem-starter", storage__endpoint="http://minio.example.com:9000")
    assert_one(spec, "storage.endpoint-http", "storage.endpoint", WARNING)
    inside = variant("onprem-starter", storage__endpoint="http://minio.storage.svc.cluster.local:9000")
    assert only(inside, "storage.endpoint-http") == []


# ---- service discovery ---------------------------------------------------------------------------------------


def test_ingress_without_host() -> None:
    spec = variant("onprem-starter", ingress__host=None)
    assert_one(spec, "discovery.ingress-host", "ingress.host", WARNING)


def test_authorized_uris_must_hold_the_ingress_host() -> None:
    spec = variant(
        "onprem-production", ingress__host="flyte.example.com", auth__authorized_uris=["https://other.example.com"]
    )
    assert_one(spec, "discovery.authorized-uris", "auth.authorized_uris", ERROR)
    spec = variant(
        "onprem-production", ingress__host="flyte.example.com", auth__authorized_uris=["http://flyte.example.com"]
    )
    assert_one(spec, "discovery.authorized-uris", "auth.authorized_uris", WARNING)
    spec = variant(
        "onprem-production", ingress__host="flyte.example.com", auth__authorized_uris=["https://flyte.example.com"]
    )
    assert only(spec, "discovery.authorized-uris") == []


def test_flytectl_config_matches_the_ingress() -> None:
    for name in PRESETS:
        assert only(get_preset(name), "discovery.flytectl-endpoint") == [], name


def test_multicluster_needs_a_reachable_admin_endpoint() -> None:
    spec = variant("eks-multicluster", ingress__controller="none", ingress__host=None)
    assert_one(spec, "discovery.admin-endpoint", "clusters.admin_endpoint", ERROR)
    spec = variant("eks-multicluster", clusters__admin_endpoint="flyteadmin.flyte.svc.cluster.local:81")
    assert_one(spec, "discovery.admin-endpoint", "clusters.admin_endpoint", ERROR)
    spec = variant("eks-multicluster", clusters__admin_endpoint="https://flyte.example.com")
    assert (
        "dns:///flyte.example.com" in assert_one(spec, "discovery.admin-endpoint", "clusters.admin_endpoint", ERROR).fix
    )
    spec = variant("eks-multicluster", clusters__admin_endpoint="dns:///flyte.example.com")
    assert only(spec, "discovery.admin-endpoint") == []
    assert_one(get_preset("eks-multicluster"), "discovery.admin-endpoint-placeholder", "ingress.host", WARNING)


def test_dataplane_values_point_at_the_control_plane() -> None:
    for name in ("eks-multicluster", "gke-multicluster", "aks-multicluster"):
        assert only(get_preset(name), "discovery.dataplane-admin") == [], name
    spec = variant(
        "eks-multicluster", overrides={"flyte-core": {"configmap": {"admin": {"admin": {"endpoint": "flyteadmin:81"}}}}}
    )
    found = only(spec, "discovery.dataplane-admin")
    assert found and {f.path for f in found} == {"clusters.admin_endpoint"} and found[0].severity is ERROR


@pytest.mark.parametrize("preset", ["eks-core", "gke-production", "eks-starter", "gke-starter"])
def test_grpc_routing_needs_a_separate_ingress(preset: str) -> None:
    # flyte-binary has separateGrpcIngress too, and the emitter honours the spec on both charts
    legacy = {} if preset.startswith("eks") else {"ingress__kind": "ingress", "ingress__controller": "nginx"}
    spec = variant(preset, ingress__separate_grpc=False, **legacy)  # GKE presets use Gateway API: nginx explicitly
    assert_one(spec, "discovery.grpc-routing", "ingress.separate_grpc", ERROR)


def test_grpc_routing_reads_the_emitted_annotations() -> None:
    alb = "alb.ingress.kubernetes.io/backend-protocol-version"
    spec = variant(
        "eks-core", overrides={"flyte-core": {"common": {"ingress": {"separateGrpcIngressAnnotations": {alb: None}}}}}
    )
    item = assert_one(spec, "discovery.grpc-routing", "ingress.annotations", ERROR)
    assert alb in item.message
    nginx = "nginx.ingress.kubernetes.io/backend-protocol"
    spec = variant(
        "gke-production",
        ingress__kind="ingress",
        ingress__controller="nginx",
        overrides={"flyte-core": {"common": {"ingress": {"annotations": {nginx: "GRPC"}}}}},
    )
    assert_one(spec, "discovery.grpc-routing", "ingress.annotations", ERROR)
    spec = variant("gke-production", ingress__kind="ingress", ingress__controller="gce", ingress__tls={"mode": "none"})
    gce = only(spec, "discovery.grpc-routing")
    assert all("cloud.google.com/app-protocols" in f.message for f in gce)


# ---- resources -----------------------------------------------------------------------------------------------


def test_request_above_limit() -> None:
    spec = variant("eks-core", components__admin__resources={"cpu_request": "2", "cpu_limit": "500m"})
    assert_one(spec, "resources.request-above-limit", "components.admin.resources.cpu_request", ERROR)


def test_request_above_the_charts_default_limit() -> None:
    spec = variant("eks-core", components__admin__resources={"memory_request": "1Gi"})
    item = assert_one(spec, "resources.request-above-limit", "components.admin.resources.memory_limit", ERROR)
    assert "chart's default" in item.message


def test_quantities_in_the_wrong_unit() -> None:
    spec = variant("eks-core", components__propeller__resources={"memory_request": "512", "cpu_request": "512Mi"})
    found = {(f.path, f.severity) for f in only(spec, "resources.units")}
    assert found == {
        ("components.propeller.resources.memory_request", ERROR),
        ("components.propeller.resources.cpu_request", ERROR),
    }


def test_quota_below_the_task_default_request() -> None:
    spec = variant("eks-core", projects__quotas={"development": {"cpu": "50m", "memory": "3000Mi"}})
    item = assert_one(spec, "resources.quota-below-task-default", "projects.quotas.development.cpu", ERROR)
    assert "100m" in item.message  # flyte-core's default task request


def test_quota_for_an_unknown_domain() -> None:
    spec = variant("eks-core", projects__quotas={"prod": {"cpu": "4"}})
    assert_one(spec, "resources.quota-domain", "projects.quotas.prod", WARNING)


# ---- auth ----------------------------------------------------------------------------------------------------


def test_public_and_unauthenticated() -> None:
    assert_one(get_preset("eks-starter"), "auth.public-unauthenticated", "auth.mode", WARNING)
    assert only(get_preset("onprem-starter"), "auth.public-unauthenticated") == []  # not a cloud


def test_auth_without_tls() -> None:
    spec = variant("onprem-production", ingress__tls={"mode": "none"})
    assert_one(spec, "auth.no-tls", "ingress.tls.mode", WARNING)


def test_issuer_and_client_placeholders() -> None:
    found = {(f.path, f.severity) for f in only(get_preset("eks-core"), "auth.idp-placeholder")}
    assert found == {("auth.issuer", WARNING), ("auth.client_id", WARNING)}


def test_issuer_with_discovery_path() -> None:
    spec = variant(
        "onprem-production", auth__issuer="https://id.example.com/realms/flyte/.well-known/openid-configuration"
    )
    assert "realms/flyte" in assert_one(spec, "auth.issuer", "auth.issuer", ERROR).fix


def test_flytectl_redirect_must_be_local() -> None:
    spec = variant("onprem-production", auth__flytectl_redirect_uri="https://flyte.example.com/callback")
    assert_one(spec, "auth.redirect-uri", "auth.flytectl_redirect_uri", ERROR)
    spec = variant("onprem-production", auth__flytectl_redirect_uri="https://localhost/callback")
    assert_one(spec, "auth.redirect-uri", "auth.flytectl_redirect_uri", WARNING)


def test_external_server_with_the_internal_service_client() -> None:
    spec = variant("eks-core", auth__mode="oidc-external", auth__external_audience="api://flyte")
    assert_one(spec, "auth.service-client-id", "auth.service_client_id", ERROR)  # Okta generates client IDs
    spec = variant("onprem-production", auth__mode="oidc-external", auth__external_audience="flyte")
    assert_one(spec, "auth.service-client-id", "auth.service_client_id", WARNING)  # Keycloak may use that ID
    spec = variant(
        "gke-production", auth__mode="oidc-external", auth__external_audience="x", auth__service_client_id="x"
    )
    assert_one(spec, "auth.external-server", "auth.mode", ERROR)  # Google is no external authorization server


# ---- charts --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v2.0.0", "1.16.7"])  # "" and "latest" are refused by the spec itself
def test_chart_version_must_be_pinned(version: str) -> None:
    item = assert_one(variant("sandbox", chart_version=version), "charts.version", "chart_version", ERROR)
    assert "v1.16.8" in item.fix


def test_service_monitor_needs_the_operator() -> None:
    spec = variant("eks-core", observability__service_monitor={"enabled": True})
    assert (
        "Prometheus Operator"
        in assert_one(spec, "charts.service-monitor", "observability.service_monitor.enabled", INFO).message
    )
    spec = variant("eks-starter", observability__service_monitor={"enabled": True})
    assert_one(spec, "charts.service-monitor", "observability.service_monitor.enabled", WARNING)


def test_replicas_on_the_single_binary() -> None:
    spec = variant("eks-starter", components__admin__replicas=3)
    assert_one(spec, "charts.binary-replicas", "components.admin.replicas", INFO)


def test_hybrid_without_the_connector_service() -> None:
    spec = variant("eks-hybrid", components__connector__enabled=False)
    assert_one(spec, "charts.connector-disabled", "components.connector.enabled", WARNING)


def test_overrides_for_a_chart_not_in_the_plan() -> None:
    spec = variant("eks-starter", overrides={"flyte-core": {"flyteadmin": {"replicaCount": 2}}})
    assert_one(spec, "charts.overrides-unused", "overrides.flyte-core", WARNING)


def test_placeholders_are_listed_once() -> None:
    item = assert_one(get_preset("eks-starter"), "charts.placeholders", "", WARNING)
    assert "<RDS_HOST>" in item.message
    assert only(get_preset("sandbox"), "charts.placeholders") == []


# ---- every preset --------------------------------------------------------------------------------------------

EXPECTED_WARNINGS = {
    # upstream's starters publish an unauthenticated endpoint; the rule says so on purpose
    "eks-starter": {"auth.public-unauthenticated"},
    "eks-hybrid": {"auth.public-unauthenticated"},
    "gke-starter": {"auth.public-unauthenticated"},
    "aks-starter": {"auth.public-unauthenticated"},
}


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_has_no_errors(name: str) -> None:
    findings = doctor(get_preset(name))
    assert [f for f in findings if f.severity is ERROR] == []
    warnings = {f.rule for f in findings if f.severity is WARNING}
    unexpected = {r for r in warnings if not r.endswith(("placeholder", "placeholders"))}
    assert unexpected <= EXPECTED_WARNINGS.get(name, set()), unexpected
    for item in findings:
        assert item.rule and item.fix and item.chapter


def test_sandbox_is_clean() -> None:
    assert doctor(get_preset("sandbox")) == []


def test_rules_are_grouped_by_concern_and_run_selectively() -> None:
    assert list(RULES) == ["database", "storage", "discovery", "resources", "auth", "charts", "edge", "hardening"]
    spec = get_preset("eks-starter")
    ctx = RuleContext(spec)
    database_only = run_rules(spec, only=["database"], context=ctx)
    assert database_only and all(f.rule.startswith("database.") for f in database_only)
    with pytest.raises(ValueError, match="unknown rule group"):
        run_rules(spec, only=["nope"])


def test_doctor_adds_chart_key_findings_for_overrides() -> None:
    spec = variant("eks-starter", overrides={"flyte-binary": {"configuration": {"storage": {"metadataContainr": "x"}}}})
    found = [f for f in doctor(spec) if f.rule == "chart-keys.unknown"]
    assert len(found) == 1
    assert found[0].path == "values-flyte-binary.yaml:configuration.storage.metadataContainr"
    assert "metadataContainer" in found[0].fix
