"""The live doctor: run the live probes with the database and storage settings of a DeploymentSpec.

Secrets never sit in a spec outside the sandbox, so the doctor reads each one from an environment variable
named after its Kubernetes Secret and key (:func:`secret_env_var`: ``db-pass`` / ``pass.txt`` ->
``DB_PASS_PASS_TXT``); the sandbox's inline development values are used as they are. Findings point at the
spec's own field paths (``database.admin_dbname``, ``storage.metadata_bucket``...).

Addresses inside the cluster (``postgres``, ``flyte-sandbox-minio.flyte``) are not reachable from a laptop:
port-forward them and pass ``db_host``/``db_port``/``storage_endpoint``; an unreachable in-cluster address
gets a finding that says how.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urlsplit

from ..clouds import azure, store_of
from ..spec import ChartName, DeploymentSpec, SecretRef, StorageCredentials, is_placeholder
from .findings import Finding, Severity
from .live import probe_object_store, probe_postgres

__all__ = ["live_findings", "secret_env_var"]

CHAPTER = "external-dependencies"


def secret_env_var(ref: SecretRef) -> str:
    """The environment variable the doctor reads a Secret's value from: ``<NAME>_<KEY>``, upper case.

    >>> secret_env_var(SecretRef(name="db-pass", key="pass.txt"))
    'DB_PASS_PASS_TXT'
    """
    return ref.env_var


def _kubectl_read(ref: SecretRef, namespace: str) -> str:
    key = ref.key.replace(".", "\\.")
    return f"kubectl -n {namespace} get secret {ref.name} -o jsonpath='{{.data.{key}}}' | base64 -d"


def _secret(ref: SecretRef, env: Mapping[str, str]) -> str | None:
    if ref.is_inline:
        return ref.value
    return env.get(secret_env_var(ref)) or None


def _not_probed(path: str, message: str, fix: str, rule: str) -> Finding:
    return Finding(Severity.WARNING, path, message, fix, CHAPTER, rule)


def _missing_secret(path: str, what: str, ref: SecretRef, namespace: str) -> Finding:
    var = secret_env_var(ref)
    return _not_probed(
        path,
        f"{what} not probed: the value of Secret {ref.name}/{ref.key} is not known here",
        f'export {var}="..." (from the cluster: export {var}="$({_kubectl_read(ref, namespace)})"), then run again',
        "live.secret-missing",
    )


def _port_forward_hint(path: str, host: str, port: int, namespace: str, option: str) -> Finding:
    service = host.split(".")[0]
    return Finding(
        Severity.INFO,
        path,
        f"{host} looks like an address inside the cluster, which this machine cannot reach",
        f"`kubectl -n {namespace} port-forward svc/{service} {port}:{port}` in another shell, "
        f"then pass {option} to the doctor",
        CHAPTER,
        "live.in-cluster-address",
    )


def _in_cluster(host: str, namespace: str) -> bool:
    """Service names (``postgres``, ``minio.flyte``, ``x.flyte.svc.cluster.local``) resolve inside the cluster only."""
    labels = host.split(".")
    return len(labels) == 1 or host.endswith((".svc", ".cluster.local")) or labels[1] == namespace


def _database_findings(
    spec: DeploymentSpec, env: Mapping[str, str], host: str | None, port: int | None, timeout: float
) -> list[Finding]:
    db = spec.database
    host = host or db.host
    port = port or db.port
    if is_placeholder(host) or is_placeholder(db.user):
        return [
            _not_probed(
                "database.host",
                f"database not probed: {host!r} is still a placeholder",
                "fill in database.host and database.user",
                "live.placeholder",
            )
        ]
    password = _secret(db.password, env)
    if password is None:
        return [_missing_secret("database.password", "database", db.password, spec.namespace)]
    dbnames = {db.admin_dbname: "database.admin_dbname"}
    if spec.chart_name is ChartName.FLYTE_CORE:  # flyteadmin and datacatalog have a database each
        dbnames.setdefault(db.datacatalog_dbname, "database.datacatalog_dbname")
    found = probe_postgres(host, port, db.user, password, list(dbnames), db.sslmode.value, timeout)
    out = [replace(f, path=dbnames.get(f.path.removeprefix("database."), f.path)) for f in found]
    if any(f.rule == "live.postgres.unreachable" for f in out) and _in_cluster(host, spec.namespace):
        out.append(_port_forward_hint("database.host", host, port, spec.namespace, "db_host=127.0.0.1"))
    return out


def _storage_findings(
    spec: DeploymentSpec, env: Mapping[str, str], endpoint: str | None, timeout: float
) -> list[Finding]:
    st = spec.storage
    paths = {st.metadata_bucket: "storage.metadata_bucket"}
    paths.setdefault(st.data_bucket, "storage.raw_data_bucket")
    if any(is_placeholder(b) for b in paths):
        return [
            _not_probed(
                "storage.metadata_bucket",
                "storage not probed: a bucket name is still a placeholder",
                "fill in storage.metadata_bucket and storage.raw_data_bucket",
                "live.placeholder",
            )
        ]
    buckets = list(paths)
    if not store_of(spec).s3_api:
        named = azure.storage_account(spec)
        account = None if is_placeholder(named) else named
        return probe_object_store(st.provider.value, buckets, account=account)
    out: list[Finding] = []
    keys: dict[str, str | None] = {"access_key": None, "secret_key": None}
    if st.credentials is StorageCredentials.SECRET:
        for name in keys:
            ref: SecretRef | None = getattr(st, name)
            keys[name] = _secret(ref, env) if ref is not None else None
            if ref is not None and keys[name] is None:
                return [_missing_secret(f"storage.{name}", "storage", ref, spec.namespace)]
    else:
        out.append(
            Finding(
                Severity.INFO,
                "storage.credentials",
                "storage probed with this machine's AWS credentials (environment, profile or instance role), "
                "not with the identity of Flyte's pods: a pass here does not prove their IAM role may use the buckets",
                "check the role's policy too (s3:ListBucket, GetObject, PutObject, DeleteObject on both buckets)",
                CHAPTER,
                "live.storage.identity",
            )
        )
    region = st.region
    if region is None and spec.aws is not None and not is_placeholder(spec.aws.region):
        region = spec.aws.region
    url = endpoint or st.endpoint
    found = probe_object_store(st.provider.value, buckets, url, region, keys["access_key"], keys["secret_key"], timeout)
    out += [replace(f, path=paths.get(f.path.removeprefix("storage.buckets."), f.path)) for f in found]
    if url and any(f.rule == "live.storage.unreachable" for f in found):
        parts = urlsplit(url)
        if parts.hostname and _in_cluster(parts.hostname, spec.namespace):
            port = parts.port or (443 if parts.scheme == "https" else 80)
            hint = f"storage_endpoint='{parts.scheme}://127.0.0.1:{port}'"
            out.append(_port_forward_hint("storage.endpoint", parts.hostname, port, spec.namespace, hint))
    return out


def live_findings(
    spec: DeploymentSpec,
    *,
    timeout: float = 5,
    env: Mapping[str, str] | None = None,
    db_host: str | None = None,
    db_port: int | None = None,
    storage_endpoint: str | None = None,
) -> list[Finding]:
    """Probe the spec's PostgreSQL and object store from this machine; one Finding per result.

    ``env`` (default: the process environment) supplies Secret values, see :func:`secret_env_var`.
    ``db_host``, ``db_port`` and ``storage_endpoint`` replace the spec's addresses, e.g. with a port-forward.
    """
    env = os.environ if env is None else env
    return _database_findings(spec, env, db_host, db_port, timeout) + _storage_findings(
        spec, env, storage_endpoint, timeout
    )
