"""Reading a flyte-binary values file: the inverse of :mod:`flytekit_deploy.charts.flyte_binary`.

Each function takes the keys of one concern into spec data. What is not taken stays verbatim as
``spec.overrides["flyte-binary"]``; what is taken but re-emitted differently is kept verbatim too (see
:func:`flytekit_deploy.importer.import_values`). Key names here mirror the emitter's, which is why this module lives beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...clouds import StoreFacts, cloud_for, identities, stores
from ...spec import Environment, IdentityMode
from ..reading import Reader, identity_kind, placeholder_or, scalar, sslmode_of, weigh_environment
from ..tree import get, resolve_values_refs, set_in, split

__all__ = ["read", "prepare", "TPL_PATHS"]

TPL_PATHS: tuple[str, ...] = (
    "clusterResourceTemplates.annotations",
    "clusterResourceTemplates.labels",
    "commonAnnotations",
    "commonLabels",
    "configuration.annotations",
    "configuration.auth.authorizedUris",
    "configuration.connectorService",
    "configuration.inline",
    "configuration.labels",
    "deployment.annotations",
    "deployment.args",
    "deployment.command",
    "deployment.extraEnvVars",
    "deployment.extraPodSpec",
    "deployment.extraVolumeMounts",
    "deployment.extraVolumes",
    "deployment.genAdminAuthSecret.args",
    "deployment.genAdminAuthSecret.command",
    "deployment.initContainers",
    "deployment.labels",
    "deployment.lifecycleHooks",
    "deployment.livenessProbe",
    "deployment.podAnnotations",
    "deployment.podLabels",
    "deployment.preInitContainers",
    "deployment.readinessProbe",
    "deployment.sidecars",
    "deployment.startupProbe",
    "deployment.waitForDB.args",
    "deployment.waitForDB.command",
    "ingress.commonAnnotations",
    "ingress.grpcAnnotations",
    "ingress.grpcExtraPaths.append",
    "ingress.grpcExtraPaths.prepend",
    "ingress.grpcTls",
    "ingress.httpAnnotations",
    "ingress.httpExtraPaths.append",
    "ingress.httpExtraPaths.prepend",
    "ingress.httpTls",
    "ingress.labels",
    "ingress.tls",
    "rbac.annotations",
    "rbac.labels",
    "service.annotations",
    "service.commonAnnotations",
    "service.extraPorts",
    "service.grpcAnnotations",
    "service.httpAnnotations",
    "service.labels",
    "serviceAccount.annotations",
    "serviceAccount.imagePullSecrets",
    "serviceAccount.labels",
)
"""The values flyte-binary's templates pass through ``tpl`` (``tpl ( .Values.X | toYaml ) .``): only there does a
``{{ .Values.userSettings.x }}`` reference mean the value it names. tests/charts compares it with the templates."""


def prepare(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Resolve ``{{ .Values.* }}`` references where flyte-binary's ``tpl`` would (:data:`TPL_PATHS`); elsewhere the
    chart writes them literally, and so does the importer. ``userSettings`` goes once nothing refers to it."""
    wanted = dict(values)
    resolved: list[str] = []
    for path in TPL_PATHS:
        parts = split(path)
        node = get(values, parts, None)
        if node is None:
            continue
        after = resolve_values_refs(node, values)
        if after != node:
            set_in(wanted, parts, after)
            resolved.append(path)
    notes = (
        [f"resolved {{{{ .Values.* }}}} references as flyte-binary's tpl does in: {', '.join(resolved)}"]
        if resolved
        else []
    )
    rest = {k: v for k, v in wanted.items() if k != "userSettings"}
    if isinstance(wanted.get("userSettings"), Mapping) and ".Values.userSettings" not in repr(rest):
        del wanted["userSettings"]
        notes.append("userSettings was resolved into the keys that referenced it and dropped")
    return wanted, notes


_CLASS_TO_CONTROLLER = {"alb": "alb", "nginx": "nginx", "gce": "gce", "contour": "contour", "traefik": "traefik"}


def _environment(r: Reader) -> None:
    """The cloud, weighed from the identity annotation and the storage provider (the file never names it)."""
    env = weigh_environment(r, ["serviceAccount.annotations"], _store_facts(r)).environment.value
    found = identity_kind(r.peek("serviceAccount.annotations"), env)
    if found is not None:
        _env, mode, backend = found
        r.take(f'serviceAccount.annotations["{_annotation(mode)}"]')
        r.put("identity.backend", backend)
    r.put("environment", env)


def _store_facts(r: Reader) -> StoreFacts:
    return StoreFacts(
        kind=r.peek("configuration.storage.provider", "s3"),
        endpoint=r.peek("configuration.storage.providerConfig.s3.endpoint"),
    )


def _annotation(mode: str) -> str:
    return next(i.annotation for i in identities() if i.mode is IdentityMode(mode))


def _storage(r: Reader) -> None:
    facts = _store_facts(r)
    r.take("configuration.storage.provider")
    base = "configuration.storage"
    metadata = r.take(f"{base}.metadataContainer")
    raw = r.take(f"{base}.userDataContainer")
    r.put("storage.metadata_bucket", scalar(metadata))
    if raw and raw != metadata:
        r.put("storage.raw_data_bucket", scalar(raw))
    store = next((store for store in stores().values() if store.recognises(facts)), None)
    if store is not None:
        store.read_binary(r, base)


def _database(r: Reader) -> None:
    base = "configuration.database"
    r.put("database.flavour", cloud_for(Environment(r.got("environment"))).default_database_flavour.value)
    r.put("database.user", scalar(r.take(f"{base}.username")))
    r.put("database.host", scalar(r.take(f"{base}.host")))
    port = r.take(f"{base}.port")
    r.put("database.port", int(port) if port not in (None, "") else None)
    dbname = scalar(r.take(f"{base}.dbname"))
    r.put("database.admin_dbname", dbname)
    r.put("database.datacatalog_dbname", dbname)  # flyte-binary serves both from one database
    mode = sslmode_of(r.peek(f"{base}.options"))
    if mode:
        r.take(f"{base}.options")
        r.put("database.sslmode", mode)


_CLOUDWATCH = re.compile(r"region=(?P<region>[^#&]+)#logEventViewer:group=(?P<group>[^;]+);")
_STACKDRIVER_PROJECT = re.compile(r"[?&]project=(?P<project>[^&\"\s]+)")


def _logging(r: Reader) -> None:
    plugins = r.peek("configuration.logging.plugins")
    if not isinstance(plugins, Mapping):
        return
    providers: list[str] = []
    for name in ("kubernetes", "cloudwatch", "stackdriver"):
        block = plugins.get(name)
        if not isinstance(block, Mapping) or not block.get("enabled"):
            continue
        r.take(f"configuration.logging.plugins.{name}.enabled")
        providers.append(name)
        uri = str(block.get("templateUri") or "")
        if name == "cloudwatch" and (match := _CLOUDWATCH.search(uri)):
            r.put("observability.logs.cloudwatch_log_group", match.group("group"))
            r.put_setting("aws.region", placeholder_or(match.group("region"), "<AWS_REGION>"))
        elif name == "stackdriver" and (match := _STACKDRIVER_PROJECT.search(uri)):
            r.put_setting("gcp.project_id", placeholder_or(match.group("project"), "<GCP_PROJECT_ID>"))
        elif name == "kubernetes" and "{{" in uri:
            r.put("observability.logs.kubernetes_url", uri.split("{{", 1)[0])
    links: list[dict[str, str]] = []
    for item in plugins.get("custom") or []:
        uris = item.get("templateUris") if isinstance(item, Mapping) else None
        if not (isinstance(uris, list) and len(uris) == 1 and item.get("displayName")):
            continue
        uri = str(uris[0])
        if item["displayName"] == "Azure Logs" and uri.endswith("{{ .podName }}"):
            providers.append("azure")
            r.put("observability.logs.azure_workspace_url", uri[: -len("{{ .podName }}")])
        else:
            links.append({"name": str(item["displayName"]), "template": uri})
    if links:
        providers.append("custom")
        r.put("observability.logs.custom", links)
    r.put("observability.logs.providers", providers or None)


def _auth(r: Reader) -> None:
    base = "configuration.auth"
    if not r.peek(f"{base}.enabled"):
        return  # auth off: the rest of the block has no effect and stays verbatim
    r.take(f"{base}.enabled")
    external = r.peek(f"{base}.enableAuthServer") is False
    r.put("auth.mode", "oidc-external" if external else "oidc-internal")
    r.put("profile", "production")
    r.put("auth.issuer", scalar(r.take(f"{base}.oidc.baseUrl")))
    r.put("auth.client_id", scalar(r.take(f"{base}.oidc.clientId")))
    r.put("auth.service_client_id", scalar(r.take(f"{base}.internal.clientId")))
    uris = r.take(f"{base}.authorizedUris")
    r.put("auth.authorized_uris", list(uris) if uris else None)
    client = f"{base}.flyteClient"
    r.put("auth.flytectl_client_id", scalar(r.take(f"{client}.clientId")))
    r.put("auth.flytectl_redirect_uri", scalar(r.take(f"{client}.redirectUri")))
    scopes = r.take(f"{client}.scopes")
    r.put("auth.flytectl_scopes", list(scopes) if scopes else None)
    r.put("auth.external_audience", scalar(r.take(f"{client}.audience")) if external else None)


def _custom_data(r: Reader, path: str, task_keys: tuple[str, ...]) -> None:
    """``cluster_resources.customData`` (a list of one-key maps per domain) -> task identity and quotas."""
    data = r.peek(path)
    if not isinstance(data, list):
        return
    identities: dict[str, str] = {}
    quotas: dict[str, dict[str, str]] = {}
    domains: list[str] = []
    for entry in data:
        if not isinstance(entry, Mapping):
            return
        for domain, items in entry.items():
            domains.append(str(domain))
            for item in items if isinstance(items, list) else []:
                for key, holder in item.items() if isinstance(item, Mapping) else []:
                    value = holder.get("value") if isinstance(holder, Mapping) else None
                    if key in task_keys and value is not None:
                        identities[str(domain)] = str(value)
                    elif key == "projectQuotaCpu" and value is not None:
                        quotas.setdefault(str(domain), {})["cpu"] = str(value)
                    elif key == "projectQuotaMemory" and value is not None:
                        quotas.setdefault(str(domain), {})["memory"] = str(value)
                    elif key == "projectQuotaGpu" and value is not None:
                        quotas.setdefault(str(domain), {})["gpu"] = str(value)
    if identities:
        common = set(identities.values())
        if len(common) == 1:
            r.put("identity.tasks", common.pop())
        else:
            r.put("identity.tasks_per_domain", identities)
    if quotas:
        r.put("projects.quotas", quotas)
    r.take(path)


def _inline(r: Reader) -> None:
    _custom_data(
        r,
        "configuration.inline.cluster_resources.customData",
        ("defaultIamRole", "defaultIamServiceAccount", "defaultAzureClientId"),
    )
    cache = r.peek("configuration.inline.storage.cache.max_size_mbs")
    if cache:
        r.take("configuration.inline.storage.cache.max_size_mbs")
        r.put("storage.cache_max_size_mb", int(cache))
    domains = r.peek("configuration.inline.domains")
    if isinstance(domains, list) and all(isinstance(d, Mapping) and "id" in d for d in domains):
        r.take("configuration.inline.domains")
        r.put("projects.domains", [str(d["id"]) for d in domains])


def _ingress(r: Reader) -> None:
    if not r.peek("ingress.create"):
        return
    r.take("ingress.create")
    annotations = r.peek("ingress.commonAnnotations") or {}
    klass = r.peek("ingress.ingressClassName") or (
        annotations.get("kubernetes.io/ingress.class") if annotations else ""
    )
    controller = _CLASS_TO_CONTROLLER.get(str(klass or ""), "nginx")
    if klass in _CLASS_TO_CONTROLLER:
        r.take("ingress.ingressClassName")
    r.put("ingress.controller", controller)
    host = scalar(r.take("ingress.host"))
    r.put("ingress.host", host)
    http = r.peek("ingress.httpAnnotations") or {}
    merged = {
        **(annotations if isinstance(annotations, Mapping) else {}),
        **(http if isinstance(http, Mapping) else {}),
    }
    arn = merged.get("alb.ingress.kubernetes.io/certificate-arn")
    issuer = merged.get("cert-manager.io/cluster-issuer")
    if arn:
        r.put("ingress.tls", {"mode": "acm", "certificate_arn": _arn(str(arn))})
    elif issuer:
        r.put("ingress.tls", {"mode": "cert-manager", "cluster_issuer": str(issuer)})
    separate = r.peek("ingress.separateGrpcIngress")
    if separate is not None:
        r.put("ingress.separate_grpc", bool(separate))


def _arn(text: str) -> str:
    """Upstream writes the ARN as a pattern of its own placeholders; the spec keeps one placeholder for it."""
    return text if text.startswith("arn:aws") and "<" not in text else "<ACM_CERTIFICATE_ARN>"


def _components(r: Reader) -> None:
    base = "flyte-core-components"
    for spec_name, key in (("admin", "admin"), ("propeller", "propeller"), ("datacatalog", "dataCatalog")):
        if r.peek(f"{base}.{key}.disabled") is True:
            r.take(f"{base}.{key}.disabled")
            r.put(f"components.{spec_name}.enabled", False)
    if r.peek(f"{base}.admin.disableScheduler") is True:
        r.take(f"{base}.admin.disableScheduler")
        r.put("components.scheduler.enabled", False)
    if r.peek(f"{base}.propeller.disableWebhook") is True:
        r.take(f"{base}.propeller.disableWebhook")
        r.put("components.propeller.webhook", False)


CHART_SEED_PROJECTS = [{"name": "flytesnacks", "description": "Default project setup."}]
"""flyte-binary's default ``flyte-core-components.admin.seedProjectsWithDetails``: what a file that says nothing
creates, so the imported spec must create it too."""


def _projects(r: Reader) -> None:
    base = "flyte-core-components.admin"
    detailed = r.peek(f"{base}.seedProjectsWithDetails")
    names = r.peek(f"{base}.seedProjects")
    if isinstance(detailed, list) and all(isinstance(p, Mapping) and p.get("name") for p in detailed):
        projects = [{"name": str(p["name"]), "description": str(p.get("description") or "")} for p in detailed]
        r.take(f"{base}.seedProjectsWithDetails")
    elif isinstance(names, list) and names:
        projects = [{"name": str(n)} for n in names]
        r.take(f"{base}.seedProjects")
    else:
        projects = CHART_SEED_PROJECTS
    r.put("projects.projects", projects)


def read(values: Mapping[str, Any]) -> Reader:
    """Spec data for a flyte-binary values file, and the key paths it was read from."""
    r = Reader(values)
    r.put("chart", "flyte-binary")
    r.put("model", "single-cluster")
    _environment(r)
    _storage(r)
    _database(r)
    _logging(r)
    _auth(r)
    _inline(r)
    _ingress(r)
    _components(r)
    _projects(r)
    return r
