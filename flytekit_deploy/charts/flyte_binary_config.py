"""The Flyte-configuration half of the flyte-binary values: task log links, ``configuration.inline`` (Flyte's own
config, merged over the chart's) and the cluster resource templates; and :class:`Draft`, the values being assembled
by the sections of :mod:`.flyte_binary` and :mod:`.flyte_binary_access`.

Three template layers meet here, and each value must reach the one that reads it:

- log link templates (``configuration.logging.plugins.*.templateUri``) reach Flyte untouched, so Go templates such as
  ``{{ .podName }}`` are written raw (flyte-core's task_logs would need them escaped; flyte-binary does not);
- ``configuration.inline`` goes through Helm's ``tpl``, so nothing here writes ``{{`` into it;
- cluster resource templates are copied verbatim, so Flyte's runtime placeholders (``{{ namespace }}``,
  ``{{ defaultIamRole }}``) stay literal for the cluster resource controller to fill per project namespace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..spec import (
    AuthMode,
    ConnectorKind,
    DeploymentSpec,
    Environment,
    IdentityMode,
    IdentityProvider,
    LogProvider,
    Profile,
    SecretRef,
    StorageCredentials,
    StorageProvider,
)
from .base import SecretSpec
from .common import deep_merge, set_path
from .connector import AZURE_USE_LABEL, IDENTITY_ANNOTATION, cluster_of, connector_endpoint, needs_connector_service

__all__ = [
    "Draft",
    "inline_secret",
    "fullname",
    "ROLE_NAME_KEY",
    "CHART_ENABLED_PLUGINS",
    "TEMPLATE_VARIABLE",
    "logging_values",
    "log_level",
    "cloudwatch_template",
    "stackdriver_template",
    "kubernetes_template",
    "azure_template",
    "custom_data",
    "cluster_resource_templates",
    "inline_config",
    "enabled_plugins",
]

ROLE_NAME_KEY = "iam.amazonaws.com/role"
"""Pod annotation FlyteAdmin writes an execution's IAM role under (upstream's EKS starters); the AWS Batch plugin
must read the role from the same key."""

CHART_ENABLED_PLUGINS = ["container", "sidecar", "k8s-array", "connector-service", "echo"]
"""flyte-binary's default ``enabled_plugins.tasks.task-plugins.enabled-plugins`` (a list: setting it replaces it)."""

FLYTE_DEFAULT_DOMAINS = ["development", "staging", "production"]
"""FlyteAdmin's built-in domains; other lists are written to ``domains``."""

TEMPLATE_VARIABLE: dict[IdentityMode, str] = {
    IdentityMode.IRSA: "defaultIamRole",
    IdentityMode.GCP_WORKLOAD_IDENTITY: "defaultIamServiceAccount",
    IdentityMode.AZURE_WORKLOAD_IDENTITY: "defaultAzureClientId",
}
"""Cluster-resource template variable carrying the task identity per domain (the names upstream uses for AWS/GCP)."""

_TASK_IDENTITY_PLACEHOLDER: dict[IdentityMode, str] = {
    IdentityMode.IRSA: "<FLYTE_TASKS_IAM_ROLE_ARN>",
    IdentityMode.GCP_WORKLOAD_IDENTITY: "<FLYTE_TASKS_GSA_EMAIL>",
    IdentityMode.AZURE_WORKLOAD_IDENTITY: "<FLYTE_TASKS_CLIENT_ID>",
}

_QUOTA: dict[str, tuple[str, str]] = {
    "cpu": ("projectQuotaCpu", "limits.cpu"),
    "memory": ("projectQuotaMemory", "limits.memory"),
    "gpu": ("projectQuotaGpu", "requests.nvidia.com/gpu"),
}
"""Quota kind -> (template variable, ResourceQuota key); the variable names are flyte-core's."""

_CLOUDWATCH_STREAM = "var.log.containers.{{ .podName }}_{{ .namespace }}_{{ .containerName }}-{{ .containerId }}.log"
_STACKDRIVER_QUERY = (
    "resource.labels.namespace_name%3D%22{{.namespace}}%22%0A"
    "resource.labels.pod_name%3D%22{{.podName}}%22%0A"
    "resource.labels.container_name%3D%22{{.containerName}}%22"
)
_KUBERNETES_LOG_PATH = "{{ .namespace }}/{{ .podName }}/pod?namespace={{ .namespace }}"


# ---- the values being assembled --------------------------------------------------------------------------------


@dataclass
class Draft:
    """Values being assembled, with the comments, Secrets and notes that go with them."""

    spec: DeploymentSpec
    values: dict[str, Any] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    secrets: list[SecretSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def cluster(self) -> str:
        return cluster_of(self.spec)

    def put(self, path: str, value: Any, comment: str = "") -> None:
        """Set ``path``; a mapping merges into what is already there (two sections may fill one block)."""
        node = self.values
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        last = parts[-1]
        if isinstance(value, dict) and isinstance(node.get(last), dict):
            node[last] = deep_merge(node[last], value)
        else:
            set_path(self.values, path, value)
        if comment and path not in self.comments:
            self.comments[path] = comment

    def secret(self, name: str, keys: dict[str, str], purpose: str, spec_paths: list[str], **extra: Any) -> None:
        """Ask for a Secret; the same name twice unites the keys."""
        for known in self.secrets:
            if known.name == name:
                known.keys.update(keys)
                known.spec_paths += [p for p in spec_paths if p not in known.spec_paths]
                if purpose not in known.purpose:
                    known.purpose += f"; {purpose}"
                return
        self.secrets.append(
            SecretSpec(
                name=name,
                namespace=self.spec.namespace,
                keys=dict(keys),
                cluster=self.cluster,
                purpose=purpose,
                spec_paths=list(spec_paths),
                **extra,
            )
        )


def inline_secret(spec: DeploymentSpec, ref: SecretRef | None) -> str | None:
    """The inline value of ``ref``: only in the sandbox, where the spec allows it."""
    if ref is not None and spec.is_sandbox and ref.is_inline:
        return ref.value
    return None


def fullname(spec: DeploymentSpec) -> str:
    """The chart's ``flyte-binary.fullname``: the name of its Deployment, Services and ServiceAccount prefix."""
    return spec.name if "flyte-binary" in spec.name else f"{spec.name}-flyte-binary"


# ---- task log links ---------------------------------------------------------------------------------------------


def cloudwatch_template(spec: DeploymentSpec) -> str:
    """CloudWatch Logs Insights link to the Fluent Bit / Container Insights stream of the task's container."""
    region = spec.aws.region if spec.aws else "<AWS_REGION>"
    group = spec.observability.logs.cloudwatch_log_group
    return (
        "https://console.aws.amazon.com/cloudwatch/home?region="
        + region
        + "#logEventViewer:group="
        + group
        + ";stream="
        + _CLOUDWATCH_STREAM
    )


def stackdriver_template(spec: DeploymentSpec) -> str:
    """Cloud Logging query for the task's container (GKE writes container logs there by default)."""
    project = spec.gcp.project_id if spec.gcp else "<GCP_PROJECT_ID>"
    return (
        "https://console.cloud.google.com/logs/query;query="
        + _STACKDRIVER_QUERY
        + "?project="
        + project
        + "&angularJsUrl=%2Flogs%2Fviewer%3Fproject%3D"
        + project
    )


def kubernetes_template(spec: DeploymentSpec) -> str:
    """Kubernetes dashboard log view of the task pod."""
    return spec.observability.logs.kubernetes_url + _KUBERNETES_LOG_PATH


def azure_template(spec: DeploymentSpec) -> str:
    """Azure Monitor / Log Analytics query prefix with the pod name appended."""
    return spec.observability.logs.azure_workspace_url + "{{ .podName }}"


def log_level(spec: DeploymentSpec) -> int:
    """Flyte's logger level: 5 (debug, what upstream's starters use) while developing, 4 (info) in production."""
    return 4 if spec.profile is Profile.PRODUCTION else 5


def logging_values(spec: DeploymentSpec) -> dict[str, Any]:
    """``configuration.logging``: the level and one plugin per log provider; templates stay raw Go templates."""
    logs = spec.observability.logs
    plugins: dict[str, Any] = {}
    custom: list[dict[str, Any]] = []
    for provider in logs.providers:
        if provider is LogProvider.KUBERNETES:
            plugins["kubernetes"] = {"enabled": True, "templateUri": kubernetes_template(spec)}
        elif provider is LogProvider.CLOUDWATCH:
            plugins["cloudwatch"] = {"enabled": True, "templateUri": cloudwatch_template(spec)}
        elif provider is LogProvider.STACKDRIVER:
            plugins["stackdriver"] = {"enabled": True, "templateUri": stackdriver_template(spec)}
        elif provider is LogProvider.AZURE:
            custom.append({"displayName": "Azure Logs", "templateUris": [azure_template(spec)]})
        elif provider is LogProvider.CUSTOM:
            custom += [{"displayName": link.name, "templateUris": [link.template]} for link in logs.custom]
    if custom:
        plugins["custom"] = custom
    out: dict[str, Any] = {"level": log_level(spec)}
    if plugins:
        out["plugins"] = plugins
    return out


# ---- cluster resources ------------------------------------------------------------------------------------------


def _quota_kinds(spec: DeploymentSpec) -> list[str]:
    """Quota kinds set for any domain, in a fixed order."""
    quotas = spec.projects.quotas.values()
    return [kind for kind in _QUOTA if any(getattr(q, kind) is not None for q in quotas)]


def _task_identity_variable(spec: DeploymentSpec) -> str | None:
    return TEMPLATE_VARIABLE.get(spec.identity_mode)


def custom_data(spec: DeploymentSpec) -> list[dict[str, Any]]:
    """``cluster_resources.customData``: per domain, the values the templates' variables take.

    Written as upstream writes it — a list of one-key maps that Flyte's config loader lifts into its map — in the
    spec's domain order. A domain lacking a value gets a placeholder, since every template applies to every domain.
    """
    variable = _task_identity_variable(spec)
    kinds = _quota_kinds(spec)
    entries: list[dict[str, Any]] = []
    for domain in spec.projects.domains:
        items: list[dict[str, Any]] = []
        if variable is not None:
            identity = spec.identity.task_identity(domain) or _TASK_IDENTITY_PLACEHOLDER[spec.identity_mode]
            items.append({variable: {"value": identity}})
        quota = spec.projects.quotas.get(domain)
        for kind in kinds:
            value = getattr(quota, kind) if quota is not None else None
            placeholder = f"<{domain.upper().replace('-', '_')}_QUOTA_{kind.upper()}>"
            items.append({_QUOTA[kind][0]: {"value": value if value is not None else placeholder}})
        if items:
            entries.append({domain: items})
    return entries


def _dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False)


def cluster_resource_templates(spec: DeploymentSpec) -> dict[str, str]:
    """``clusterResourceTemplates.inline``: what every project-domain namespace gets. The namespace itself (flyte-binary
    ships no template, so without it no project namespace exists), the task service account bound to the domain's
    cloud identity, and a ResourceQuota when quotas are set. ``{{ ... }}`` are Flyte's, kept literal."""
    templates = {
        "001_namespace.yaml": _dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "{{ namespace }}"}})
    }
    variable = _task_identity_variable(spec)
    if variable is not None:
        metadata: dict[str, Any] = {
            "name": spec.identity.task_service_account,
            "namespace": "{{ namespace }}",
            "annotations": {IDENTITY_ANNOTATION[spec.identity_mode]: "{{ " + variable + " }}"},
        }
        templates["002_serviceaccount.yaml"] = _dump(
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata}
        )
    kinds = _quota_kinds(spec)
    if kinds:
        hard = {_QUOTA[kind][1]: "{{ " + _QUOTA[kind][0] + " }}" for kind in kinds}
        templates["003_resourcequota.yaml"] = _dump(
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "project-quota", "namespace": "{{ namespace }}"},
                "spec": {"hard": hard},
            }
        )
    return templates


# ---- configuration.inline ---------------------------------------------------------------------------------------


def _aws_batch(spec: DeploymentSpec) -> bool:
    return any(c.kind is ConnectorKind.AWS_BATCH for c in spec.connectors)


TASK_KEYS_FROM_ENV = (
    ("FLYTE_AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
    ("FLYTE_AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"),
)
"""Task pod variable flytekit reads <- the flyte-binary container's variable holding the same key."""


def _k8s_plugin(spec: DeploymentSpec) -> dict[str, Any]:
    """``plugins.k8s``: what every task pod gets from the environment."""
    k8s: dict[str, Any] = {"inject-finalizer": True}
    env: list[dict[str, Any]] = []
    if spec.environment is Environment.AWS:
        env += [{"AWS_METADATA_SERVICE_TIMEOUT": 5}, {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": 20}]
    if spec.storage.provider is StorageProvider.S3_COMPATIBLE and spec.storage.endpoint:
        env.append({"FLYTE_AWS_ENDPOINT": spec.storage.endpoint})
    if spec.storage.provider is StorageProvider.AZURE:  # flytekit's abfs needs the account ("Must provide ...")
        env.append(
            {"AZURE_STORAGE_ACCOUNT_NAME": spec.azure.storage_account if spec.azure else "<AZURE_STORAGE_ACCOUNT>"}
        )
    if env:
        k8s["default-env-vars"] = env
    store = spec.storage
    if (
        store.provider in (StorageProvider.S3, StorageProvider.S3_COMPATIBLE)
        and store.credentials is StorageCredentials.SECRET
        and inline_secret(spec, store.access_key) is None
    ):
        # task pods need the keys too: propeller copies them from its own environment (the Secret fills it, see
        # deployment.extraEnvVars); they then stand in the task pods' spec, readable by whoever can read pods
        k8s["default-env-vars-from-env"] = dict(TASK_KEYS_FROM_ENV)
    if spec.environment is Environment.GCP:
        k8s["gpu-device-node-label"] = "cloud.google.com/gke-accelerator"
        k8s["gpu-partition-size-node-label"] = "cloud.google.com/gke-gpu-partition-size"
        toleration = {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
        k8s["resource-tolerations"] = [{"nvidia.com/gpu": [toleration]}]
    if spec.identity_mode is IdentityMode.AZURE_WORKLOAD_IDENTITY:
        k8s["default-labels"] = dict(AZURE_USE_LABEL)
    return k8s


def _auth_inline(spec: DeploymentSpec) -> dict[str, Any]:
    """What flyte-binary's auth keys cannot say: login scopes, and the external authorization server."""
    auth = spec.auth
    if not auth.enabled:
        return {}
    out: dict[str, Any] = {"auth": {"userAuth": {"openId": {"scopes": list(auth.user_scopes)}}}}
    if auth.mode is AuthMode.OIDC_EXTERNAL:
        metadata = (
            ".well-known/oauth-authorization-server"
            if auth.idp is IdentityProvider.OKTA
            else ".well-known/openid-configuration"
        )
        out["auth"]["appAuth"] = {
            "authServerType": "External",
            "externalAuthServer": {
                "baseUrl": auth.issuer,
                "metadataUrl": metadata,
                "allowedAudience": [auth.external_audience],
            },
        }
        out["admin"] = {"scopes": list(auth.external_scopes)}
    return out


def inline_config(spec: DeploymentSpec) -> dict[str, Any]:
    """``configuration.inline``: Flyte config merged over the chart's own files (after them, so it wins)."""
    inline: dict[str, Any] = {}
    data = custom_data(spec)
    if data:
        inline["cluster_resources"] = {"customData": data}
    if spec.environment is Environment.AWS:
        inline["flyteadmin"] = {"roleNameKey": ROLE_NAME_KEY}
    plugins: dict[str, Any] = {"k8s": _k8s_plugin(spec)}
    if needs_connector_service(spec):
        plugins["connector-service"] = {"defaultConnector": {"endpoint": connector_endpoint(spec), "insecure": True}}
    if _aws_batch(spec):
        region = spec.aws.region if spec.aws else "<AWS_REGION>"
        plugins["aws"] = {"region": region, "batch": {"roleAnnotationKey": ROLE_NAME_KEY}}
    inline["plugins"] = plugins
    if spec.storage.cache_max_size_mb:
        inline["storage"] = {"cache": {"max_size_mbs": spec.storage.cache_max_size_mb, "target_gc_percent": 100}}
    if _aws_batch(spec):
        inline["queues"] = {
            "executionQueues": [{"dynamic": "<AWS_BATCH_JOB_QUEUE>", "attributes": ["default"]}],
            "workflowConfigs": [{"tags": ["default"]}],
        }
    if list(spec.projects.domains) != FLYTE_DEFAULT_DOMAINS:
        inline["domains"] = [{"id": d, "name": d} for d in spec.projects.domains]
    inline.update(_auth_inline(spec))
    return inline


def enabled_plugins(spec: DeploymentSpec) -> dict[str, Any] | None:
    """``enabled_plugins``: only changed to add AWS Batch (propeller's ``aws_array`` plugin) for ``aws-batch`` tasks;
    map tasks stay on Kubernetes."""
    if not _aws_batch(spec):
        return None
    return {
        "tasks": {
            "task-plugins": {
                "enabled-plugins": [*CHART_ENABLED_PLUGINS, "aws_array"],
                "default-for-task-types": {"aws-batch": "aws_array"},
            }
        }
    }
