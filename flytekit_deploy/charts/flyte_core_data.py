"""flyte-core sections for where Flyte keeps things: object storage, PostgreSQL, and the per-project namespaces
the cluster resource sync creates (quotas and task identity)."""

from __future__ import annotations

from typing import Any

from ..spec import DeploymentSpec, IdentityMode, StorageCredentials, StorageProvider
from .base import SecretSpec
from .common import IDENTITY_ANNOTATION
from .connector import AZURE_USE_LABEL
from .flyte_core_parts import ADMIN_ROLES, EVERY_ROLE, PROPELLER_ROLES, Parts, resources_values

__all__ = [
    "STORAGE_CONFIG_SECRET",
    "uses_deps_minio",
    "uses_deps_postgres",
    "raw_output_prefix",
    "add_storage",
    "add_database",
    "add_project_resources",
]

STORAGE_CONFIG_SECRET = "flyte-storage-config"
"""Secret holding a complete ``storage.yaml`` when the store takes keys (flyte-core's ``storage.secretName``)."""

_DEPS_MINIO_KEYS = ("minio", "miniostorage")
"""The development keys flyte-deps' MinIO and flyte-core's ``storage.type: sandbox`` both hard-code."""

_TASK_IDENTITY_VAR = {
    IdentityMode.IRSA: ("defaultIamRole", IDENTITY_ANNOTATION[IdentityMode.IRSA]),
    IdentityMode.GCP_WORKLOAD_IDENTITY: ("gsa", IDENTITY_ANNOTATION[IdentityMode.GCP_WORKLOAD_IDENTITY]),
    IdentityMode.AZURE_WORKLOAD_IDENTITY: (
        "defaultAzureClientId",
        IDENTITY_ANNOTATION[IdentityMode.AZURE_WORKLOAD_IDENTITY],
    ),
}
"""Identity mode -> (cluster resource template variable, service account annotation it fills)."""

_NAMESPACE_TEMPLATE = """apiVersion: v1
kind: Namespace
metadata:
  name: {{ namespace }}
spec:
  finalizers:
  - kubernetes
"""


def _in_namespace_service(host: str, service: str, namespace: str) -> bool:
    return host.split(":")[0] in {
        service,
        f"{service}.{namespace}",
        f"{service}.{namespace}.svc",
        f"{service}.{namespace}.svc.cluster.local",
    }


def uses_deps_minio(spec: DeploymentSpec) -> bool:
    """Sandbox storage is the MinIO that flyte-deps runs (same service, same development keys)."""
    store = spec.storage
    if not spec.is_sandbox or store.provider is not StorageProvider.S3_COMPATIBLE or not store.endpoint:
        return False
    host = store.endpoint.split("://", 1)[-1].rstrip("/")
    keys = (store.access_key.value if store.access_key else None, store.secret_key.value if store.secret_key else None)
    return host.endswith(":9000") and _in_namespace_service(host, "minio", spec.namespace) and keys == _DEPS_MINIO_KEYS


def uses_deps_postgres(spec: DeploymentSpec) -> bool:
    """Sandbox database is the PostgreSQL that flyte-deps runs (it trusts every connection: no password)."""
    return spec.is_sandbox and _in_namespace_service(spec.database.host, "postgres", spec.namespace)


def _azure_account(spec: DeploymentSpec) -> str:
    return spec.azure.storage_account if spec.azure else "<AZURE_STORAGE_ACCOUNT>"


def raw_output_prefix(spec: DeploymentSpec) -> str:
    """Where task outputs go, in the URI scheme flytekit reads."""
    store = spec.storage
    if store.provider is StorageProvider.GCS:
        return f"gs://{store.data_bucket}/"
    if store.provider is StorageProvider.AZURE:
        return f"abfs://{store.data_bucket}@{_azure_account(spec)}.dfs.core.windows.net/"
    return f"s3://{store.data_bucket}/"


def _s3_region(spec: DeploymentSpec) -> str:
    if spec.storage.region:
        return spec.storage.region
    return spec.aws.region if spec.aws else "us-east-1"


def _stow(spec: DeploymentSpec, keyed: bool, with_keys: bool) -> dict[str, Any]:
    """A stow storage config (``storage.type: custom``) for the store; ``keyed`` stores authenticate with keys,
    which are written here only when ``with_keys`` (the sandbox)."""
    store = spec.storage
    if store.provider is StorageProvider.AZURE:
        config: dict[str, Any] = {"account": _azure_account(spec)}
        if with_keys and store.secret_key is not None:
            config["key"] = store.secret_key.value
        return {"type": "stow", "container": store.metadata_bucket, "stow": {"kind": "azure", "config": config}}
    if store.provider is StorageProvider.GCS:
        project = spec.gcp.project_id if spec.gcp else "<GCP_PROJECT_ID>"
        config = {"project_id": project, "scopes": "https://www.googleapis.com/auth/cloud-platform"}
        if with_keys and store.secret_key is not None:
            config["json"] = store.secret_key.value
        return {"type": "stow", "container": store.metadata_bucket, "stow": {"kind": "google", "config": config}}
    config = {"auth_type": "accesskey" if keyed else "iam", "region": _s3_region(spec)}
    if with_keys:
        config["access_key_id"] = store.access_key.value if store.access_key else None
        config["secret_key"] = store.secret_key.value if store.secret_key else None
    if store.endpoint:
        config["endpoint"] = store.endpoint
        config["disable_ssl"] = store.endpoint.startswith("http://")
    return {"type": "stow", "container": store.metadata_bucket, "stow": {"kind": "s3", "config": config}}


def add_storage(spec: DeploymentSpec, parts: Parts) -> None:
    """``storage`` (what FlyteAdmin, DataCatalog and FlytePropeller use), the raw-output prefix, and what task
    pods need to reach the same store."""
    store = spec.storage
    keyed = store.credentials is StorageCredentials.SECRET
    inline = keyed and all(ref is not None and ref.is_inline for ref in (store.access_key, store.secret_key))
    block: dict[str, Any] = {"bucketName": store.metadata_bucket}
    why: str
    if uses_deps_minio(spec):
        block["type"] = "sandbox"
        why = "flyte-deps' MinIO, which the chart's sandbox storage type is written for"
    elif not keyed and store.provider is StorageProvider.S3:
        block.update({"type": "s3", "s3": {"region": _s3_region(spec), "authType": "iam"}})
        why = "S3 through the pods' IAM role (IRSA): no keys anywhere"
    elif not keyed and store.provider is StorageProvider.GCS:
        project = spec.gcp.project_id if spec.gcp else "<GCP_PROJECT_ID>"
        block.update({"type": "gcs", "gcs": {"projectId": project}})
        why = "GCS through GCP Workload Identity: no keys anywhere"
    elif inline:
        block.update({"type": "custom", "custom": _stow(spec, keyed=True, with_keys=True)})
        why = "sandbox store with its development keys inline (allowed in the sandbox only)"
    elif keyed:
        block.update(
            {"type": "custom", "custom": _stow(spec, keyed=True, with_keys=False), "secretName": STORAGE_CONFIG_SECRET}
        )
        why = f"the store takes keys, so the whole storage config is read from the Secret {STORAGE_CONFIG_SECRET}"
        _storage_secret(spec, parts)
    else:
        block.update({"type": "custom", "custom": _stow(spec, keyed=False, with_keys=False)})
        why = "Azure Blob Storage through stow with workload identity (no account key)"
    if store.cache_max_size_mb:
        block["cache"] = {"maxSizeMBs": store.cache_max_size_mb}
    block = {"type": block.pop("type"), **block}  # the chart's own order: type, then bucketName
    parts.add({"storage": block}, {"storage": why})
    parts.add(
        {"configmap": {"core": {"propeller": {"rawoutput-prefix": raw_output_prefix(spec)}}}},
        {"configmap.core": "FlytePropeller: where task outputs go, and how hard it works"},
    )
    if store.provider is StorageProvider.GCS:
        parts.add({"configmap": {"remoteData": {"remoteData": {"region": None, "scheme": "gcs"}}}})
    _task_pod_storage(spec, parts, inline)


def _storage_secret(spec: DeploymentSpec, parts: Parts) -> None:
    store = spec.storage
    refs = [f"{ref.name}/{ref.key}" for ref in (store.access_key, store.secret_key) if ref is not None]
    parts.secret(
        EVERY_ROLE,
        SecretSpec(
            name=STORAGE_CONFIG_SECRET,
            namespace=spec.namespace,
            keys={
                "storage.yaml": "the complete 'storage:' section (type, container, connection or stow config) "
                "with the access keys from " + ", ".join(refs)
            },
            cluster="",
            purpose="flyte-core loads its storage configuration from this Secret so the keys stay out of values",
            spec_paths=["storage.access_key", "storage.secret_key"],
        ),
    )
    parts.note(
        f"Storage keys: put the same settings as storage.custom in the values, plus the keys, into Secret "
        f"{STORAGE_CONFIG_SECRET} as storage.yaml (for S3-compatible stores: stow.config.auth_type: accesskey, "
        "access_key_id, secret_key). Task pods get the keys as FLYTE_AWS_ACCESS_KEY_ID / FLYTE_AWS_SECRET_ACCESS_KEY, "
        "copied by FlytePropeller from its own environment: anyone who can read pods in a project namespace can "
        "read them."
    )


_TASK_KEYS = (("FLYTE_AWS_ACCESS_KEY_ID", "access_key"), ("FLYTE_AWS_SECRET_ACCESS_KEY", "secret_key"))


def _task_keys_through_propeller(spec: DeploymentSpec, parts: Parts) -> dict[str, str]:
    """The store's keys for task pods: FlytePropeller gets them as env vars from the person's Secret and copies
    them into every task pod (``default-env-vars-from-env``). They then stand in the task pods' spec."""
    env: list[dict[str, Any]] = []
    for variable, attribute in _TASK_KEYS:
        ref = getattr(spec.storage, attribute)
        assert ref is not None  # the spec requires both keys with credentials: secret
        env.append({"name": variable, "valueFrom": {"secretKeyRef": {"name": ref.name, "key": ref.key}}})
        parts.secret(
            PROPELLER_ROLES,
            SecretSpec(
                name=ref.name,
                namespace=spec.namespace,
                keys={ref.key: f"object store {attribute.replace('_', ' ')}"},
                cluster="",
                purpose="task pods read and write the buckets with these keys (through FlytePropeller)",
                spec_paths=[f"storage.{attribute}"],
            ),
        )
    parts.add(
        {"flytepropeller": {"podEnv": env}},
        {"flytepropeller.podEnv": "the object store keys, from the Secret, for propeller to hand to task pods"},
    )
    return {variable: variable for variable, _attribute in _TASK_KEYS}


def _task_pod_storage(spec: DeploymentSpec, parts: Parts, inline: bool) -> None:
    """Environment and labels every task pod gets so flytekit reaches the store."""
    store = spec.storage
    env: list[dict[str, str]] = []
    labels: list[dict[str, str]] = []
    if store.provider is StorageProvider.S3_COMPATIBLE and store.endpoint:
        env.append({"FLYTE_AWS_ENDPOINT": store.endpoint})
        if inline and store.access_key is not None and store.secret_key is not None:
            env.append({"FLYTE_AWS_ACCESS_KEY_ID": str(store.access_key.value)})
            env.append({"FLYTE_AWS_SECRET_ACCESS_KEY": str(store.secret_key.value)})
    if store.provider is StorageProvider.AZURE:
        env.append({"AZURE_STORAGE_ACCOUNT_NAME": _azure_account(spec)})
    keys_from_env: dict[str, str] = {}
    if (
        not inline
        and store.credentials is StorageCredentials.SECRET
        and store.provider in (StorageProvider.S3, StorageProvider.S3_COMPATIBLE)
    ):
        keys_from_env = _task_keys_through_propeller(spec, parts)
    if spec.identity_mode is IdentityMode.AZURE_WORKLOAD_IDENTITY:
        labels.append(dict(AZURE_USE_LABEL))
    k8s: dict[str, Any] = {}
    if env:
        k8s["default-env-vars"] = env
    if labels:
        k8s["default-labels"] = labels
    if keys_from_env:
        k8s["default-env-vars-from-env"] = keys_from_env
    if k8s:
        parts.add(
            {"configmap": {"k8s": {"plugins": {"k8s": k8s}}}},
            {"configmap.k8s": "task pods: how flytekit inside them reaches the object store"},
        )


def add_database(spec: DeploymentSpec, parts: Parts) -> None:
    """``db.admin`` / ``db.datacatalog``. The password is a file from a Secret the chart mounts at /etc/db
    (``common.databaseSecret``); the sandbox's flyte-deps PostgreSQL trusts every connection instead."""
    database = spec.database
    password = database.password

    def entry(dbname: str) -> dict[str, Any]:
        values: dict[str, Any] = {
            "port": database.port,
            "username": database.user,
            "host": database.host,
            "dbname": dbname,
            "options": f"sslmode={database.sslmode.value}",
        }
        if uses_deps_postgres(spec):
            return values
        if spec.is_sandbox and password.is_inline:
            values["password"] = password.value
        else:
            values["passwordPath"] = f"/etc/db/{password.key}"
        return values

    parts.add(
        {
            "db": {
                "admin": {"database": entry(database.admin_dbname)},
                "datacatalog": {"database": entry(database.datacatalog_dbname)},
            }
        },
        {
            "db": f"PostgreSQL ({database.flavour.value}) of FlyteAdmin and DataCatalog, sslmode {database.sslmode.value}"
        },
    )
    if uses_deps_postgres(spec) or (spec.is_sandbox and password.is_inline):
        return
    parts.add(
        {"common": {"databaseSecret": {"name": password.name}}},
        {"common.databaseSecret": f"Secret with the database password, mounted at /etc/db ({password.key})"},
    )
    parts.secret(
        ADMIN_ROLES,
        SecretSpec(
            name=password.name,
            namespace=spec.namespace,
            keys={password.key: f"password of PostgreSQL user {database.user} on {database.host}"},
            cluster="",
            purpose=f"FlyteAdmin and DataCatalog read the database password from /etc/db/{password.key}",
            spec_paths=["database.password"],
        ),
    )


def add_project_resources(spec: DeploymentSpec, parts: Parts) -> None:
    """Domains, initial projects, and the cluster resource templates: one namespace per project-domain, its
    quota, and the task service account's cloud identity. ``{{ namespace }}`` and the customData variables are
    Flyte's runtime placeholders and stay literal."""
    projects = spec.projects
    domains = projects.domains
    parts.add(
        {
            "flyteadmin": {"initialProjects": [p.name for p in projects.projects]},
            "configmap": {"domain": {"domains": [{"id": d, "name": d} for d in domains]}},
        }
    )
    if not spec.components.cluster_resource_manager.enabled:
        parts.add(
            {"cluster_resource_manager": {"enabled": False}},
            {"cluster_resource_manager": "off: project namespaces must be created by hand"},
        )
        return
    quota_vars = _quota_vars(spec, parts)
    identity = _task_identity(spec, parts)
    custom_data: list[dict[str, Any]] = []
    for domain in domains:
        entries: list[dict[str, Any]] = []
        quota = projects.quotas.get(domain)
        for field, var, _hard in quota_vars:
            entries.append({var: {"value": str(getattr(quota, field))}})
        if identity is not None:
            entries.append({identity[0]: {"value": spec.identity.task_identity(domain)}})
        custom_data.append({domain: entries})
    templates = [{"key": "aa_namespace", "value": _NAMESPACE_TEMPLATE}]
    if identity is not None:
        templates.append({"key": "aab_default_service_account", "value": _service_account_template(spec, identity)})
    if quota_vars:
        hard = "".join(f"    {hard}: {{{{ {var} }}}}\n" for _field, var, hard in quota_vars)
        quota_text = (
            "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: project-quota\n  namespace: {{ namespace }}\n"
            "spec:\n  hard:\n" + hard
        )
        templates.append({"key": "ab_project_resource_quota", "value": quota_text})
    block: dict[str, Any] = {"enabled": True, "config": {"cluster_resources": {"customData": custom_data}}}
    block["templates"] = templates
    resources = spec.components.cluster_resource_manager.resources
    if not resources.is_empty():
        block["resources"] = resources_values(resources)
    parts.add(
        {"cluster_resource_manager": block},
        {"cluster_resource_manager": "per project-domain namespace: " + ", ".join(t["key"] for t in templates)},
    )
    if identity is not None and spec.identity_mode in (
        IdentityMode.GCP_WORKLOAD_IDENTITY,
        IdentityMode.AZURE_WORKLOAD_IDENTITY,
    ):
        # Workload identity trusts one Kubernetes service account per namespace, bound by hand: one namespace
        # per domain keeps that to len(domains) bindings instead of one per project and domain.
        parts.add({"configmap": {"namespace_config": {"namespace_mapping": {"template": "{{ domain }}"}}}})
        parts.note(
            f"{spec.identity_mode.value}: task pods run in one namespace per domain ({', '.join(domains)}); bind "
            f"each domain's '{spec.identity.task_service_account}' service account to its cloud identity."
        )


def _quota_vars(spec: DeploymentSpec, parts: Parts) -> list[tuple[str, str, str]]:
    """(quota field, template variable, ResourceQuota key) for the quotas every domain sets: the template is
    shared by all domains, so a value missing for one domain would leave its placeholder unfilled."""
    quotas = spec.projects.quotas
    candidates = [
        ("cpu", "projectQuotaCpu", "limits.cpu"),
        ("memory", "projectQuotaMemory", "limits.memory"),
        ("gpu", "projectQuotaGpu", "requests.nvidia.com/gpu"),
    ]
    chosen = []
    for field, var, hard in candidates:
        have = [d for d in spec.projects.domains if getattr(quotas.get(d), field, None) is not None]
        if len(have) == len(spec.projects.domains):
            chosen.append((field, var, hard))
        elif have:
            parts.note(
                f"projects.quotas: {field} is set for {', '.join(have)} but not every domain, so it is not applied.",
                ADMIN_ROLES,
            )
    return chosen


def _task_identity(spec: DeploymentSpec, parts: Parts) -> tuple[str, str] | None:
    """The template variable and annotation of the task service account's identity, when every domain has one."""
    found = _TASK_IDENTITY_VAR.get(spec.identity_mode)
    if found is None:
        return None
    missing = [d for d in spec.projects.domains if not spec.identity.task_identity(d)]
    if len(missing) == len(spec.projects.domains):
        return None
    if missing:
        parts.note(
            f"identity: no task identity for {', '.join(missing)}; task pods there keep the node's identity.",
            ADMIN_ROLES,
        )
        return None
    return found


def _service_account_template(spec: DeploymentSpec, identity: tuple[str, str]) -> str:
    var, annotation = identity
    return (
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
        f"  name: {spec.identity.task_service_account}\n  namespace: {{{{ namespace }}}}\n"
        f"  annotations:\n    {annotation}: {{{{ {var} }}}}\n"
    )
