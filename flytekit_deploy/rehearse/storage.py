"""Task storage rehearsal: flytekit's own data layer, in a task pod's environment, against a storage emulator.

The environment is the plan's (:mod:`.task_env`). The rehearsal adds only what the cloud, not the plan, gives a pod,
each redirected to the loopback emulator; :func:`cloud_env` lists them with the reason. Everything else a pod
needs must come from the plan, so a plan that leaves something out fails here as its tasks would in the cluster.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..checks.findings import Finding, Severity
from ..clouds import task_access_for
from .endpoints import AZURITE_KEY, S3_ACCESS_KEY, S3_SECRET_KEY, Endpoints
from .flyte_config import find
from .task_env import TaskPod

__all__ = [
    "StorageJob",
    "azure_accounts",
    "buckets_of",
    "cloud_env",
    "provision",
    "run_flytekit_jobs",
    "storage_findings",
    "storage_jobs",
]

CHAPTER = "external-dependencies"
RUNNER = Path(__file__).with_name("_runner.py")
RUNNER_TIMEOUT_S = 300
SKIPPED = "not rehearsed: "  # prefix of a reason that is about this machine, not the plan

# Added to every job so nothing on this machine can stand in for what the plan gives a pod.
ISOLATION = {
    "HOME": "a fresh empty folder: no ~/.aws, ~/.config/gcloud or ~/.azure of this machine",
    "PATH": "the system default",
    "AWS_EC2_METADATA_DISABLED": "this machine is not an EC2 node: its instance metadata must not supply credentials",
    "GCE_METADATA_HOST": "a closed loopback port unless the pod has a Workload Identity (then the metadata stand-in)",
    "GCE_METADATA_IP": "as GCE_METADATA_HOST",
}


@dataclass(frozen=True)
class StorageJob:
    """One task pod rehearsal: the env flytekit runs with and what the rehearsal itself added (name -> why)."""

    pod: TaskPod
    job_id: str
    env: dict[str, str]
    added: dict[str, str]
    blocked: str | None = None  # why it cannot even be tried (a finding), else None


def _storage_endpoint(pod: TaskPod) -> str | None:
    value = find(pod.storage, "stow.config.endpoint") or find(pod.storage, "connection.endpoint")
    return str(value) if value else None


def _region(pod: TaskPod) -> str:
    value = find(pod.storage, "stow.config.region") or find(pod.storage, "connection.region")
    return str(value) if value else "us-east-1"


Added = tuple[dict[str, str], dict[str, str], str | None]


def _moto_s3(pod: TaskPod, endpoints: Endpoints) -> Added:
    env: dict[str, str] = {}
    why: dict[str, str] = {}
    if not endpoints.s3:
        return env, why, SKIPPED + "no S3 emulator running"
    custom = _storage_endpoint(pod)
    if custom and "FLYTE_AWS_ENDPOINT" not in pod.env:
        return (
            env,
            why,
            (
                f"the store is at {custom} (storage config) but task pods get no FLYTE_AWS_ENDPOINT: "
                "flytekit would send every task's data to AWS S3"
            ),
        )
    env["FLYTE_AWS_ENDPOINT"] = endpoints.s3
    why["FLYTE_AWS_ENDPOINT"] = (
        "endpoint: replaces the plan's in-cluster/placeholder address" if "FLYTE_AWS_ENDPOINT" in pod.env
        else "endpoint: AWS S3's regional endpoint, which boto derives from the region"
    )  # fmt: skip
    if pod.identity is not None:
        env.update(AWS_ACCESS_KEY_ID=S3_ACCESS_KEY, AWS_SECRET_ACCESS_KEY=S3_SECRET_KEY)
        env["AWS_DEFAULT_REGION"] = _region(pod)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            why[name] = f"credential: the pod identity webhook's web-identity token for the role ({pod.identity.name})"
        why["AWS_DEFAULT_REGION"] = "the pod identity webhook sets it with the role (value: storage region)"
    stand_ins = {"FLYTE_AWS_ACCESS_KEY_ID": S3_ACCESS_KEY, "FLYTE_AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY}
    for name, source in pod.env_from_env.items():
        if name in stand_ins and name not in pod.env:  # the value is the operator's: the plan names only its source
            env[name] = stand_ins[name]
            why[name] = f"credential: the operator's Secret, copied by propeller from its variable {source}"
    return env, why, None


def _gcs_emulator(pod: TaskPod, endpoints: Endpoints) -> Added:
    env: dict[str, str] = {}
    why: dict[str, str] = {}
    if not endpoints.gcs:
        return env, why, SKIPPED + "no GCS emulator running"
    env["STORAGE_EMULATOR_HOST"] = endpoints.gcs
    why["STORAGE_EMULATOR_HOST"] = "endpoint: storage.googleapis.com"
    if pod.identity is not None and endpoints.gce_metadata:
        env["GCE_METADATA_HOST"] = env["GCE_METADATA_IP"] = endpoints.gce_metadata
        why["GCE_METADATA_HOST"] = why["GCE_METADATA_IP"] = (
            f"credential: the metadata server, which serves {pod.identity.name} tokens to annotated pods"
        )
    return env, why, None


def _azurite(pod: TaskPod, endpoints: Endpoints) -> Added:
    env: dict[str, str] = {}
    why: dict[str, str] = {}
    if not endpoints.azurite_blob:
        return env, why, SKIPPED + "no Azure blob emulator running"
    account = pod.env.get("AZURE_STORAGE_ACCOUNT_NAME")
    if account and pod.identity is not None:
        env["AZURE_STORAGE_CONNECTION_STRING"] = (
            f"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={AZURITE_KEY};"
            f"BlobEndpoint={endpoints.azurite_blob.rstrip('/')}/{account};"
        )
        why["AZURE_STORAGE_CONNECTION_STRING"] = (
            "endpoint + credential, for the account the pod already names (AZURE_STORAGE_ACCOUNT_NAME): "
            f"https://<account>.blob.core.windows.net and the {pod.identity.name} token"
        )
    return env, why, None


_EMULATORS: dict[str, Callable[[TaskPod, Endpoints], Added]] = {
    "moto-s3": _moto_s3,
    "gcs-emulator": _gcs_emulator,
    "azurite": _azurite,
}
"""The loopback stand-in of each store (``TaskAccess.emulator``, named by the cloud modules) and what it adds."""


def cloud_env(pod: TaskPod, endpoints: Endpoints) -> Added:
    """(variables added, name -> the cloud mechanism that provides it in a real cluster, reason it cannot run)."""
    access = pod.access
    stand_in = _EMULATORS.get(access.emulator) if access is not None else None
    if stand_in is None:
        return {}, {}, f"no rehearsal for storage scheme {pod.scheme!r}"
    return stand_in(pod, endpoints)


def storage_jobs(name: str, pods: Iterable[TaskPod], endpoints: Endpoints, home: str) -> list[StorageJob]:
    """The job of each task pod: the plan's env, the isolation settings, the cloud-provided variables."""
    jobs = []
    closed = f"127.0.0.1:{endpoints.closed_port or 9}"
    for index, pod in enumerate(pods):
        added, why, blocked = cloud_env(pod, endpoints)
        if pod.raw_output_prefix is None or pod.metadata_prefix is None:
            blocked = blocked or (
                "propeller's rendered config has no storage section (storage.container) or no raw-output prefix, "
                "so task outputs have nowhere known to go (a storage section kept in an operator-made Secret is "
                "invisible to every check of the plan)"
            )
        env = {"HOME": home, "PATH": os.defpath, "AWS_EC2_METADATA_DISABLED": "true",
               "GCE_METADATA_HOST": closed, "GCE_METADATA_IP": closed}  # fmt: skip
        env.update(pod.env)
        env.update(added)
        jobs.append(StorageJob(pod, f"{name}-{index}", env, why, blocked))
    return jobs


def run_flytekit_jobs(jobs: list[dict[str, object]], timeout: float = RUNNER_TIMEOUT_S) -> dict[str, dict[str, object]]:
    """Run :mod:`._runner` once for all ``jobs`` (flytekit imported once) and return its JSON report."""
    if not jobs:
        return {}
    proc = subprocess.run(
        [sys.executable, "-I", str(RUNNER)],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": os.defpath, "HOME": tempfile.gettempdir()},
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"flytekit runner failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def _fix(pod: TaskPod) -> str:
    access = pod.access
    if access is None:
        return "give task pods what flytekit needs for this store (see the message)"
    if access.required_env and not set(access.required_env) & set(pod.env):
        return (f"set {access.required_env[0]}=<...> in the task pods' env (plugins.k8s.default-env-vars): "
                f"{access.required_why}")  # fmt: skip
    if pod.identity is None and not set(access.key_env) & set(pod.env):
        return f"give task pods credentials for the store: {access.credentials_fix}"
    return "give task pods what flytekit needs for this store (see the message)"


def storage_findings(name: str, jobs: list[StorageJob], results: dict[str, dict[str, object]]) -> list[Finding]:
    """One finding per task pod: ``rehearse.storage.ok`` (info) or ``rehearse.storage.failed`` (error)."""
    out = []
    for job in jobs:
        pod = job.pod
        path = f"{pod.filename}: plugins.k8s"
        where = f"task pods of {pod.filename} ({pod.scheme}://, raw {pod.raw_output_prefix}, metadata {pod.metadata_prefix})"
        if job.blocked and job.blocked.startswith(SKIPPED):
            out.append(Finding(Severity.INFO, path, f"{where}: {job.blocked}", "start the emulator", CHAPTER,
                               "rehearse.storage.skipped"))  # fmt: skip
            continue
        if job.blocked:
            out.append(
                Finding(Severity.ERROR, path, f"{where}: {job.blocked}", _fix(pod), CHAPTER, "rehearse.storage.failed")
            )
            continue
        result = results.get(job.job_id, {"ok": False, "error": "no result"})
        fallback = pod.access is not None and pod.access.anonymous_fallback
        anonymous = fallback and result.get("credential_method") in (None, "anon")
        if result.get("ok") and not anonymous:
            added = ", ".join(sorted(job.added)) or "nothing"
            out.append(Finding(Severity.INFO, path, f"{where}: flytekit wrote and read back an output under both "
                               f"prefixes (the rehearsal added only {added})", "nothing to do", CHAPTER,
                               "rehearse.storage.ok"))  # fmt: skip
            continue
        if anonymous:
            problem = "flytekit reached the bucket only anonymously: the task pods have no credentials for it"
        else:
            problem = f"flytekit failed: {result.get('cause') or result.get('error')}"
        out.append(Finding(Severity.ERROR, path, f"{where}: {problem}", _fix(pod), CHAPTER, "rehearse.storage.failed"))
    return out


def buckets_of(pod: TaskPod) -> list[tuple[str, str, str | None]]:
    """``(scheme, bucket/container, account or None)`` the pod's prefixes name: the operator creates these."""
    out = []
    for prefix in (pod.raw_output_prefix, pod.metadata_prefix):
        if not prefix or "://" not in prefix:
            continue
        parts = urlsplit(prefix)
        netloc = parts.netloc
        account = pod.env.get("AZURE_STORAGE_ACCOUNT_NAME")
        if "@" in netloc:
            netloc, host = netloc.split("@", 1)
            account = host.split(".", 1)[0]
        out.append((parts.scheme, netloc, account))
    return out


def provision(jobs: Iterable[StorageJob], endpoints: Endpoints) -> None:
    """Create on the emulators the buckets/containers the plans name (the operator's job before an install)."""
    seen: set[tuple[str, str, str | None]] = set()
    for job in jobs:
        if job.blocked:
            continue
        for item in buckets_of(job.pod):
            if item in seen:
                continue
            seen.add(item)
            with contextlib.suppress(Exception):  # an emulator that refuses shows up as flytekit's own failure
                _create_bucket(item, endpoints)


def _emulator_of(scheme: str) -> str | None:
    found = task_access_for(scheme)
    return found[0].emulator if found else None


def _create_bucket(item: tuple[str, str, str | None], endpoints: Endpoints) -> None:
    """One bucket/container on its emulator; an existing one is fine."""
    from .servers import http_json

    scheme, bucket, account = item
    emulator = _emulator_of(scheme)
    if emulator == "moto-s3" and endpoints.s3:
        import boto3

        client = boto3.client("s3", endpoint_url=endpoints.s3, region_name="us-east-1",
                              aws_access_key_id=S3_ACCESS_KEY, aws_secret_access_key=S3_SECRET_KEY)  # fmt: skip
        with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
            client.create_bucket(Bucket=bucket)
    elif emulator == "gcs-emulator" and endpoints.gcs:
        with contextlib.suppress(OSError):  # 409: exists
            http_json("POST", f"{endpoints.gcs}/storage/v1/b?project=rehearsal", {"name": bucket})
    elif emulator == "azurite" and endpoints.azurite_blob and account:
        from azure.core.exceptions import ResourceExistsError
        from azure.storage.blob import BlobServiceClient

        conn = (f"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={AZURITE_KEY};"
                f"BlobEndpoint={endpoints.azurite_blob.rstrip('/')}/{account};")  # fmt: skip
        with contextlib.suppress(ResourceExistsError):
            BlobServiceClient.from_connection_string(conn).create_container(bucket)


def azure_accounts(pods: Iterable[TaskPod]) -> set[str]:
    """Storage accounts the pods name: Azurite must know them before it starts."""
    return {
        account
        for pod in pods
        for scheme, _b, account in buckets_of(pod)
        if account and _emulator_of(scheme) == "azurite"
    }
