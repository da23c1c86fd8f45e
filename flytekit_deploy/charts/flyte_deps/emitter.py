"""The sandbox on flyte-core: the ``flyte-deps`` release (MinIO, PostgreSQL, Contour, the Kubernetes dashboard),
as upstream's flyte-deps values-sandbox.yaml sets it up, installed before flyte-core."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from ...spec import ChartName, DeploymentSpec, IngressController, LogProvider
from ..base import ReleaseValues
from ..common import cluster_of, deep_merge

__all__ = ["DEPS_RELEASE", "emit", "deps_release", "uses_deps_minio", "uses_deps_postgres"]

DEPS_RELEASE = "flyte-deps"
_LOAD_BALANCER = {"type": "LoadBalancer"}
"""Local distributions (k3d, kind with a load balancer, Docker Desktop) map LoadBalancer services to localhost."""


_DEPS_MINIO_KEYS = ("minio", "miniostorage")
"""The development keys flyte-deps' MinIO and flyte-core's ``storage.type: sandbox`` both hard-code."""


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
    if not spec.is_sandbox or store.provider.home is not None or not store.endpoint:
        return False
    host = store.endpoint.split("://", 1)[-1].rstrip("/")
    keys = (store.access_key.value if store.access_key else None, store.secret_key.value if store.secret_key else None)
    return host.endswith(":9000") and _in_namespace_service(host, "minio", spec.namespace) and keys == _DEPS_MINIO_KEYS


def uses_deps_postgres(spec: DeploymentSpec) -> bool:
    """Sandbox database is the PostgreSQL that flyte-deps runs (it trusts every connection: no password)."""
    return spec.is_sandbox and _in_namespace_service(spec.database.host, "postgres", spec.namespace)


def _dashboard_port(spec: DeploymentSpec) -> int | None:
    """The localhost port the spec's Kubernetes log links point at, when they point at localhost."""
    url = urlparse(spec.observability.logs.kubernetes_url)
    return url.port if url.hostname in ("localhost", "127.0.0.1") else None


def deps_release(spec: DeploymentSpec, cluster: str) -> ReleaseValues:
    """What the sandbox needs besides Flyte. Each dependency runs only if the spec uses it."""
    minio, postgres = uses_deps_minio(spec), uses_deps_postgres(spec)
    contour = spec.ingress.controller is IngressController.CONTOUR
    dashboard = LogProvider.KUBERNETES in spec.observability.logs.providers
    values: dict[str, Any] = {
        "webhook": {"enabled": False},
        "minio": {"enabled": minio, **({"service": dict(_LOAD_BALANCER)} if minio else {})},
        "postgres": {"enabled": postgres, **({"dbname": spec.database.admin_dbname} if postgres else {})},
        "contour": {"enabled": contour, **({"envoy": {"service": dict(_LOAD_BALANCER)}} if contour else {})},
        "kubernetes-dashboard": {"enabled": dashboard},
    }
    port = _dashboard_port(spec)
    if dashboard:
        service: dict[str, Any] = dict(_LOAD_BALANCER)
        if port:
            service.update({"externalPort": port, "nodePort": port})
        values["kubernetes-dashboard"]["service"] = service
    comments = {
        "webhook": "flyte-core runs the real secrets webhook; this one only points at a developer's machine",
        "minio": "object store with the development keys flyte-core's sandbox storage type expects"
        if minio
        else "off: the spec uses another object store",
        "postgres": "PostgreSQL that trusts every in-cluster connection (sandbox only)"
        if postgres
        else "off: the spec uses another database",
        "contour": "ingress controller for the sandbox" if contour else "off: the spec uses another ingress",
        "kubernetes-dashboard": "where the console's task log links point" if dashboard else "off: no log links to it",
    }
    notes = []
    if minio and spec.storage.metadata_bucket != "my-s3-bucket":
        notes.append(
            f"flyte-deps' MinIO creates the bucket my-s3-bucket only; create {spec.storage.metadata_bucket} in it."
        )
    if spec.storage.raw_data_bucket and minio:
        notes.append(f"Create the raw-data bucket {spec.storage.raw_data_bucket} in MinIO as well.")
    values = deep_merge(values, spec.overrides.get(ChartName.FLYTE_DEPS.value, {}), keep_null=True)
    return ReleaseValues(
        release=DEPS_RELEASE,
        chart=ChartName.FLYTE_DEPS,
        namespace=spec.namespace,
        cluster=cluster,
        role="dependencies",
        values=values,
        comments=comments,
        notes=notes,
        version=spec.chart_version,
        provides_ingress_controller=contour,
        # Contour's Envoy is a LoadBalancer service: local distributions map it to localhost:80
        client_endpoint="dns:///localhost:80" if contour else None,
    )


def emit(spec: DeploymentSpec) -> list[ReleaseValues]:
    """flyte-deps on its own: the release a flyte-core sandbox installs first (flyte-core's emitter includes it)."""
    if not (spec.is_sandbox and spec.chart_name is ChartName.FLYTE_CORE):
        return []
    return [deps_release(spec, cluster_of(spec))]
