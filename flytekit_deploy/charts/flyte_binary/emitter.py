"""Values for the flyte-binary chart (Flyte v1.16.8): one process runs FlyteAdmin, FlytePropeller, DataCatalog, the
scheduler and the console, so one release holds the whole deployment (single-cluster and hybrid models).

The chart's own key spelling throughout; blocks come out in the chart's order with a comment saying why each is
set. No secret value ever lands in the values outside the sandbox: the chart's mechanisms for existing Secrets are
used instead (``database.passwordPath`` with a mounted Secret, ``auth.clientSecretsExternalSecretRef`` and
``inlineSecretRef``, environment variables from Secrets), and each Secret comes back as a :class:`SecretSpec`.
The Flyte-config half (log links, ``configuration.inline``, cluster resource templates, the :class:`Draft` being
assembled) is in :mod:`.config`; Ingresses and authentication are in :mod:`.access`.
"""

from __future__ import annotations

from typing import Any

from ...clouds import identity_of, store_of
from ...spec import (
    ChartName,
    DeploymentSpec,
    LogProvider,
    Logs,
)
from ..base import ReleaseValues
from ..common import deep_merge, identity_annotations, resources_values
from ..flyteconnector.emitter import needs_connector_service
from ..hardening import hardening_comments, hardening_values
from .access import add_auth, add_ingress
from .config import (
    Draft,
    cluster_resource_templates,
    enabled_plugins,
    fullname,
    inline_config,
    inline_secret,
    logging_values,
)

__all__ = ["emit", "DB_PASSWORD_DIR", "TOP_LEVEL_ORDER", "CONFIGURATION_ORDER"]

DB_PASSWORD_DIR = "/etc/db"
"""Where the database password Secret is mounted; ``configuration.database.passwordPath`` points into it."""

TOP_LEVEL_ORDER = [
    "nameOverride", "fullnameOverride", "commonLabels", "commonAnnotations", "flyte-core-components",
    "configuration", "clusterResourceTemplates", "deployment", "service", "ingress", "rbac", "serviceAccount",
    "flyteconnector", "enabled_plugins",
]  # fmt: skip
"""flyte-binary's values.yaml order, which the emitted values follow."""
CONFIGURATION_ORDER = [
    "database", "storage", "logging", "auth", "co-pilot", "connectorService", "propeller", "externalConfigMap",
    "externalSecretRef", "inline", "inlineConfigMap", "inlineSecretRef", "labels", "annotations",
]  # fmt: skip

# ---- sections ---------------------------------------------------------------------------------------------------


def _components(draft: Draft) -> None:
    spec = draft.spec
    parts = spec.components
    admin: dict[str, Any] = {}
    if not parts.admin.enabled:
        admin["disabled"] = True
    if not parts.scheduler.enabled:
        admin["disableScheduler"] = True
    if not parts.cluster_resource_manager.enabled:
        admin["disableClusterResourceManager"] = True
    projects = spec.projects.projects
    admin["seedProjects"] = [p.name for p in projects]
    admin["seedProjectsWithDetails"] = [
        {"name": p.name, "description": p.description} for p in projects if p.description
    ]
    block: dict[str, Any] = {"admin": admin}
    propeller: dict[str, Any] = {}
    if not parts.propeller.enabled:
        propeller["disabled"] = True
    if not parts.propeller.webhook:
        propeller["disableWebhook"] = True
    if propeller:
        block["propeller"] = propeller
    if not parts.datacatalog.enabled:
        block["dataCatalog"] = {"disabled": True}
    draft.put(
        "flyte-core-components", block, "projects registered at install (projects.projects); components switched off"
    )
    if not parts.propeller.create_crds:
        draft.put("configuration.propeller", {"createCRDs": False}, "CRDs come from the chart, not from propeller")
    if parts.copilot_image_tag:
        draft.put("configuration.co-pilot", {"image": {"tag": parts.copilot_image_tag}}, "components.copilot_image_tag")
    ignored = [
        name
        for name in ("propeller", "datacatalog", "scheduler", "console", "cluster_resource_manager")
        if getattr(parts, name).image_tag
        or not getattr(parts, name).resources.is_empty()
        or getattr(parts, name).replicas != 1
    ]
    if ignored:
        draft.notes.append(
            "flyte-binary runs every component in one pod: only components.admin's image tag and resources apply; "
            f"settings of {', '.join(ignored)} are not used (flyte-core scales components separately)."
        )
    if parts.admin.replicas != 1:
        draft.notes.append("flyte-binary runs one replica (Recreate strategy); components.admin.replicas is not used.")


def _database(draft: Draft) -> None:
    spec = draft.spec
    db = spec.database
    block: dict[str, Any] = {
        "username": db.user,
        "host": db.host,
        "port": db.port,
        "dbname": db.admin_dbname,
        "options": f"sslmode={db.sslmode.value}",
    }
    inline = inline_secret(spec, db.password)
    if inline is not None:
        block["password"] = inline
        comment = "PostgreSQL (the sandbox's well-known password is inline; the chart puts it in a Secret)"
    else:
        block["passwordPath"] = f"{DB_PASSWORD_DIR}/{db.password.key}"
        volume = {
            "name": "db-password",
            "secret": {"secretName": db.password.name, "items": [{"key": db.password.key, "path": db.password.key}]},
        }
        draft.put("deployment.extraVolumes", [volume], "existing Secrets mounted into the Flyte pod")
        draft.put(
            "deployment.extraVolumeMounts", [{"name": "db-password", "mountPath": DB_PASSWORD_DIR, "readOnly": True}]
        )
        draft.secret(
            db.password.name,
            {db.password.key: f"password of PostgreSQL user {db.user}"},
            "FlyteAdmin and DataCatalog log in to PostgreSQL with it",
            ["database.password"],
        )
        comment = f"PostgreSQL; the password is read from Secret {db.password.name} mounted at {DB_PASSWORD_DIR}"
    draft.put("configuration.database", block, comment)
    if db.datacatalog_dbname != db.admin_dbname:
        draft.notes.append(
            f"flyte-binary keeps FlyteAdmin and DataCatalog in one database ({db.admin_dbname}); "
            "database.datacatalog_dbname is not used."
        )


def _storage(draft: Draft) -> None:
    spec = draft.spec
    store = spec.storage
    block: dict[str, Any] = {
        "metadataContainer": store.metadata_bucket,
        "userDataContainer": store.data_bucket,
    }
    access, secret = inline_secret(spec, store.access_key), inline_secret(spec, store.secret_key)
    keys = (access, secret) if access is not None and secret is not None else None
    storage = store_of(spec).binary_storage(spec, keys)
    if storage.keys_from_secret:
        _storage_keys_from_secret(draft)
    block["provider"] = storage.provider
    block["providerConfig"] = storage.config
    if storage.note:
        draft.notes.append(storage.note)
    draft.put("configuration.storage", block, storage.comment)


def _storage_keys_from_secret(draft: Draft) -> None:
    spec = draft.spec
    env: list[dict[str, Any]] = []
    for attribute, variable, _task_variable in store_of(spec).key_variables:
        ref = getattr(spec.storage, attribute)
        assert ref is not None  # the spec requires both keys with credentials: secret
        env.append({"name": variable, "valueFrom": {"secretKeyRef": {"name": ref.name, "key": ref.key}}})
        draft.secret(
            ref.name,
            {ref.key: f"object store {attribute.replace('_', ' ')}"},
            "Flyte reads and writes the buckets with these keys",
            [f"storage.{attribute}"],
        )
    draft.put("deployment.extraEnvVars", env, "object store keys from a Secret, read by the AWS SDK")
    draft.notes.append(
        "Task pods get the store's keys as FLYTE_AWS_ACCESS_KEY_ID / FLYTE_AWS_SECRET_ACCESS_KEY, copied by propeller "
        "from these variables (plugins.k8s.default-env-vars-from-env): anyone who can read pods in a project "
        "namespace can read them; prefer a workload identity where the store offers one."
    )


def _cluster_resources(draft: Draft) -> None:
    spec = draft.spec
    draft.put(
        "configuration.inline",
        inline_config(spec),
        "Flyte config merged over the chart's: per-domain data of the cluster resource templates, task pod defaults",
    )
    draft.put(
        "clusterResourceTemplates.inline",
        cluster_resource_templates(spec),
        "what each project-domain namespace gets; {{ ... }} are Flyte's runtime placeholders, kept literal",
    )


def _identity(draft: Draft) -> None:
    spec = draft.spec
    annotations = identity_annotations(spec, spec.identity.backend)
    if annotations:
        draft.put(
            "serviceAccount",
            {"annotations": annotations},
            f"{spec.identity_mode.value}: the Flyte pod's cloud identity (buckets, logs)",
        )
    identity = identity_of(spec)
    if identity is not None and identity.pod_labels:
        draft.put("deployment.podLabels", dict(identity.pod_labels))
    if spec.identity.propeller and spec.identity.propeller != spec.identity.backend:
        draft.notes.append(
            "flyte-binary runs propeller under the backend's service account; identity.propeller is not used."
        )
    backend = (spec.namespace, fullname(spec))
    tasks = ("<project>-<domain>", spec.identity.task_service_account)
    cloud_identity = identity_of(spec)
    trust = cloud_identity.trust(spec, backend, tasks) if cloud_identity is not None else None
    if trust:
        draft.notes.append(f"{spec.identity_mode.value}: {trust}.")


def _deployment(draft: Draft) -> None:
    spec = draft.spec
    admin = spec.components.admin
    if admin.image_tag:
        draft.put("deployment.image", {"tag": admin.image_tag})
    resources = resources_values(admin.resources)
    if resources:
        draft.put("deployment.resources", resources)
    if "deployment" in draft.values:
        draft.comments.setdefault("deployment", "the Flyte pod: image, resources, mounted Secrets")


def _rbac(draft: Draft) -> None:
    if not needs_connector_service(draft.spec):
        return
    rule = {"apiGroups": [""], "resources": ["endpoints"], "verbs": ["get", "list", "watch"]}
    slices = {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["get", "list", "watch"]}
    draft.put(
        "rbac.extraRules",
        [rule, slices],
        "the k8s:// resolver of the connector endpoint watches the connector Service's endpoints",
    )


def _plugins(draft: Draft) -> None:
    plugins = enabled_plugins(draft.spec)
    if plugins is not None:
        draft.put("enabled_plugins", plugins, "AWS Batch: propeller's aws_array plugin runs aws-batch tasks")
        draft.notes.append(
            "AWS Batch: replace <AWS_BATCH_JOB_QUEUE> with your job queue, and let the Flyte role pass task roles "
            "to Batch (iam:PassRole); task roles must trust ecs-tasks.amazonaws.com."
        )


def _observability(draft: Draft) -> None:
    spec = draft.spec
    draft.put(
        "configuration.logging",
        logging_values(spec),
        "log level, and the task log links the console shows (Go templates, raw)",
    )
    logs = spec.observability.logs
    if LogProvider.KUBERNETES in logs.providers and logs.kubernetes_url == Logs().kubernetes_url:
        draft.notes.append(
            f"The kubernetes log link points at {logs.kubernetes_url}, the sandbox's dashboard: set "
            "observability.logs.kubernetes_url to your Kubernetes dashboard."
        )
    if draft.spec.observability.service_monitor.enabled:
        draft.notes.append(
            "flyte-binary v1.16.8 has no ServiceMonitor template: create one for the Flyte Service yourself, "
            "or use flyte-core, which has one per component."
        )


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys and ``configuration`` keys in the chart's order; unknown keys (from overrides) after them."""

    def rank(order: list[str]) -> Any:
        return lambda key: (order.index(key) if key in order else len(order), "")

    out = {key: values[key] for key in sorted(values, key=rank(TOP_LEVEL_ORDER))}
    if isinstance(out.get("configuration"), dict):
        conf = out["configuration"]
        out["configuration"] = {key: conf[key] for key in sorted(conf, key=rank(CONFIGURATION_ORDER))}
    return out


def emit(spec: DeploymentSpec) -> list[ReleaseValues]:
    """The one flyte-binary release of a single-cluster or hybrid deployment."""
    draft = Draft(spec)
    sections = (_components, _database, _storage, _observability, add_auth, _cluster_resources, add_ingress)
    for section in (*sections, _identity, _deployment, _rbac, _plugins):
        section(draft)
    if draft.secrets:
        names = ", ".join(s.name for s in draft.secrets)
        draft.notes.insert(
            0,
            f"Create the Secrets {names} in namespace {spec.namespace} before installing: "
            "the values refer to them and hold no secret.",
        )
    hardened = hardening_values(spec, ChartName.FLYTE_BINARY.value, draft.values)  # hardening: restricted
    values = deep_merge(hardened, spec.overrides.get(ChartName.FLYTE_BINARY.value, {}), keep_null=True)
    return [
        ReleaseValues(
            release=spec.name,
            chart=ChartName.FLYTE_BINARY,
            namespace=spec.namespace,
            cluster=draft.cluster,
            role="all-in-one",
            values=_ordered(values),
            comments={**draft.comments, **hardening_comments(spec, ChartName.FLYTE_BINARY.value)},
            secrets=draft.secrets,
            notes=draft.notes,
            version=spec.chart_version,
        )
    ]
