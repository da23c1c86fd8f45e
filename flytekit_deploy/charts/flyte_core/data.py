"""flyte-core sections for where Flyte keeps things: object storage, PostgreSQL, and the per-project namespaces
the cluster resource sync creates (quotas and task identity)."""

from __future__ import annotations

from typing import Any

from ...clouds import identity_of, store_of
from ...spec import DeploymentSpec, StorageCredentials
from ..base import SecretSpec
from ..flyte_deps.emitter import uses_deps_minio, uses_deps_postgres
from .parts import ADMIN_ROLES, EVERY_ROLE, PROPELLER_ROLES, Parts, resources_values

__all__ = [
    "STORAGE_CONFIG_SECRET",
    "raw_output_prefix",
    "add_storage",
    "add_database",
    "add_project_resources",
]

STORAGE_CONFIG_SECRET = "flyte-storage-config"
"""Secret holding a complete ``storage.yaml`` when the store takes keys (flyte-core's ``storage.secretName``)."""


_NAMESPACE_TEMPLATE = """apiVersion: v1
kind: Namespace
metadata:
  name: {{ namespace }}
spec:
  finalizers:
  - kubernetes
"""


def raw_output_prefix(spec: DeploymentSpec) -> str:
    """Where task outputs go, in the URI scheme flytekit reads."""
    return store_of(spec).raw_output_prefix(spec)


def _stow(spec: DeploymentSpec, keyed: bool, with_keys: bool) -> dict[str, Any]:
    """A stow storage config (``storage.type: custom``) for the store; ``keyed`` stores authenticate with keys,
    which are written here only when ``with_keys`` (the sandbox)."""
    return store_of(spec).stow(spec, keyed, with_keys)


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
    elif not keyed and (native := store_of(spec).core_native(spec)) is not None:
        block.update(native[0])
        why = native[1]
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
        why = "the store through stow with the pods' identity (no keys)"
    if store.cache_max_size_mb:
        block["cache"] = {"maxSizeMBs": store.cache_max_size_mb}
    block = {"type": block.pop("type"), **block}  # the chart's own order: type, then bucketName
    parts.add({"storage": block}, {"storage": why})
    parts.add(
        {"configmap": {"core": {"propeller": {"rawoutput-prefix": raw_output_prefix(spec)}}}},
        {"configmap.core": "FlytePropeller: where task outputs go, and how hard it works"},
    )
    remote_data = store_of(spec).core_remote_data()
    if remote_data is not None:
        parts.add({"configmap": {"remoteData": remote_data}})
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


def _task_keys_through_propeller(spec: DeploymentSpec, parts: Parts) -> dict[str, str]:
    """The store's keys for task pods: FlytePropeller gets them as env vars from the person's Secret and copies
    them into every task pod (``default-env-vars-from-env``). They then stand in the task pods' spec."""
    env: list[dict[str, Any]] = []
    variables = [(attribute, task_variable) for attribute, _backend, task_variable in store_of(spec).key_variables]
    for attribute, variable in variables:
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
    return {variable: variable for _attribute, variable in variables}


def _task_pod_storage(spec: DeploymentSpec, parts: Parts, inline: bool) -> None:
    """Environment and labels every task pod gets so flytekit reaches the store."""
    env = store_of(spec).task_pod_env(spec, inline)
    labels: list[dict[str, str]] = []
    identity = identity_of(spec)
    if identity is not None and identity.pod_labels:
        labels.append(dict(identity.pod_labels))
    keys_from_env: dict[str, str] = {}
    if not inline and spec.storage.credentials is StorageCredentials.SECRET and store_of(spec).key_variables:
        keys_from_env = _task_keys_through_propeller(spec, parts)
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
    cloud_identity = identity_of(spec)
    if identity is not None and cloud_identity is not None and cloud_identity.per_namespace_binding:
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
    identity = identity_of(spec)
    if identity is None:
        return None
    found = (identity.core_template_variable, identity.annotation)
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
