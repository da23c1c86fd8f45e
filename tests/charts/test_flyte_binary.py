"""Unit tests of the flyte-binary emitter: every preset on the chart, secrets by reference, raw log links, literal
runtime placeholders, ingress per controller, auth, hybrid, overrides and determinism."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from flytekit_deploy.charts import emit_releases, flyte_binary
from flytekit_deploy.charts.base import ReleaseValues
from flytekit_deploy.charts.common import deep_merge, walk_leaves
from flytekit_deploy.charts.flyte_binary.access import AUTH_CONFIG_KEY
from flytekit_deploy.charts.flyteconnector import connector_endpoint
from flytekit_deploy.charts.values_yaml import values_to_yaml
from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import ChartName, DeploymentSpec

BINARY_PRESETS = [name for name in PRESETS if get_preset(name).chart_name is ChartName.FLYTE_BINARY]
SECRET_WORDS = ("password", "secret", "accesskey", "secretkey", "clientsecrethash", "token")


def release(spec: DeploymentSpec) -> ReleaseValues:
    (only,) = flyte_binary.emit(spec)
    return only


def with_changes(preset: str, changes: dict[str, Any]) -> DeploymentSpec:
    return DeploymentSpec.model_validate(deep_merge(get_preset(preset).model_dump(mode="json"), changes))


def leaves(values: dict[str, Any]) -> dict[str, Any]:
    return dict(walk_leaves(values))


def test_the_binary_presets_are_the_expected_ones() -> None:
    assert set(BINARY_PRESETS) == {
        "eks-starter",
        "eks-production",
        "eks-hybrid",
        "gke-starter",
        "aks-starter",
        "onprem-starter",
    }


@pytest.mark.parametrize("name", BINARY_PRESETS)
def test_every_binary_preset_emits_one_all_in_one_release(name: str) -> None:
    spec = get_preset(name)
    out = release(spec)
    settings = spec.environment_settings
    assert (out.release, out.chart, out.namespace, out.role) == (
        spec.name,
        ChartName.FLYTE_BINARY,
        spec.namespace,
        "all-in-one",
    )
    assert out.cluster == (getattr(settings, "cluster_name", None) or spec.name)
    assert out.version == spec.chart_version == "v1.16.8"
    assert list(out.values)[:2] == ["flyte-core-components", "configuration"]
    assert out.values["configuration"]["database"]["passwordPath"].startswith("/etc/db/")
    # a comment above every top-level block the emitter set
    for key in out.values:
        assert any(path == key or path.startswith(key + ".") for path in out.comments), key
    yaml.safe_load(values_to_yaml(out))


@pytest.mark.parametrize("name", BINARY_PRESETS)
def test_emitted_keys_exist_in_the_chart(name: str) -> None:
    chart_keys = pytest.importorskip("flytekit_deploy.checks.chart_keys")
    findings = chart_keys.check_values(release(get_preset(name)).values, "flyte-binary")
    assert [(f.path, f.message) for f in findings] == []


@pytest.mark.parametrize("name", BINARY_PRESETS)
def test_secrets_never_inline_outside_the_sandbox(name: str) -> None:
    spec = get_preset(name)
    out = release(spec)
    for path, value in leaves(out.values).items():
        last = path.rsplit(".", 1)[-1].lower()
        if ".default-env-vars-from-env." in path:  # names a variable of propeller's env, not a secret value
            assert value in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), f"{path} holds {value!r}"
            continue
        if any(word in last for word in SECRET_WORDS) and not last.endswith(("ref", "path", "secretname")):
            assert value in ("", None, [], {}), f"{path} holds {value!r}"
    for secret in out.secrets:
        assert secret.values is None
        assert secret.namespace == spec.namespace and secret.cluster == out.cluster
    assert {s.name for s in out.secrets} >= {spec.database.password.name}
    assert out.notes[0].startswith("Create the Secrets")


def test_aks_starter_uses_azure_blob_and_workload_identity() -> None:
    spec = get_preset("aks-starter")
    values = release(spec).values
    storage = values["configuration"]["storage"]
    assert storage["provider"] == "azure"
    assert storage["providerConfig"] == {"azure": {"account": spec.azure.storage_account}}  # type: ignore[union-attr]
    assert storage["metadataContainer"] == "<METADATA_CONTAINER_NAME>"
    assert values["serviceAccount"]["annotations"] == {"azure.workload.identity/client-id": "<FLYTE_BACKEND_CLIENT_ID>"}
    assert values["deployment"]["podLabels"] == {"azure.workload.identity/use": "true"}
    inline = values["configuration"]["inline"]
    assert inline["plugins"]["k8s"]["default-labels"] == {"azure.workload.identity/use": "true"}
    account = yaml.safe_load(values["clusterResourceTemplates"]["inline"]["002_serviceaccount.yaml"])
    assert account["metadata"]["annotations"] == {"azure.workload.identity/client-id": "{{ defaultAzureClientId }}"}
    custom = values["configuration"]["logging"]["plugins"]["custom"]
    assert custom[0]["displayName"] == "Azure Logs" and custom[0]["templateUris"][0].endswith("{{ .podName }}")
    assert "flyteadmin" not in inline  # roleNameKey is AWS only


def test_onprem_starter_s3_compatible_with_keys_from_a_secret() -> None:
    spec = get_preset("onprem-starter")
    out = release(spec)
    s3 = out.values["configuration"]["storage"]["providerConfig"]["s3"]
    assert s3["endpoint"] == spec.storage.endpoint == "<S3_ENDPOINT_URL>"
    # the chart would demand accessKey/secretKey inline with authType accesskey
    assert s3["authType"] == "iam" and "accessKey" not in s3 and "secretKey" not in s3
    env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in out.values["deployment"]["extraEnvVars"]}
    assert env == {
        "AWS_ACCESS_KEY_ID": {"name": "flyte-storage", "key": "access-key-id"},
        "AWS_SECRET_ACCESS_KEY": {"name": "flyte-storage", "key": "secret-access-key"},
    }
    (storage_secret,) = [s for s in out.secrets if s.name == "flyte-storage"]
    assert set(storage_secret.keys) == {"access-key-id", "secret-access-key"}
    assert storage_secret.spec_paths == ["storage.access_key", "storage.secret_key"]
    assert {"FLYTE_AWS_ENDPOINT": "<S3_ENDPOINT_URL>"} in out.values["configuration"]["inline"]["plugins"]["k8s"][
        "default-env-vars"
    ]
    assert "serviceAccount" not in out.values  # plain RBAC: no cloud identity
    assert "002_serviceaccount.yaml" not in out.values["clusterResourceTemplates"]["inline"]


def test_http_endpoint_disables_ssl() -> None:
    spec = with_changes("onprem-starter", {"storage": {"endpoint": "http://minio.storage:9000"}})
    assert release(spec).values["configuration"]["storage"]["providerConfig"]["s3"]["disableSSL"] is True


@pytest.mark.parametrize("name", BINARY_PRESETS)
def test_log_links_are_raw_go_templates(name: str) -> None:
    plugins = release(get_preset(name)).values["configuration"]["logging"]["plugins"]
    uris = [p["templateUri"] for p in plugins.values() if isinstance(p, dict)]
    uris += [u for link in plugins.get("custom", []) for u in link["templateUris"]]
    assert uris
    for uri in uris:
        assert '{{ "{{" }}' not in uri and "{{" in uri
        assert "{{ .podName }}" in uri or "{{.podName}}" in uri


def test_cloud_log_links() -> None:
    eks = release(get_preset("eks-starter")).values["configuration"]["logging"]
    assert eks["level"] == 5
    assert eks["plugins"]["cloudwatch"]["templateUri"].startswith(
        "https://console.aws.amazon.com/cloudwatch/home?region=<AWS_REGION>#logEventViewer:group=<CLOUDWATCH_LOG_GROUP>;"
    )
    gke = release(get_preset("gke-starter")).values["configuration"]["logging"]["plugins"]
    assert "project=<GCP_PROJECT_ID>" in gke["stackdriver"]["templateUri"]
    spec = with_changes(
        "eks-starter",
        {
            "observability": {
                "logs": {
                    "providers": ["custom"],
                    "custom": [{"name": "Grafana", "template": "https://g/{{ .podName }}"}],
                }
            }
        },
    )
    assert release(spec).values["configuration"]["logging"]["plugins"] == {
        "custom": [{"displayName": "Grafana", "templateUris": ["https://g/{{ .podName }}"]}]
    }


@pytest.mark.parametrize("name", BINARY_PRESETS)
def test_runtime_placeholders_stay_literal(name: str) -> None:
    spec = get_preset(name)
    values = release(spec).values
    templates = values["clusterResourceTemplates"]["inline"]
    assert yaml.safe_load(templates["001_namespace.yaml"])["metadata"]["name"] == "{{ namespace }}"
    if "002_serviceaccount.yaml" in templates:
        account = yaml.safe_load(templates["002_serviceaccount.yaml"])
        (annotation,) = account["metadata"]["annotations"].values()
        variable = annotation.strip("{} ")
        data = values["configuration"]["inline"]["cluster_resources"]["customData"]
        assert [next(iter(entry)) for entry in data] == spec.projects.domains
        for entry in data:
            ((domain, items),) = entry.items()
            assert {variable: {"value": spec.identity.task_identity(domain)}} in items
    # nothing Helm's tpl would expand is written into configuration.inline
    assert "{{" not in yaml.safe_dump(values["configuration"]["inline"])


def test_eks_task_role_per_domain_and_quotas() -> None:
    spec = with_changes(
        "eks-starter",
        {
            "identity": {"tasks_per_domain": {"production": "arn:aws:iam::123456789012:role/prod-tasks"}},
            "projects": {"quotas": {"production": {"cpu": "8", "memory": "16Gi"}, "development": {"cpu": "2"}}},
        },
    )
    values = release(spec).values
    data = {
        k: v for entry in values["configuration"]["inline"]["cluster_resources"]["customData"] for k, v in entry.items()
    }
    assert data["production"] == [
        {"defaultIamRole": {"value": "arn:aws:iam::123456789012:role/prod-tasks"}},
        {"projectQuotaCpu": {"value": "8"}},
        {"projectQuotaMemory": {"value": "16Gi"}},
    ]
    assert {"projectQuotaMemory": {"value": "<DEVELOPMENT_QUOTA_MEMORY>"}} in data["development"]
    assert {"projectQuotaCpu": {"value": "<STAGING_QUOTA_CPU>"}} in data["staging"]
    quota = yaml.safe_load(values["clusterResourceTemplates"]["inline"]["003_resourcequota.yaml"])
    assert quota["spec"]["hard"] == {"limits.cpu": "{{ projectQuotaCpu }}", "limits.memory": "{{ projectQuotaMemory }}"}
    assert values["configuration"]["inline"]["flyteadmin"] == {"roleNameKey": "iam.amazonaws.com/role"}


def test_hybrid_enables_connector_service_and_emits_the_connector_release() -> None:
    spec = get_preset("eks-hybrid")
    releases = emit_releases(spec)
    assert [(r.chart, r.role) for r in releases] == [
        (ChartName.FLYTE_BINARY, "all-in-one"),
        (ChartName.FLYTECONNECTOR, "connector"),
    ]
    values = releases[0].values
    assert values["configuration"]["inline"]["plugins"]["connector-service"] == {
        "defaultConnector": {"endpoint": connector_endpoint(spec), "insecure": True}
    }
    assert connector_endpoint(spec) == "k8s://flyteconnector.flyte:8000"
    plugins = values["enabled_plugins"]["tasks"]["task-plugins"]
    assert "connector-service" in plugins["enabled-plugins"] and "aws_array" in plugins["enabled-plugins"]
    assert plugins["default-for-task-types"] == {"aws-batch": "aws_array"}
    aws = values["configuration"]["inline"]["plugins"]["aws"]
    assert aws["batch"]["roleAnnotationKey"] == values["configuration"]["inline"]["flyteadmin"]["roleNameKey"]
    resources = {r for rule in values["rbac"]["extraRules"] for r in rule["resources"]}
    assert "endpoints" in resources
    single = release(get_preset("eks-starter")).values
    assert "connector-service" not in single["configuration"]["inline"]["plugins"]
    assert "rbac" not in single and "enabled_plugins" not in single


def test_internal_auth_server_secrets_by_reference() -> None:
    spec = get_preset("eks-production")
    out = release(spec)
    auth = out.values["configuration"]["auth"]
    assert auth["enabled"] is True and auth["enableAuthServer"] is True
    assert auth["oidc"] == {"baseUrl": spec.auth.issuer, "clientId": spec.auth.client_id}
    assert auth["authorizedUris"] == ["https://<FLYTE_HOST>"]
    assert (
        auth["clientSecretsExternalSecretRef"] == out.values["configuration"]["inlineSecretRef"] == "flyte-secret-auth"
    )
    assert "clientSecret" not in auth["oidc"] and "clientSecretHash" not in auth["internal"]
    (secret,) = [s for s in out.secrets if s.name == "flyte-secret-auth"]
    assert set(secret.keys) == {"client_secret", "oidc_client_secret", AUTH_CONFIG_KEY}
    assert out.values["configuration"]["logging"]["level"] == 4


def test_external_auth_server() -> None:
    spec = with_changes(
        "eks-production",
        {
            "auth": {
                "mode": "oidc-external",
                "external_audience": "api://flyte",
                "authorized_uris": ["https://flyte.example.com"],
            }
        },
    )
    out = release(spec)
    auth = out.values["configuration"]["auth"]
    assert auth["enableAuthServer"] is False
    assert auth["internal"]["audience"] == auth["flyteClient"]["audience"] == "api://flyte"
    assert auth["authorizedUris"] == ["https://flyte.example.com"]
    inline = out.values["configuration"]["inline"]
    assert inline["auth"]["appAuth"]["authServerType"] == "External"
    assert inline["auth"]["appAuth"]["externalAuthServer"]["metadataUrl"] == ".well-known/oauth-authorization-server"
    assert inline["admin"] == {"scopes": ["all"]}
    assert "inlineSecretRef" not in out.values["configuration"]
    (secret,) = [s for s in out.secrets if s.name == "flyte-secret-auth"]
    assert AUTH_CONFIG_KEY not in secret.keys


def test_ingress_per_controller() -> None:
    # nginx is a legacy choice now (GCP presets use Gateway API): named explicitly
    gke = release(with_changes("gke-starter", {"ingress": {"kind": "ingress", "controller": "nginx"}})).values[
        "ingress"
    ]
    assert gke["ingressClassName"] == "nginx" and gke["separateGrpcIngress"] is True
    assert gke["httpAnnotations"] == {
        "nginx.ingress.kubernetes.io/app-root": "/console",
        "cert-manager.io/cluster-issuer": "letsencrypt-production",
    }
    assert gke["grpcAnnotations"] == {"nginx.ingress.kubernetes.io/backend-protocol": "GRPC"}
    assert gke["tls"] == [{"secretName": "flyte-backend-tls", "hosts": ["<FLYTE_HOST>"]}]
    assert gke["commonAnnotations"] == {"nginx.ingress.kubernetes.io/ssl-redirect": "true"}

    contour = release(
        with_changes(
            "onprem-starter", {"ingress": {"kind": "ingress", "controller": "contour", "separate_grpc": False}}
        )
    )
    assert contour.values["service"]["grpcAnnotations"] == {"projectcontour.io/upstream-protocol.h2c": "grpc"}
    assert contour.values["ingress"]["separateGrpcIngress"] is False
    traefik = release(with_changes("onprem-starter", {"ingress": {"kind": "ingress", "controller": "traefik"}})).values
    assert traefik["service"]["grpcAnnotations"] == {"traefik.ingress.kubernetes.io/service.serversscheme": "h2c"}

    gce = release(with_changes("gke-starter", {"ingress": {"kind": "ingress", "controller": "gce"}}))
    assert "ingressClassName" not in gce.values["ingress"]
    assert gce.values["ingress"]["commonAnnotations"]["kubernetes.io/ingress.class"] == "gce"
    assert any("GCE" in note for note in gce.notes)

    nginx_single = release(
        with_changes("onprem-starter", {"ingress": {"kind": "ingress", "controller": "nginx", "separate_grpc": False}})
    )
    assert any("separate_grpc: true" in note for note in nginx_single.notes)

    tls_secret = release(
        with_changes(
            "onprem-starter",
            {"ingress": {"kind": "ingress", "controller": "nginx", "tls": {"mode": "secret", "secret_name": "tls"}}},
        )
    )
    assert tls_secret.values["ingress"]["tls"] == [{"secretName": "tls", "hosts": ["<FLYTE_HOST>"]}]
    assert [s.kind for s in tls_secret.secrets if s.name == "tls"] == ["tls"]

    acm_on_nginx = release(
        with_changes(
            "gke-starter",
            {"ingress": {"kind": "ingress", "controller": "nginx", "tls": {"mode": "acm", "certificate_arn": "<ARN>"}}},
        )
    )
    assert "tls" not in acm_on_nginx.values["ingress"]
    assert any("ACM" in note for note in acm_on_nginx.notes)

    none = release(with_changes("onprem-starter", {"ingress": {"kind": "ingress", "controller": "none", "host": None}}))
    assert "ingress" not in none.values
    assert any("port-forward" in note for note in none.notes)

    extra = release(with_changes("eks-starter", {"ingress": {"annotations": {"team": "ml"}}})).values["ingress"]
    assert extra["commonAnnotations"]["team"] == "ml"
    assert extra["commonAnnotations"]["alb.ingress.kubernetes.io/ssl-redirect"] == "443"


def test_components_and_resources() -> None:
    spec = with_changes(
        "eks-starter",
        {
            "components": {
                "admin": {"image_tag": "v1.16.8", "resources": {"cpu_request": "1", "memory_limit": "2Gi"}},
                "propeller": {"webhook": False, "create_crds": False, "replicas": 3},
                "scheduler": {"enabled": False},
            },
            "observability": {"service_monitor": {"enabled": True}},
        },
    )
    out = release(spec)
    assert out.values["deployment"]["image"] == {"tag": "v1.16.8"}
    assert out.values["deployment"]["resources"] == {"requests": {"cpu": "1"}, "limits": {"memory": "2Gi"}}
    components = out.values["flyte-core-components"]
    assert components["propeller"] == {"disableWebhook": True}
    assert components["admin"]["disableScheduler"] is True
    assert out.values["configuration"]["propeller"] == {"createCRDs": False}
    assert any("propeller" in note and "not used" in note for note in out.notes)
    assert any("ServiceMonitor" in note for note in out.notes)


def test_overrides_merge_last() -> None:
    spec = with_changes(
        "eks-starter",
        {
            "overrides": {
                "flyte-binary": {
                    "deployment": {"image": {"tag": "custom"}},
                    "configuration": {"logging": {"level": 2}},
                    "ingress": {"commonAnnotations": {"alb.ingress.kubernetes.io/scheme": None}},
                }
            }
        },
    )
    values = release(spec).values
    assert values["deployment"]["image"] == {"tag": "custom"}
    assert values["configuration"]["logging"]["level"] == 2
    # a null override is kept: Helm reads it as "delete this key", chart default or not
    assert values["ingress"]["commonAnnotations"]["alb.ingress.kubernetes.io/scheme"] is None
    assert list(values)[:2] == ["flyte-core-components", "configuration"]


def test_sandbox_model_on_flyte_binary_writes_the_sandbox_keys_inline() -> None:
    spec = DeploymentSpec(chart=ChartName.FLYTE_BINARY)
    out = release(spec)
    assert out.values["configuration"]["database"]["password"] == "postgres"
    s3 = out.values["configuration"]["storage"]["providerConfig"]["s3"]
    assert (s3["authType"], s3["accessKey"], s3["secretKey"]) == ("accesskey", "minio", "miniostorage")
    assert out.secrets == []


@pytest.mark.parametrize("name", BINARY_PRESETS)
def test_emission_is_deterministic(name: str) -> None:
    first, second = release(get_preset(name)), release(get_preset(name))
    assert first == second
    assert values_to_yaml(first) == values_to_yaml(second)
    assert list(walk_leaves(first.values)) == list(walk_leaves(second.values))
