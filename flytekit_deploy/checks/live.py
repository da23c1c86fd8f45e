"""Live probes: can Flyte reach its database and its buckets with the settings it will be given?

A values file can be perfect and the install still crash-loop because the database host is a private
address the cluster cannot reach, the password is stale or the bucket was never created. These probes
try the real thing, each bounded by a timeout, and turn each distinct failure into its own Finding so the
fix is specific: unreachable, authentication, missing database, missing bucket, no write permission.

The drivers are the ``live`` extra (``psycopg`` 3, ``boto3``) and are imported only when a probe runs.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

from ..clouds import store_for, stores
from ..errors import Problem, UserInputError
from ..spec import StorageProvider
from .findings import Finding, Severity

__all__ = ["LIVE_INSTALL_HINT", "S3_PROVIDERS", "probe_object_store", "probe_postgres"]

LIVE_INSTALL_HINT = "pip install 'flytekit-deploy[live]'"
CHAPTER = "external-dependencies"
S3_PROVIDERS = ("s3", "s3-compatible", "minio")
_PROBE_PREFIX = "flytekit-deploy-probe/"


def _need(module: str, package: str) -> Any:
    """Import a driver lazily; its absence is something the person installs, so say exactly what."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        raise UserInputError(
            [
                Problem(
                    path=package,
                    message=f"the live probes need {package}, which is not installed",
                    fix=LIVE_INSTALL_HINT,
                )
            ],
            source="live probe",
        ) from exc


def _f(severity: Severity, path: str, message: str, fix: str, rule: str) -> Finding:
    return Finding(severity=severity, path=path, message=message, fix=fix, chapter=CHAPTER, rule=rule)


# --- PostgreSQL ------------------------------------------------------------------------------------------


def _pg_failure(text: str) -> str:
    """Classify a libpq connection error message: auth, role, database, hba, unreachable, ssl or other."""
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return "auth"
    if "does not exist" in lowered and 'role "' in lowered:
        return "role"
    if "does not exist" in lowered and 'database "' in lowered:
        return "database"
    if "pg_hba.conf" in lowered:
        return "hba"
    markers = (
        "connection refused",
        "timeout expired",
        "timed out",
        "could not translate host",
        "no route to host",
        "name or service not known",
        "network is unreachable",
        "could not connect",
    )
    if any(marker in lowered for marker in markers):
        return "unreachable"
    if "ssl" in lowered:
        return "ssl"
    return "other"


def _missing_database(psycopg: Any, kwargs: dict[str, Any], where: str) -> Finding:
    """A missing database is fatal only if Flyte cannot create it.

    flyteadmin and datacatalog (flytestdlib's ``CreatePostgresDbIfNotExists``) connect to the ``postgres``
    database and run ``CREATE DATABASE`` when theirs is missing, which works when the user may create
    databases. Ask the server whether this user may.
    """
    dbname, user, host, port = kwargs["dbname"], kwargs["user"], kwargs["host"], kwargs["port"]
    creatable: bool | None = None
    try:
        with psycopg.connect(**{**kwargs, "dbname": "postgres"}) as conn:
            row = conn.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
            creatable = bool(row and row[0])
    except psycopg.Error:
        creatable = None  # no `postgres` database to connect to, or not allowed: Flyte could not either
    create = f'`createdb -h {host} -p {port} -U {user} {dbname}` (or CREATE DATABASE "{dbname}";)'
    if creatable:
        return _f(
            Severity.WARNING,
            f"database.{dbname}",
            f"PostgreSQL at {where} has no database {dbname!r} yet; Flyte creates it at first start, "
            f"since {user!r} may create databases",
            f"nothing needed if the name is right; to create it beforehand: {create}",
            "live.postgres.missing-database",
        )
    return _f(
        Severity.ERROR,
        f"database.{dbname}",
        f"PostgreSQL at {where} accepted {user!r} but has no database {dbname!r}, "
        "and the user may not create it (Flyte would crash-loop at start)",
        f"create it as an administrator: {create}, and grant {user!r} access",
        "live.postgres.missing-database",
    )


def probe_postgres(
    host: str,
    port: int,
    user: str,
    password: str | None,
    dbnames: Sequence[str],
    sslmode: str = "prefer",
    timeout: float = 5,
) -> list[Finding]:
    """Connect as ``user`` to each database of ``dbnames``; one Finding per distinct failure, info when good.

    Each connection gives up after ``timeout`` seconds (libpq's minimum is 2), per address of the host.
    An unreachable server or a refused login stops the probe (every database would fail the same way);
    each missing database is its own finding: an error, or a warning when the user may create databases,
    since Flyte then creates it at first start.
    """
    psycopg = _need("psycopg", "psycopg")
    where = f"{host}:{port}"
    path = "database"
    out: list[Finding] = []
    found: list[str] = []
    connect_timeout = max(2, int(round(timeout)))  # libpq's minimum is 2 s
    for dbname in dbnames:
        started = time.monotonic()
        kwargs: dict[str, Any] = {
            "host": host,
            "port": int(port),
            "user": user,
            "dbname": dbname,
            "sslmode": sslmode,
            "connect_timeout": connect_timeout,
            "application_name": "flytekit-deploy-doctor",
        }
        if password is not None:
            kwargs["password"] = password
        try:
            with psycopg.connect(**kwargs) as conn:
                conn.execute("SELECT 1")
            found.append(dbname)
            continue
        except psycopg.Error as exc:
            text = str(exc).strip()
        waited = time.monotonic() - started
        kind = _pg_failure(text)
        if kind == "database":
            out.append(_missing_database(psycopg, kwargs, where))
            continue
        if kind in ("auth", "role"):
            refused = "has no user" if kind == "role" else "refused the password for user"
            out.append(
                _f(
                    Severity.ERROR,
                    f"{path}.{'password' if kind == 'auth' else 'username'}",
                    f"PostgreSQL at {where} {refused} {user!r}",
                    "check the password in the database secret (and the user name); "
                    f"try `psql 'host={host} port={port} user={user} dbname={dbname}'`",
                    "live.postgres.auth",
                )
            )
        elif kind == "hba":
            out.append(
                _f(
                    Severity.ERROR,
                    f"{path}.host",
                    f"PostgreSQL at {where} has no pg_hba.conf entry for this client: {text}",
                    "allow the cluster's address range in pg_hba.conf (or the cloud database's network rules)",
                    "live.postgres.hba",
                )
            )
        elif kind == "ssl":
            out.append(
                _f(
                    Severity.ERROR,
                    f"{path}.options",
                    f"PostgreSQL at {where} and sslmode={sslmode} do not agree: {text}",
                    "set sslmode to what the server supports (require for cloud databases, disable for a local one)",
                    "live.postgres.ssl",
                )
            )
        elif kind == "unreachable":
            out.append(
                _f(
                    Severity.ERROR,
                    f"{path}.host",
                    f"PostgreSQL at {where} is unreachable (gave up after {waited:.1f} s): {text.splitlines()[0]}",
                    "check host and port, that the server runs, and that the network (security group, firewall, "
                    "VPC peering) lets this machine in; probe from inside the cluster if the host is private",
                    "live.postgres.unreachable",
                )
            )
        else:
            out.append(
                _f(
                    Severity.ERROR,
                    path,
                    f"PostgreSQL at {where} refused the connection: {text}",
                    "read the server's message above; check the database settings",
                    "live.postgres.error",
                )
            )
        return out  # the same failure would repeat for every database
    if found:
        out.append(
            _f(
                Severity.INFO,
                path,
                f"PostgreSQL at {where}: logged in as {user!r}; database(s) {', '.join(found)} exist",
                "nothing to do",
                "live.postgres.ok",
            )
        )
    return out


# --- object stores ---------------------------------------------------------------------------------------


_BY_HAND = tuple(p.value for p, store in stores().items() if not store.s3_api)
"""Stores the kit has no SDK for: checked by hand."""


def _by_hand(provider: str, buckets: Sequence[str], account: str | None) -> list[Finding]:
    """GCS and Azure Blob need SDKs the kit does not carry: say how to check by hand instead."""
    commands, sdk = store_for(StorageProvider(provider)).check_by_hand(list(buckets), account)
    return [
        _f(
            Severity.INFO,
            "storage",
            f"no live probe for {provider}: it needs the {sdk} SDK, which is not part of the kit; "
            "the buckets were not checked",
            f"check by hand with the identity Flyte will use: {commands}",
            "live.storage.not-probed",
        )
    ]


def _client_error_code(exc: Any) -> str:
    response = getattr(exc, "response", None) or {}
    return str((response.get("Error") or {}).get("Code", ""))


def probe_object_store(
    provider: str,
    buckets: Sequence[str],
    endpoint: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    timeout: float = 5,
    *,
    account: str | None = None,
) -> list[Finding]:
    """S3 or S3-compatible: each bucket exists, and a probe object can be written and deleted.

    Each call is bounded by about twice ``timeout`` (connect, then read; no retries).
    GCS and Azure yield one info Finding with the commands to check by hand (``account``: the Azure storage
    account, for the command). Without keys, boto3's usual credential chain applies (environment, profile,
    instance role).
    """
    provider = provider.lower()
    if provider in _BY_HAND:
        return _by_hand(provider, buckets, account)
    if provider not in S3_PROVIDERS:
        raise UserInputError(
            [
                Problem(
                    path="storage.provider",
                    message=f"unknown storage provider {provider!r}",
                    fix=f"use one of {', '.join(S3_PROVIDERS + _BY_HAND)}",
                )
            ],
            source="live probe",
        )
    boto3 = _need("boto3", "boto3")
    botocore_config = _need("botocore.config", "boto3")
    botocore_exceptions = _need("botocore.exceptions", "boto3")
    config = botocore_config.Config(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"total_max_attempts": 1, "mode": "standard"},
        s3={"addressing_style": "path"} if endpoint else {},
    )
    client = boto3.client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region or None,
        aws_access_key_id=access_key or None,
        aws_secret_access_key=secret_key or None,
        config=config,
    )
    where = endpoint or f"AWS S3 ({region or 'default region'})"
    network_errors = (
        botocore_exceptions.EndpointConnectionError,
        botocore_exceptions.ConnectTimeoutError,
        botocore_exceptions.ReadTimeoutError,
        botocore_exceptions.ConnectionClosedError,
    )
    out: list[Finding] = []
    for bucket in buckets:
        path = f"storage.buckets.{bucket}"
        try:
            client.head_bucket(Bucket=bucket)
        except network_errors as exc:
            out.append(
                _f(
                    Severity.ERROR,
                    "storage.endpoint",
                    f"object store {where} is unreachable: {exc}",
                    "check the endpoint URL (scheme and port) and that this machine can reach it",
                    "live.storage.unreachable",
                )
            )
            return out
        except botocore_exceptions.NoCredentialsError:
            out.append(
                _f(
                    Severity.ERROR,
                    "storage.credentials",
                    f"no credentials to reach {where}",
                    "export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or pass the access keys",
                    "live.storage.credentials",
                )
            )
            return out
        except botocore_exceptions.ClientError as exc:
            code = _client_error_code(exc)
            if code in ("404", "NoSuchBucket", "NotFound"):
                out.append(
                    _f(
                        Severity.ERROR,
                        path,
                        f"bucket {bucket!r} does not exist at {where}",
                        f"create it: `aws s3 mb s3://{bucket}"
                        + (f" --endpoint-url {endpoint}" if endpoint else "")
                        + "`, or fix the bucket name",
                        "live.storage.missing-bucket",
                    )
                )
            elif code in ("403", "AccessDenied", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                out.append(
                    _f(
                        Severity.ERROR,
                        path,
                        f"access to bucket {bucket!r} at {where} is denied ({code})",
                        "check the keys or the IAM role's policy: Flyte needs s3:ListBucket, GetObject, PutObject "
                        "and DeleteObject on this bucket",
                        "live.storage.denied",
                    )
                )
            else:
                out.append(
                    _f(
                        Severity.ERROR,
                        path,
                        f"bucket {bucket!r} at {where}: {exc}",
                        "read the store's message above",
                        "live.storage.error",
                    )
                )
            continue
        out += _probe_write(client, bucket, path, where, botocore_exceptions)
    return out


def _probe_write(client: Any, bucket: str, path: str, where: str, errors: Any) -> list[Finding]:
    """Write then delete one small object: Flyte writes metadata and outputs, so reading is not enough."""
    key = f"{_PROBE_PREFIX}{uuid.uuid4().hex}"
    try:
        client.put_object(Bucket=bucket, Key=key, Body=b"flytekit-deploy live probe\n")
    except (errors.ClientError, errors.BotoCoreError) as exc:
        return [
            _f(
                Severity.ERROR,
                path,
                f"cannot write to bucket {bucket!r} at {where}: {exc}",
                "grant s3:PutObject (and s3:DeleteObject) on the bucket to the identity Flyte uses",
                "live.storage.write",
            )
        ]
    try:
        client.delete_object(Bucket=bucket, Key=key)
    except (errors.ClientError, errors.BotoCoreError) as exc:
        return [
            _f(
                Severity.WARNING,
                path,
                f"wrote the probe object {key!r} to {bucket!r} but could not delete it: {exc}",
                f"grant s3:DeleteObject, and delete s3://{bucket}/{key} by hand",
                "live.storage.delete",
            )
        ]
    return [
        _f(
            Severity.INFO,
            path,
            f"bucket {bucket!r} at {where}: exists, writable, and the probe was removed",
            "nothing to do",
            "live.storage.ok",
        )
    ]
