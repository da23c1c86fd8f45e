"""Unit tests of the flyte-core emitter: every preset emits, and each spec section lands where the chart reads it."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts.base import ReleaseValues
from flytekit_deploy.charts.common import walk_leaves
from flytekit_deploy.charts.flyte_core import emit
from flytekit_deploy.charts.flyte_core_parts import escape_go_template
from flytekit_deploy.errors import SpecError
from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import ChartName, DeploymentSpec

CORE_PRESETS = [name for name in PRESETS if get_preset(name).chart_name is ChartName.FLYTE_CORE]


def spec_of(preset: str, **changes: Any) -> DeploymentSpec:
    """A preset with nested changes, validated again (as a person's edited spec would be)."""

    def update(data: dict[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
        for key, value in more.items():
            if isinstance(value, Mapping) and value and isinstance(data.get(key), dict):
                data[key] = update(data[key], value)
            else:
                data[key] = copy.deepcopy(value)
        return data

    return DeploymentSpec.model_validate(update(get_preset(preset).model_dump(mode="json"), changes))


def main(releases: list[ReleaseValues]) -> ReleaseValues:
    (release,) = [r for r in releases if r.role == "all-in-one"]
    return release


def at(values: Mapping[str, Any], *path: str) -> Any:
    node: Any = values
    for key in path:
        node = node[key]
    return node


# ---- every preset ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", CORE_PRESETS)
def test_every_flyte_core_preset_emits(preset: str) -> None:
    spec = get_preset(preset)
    releases = emit(spec)
    assert releases
    for release in releases:
        assert release.namespace == spec.namespace
        assert release.version == spec.chart_version
        if release.chart is ChartName.FLYTE_CORE:
            assert release.release == spec.name
            assert release.role in ("all-in-one", "control-plane", "data-plane")
            for key in release.values:  # a comment above every top-level block
                assert release.comments.get(key), key
            assert all(path.split(".")[0] in release.values for path in release.comments)
        yaml.safe_load(yaml.safe_dump(release.values))  # plain data, dumpable
        assert all(s.cluster == release.cluster for s in release.secrets)


@pytest.mark.parametrize("preset", CORE_PRESETS)
def test_emitted_keys_are_keys_flyte_core_reads(preset: str) -> None:
    chart_keys = pytest.importorskip("flytekit_deploy.checks.chart_keys")
    for release in emit(get_preset(preset)):
        findings = chart_keys.check_values(release.values, release.chart.value)
        assert [f.path for f in findings] == []


def test_single_cluster_release_shape() -> None:
    spec = get_preset("eks-core")
    (release,) = emit(spec)
    assert (release.role, release.release, release.cluster) == ("all-in-one", "flyte", "<EKS_CLUSTER_NAME>")
    assert release.filename == "values-flyte-core.yaml"


def test_onprem_cluster_name_and_local_fallback() -> None:
    assert main(emit(get_preset("onprem-production"))).cluster == "flyte"
    sandbox = emit(get_preset("sandbox-core"))
    assert [r.cluster for r in sandbox] == ["flyte", "flyte"]  # local: no cluster name, the deployment name


def test_other_charts_are_refused() -> None:
    with pytest.raises(SpecError, match="flyte-core"):
        emit(get_preset("eks-starter"))


def test_emitting_twice_is_identical() -> None:
    for preset in CORE_PRESETS:
        first, second = emit(get_preset(preset)), emit(get_preset(preset))
        assert [yaml.safe_dump(r.values, sort_keys=False) for r in first] == [
            yaml.safe_dump(r.values, sort_keys=False) for r in second
        ]
        assert [(r.comments, r.notes, r.secrets) for r in first] == [(r.comments, r.notes, r.secrets) for r in second]


def test_top_level_blocks_follow_the_charts_order() -> None:
    keys = list(main(emit(get_preset("eks-core"))).values)
    assert keys.index("flyteadmin") < keys.index("storage") < keys.index("configmap")
    assert keys.index("configmap") < keys.index("cluster_resource_manager")


# ---- components ------------------------------------------------------------------------------------------------


def test_disabled_components_vanish() -> None:
    spec = spec_of(
        "eks-core",
        components={
            "console": {"enabled": False, "replicas": 3},
            "datacatalog": {"enabled": False},
            "scheduler": {"enabled": False},
            "cluster_resource_manager": {"enabled": False},
            "propeller": {"webhook": False},
        },
    )
    values = main(emit(spec)).values
    assert values["flyteconsole"] == {"enabled": False}
    assert values["datacatalog"] == {"enabled": False}
    assert values["workflow_scheduler"] == {"enabled": False}
    assert "flytescheduler" not in values
    assert values["cluster_resource_manager"] == {"enabled": False}
    assert values["webhook"] == {"enabled": False}


def test_component_settings() -> None:
    spec = spec_of(
        "onprem-production",
        components={
            "admin": {"image_tag": "v1.16.7", "replicas": 3, "resources": {"cpu_request": "1", "memory_limit": "2Gi"}},
            "propeller": {"manager": True, "create_crds": False, "workers": 80, "replicas": 2},
            "copilot_image_tag": "v1.16.7",
        },
    )
    values = main(emit(spec)).values
    admin = values["flyteadmin"]
    assert admin["image"] == {"tag": "v1.16.7"}
    assert admin["replicaCount"] == 3
    assert admin["resources"] == {"limits": {"memory": "2Gi"}, "requests": {"cpu": "1"}}
    assert at(admin, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution")[0][
        "labelSelector"
    ] == {"matchLabels": {"app.kubernetes.io/name": "flyteadmin"}}
    propeller = values["flytepropeller"]
    assert (propeller["manager"], propeller["createCRDs"]) == (True, False)
    assert propeller["priorityClassName"] == "system-cluster-critical"
    assert at(values, "configmap", "core", "propeller", "workers") == 80
    assert at(values, "configmap", "core", "propeller", "gc-interval") == "12h"
    copilot = at(values, "configmap", "copilot", "plugins", "k8s", "co-pilot", "image")
    assert copilot == "cr.flyte.org/flyteorg/flytecopilot:v1.16.7"


def test_development_profile_has_no_production_tuning() -> None:
    propeller = at(main(emit(get_preset("sandbox-core"))).values, "configmap", "core", "propeller")
    assert "kube-client-config" not in propeller and "gc-interval" not in propeller


def test_service_monitors_follow_the_spec() -> None:
    spec = spec_of(
        "eks-core",
        observability={"service_monitor": {"enabled": True, "interval": "30s", "labels": {"release": "prom"}}},
    )
    values = main(emit(spec)).values
    for block in ("flyteadmin", "datacatalog", "flytepropeller", "flyteconsole", "flytescheduler"):
        assert values[block]["serviceMonitor"] == {
            "enabled": True,
            "interval": "30s",
            "scrapeTimeout": "30s",
            "labels": {"release": "prom"},
        }
    assert values["flytepropeller"]["service"] == {"enabled": True}
    assert any("Prometheus Operator" in n for n in main(emit(spec)).notes)


# ---- storage, database, identity ---------------------------------------------------------------------------


def test_azure_blob_storage_through_stow() -> None:
    spec = spec_of("aks-production", azure={"storage_account": "flytestore"})
    values = main(emit(spec)).values
    storage = values["storage"]
    assert storage["type"] == "custom"
    assert storage["custom"] == {
        "type": "stow",
        "container": "<METADATA_CONTAINER_NAME>",
        "stow": {"kind": "azure", "config": {"account": "flytestore"}},
    }
    prefix = at(values, "configmap", "core", "propeller", "rawoutput-prefix")
    assert prefix == "abfs://<RAW_DATA_CONTAINER_NAME>@flytestore.dfs.core.windows.net/"
    k8s = at(values, "configmap", "k8s", "plugins", "k8s")
    assert {"AZURE_STORAGE_ACCOUNT_NAME": "flytestore"} in k8s["default-env-vars"]
    assert {"azure.workload.identity/use": "true"} in k8s["default-labels"]
    for block in ("flyteadmin", "datacatalog", "flytepropeller"):
        assert values[block]["podLabels"] == {"azure.workload.identity/use": "true"}
        assert values[block]["serviceAccount"]["annotations"] == {
            "azure.workload.identity/client-id": "<FLYTE_BACKEND_CLIENT_ID>"
        }
    assert at(values, "configmap", "namespace_config", "namespace_mapping", "template") == "{{ domain }}"
    templates = {t["key"]: t["value"] for t in values["cluster_resource_manager"]["templates"]}
    assert "azure.workload.identity/client-id: {{ defaultAzureClientId }}" in templates["aab_default_service_account"]


def test_gcs_storage_and_workload_identity() -> None:
    values = main(emit(get_preset("gke-production"))).values
    assert values["storage"]["type"] == "gcs"
    assert values["storage"]["gcs"] == {"projectId": "<GCP_PROJECT_ID>"}
    assert at(values, "configmap", "core", "propeller", "rawoutput-prefix") == "gs://<RAW_DATA_BUCKET_NAME>/"
    assert at(values, "configmap", "remoteData", "remoteData") == {"region": None, "scheme": "gcs"}
    assert "priorityClassName" not in values["flytepropeller"]  # GKE keeps critical classes to kube-system
    annotation = values["flytepropeller"]["serviceAccount"]["annotations"]["iam.gke.io/gcp-service-account"]
    assert annotation == "<FLYTE_BACKEND_GSA_EMAIL>"


def test_per_domain_task_roles() -> None:
    spec = spec_of(
        "eks-core",
        identity={"tasks": "arn:aws:iam::123456789012:role/tasks", "tasks_per_domain": {"production": "<PROD_ROLE>"}},
    )
    data = at(main(emit(spec)).values, "cluster_resource_manager", "config", "cluster_resources", "customData")
    roles = {domain: [e for e in entries if "defaultIamRole" in e] for item in data for domain, entries in item.items()}
    assert roles["production"] == [{"defaultIamRole": {"value": "<PROD_ROLE>"}}]
    assert roles["development"] == [{"defaultIamRole": {"value": "arn:aws:iam::123456789012:role/tasks"}}]


def test_runtime_placeholders_stay_literal() -> None:
    values = main(emit(get_preset("eks-core"))).values
    texts = "\n".join(t["value"] for t in values["cluster_resource_manager"]["templates"])
    assert "name: {{ namespace }}" in texts
    assert "eks.amazonaws.com/role-arn: {{ defaultIamRole }}" in texts
    assert "limits.cpu: {{ projectQuotaCpu }}" in texts
    assert '{{ "{{" }}' not in texts  # not tpl'd by the chart: no Helm escaping here


def test_quotas_with_gpu_and_partial_quotas() -> None:
    spec = spec_of(
        "onprem-production",
        projects={
            "quotas": {
                "development": {"cpu": "4", "memory": "8Gi", "gpu": "1"},
                "staging": {"cpu": "4", "memory": "8Gi", "gpu": "1"},
                "production": {"cpu": "8", "memory": "16Gi"},
            }
        },
    )
    release = main(emit(spec))
    templates = {t["key"]: t["value"] for t in release.values["cluster_resource_manager"]["templates"]}
    assert "limits.memory: {{ projectQuotaMemory }}" in templates["ab_project_resource_quota"]
    assert "projectQuotaGpu" not in templates["ab_project_resource_quota"]
    assert any("gpu is set for development, staging but not every domain" in n for n in release.notes)


def test_no_quotas_drop_the_charts_default_quotas() -> None:
    spec = spec_of("onprem-production", projects={"quotas": {}})
    crm = main(emit(spec)).values["cluster_resource_manager"]
    assert [t["key"] for t in crm["templates"]] == ["aa_namespace"]
    assert crm["config"]["cluster_resources"]["customData"] == [
        {"development": []},
        {"staging": []},
        {"production": []},
    ]


def test_database_password_comes_from_a_secret() -> None:
    release = main(emit(get_preset("aks-production")))
    database = at(release.values, "db", "admin", "database")
    assert database["passwordPath"] == "/etc/db/pass.txt"
    assert database["options"] == "sslmode=require"
    assert "password" not in database
    assert at(release.values, "common", "databaseSecret") == {"name": "db-pass"}
    (secret,) = [s for s in release.secrets if s.name == "db-pass"]
    assert list(secret.keys) == ["pass.txt"] and secret.values is None


def test_onprem_store_keys_live_in_a_storage_secret() -> None:
    release = main(emit(get_preset("onprem-production")))
    storage = release.values["storage"]
    assert storage["secretName"] == "flyte-storage-config"
    assert storage["custom"]["stow"]["config"]["endpoint"] == "<S3_ENDPOINT_URL>"
    assert "access_key_id" not in storage["custom"]["stow"]["config"]
    (secret,) = [s for s in release.secrets if s.name == "flyte-storage-config"]
    assert list(secret.keys) == ["storage.yaml"]
    env = at(release.values, "configmap", "k8s", "plugins", "k8s", "default-env-vars")
    assert env == [{"FLYTE_AWS_ENDPOINT": "<S3_ENDPOINT_URL>"}]


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


# ---- logs ----------------------------------------------------------------------------------------------------


def test_log_links_are_escaped_for_tpl() -> None:
    link = "https://logs.example.com/{{ .namespace }}/{{ .podName }}?c={{.containerName}}"
    spec = spec_of(
        "onprem-production",
        observability={"logs": {"providers": ["kubernetes", "custom"], "custom": [{"name": "Logs", "template": link}]}},
    )
    logs = at(main(emit(spec)).values, "configmap", "task_logs", "plugins", "logs")
    escaped = logs["templates"][0]["templateUris"][0]
    assert escaped == (
        'https://logs.example.com/{{ "{{" }} .namespace {{ "}}" }}/{{ "{{" }} .podName {{ "}}" }}'
        '?c={{ "{{" }}.containerName{{ "}}" }}'
    )
    helm_rendered = escaped.replace('{{ "{{" }}', "{{").replace('{{ "}}" }}', "}}")
    assert helm_rendered == link
    assert logs["kubernetes-template-uri"].startswith('http://localhost:30080/kubernetes-dashboard/#/log/{{ "{{" }}')


def test_escape_is_single_pass() -> None:
    assert escape_go_template("}}{{") == '{{ "}}" }}{{ "{{" }}'
    assert escape_go_template("no template") == "no template"


def test_cloudwatch_and_azure_log_links() -> None:
    eks = at(main(emit(get_preset("eks-core"))).values, "configmap", "task_logs", "plugins")
    assert eks["logs"]["cloudwatch-enabled"] is True
    assert eks["logs"]["cloudwatch-region"] == "<AWS_REGION>"
    assert eks["k8s-array"]["logs"]["config"]["cloudwatch-log-group"] == "<CLOUDWATCH_LOG_GROUP>"
    aks = at(main(emit(get_preset("aks-production"))).values, "configmap", "task_logs", "plugins", "logs")
    assert aks["templates"][0]["templateUris"] == ['<AZURE_LOG_ANALYTICS_URL>{{ "{{" }} .podName {{ "}}" }}']


# ---- ingress and auth ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("controller", "tls", "annotation", "grpc_annotation"),
    [
        (
            "nginx",
            {"mode": "secret", "secret_name": "flyte-tls"},
            ("kubernetes.io/ingress.class", "nginx"),
            "nginx.ingress.kubernetes.io/backend-protocol",
        ),
        ("traefik", {"mode": "none"}, ("kubernetes.io/ingress.class", "traefik"), None),
        ("gce", {"mode": "cert-manager", "cluster_issuer": "le"}, ("cert-manager.io/cluster-issuer", "le"), None),
        ("contour", {"mode": "none"}, None, None),
    ],
)
def test_ingress_per_controller(
    controller: str, tls: dict[str, str], annotation: tuple[str, str] | None, grpc_annotation: str | None
) -> None:
    spec = spec_of("onprem-production", ingress={"controller": controller, "host": "flyte.example.com", "tls": tls})
    release = main(emit(spec))
    ingress = at(release.values, "common", "ingress")
    assert ingress["enabled"] is True and ingress["host"] == "flyte.example.com"
    if annotation:
        assert ingress["annotations"][annotation[0]] == annotation[1]
    if grpc_annotation:
        assert grpc_annotation in ingress["separateGrpcIngressAnnotations"]
    assert ingress["tls"]["enabled"] is (tls["mode"] in ("secret", "cert-manager"))
    if tls["mode"] == "secret":
        assert ingress["tls"]["secretName"] == "flyte-tls"
    if controller in ("contour", "traefik"):
        assert release.values["flyteadmin"]["service"]["annotations"]  # h2c to FlyteAdmin's gRPC port


def test_alb_with_acm() -> None:
    ingress = at(main(emit(get_preset("eks-core"))).values, "common", "ingress")
    assert ingress["annotations"]["alb.ingress.kubernetes.io/certificate-arn"] == "<ACM_CERTIFICATE_ARN>"
    assert ingress["albSSLRedirect"] is True
    assert ingress["tls"] == {"enabled": False}  # the ALB terminates TLS
    assert ingress["separateGrpcIngressAnnotations"] == {"alb.ingress.kubernetes.io/backend-protocol-version": "GRPC"}


def test_no_ingress_disables_it_and_explains_port_forward() -> None:
    spec = spec_of("onprem-production", ingress={"controller": "none", "host": None, "tls": {"mode": "none"}})
    release = main(emit(spec))
    assert at(release.values, "common", "ingress") == {"enabled": False}
    assert any("port-forward" in n for n in release.notes)


def test_internal_auth() -> None:
    release = main(emit(get_preset("eks-core")))
    values = release.values
    auth = at(values, "configmap", "adminServer", "auth")
    assert auth["authorizedUris"][0] == "https://<FLYTE_HOST>"
    assert auth["appAuth"]["authServerType"] == "Self"
    assert auth["userAuth"]["openId"] == {
        "baseUrl": "<OIDC_ISSUER_URL>",
        "scopes": ["openid", "profile"],
        "clientId": "<OIDC_CLIENT_ID>",
    }
    assert at(values, "configmap", "adminServer", "server", "security", "useAuth") is True
    oidc = get_preset("eks-core").auth.client_secret
    assert values["flyteadmin"]["env"][0] == {
        "name": "FLYTE_SECRET_oidc_client_secret",
        "valueFrom": {"secretKeyRef": {"name": oidc.name, "key": oidc.key}},
    }
    (secret,) = [s for s in release.secrets if s.name == "flyte-secret-auth"]  # one Secret, both clients' keys
    assert secret.spec_paths == ["auth.client_secret", "auth.service_client_secret"]
    assert "client_secret" in secret.keys and oidc.key in secret.keys
    assert any("bcrypt" in n for n in release.notes)


def test_external_auth_and_explicit_uris() -> None:
    spec = spec_of(
        "gke-production",
        auth={
            "mode": "oidc-external",
            "external_audience": "api://flyte",
            "authorized_uris": ["https://flyte.internal"],
            "client_secret": {"name": "oidc", "key": "secret"},
        },
    )
    release = main(emit(spec))
    auth = at(release.values, "configmap", "adminServer", "auth")
    assert auth["appAuth"]["authServerType"] == "External"
    assert auth["appAuth"]["externalAuthServer"]["allowedAudience"] == ["api://flyte"]
    assert auth["appAuth"]["thirdPartyConfig"]["flyteClient"]["audience"] == "api://flyte"
    assert auth["authorizedUris"][0] == "https://flyte.internal"
    admin = at(release.values, "configmap", "admin", "admin")
    assert (admin["audience"], admin["scopes"]) == ("api://flyte", ["all"])
    assert sorted(s.name for s in release.secrets) == ["db-pass", "flyte-secret-auth", "oidc"]


def test_no_auth_sets_nothing_about_clients() -> None:
    values = main(emit(get_preset("sandbox-core"))).values
    assert "secrets" not in values
    assert "auth" not in values["configmap"]["adminServer"]


# ---- scheduler, connectors, overrides ---------------------------------------------------------------------


def test_aws_scheduler() -> None:
    values = main(emit(get_preset("eks-core-aws-scheduler"))).values
    scheduler = values["workflow_scheduler"]
    assert (scheduler["enabled"], scheduler["type"]) == (True, "aws")
    executor = scheduler["config"]["scheduler"]["workflowExecutor"]
    assert executor["scheduleQueueName"] == "flyte-executions-queue"
    assert executor["accountId"] == "<AWS_ACCOUNT_ID>"
    event = scheduler["config"]["scheduler"]["eventScheduler"]
    assert event["targetName"] == "arn:aws:sqs:<AWS_REGION>:<AWS_ACCOUNT_ID>:flyte-executions-queue"
    assert "flytescheduler" not in values


def test_hybrid_connectors_point_at_the_connector_service() -> None:
    spec = spec_of(
        "onprem-production",
        model="hybrid",
        components={"connector": {"enabled": True}},
        connectors=[{"kind": "databricks", "endpoint": "https://dbc.example.com"}],
    )
    values = main(emit(spec)).values
    plugins = at(values, "configmap", "enabled_plugins")
    assert "connector-service" in plugins["tasks"]["task-plugins"]["enabled-plugins"]
    endpoint = plugins["plugins"]["connector-service"]["defaultConnector"]["endpoint"]
    assert endpoint.endswith("flyteconnector.flyte:8000")
    assert values["flyteconnector"] == {"enabled": False}  # the connector is its own release


def test_aws_batch_uses_propellers_own_plugin() -> None:
    spec = spec_of("eks-core", model="hybrid", connectors=[{"kind": "aws-batch"}])
    release = main(emit(spec))
    task_plugins = at(release.values, "configmap", "enabled_plugins", "tasks", "task-plugins")
    assert "aws_array" in task_plugins["enabled-plugins"]
    assert task_plugins["default-for-task-types"]["aws-batch"] == "aws_array"
    assert "connector-service" not in at(release.values, "configmap", "enabled_plugins", "plugins")
    assert at(release.values, "configmap", "adminServer", "queues", "executionQueues")
    assert any("<AWS_BATCH_JOB_QUEUE>" in n for n in release.notes)


def test_overrides_are_merged_last() -> None:
    spec = spec_of("eks-core", overrides={"flyte-core": {"flyteadmin": {"replicaCount": 7}, "sparkoperator": {}}})
    release = main(emit(spec))
    assert release.values["flyteadmin"]["replicaCount"] == 7
    assert release.values["flyteadmin"]["enabled"] is True
    assert "spec.overrides" in release.comments["sparkoperator"]


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
