"""flyte-core emitter: object storage, the database, workload identities, and per-domain quotas."""

from __future__ import annotations

from flytekit_deploy.charts.flyte_core import emit
from flytekit_deploy.presets import get_preset

from .flyte_core_helpers import at, main, spec_of

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
