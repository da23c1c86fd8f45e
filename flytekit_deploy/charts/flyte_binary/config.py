"""The Flyte-configuration half of the flyte-binary values: task log links, ``configuration.inline`` (Flyte's own
config, merged over the chart's) and the cluster resource templates; and :class:`Draft`, the values being assembled
by the sections of :mod:`.emitter` and :mod:`.access`.

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

from ...clouds import aws, cloud_of, identities, identity_of, store_of
from ...clouds.aws import ROLE_NAME_KEY as AWS_ROLE_NAME_KEY
from ...clouds.aws import cloudwatch_template
from ...clouds.azure import azure_template
from ...clouds.gcp import stackdriver_template
from ...spec import (
    AuthMode,
    ConnectorKind,
    DeploymentSpec,
    IdentityMode,
    IdentityProvider,
    LogProvider,
    Profile,
    SecretRef,
    StorageCredentials,
)
from ..base import SecretSpec
from ..common import cluster_of, deep_merge, set_path
from ..flyteconnector.emitter import connector_endpoint, needs_connector_service

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

ROLE_NAME_KEY = AWS_ROLE_NAME_KEY
"""Pod annotation the AWS Batch plugin reads an execution's IAM role from (FlyteAdmin writes it there on AWS)."""

CHART_ENABLED_PLUGINS = ["container", "sidecar", "k8s-array", "connector-service", "echo"]
"""flyte-binary's default ``enabled_plugins.tasks.task-plugins.enabled-plugins`` (a list: setting it replaces it)."""

FLYTE_DEFAULT_DOMAINS = ["development", "staging", "production"]
"""FlyteAdmin's built-in domains; other lists are written to ``domains``."""

TEMPLATE_VARIABLE: dict[IdentityMode, str] = {i.mode: i.binary_template_variable for i in identities()}
"""Cluster-resource template variable carrying the task identity per domain (each cloud names its own)."""

_QUOTA: dict[str, tuple[str, str]] = {
    "cpu": ("projectQuotaCpu", "limits.cpu"),
    "memory": ("projectQuotaMemory", "limits.memory"),
    "gpu": ("projectQuotaGpu", "requests.nvidia.com/gpu"),
}
"""Quota kind -> (template variable, ResourceQuota key); the variable names are flyte-core's."""

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


def kubernetes_template(spec: DeploymentSpec) -> str:
    """Kubernetes dashboard log view of the task pod."""
    return spec.observability.logs.kubernetes_url + _KUBERNETES_LOG_PATH


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
    identity = identity_of(spec)
    return identity.binary_template_variable if identity is not None else None


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
            cloud_identity = identity_of(spec)
            assert cloud_identity is not None  # a template variable exists only with a cloud identity
            identity = spec.identity.task_identity(domain) or cloud_identity.tasks_placeholder
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
            "annotations": {_annotation(spec): "{{ " + variable + " }}"},
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


def _annotation(spec: DeploymentSpec) -> str:
    identity = identity_of(spec)
    assert identity is not None  # only called with a cloud identity
    return identity.annotation


def _aws_batch(spec: DeploymentSpec) -> bool:
    return any(c.kind is ConnectorKind.AWS_BATCH for c in spec.connectors)


def _k8s_plugin(spec: DeploymentSpec) -> dict[str, Any]:
    """``plugins.k8s``: what every task pod gets from the environment."""
    k8s: dict[str, Any] = {"inject-finalizer": True}
    cloud = cloud_of(spec)
    store = store_of(spec)
    env: list[dict[str, Any]] = list(cloud.task_pod_env(spec))
    env += store.task_pod_env(spec, inline=False)
    if env:
        k8s["default-env-vars"] = env
    if (
        store.key_variables
        and spec.storage.credentials is StorageCredentials.SECRET
        and inline_secret(spec, spec.storage.access_key) is None
    ):
        # task pods need the keys too: propeller copies them from its own environment (the Secret fills it, see
        # deployment.extraEnvVars); they then stand in the task pods' spec, readable by whoever can read pods
        k8s["default-env-vars-from-env"] = {task: backend for _attr, backend, task in store.key_variables}
    k8s.update(cloud.task_pod_plugin(spec))
    identity = identity_of(spec)
    if identity is not None and identity.pod_labels:
        k8s["default-labels"] = dict(identity.pod_labels)
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
    role_name_key = cloud_of(spec).admin_role_name_key
    if role_name_key is not None:
        inline["flyteadmin"] = {"roleNameKey": role_name_key}
    plugins: dict[str, Any] = {"k8s": _k8s_plugin(spec)}
    if needs_connector_service(spec):
        plugins["connector-service"] = {"defaultConnector": {"endpoint": connector_endpoint(spec), "insecure": True}}
    if _aws_batch(spec):
        region = aws.region(spec)
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
