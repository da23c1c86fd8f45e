"""Values for the flyte-sandbox chart: flyte-binary with its own MinIO, PostgreSQL, registry, dashboard and proxy —
the chart ``flytectl demo`` installs — on a plain local cluster (kind, k3d, minikube, Docker Desktop).

Credentials are inline here and only here: the sandbox's MinIO and PostgreSQL are created by the chart from these
very values, so the spec's inline sandbox keys are written where both the servers and Flyte read them.

Upstream's defaults pull images tagged ``sandbox`` with ``pullPolicy: Never``: they exist only inside the k3s image
``flytectl demo`` starts, where they are preloaded. A plain cluster has none of them, so every image is replaced by
a published one (:data:`PUBLISHED_IMAGES`) pulled ``IfNotPresent``. Bitnami moved its versioned images from
``docker.io/bitnami`` to ``docker.io/bitnamilegacy`` in 2025; the tags are those of the chart versions
flyte-sandbox pins (Chart.lock: minio 12.x, postgresql 12.x, both Debian 11 builds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...spec import (
    ChartName,
    DatabaseFlavour,
    DeploymentSpec,
    LocalRuntime,
    LogProvider,
)
from ..base import ReleaseValues
from ..common import cluster_of, deep_merge
from ..flyte_binary.config import logging_values

__all__ = ["emit", "RELEASE", "PublishedImage", "PUBLISHED_IMAGES", "release_name"]

RELEASE = "flyte-sandbox"
"""The release name the chart is written for: its flyte-binary keeps ``nameOverride: flyte-sandbox``, so Flyte's
Services are ``<release>-grpc`` (what the chart's FLYTE_PLATFORM_URL assumes) only when the release name holds
``flyte-sandbox``; the spec's sandbox defaults (``flyte-sandbox-minio``, ``flyte-sandbox-postgresql``) name it too."""

PULL_POLICY = "IfNotPresent"


@dataclass(frozen=True)
class PublishedImage:
    """An image that exists in a public registry, to replace a preloaded ``sandbox`` tag."""

    repository: str
    tag: str
    registry: str | None = None
    """Bitnami charts take the registry separately."""

    def values(self) -> dict[str, str]:
        out = {"registry": self.registry} if self.registry else {}
        out.update({"repository": self.repository, "tag": self.tag, "pullPolicy": PULL_POLICY})
        return out


PUBLISHED_IMAGES: dict[str, PublishedImage] = {
    # flyte-binary: the released image; the tag follows the spec's chart version (see _flyte_image).
    "flyte-binary.deployment.waitForDB.image": PublishedImage("postgres", "15-alpine"),
    "docker-registry.image": PublishedImage("registry", "2.8.1"),
    "kubernetes-dashboard.image": PublishedImage("kubernetesui/dashboard", "v2.7.0"),
    "minio.image": PublishedImage("bitnamilegacy/minio", "2023.7.18-debian-11-r0", "docker.io"),
    "minio.volumePermissions.image": PublishedImage("bitnamilegacy/os-shell", "11-debian-11-r91", "docker.io"),
    "postgresql.image": PublishedImage("bitnamilegacy/postgresql", "15.4.0-debian-11-r45", "docker.io"),
    "postgresql.volumePermissions.image": PublishedImage("bitnamilegacy/os-shell", "11-debian-11-r91", "docker.io"),
    "sandbox.buildkit.image": PublishedImage("moby/buildkit", "buildx-stable-1"),
    "sandbox.proxy.image": PublishedImage("envoyproxy/envoy", "v1.23-latest"),
}
"""Value path of each ``sandbox``-tagged image -> the published image that replaces it. waitForDB only runs
``pg_isready``: flyte-binary's own default image does that. Registry, dashboard and envoy tags are those the
sandbox image preloads (flyte's docker/sandbox-bundled manifest)."""

FLYTE_IMAGE = "cr.flyte.org/flyteorg/flyte-binary-release"
"""The image Flyte's release script writes into the published flyte-binary chart (the repository's ``flyte-binary``
image carries commit tags and ``latest`` only)."""

# Helm expressions of the chart itself (flyte-binary's inline config goes through tpl): names follow the release.
_MINIO_ENDPOINT = (
    'http://{{ printf "%s-minio" .Release.Name | trunc 63 | trimSuffix "-" }}.{{ .Release.Namespace }}:9000'
)
_PLATFORM_URL = '{{ printf "%s-grpc" .Release.Name }}.{{ .Release.Namespace }}:8089'

_SANDBOX_PASSWORD = "postgres"
_SANDBOX_KEYS = ("minio", "miniostorage")
"""The sandbox's well-known development credentials (upstream's defaults), used when the spec gives none inline."""

_NODE_PORTS = {"proxy (console, API, dashboard)": 30080, "registry": 30000, "PostgreSQL": 30001, "MinIO": 30002}

_RUNTIME_PORTS: dict[LocalRuntime, str] = {
    LocalRuntime.K3D: "create the cluster with -p '30080:30080@server:0' (and 30000-30002 likewise)",
    LocalRuntime.KIND: "create the cluster with extraPortMappings for containerPort 30080 (and 30000-30002)",
    LocalRuntime.MINIKUBE: "NodePorts listen on `minikube ip`, not localhost: open http://$(minikube ip):30080/console",
    LocalRuntime.DOCKER_DESKTOP: "Docker Desktop publishes NodePorts on localhost already",
}


def release_name(spec: DeploymentSpec) -> str:
    """``spec.name`` when it keeps the chart's wiring intact (it contains ``flyte-sandbox``), else ``flyte-sandbox``."""
    return spec.name if RELEASE in spec.name else RELEASE


def _flyte_image(spec: DeploymentSpec) -> dict[str, str]:
    tag = spec.components.admin.image_tag or spec.chart_version
    return {"repository": FLYTE_IMAGE, "tag": tag, "pullPolicy": PULL_POLICY}


def _in_cluster(value: str | None, service: str, namespace: str, port: int | None = None) -> bool:
    """Whether ``value`` names the chart's own Service ``service`` (short, namespaced or fully qualified)."""
    if value is None:
        return False
    names = [
        service,
        f"{service}.{namespace}",
        f"{service}.{namespace}.svc",
        f"{service}.{namespace}.svc.cluster.local",
    ]
    if port is None:
        return value in names
    return value in [f"http://{name}:{port}" for name in names]


def _database(spec: DeploymentSpec, release: str, values: dict[str, Any], notes: list[str]) -> None:
    db = spec.database
    password = db.password.value or _SANDBOX_PASSWORD
    if not db.password.value:
        notes.append(f"database.password has no inline value; the sandbox's PostgreSQL gets {_SANDBOX_PASSWORD!r}.")
    binary: dict[str, Any] = {"username": db.user, "password": password, "dbname": db.admin_dbname}
    own = db.flavour is DatabaseFlavour.IN_CLUSTER
    if own:
        auth: dict[str, Any] = {"postgresPassword": password}
        if db.user != "postgres":
            auth.update({"username": db.user, "password": password, "database": db.admin_dbname})
        values["postgresql"] = {"auth": auth}
        if not _in_cluster(db.host, f"{release}-postgresql", spec.namespace):
            notes.append(
                f"database.host {db.host!r} is not the chart's PostgreSQL ({release}-postgresql); the chart's is used."
            )
    else:
        binary["host"] = db.host
        binary["port"] = db.port
        binary["options"] = f"sslmode={db.sslmode.value}"
        values["postgresql"] = {"enabled": False}
    values["flyte-binary"]["configuration"]["database"] = binary


def _storage(spec: DeploymentSpec, release: str, values: dict[str, Any], notes: list[str]) -> str:
    """MinIO's root keys and buckets, Flyte's view of them; returns the endpoint task pods use."""
    store = spec.storage
    access = store.access_key.value if store.access_key and store.access_key.value else None
    secret = store.secret_key.value if store.secret_key and store.secret_key.value else None
    if access is None or secret is None:
        notes.append("storage.access_key / secret_key have no inline values; MinIO gets the sandbox's well-known keys.")
    access, secret = access or _SANDBOX_KEYS[0], secret or _SANDBOX_KEYS[1]
    buckets = list(dict.fromkeys([store.metadata_bucket, store.data_bucket]))
    s3: dict[str, Any] = {"accessKey": access, "secretKey": secret}
    endpoint = _MINIO_ENDPOINT
    if store.provider.home is not None:  # a cloud's own store, not an S3-compatible endpoint
        notes.append(
            f"the sandbox chart stores data in its MinIO; storage.provider {store.provider.value} is not used."
        )
    elif not _in_cluster(store.endpoint, f"{release}-minio", spec.namespace, 9000):
        endpoint = str(store.endpoint)
        s3["endpoint"] = endpoint
        s3["disableSSL"] = endpoint.startswith("http://")
        values["minio"] = {"enabled": False}
    if "minio" not in values:
        values["minio"] = {"auth": {"rootUser": access, "rootPassword": secret}, "defaultBuckets": ",".join(buckets)}
    values["flyte-binary"]["configuration"]["storage"] = {
        "metadataContainer": store.metadata_bucket,
        "userDataContainer": store.data_bucket,
        "providerConfig": {"s3": s3},
    }
    return endpoint


def _task_env(endpoint: str, values: dict[str, Any]) -> None:
    """Task pods reach MinIO and FlyteAdmin with these (a list: it replaces the chart's, so all of it is written)."""
    s3 = values["flyte-binary"]["configuration"]["storage"]["providerConfig"]["s3"]
    env = [
        {"FLYTE_AWS_ENDPOINT": endpoint},
        {"FLYTE_AWS_ACCESS_KEY_ID": s3["accessKey"]},
        {"FLYTE_AWS_SECRET_ACCESS_KEY": s3["secretKey"]},
        {"FLYTE_PLATFORM_URL": _PLATFORM_URL},
        {"FLYTE_PLATFORM_INSECURE": "true"},
    ]
    values["flyte-binary"]["configuration"]["inline"] = {"plugins": {"k8s": {"default-env-vars": env}}}


def _images(spec: DeploymentSpec, values: dict[str, Any]) -> None:
    values["flyte-binary"]["deployment"] = {"image": _flyte_image(spec)}
    for path, image in PUBLISHED_IMAGES.items():
        parts = path.split(".")
        if values.get(parts[0], {}).get("enabled") is False:
            continue
        node = values
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = deep_merge(node.get(parts[-1], {}), image.values())


def _notes(spec: DeploymentSpec, release: str) -> list[str]:
    runtime = spec.local.runtime if spec.local else None
    where = f"a plain {runtime.value} cluster" if runtime else "a self-managed cluster"
    notes = [
        f"Images: upstream's sandbox tags (pullPolicy Never) exist only inside flytectl demo's k3s image; on {where} "
        "they are replaced by published images (flyte-binary-release, bitnamilegacy/*, registry, dashboard, envoy, "
        "buildkit).",
        "The charts create the MinIO, PostgreSQL and Flyte config Secrets from these values (sandbox credentials are "
        "inline by design); there is no Secret to create.",
        "NodePorts: " + ", ".join(f"{name} {port}" for name, port in _NODE_PORTS.items()) + ".",
    ]
    if runtime is not None:
        notes.append(
            f"{runtime.value}: {_RUNTIME_PORTS[runtime]}"
            + ("" if runtime is LocalRuntime.MINIKUBE else "; then open http://localhost:30080/console.")
        )
    notes.append(
        "flyte-sandbox is versioned apart from Flyte (Chart.yaml 0.1.0) and may be missing from the chart "
        f"repository: if `helm install` cannot find it, clone flyteorg/flyte at {spec.chart_version}, run "
        "`helm dependency build charts/flyte-sandbox` and install ./charts/flyte-sandbox with the same values."
    )
    if release != spec.name and spec.name != type(spec).model_fields["name"].default:
        notes.append(f"The release is named {release}, not {spec.name}: the chart's Service names assume it.")
    if spec.auth.enabled:
        notes.append("The sandbox chart sets up no authentication; auth settings are not used (use flyte-binary).")
    if spec.ingress.enabled:
        notes.append("The sandbox is reached through its proxy on NodePort 30080; ingress settings are not used.")
    return notes


def emit(spec: DeploymentSpec) -> list[ReleaseValues]:
    """The flyte-sandbox release of the sandbox model."""
    release = release_name(spec)
    notes: list[str] = []
    values: dict[str, Any] = {"flyte-binary": {"configuration": {}}}
    _database(spec, release, values, notes)
    endpoint = _storage(spec, release, values, notes)
    logging = logging_values(spec)
    values["flyte-binary"]["configuration"]["logging"] = logging
    _task_env(endpoint, values)
    if LogProvider.KUBERNETES not in spec.observability.logs.providers:
        values["kubernetes-dashboard"] = {"enabled": False}
    _images(spec, values)

    order = ["docker-registry", "flyte-binary", "kubernetes-dashboard", "minio", "postgresql", "sandbox"]
    values = {key: values[key] for key in order if key in values}
    values["flyte-binary"]["configuration"] = {
        key: values["flyte-binary"]["configuration"][key]
        for key in ("database", "storage", "logging", "inline")
        if key in values["flyte-binary"]["configuration"]
    }
    values["flyte-binary"] = {key: values["flyte-binary"][key] for key in ("configuration", "deployment")}
    image_note = "published image instead of the preloaded `sandbox` tag (pullPolicy Never works only in flytectl demo)"
    comments = {
        "docker-registry": image_note,
        "flyte-binary": "Flyte itself; credentials match the MinIO and PostgreSQL below (the spec's sandbox keys)",
        "flyte-binary.configuration.logging": "task log links: the dashboard behind the sandbox proxy (Go templates, raw)",
        "flyte-binary.configuration.inline": "task pods reach MinIO and FlyteAdmin in the cluster with these",
        "flyte-binary.deployment": f"the released Flyte image ({spec.chart_version}), {image_note}",
        "kubernetes-dashboard": "the kubernetes log link opens it"
        if "enabled" not in values.get("kubernetes-dashboard", {})
        else "off: no kubernetes log link points at it",
        "minio": f"object store; {image_note}",
        "postgresql": f"database; {image_note}",
        "sandbox": f"buildkit and the proxy; {image_note}",
    }
    comments = {path: text for path, text in comments.items() if path.split(".")[0] in values}
    values = deep_merge(values, spec.overrides.get(ChartName.FLYTE_SANDBOX.value, {}), keep_null=True)
    return [
        ReleaseValues(
            release=release,
            chart=ChartName.FLYTE_SANDBOX,
            namespace=spec.namespace,
            cluster=cluster_of(spec),
            role="all-in-one",
            values=values,
            comments=comments,
            secrets=[],
            notes=notes + _notes(spec, release),
            version=spec.chart_version,
            # the chart's proxy serves the console and the API on node port 30080
            client_endpoint="dns:///localhost:30080",
        )
    ]
