"""Reading a flyte-core values file: the inverse of :mod:`flytekit_deploy.charts.flyte_core`.

Upstream's overlays keep the inputs under ``userSettings`` and reference them as ``{{ .Values.userSettings.x }}``
through flyte-core's ``tpl``; the importer resolves those references first (upstream's renders show them all
expanded), so the keys read here hold the real inputs. Key names mirror the emitter's, beside which this lives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...clouds import StoreFacts, cloud_for, identities, stores
from ...spec import Environment, IdentityMode, SchedulerKind
from ..flyte_binary.read import _arn, _custom_data
from ..reading import Reader, identity_kind, placeholder_or, scalar, sslmode_of, weigh_environment
from ..tree import resolve_values_refs

__all__ = ["read", "prepare", "SERVICES"]

SERVICES: tuple[tuple[str, str], ...] = (
    ("admin", "flyteadmin"),
    ("datacatalog", "datacatalog"),
    ("propeller", "flytepropeller"),
    ("console", "flyteconsole"),
)
"""Spec component -> flyte-core block."""

_CLASS_TO_CONTROLLER = {"alb": "alb", "nginx": "nginx", "gce": "gce", "contour": "contour", "traefik": "traefik"}
_PREFIX = re.compile(r"^(?P<scheme>s3|gs|abfs|abfss)://(?P<bucket>[^/@]+)(@[^/]+)?/?$")


def _environment(r: Reader) -> None:
    """The cloud, from the services' identity annotations or the storage type."""
    paths = [f"{block}.serviceAccount.annotations" for _name, block in SERVICES]
    cloud = weigh_environment(r, paths, _store_facts(r))
    r.put("environment", cloud.environment.value)
    # only a workstation's file is a sandbox: flyte-core's own storage type for flyte-deps' MinIO says so
    r.put("model", "sandbox" if cloud.evidence(StoreFacts("sandbox")) else "single-cluster")


def _store_facts(r: Reader) -> StoreFacts:
    return StoreFacts(
        kind=r.peek("storage.type", "sandbox"),
        endpoint=r.peek("storage.s3.endpoint") or r.peek("storage.custom.stow.config.endpoint"),
        stow_kind=r.peek("storage.custom.stow.kind"),
    )


def _identity(r: Reader) -> None:
    env = r.got("environment")
    backend = identity_kind(r.peek("flyteadmin.serviceAccount.annotations"), env)
    propeller = identity_kind(r.peek("flytepropeller.serviceAccount.annotations"), env)
    catalog = identity_kind(r.peek("datacatalog.serviceAccount.annotations"), env)
    if backend is None:
        return
    r.put("identity.backend", backend[2])
    key = _annotation_key(backend[1])
    r.take(f'flyteadmin.serviceAccount.annotations["{key}"]')
    if catalog is not None and catalog[2] == backend[2]:
        r.take(f'datacatalog.serviceAccount.annotations["{key}"]')
    if propeller is not None:
        if propeller[2] != backend[2]:
            r.put("identity.propeller", propeller[2])
        r.take(f'flytepropeller.serviceAccount.annotations["{key}"]')


def _annotation_key(mode: str) -> str:
    return next(i.annotation for i in identities() if i.mode is IdentityMode(mode))


def _storage(r: Reader) -> None:
    facts = _store_facts(r)
    r.take("storage.type")
    bucket = scalar(r.take("storage.bucketName"))
    r.put("storage.metadata_bucket", bucket)
    prefix = r.peek("configmap.core.propeller.rawoutput-prefix")
    match = _PREFIX.match(str(prefix or ""))
    if match and match.group("bucket") != bucket:
        r.put("storage.raw_data_bucket", match.group("bucket"))
    if match:
        r.take("configmap.core.propeller.rawoutput-prefix")
    store = next((store for store in stores().values() if store.recognises(facts)), None)
    if store is not None:
        store.read_core(r)
    cache = r.peek("storage.cache.maxSizeMBs")
    if cache:
        r.take("storage.cache.maxSizeMBs")
        r.put("storage.cache_max_size_mb", int(cache))


def _database(r: Reader) -> None:
    r.put("database.flavour", cloud_for(Environment(r.got("environment"))).default_database_flavour.value)
    admin, catalog = "db.admin.database", "db.datacatalog.database"
    r.put("database.host", scalar(r.take(f"{admin}.host")))
    port = r.take(f"{admin}.port")
    r.put("database.port", int(port) if port not in (None, "") else None)
    r.put("database.user", scalar(r.take(f"{admin}.username")))
    r.put("database.admin_dbname", scalar(r.take(f"{admin}.dbname")))
    r.put("database.datacatalog_dbname", scalar(r.take(f"{catalog}.dbname")))
    for key in ("host", "port", "username"):
        if r.peek(f"{catalog}.{key}") == r.peek(f"{admin}.{key}"):
            r.take(f"{catalog}.{key}")
    mode = sslmode_of(r.peek(f"{admin}.options"))
    if mode:
        r.take(f"{admin}.options")
    # flyte-core sets no sslmode by default, and the Go driver's default is prefer
    r.put("database.sslmode", mode or "prefer")
    secret = r.peek("common.databaseSecret.name")
    if secret:
        r.put("database.password", {"name": str(secret), "key": "pass.txt"})


def _services(r: Reader) -> None:
    for name, block in SERVICES:
        if r.peek(f"{block}.enabled") is False:
            r.take(f"{block}.enabled")
            r.put(f"components.{name}.enabled", False)
            continue
        replicas = r.take(f"{block}.replicaCount")
        r.put(f"components.{name}.replicas", int(replicas) if replicas is not None else None)
        tag = r.peek(f"{block}.image.tag")
        if tag:
            r.put(f"components.{name}.image_tag", str(r.take(f"{block}.image.tag")))
        _resources(r, name, f"{block}.resources")
        if _anti_affinity(r.peek(f"{block}.affinity"), block):
            r.take(f"{block}.affinity")
            r.put(f"components.{name}.spread_across_nodes", True)
    if r.peek("flytepropeller.manager") is not None:
        r.put("components.propeller.manager", bool(r.take("flytepropeller.manager")))
    workers = r.peek("configmap.core.propeller.workers")
    if workers:
        r.put("components.propeller.workers", int(r.take("configmap.core.propeller.workers")))
    kind = r.peek("workflow_scheduler.type")
    if r.peek("workflow_scheduler.enabled") is False:
        r.take("workflow_scheduler.enabled")
        r.put("components.scheduler.enabled", False)
    elif kind in {k.value for k in SchedulerKind}:
        r.take("workflow_scheduler.enabled")
        r.take("workflow_scheduler.type")
        r.put("components.scheduler.kind", kind)


def _resources(r: Reader, name: str, path: str) -> None:
    """requests/limits -> spec resources, only where the spec can say it (ephemeral storage: request = limit)."""
    block = r.peek(path)
    if not isinstance(block, Mapping):
        return
    limits = block.get("limits") or {}
    requests = block.get("requests") or {}
    out: dict[str, str] = {}
    for kind in ("cpu", "memory"):
        if kind in requests:
            out[f"{kind}_request"] = str(requests[kind])
            r.take(f"{path}.requests.{kind}")
        if kind in limits:
            out[f"{kind}_limit"] = str(limits[kind])
            r.take(f"{path}.limits.{kind}")
    storage_request, storage_limit = requests.get("ephemeral-storage"), limits.get("ephemeral-storage")
    if storage_request is not None and storage_request == storage_limit:
        out["ephemeral_storage"] = str(storage_request)
        r.take(f"{path}.requests.ephemeral-storage")
        r.take(f"{path}.limits.ephemeral-storage")
    if out:
        r.put(f"components.{name}.resources", out)


def _anti_affinity(affinity: Any, app: str) -> bool:
    """The exact required anti-affinity the emitter writes for ``spread_across_nodes``."""
    try:
        terms = affinity["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        term = terms[0]
        return bool(
            len(affinity) == 1
            and len(affinity["podAntiAffinity"]) == 1
            and len(terms) == 1
            and term["labelSelector"]["matchLabels"] == {"app.kubernetes.io/name": app}
            and term["topologyKey"] == "kubernetes.io/hostname"
        )
    except (KeyError, IndexError, TypeError):
        return False


def _ingress(r: Reader) -> None:
    base = "common.ingress"
    if r.peek(f"{base}.enabled") is False:
        r.take(f"{base}.enabled")
        r.put("ingress.controller", "none")
        return
    annotations = r.peek(f"{base}.annotations") or {}
    klass = r.peek(f"{base}.ingressClassName") or annotations.get("kubernetes.io/ingress.class")
    if klass not in _CLASS_TO_CONTROLLER:
        return  # no controller named: the chart's own defaults (nginx annotations) stay verbatim
    r.put("ingress.controller", _CLASS_TO_CONTROLLER[str(klass)])
    r.put("ingress.host", scalar(r.take(f"{base}.host")))
    separate = r.peek(f"{base}.separateGrpcIngress")
    if separate is not None:
        r.put("ingress.separate_grpc", bool(separate))
    arn = annotations.get("alb.ingress.kubernetes.io/certificate-arn")
    issuer = annotations.get("cert-manager.io/cluster-issuer")  # a namespaced Issuer has no spec field: verbatim
    if arn:
        r.put("ingress.tls", {"mode": "acm", "certificate_arn": _arn(str(arn))})
    elif issuer:
        r.put("ingress.tls", {"mode": "cert-manager", "cluster_issuer": str(issuer)})


def _logs(r: Reader) -> None:
    base = "configmap.task_logs.plugins.logs"
    logs = r.peek(base)
    if not isinstance(logs, Mapping):
        return
    providers = [name for name in ("kubernetes", "cloudwatch", "stackdriver") if logs.get(f"{name}-enabled")]
    r.put("observability.logs.providers", providers or None)
    for name in ("kubernetes", "cloudwatch", "stackdriver"):
        r.take(f"{base}.{name}-enabled")
    if logs.get("cloudwatch-enabled"):
        r.put("observability.logs.cloudwatch_log_group", scalar(r.take(f"{base}.cloudwatch-log-group")))
        region = r.take(f"{base}.cloudwatch-region")
        if region and not r.got("aws.region"):
            r.put_setting("aws.region", placeholder_or(region, "<AWS_REGION>"))
    if logs.get("stackdriver-enabled"):
        resource = r.take(f"{base}.stackdriver-logresourcename")
        r.put("observability.logs.stackdriver_log_resource", scalar(resource))
    if logs.get("kubernetes-enabled") and logs.get("kubernetes-url"):
        r.put("observability.logs.kubernetes_url", scalar(r.take(f"{base}.kubernetes-url")))


def _auth(r: Reader) -> None:
    if not r.peek("configmap.adminServer.server.security.useAuth"):
        return
    auth = "configmap.adminServer.auth"
    r.put("profile", "production")
    external = r.peek(f"{auth}.appAuth.authServerType") == "External"
    r.put("auth.mode", "oidc-external" if external else "oidc-internal")
    r.put("auth.issuer", scalar(r.take(f"{auth}.userAuth.openId.baseUrl")))
    r.put("auth.client_id", scalar(r.take(f"{auth}.userAuth.openId.clientId")))
    scopes = r.take(f"{auth}.userAuth.openId.scopes")
    r.put("auth.user_scopes", list(scopes) if scopes else None)
    uris = r.take(f"{auth}.authorizedUris")
    r.put("auth.authorized_uris", list(uris) if uris else None)
    client = f"{auth}.appAuth.thirdPartyConfig.flyteClient"
    r.put("auth.flytectl_client_id", scalar(r.take(f"{client}.clientId")))
    r.put("auth.flytectl_redirect_uri", scalar(r.take(f"{client}.redirectUri")))
    scopes = r.take(f"{client}.scopes")
    r.put("auth.flytectl_scopes", list(scopes) if scopes else None)
    r.put("auth.service_client_id", scalar(r.peek("secrets.adminOauthClientCredentials.clientId")))
    if external:
        audience = r.peek(f"{auth}.appAuth.externalAuthServer.allowedAudience")
        if isinstance(audience, list) and audience:
            r.put("auth.external_audience", str(audience[0]))


CHART_INITIAL_PROJECTS = ["flytesnacks", "flytetester", "flyteexamples"]
"""flyte-core's default ``flyteadmin.initialProjects``: created when the file says nothing."""


def _projects(r: Reader) -> None:
    initial = r.peek("flyteadmin.initialProjects")
    names = initial if isinstance(initial, list) and initial else CHART_INITIAL_PROJECTS
    r.put("projects.projects", [{"name": str(n)} for n in names])
    domains = r.peek("configmap.domain.domains")
    if isinstance(domains, list) and all(isinstance(d, Mapping) and "id" in d for d in domains):
        r.take("configmap.domain.domains")
        r.put("projects.domains", [str(d["id"]) for d in domains])
    _custom_data(
        r,
        "cluster_resource_manager.config.cluster_resources.customData",
        ("defaultIamRole", "defaultIamServiceAccount", "gsa", "defaultAzureClientId"),
    )


def read(values: Mapping[str, Any]) -> Reader:
    """Spec data for a flyte-core values file (``{{ .Values.* }}`` references already resolved)."""
    r = Reader(values)
    r.put("chart", "flyte-core")
    _environment(r)
    _identity(r)
    _storage(r)
    _database(r)
    _services(r)
    _ingress(r)
    _logs(r)
    _auth(r)
    _projects(r)
    return r


def prepare(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Resolve ``{{ .Values.* }}`` references as flyte-core's ``tpl`` does, and drop ``userSettings`` once nothing
    refers to it any more (upstream's overlays keep their inputs there)."""
    wanted = resolve_values_refs(values, values)
    notes: list[str] = []
    settings = wanted.get("userSettings")
    rest = {k: v for k, v in wanted.items() if k != "userSettings"}
    if isinstance(settings, Mapping) and ".Values.userSettings" not in repr(rest):
        del wanted["userSettings"]
        notes.append("userSettings was resolved into the keys that referenced it (as flyte-core's tpl does)")
    return wanted, notes
