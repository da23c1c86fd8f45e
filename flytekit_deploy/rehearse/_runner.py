"""Run flytekit itself for the rehearsals, one job per forked child with exactly the job's environment.

Executed as a script by path (never imported by the kit), so the only code on the path is flytekit's. flytekit is
imported once in a parent started with an empty environment; each job runs in a child forked from it whose
``os.environ`` is replaced by the job's before flytekit reads any configuration (flytekit and fsspec read their
settings when a FileAccessProvider or filesystem is created). Reads a JSON list of jobs on stdin, prints one JSON
object mapping job id to result.

Job kinds:
* ``storage``: write an output under the metadata prefix and one under the raw-output prefix with
  ``FileAccessProvider``, read both back, compare; report the credential method the filesystem used.
* ``client``: ``PlatformConfig.auto(config_file)``: the endpoint, TLS and auth settings flytekit derives.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import traceback
from typing import Any

# Jobs run side by side: each mostly waits on a loopback server.
PARALLEL = 3
# Modules that read environment variables when imported: reloaded in each child after its environment is set.
_ENV_AT_IMPORT = ("google.auth.compute_engine._metadata",)


def _storage(job: dict[str, Any]) -> dict[str, Any]:
    from flytekit.core.data_persistence import FileAccessProvider

    work = tempfile.mkdtemp(prefix="fkd-rehearse-")
    payload = f"rehearsal {job['id']}".encode()
    src = os.path.join(work, "outputs.pb")
    with open(src, "wb") as fh:
        fh.write(payload)
    fa = FileAccessProvider(local_sandbox_dir=os.path.join(work, "sandbox"), raw_output_prefix=job["raw_output_prefix"])
    out: dict[str, Any] = {"ok": False, "steps": []}
    targets = [("metadata", f"{job['metadata_prefix'].rstrip('/')}/rehearsal/{job['id']}/outputs.pb")]
    targets.append(("raw", fa.join(fa.get_random_remote_path(), "o0")))
    for name, remote in targets:
        fa.put_data(src, remote)
        back = os.path.join(work, f"{name}.back")
        fa.get_data(remote, back)
        with open(back, "rb") as fh:
            same = fh.read() == payload
        out["steps"].append({"prefix": name, "path": remote, "read_back": same})
        if not same:
            out["error"] = f"{remote}: read back different bytes"
            return out
    fs = fa.get_filesystem(job["raw_output_prefix"].split("://", 1)[0])
    creds = getattr(fs, "credentials", None)
    out["credential_method"] = getattr(creds, "method", None) if creds is not None else None
    out["ok"] = True
    return out


def _client(job: dict[str, Any]) -> dict[str, Any]:
    from flytekit.configuration import PlatformConfig

    cfg = PlatformConfig.auto(job["config_file"])
    return {
        "ok": True,
        "endpoint": cfg.endpoint,
        "insecure": cfg.insecure,
        "insecure_skip_verify": cfg.insecure_skip_verify,
        "auth_mode": str(getattr(cfg.auth_mode, "value", cfg.auth_mode)),
        "client_id": cfg.client_id,
        "scopes": list(cfg.scopes or []),
    }


def _run(job: dict[str, Any]) -> dict[str, Any]:
    import random

    from flytekit.interfaces.random import random as flytekit_random

    # a forked child inherits the parent's random state (flytekit keeps its own generator): random remote paths
    # would collide between jobs, where real task pods are separate processes
    random.seed()
    flytekit_random.seed()
    os.environ.clear()
    os.environ.update(job["env"])
    import importlib

    for name in _ENV_AT_IMPORT:
        if name in sys.modules:
            importlib.reload(sys.modules[name])
    import time

    started = time.monotonic()
    try:
        result = _storage(job) if job["kind"] == "storage" else _client(job)
        result["seconds"] = round(time.monotonic() - started, 2)
        return result
    except BaseException as exc:  # the failure is the result: report it
        cause = exc
        while cause.__cause__ is not None or cause.__context__ is not None:
            cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}".strip()[:2000],
                "cause": f"{type(cause).__name__}: {cause}"[:1000], "trace": traceback.format_exc()[-3000:]}  # fmt: skip


def main() -> int:
    jobs = json.loads(sys.stdin.read())
    import importlib

    # import once, children share it: flytekit and the fsspec implementations it uses (they read the
    # environment when a filesystem is created, not when imported; see _ENV_AT_IMPORT for the exception)
    for module in ("flytekit.configuration", "flytekit.core.data_persistence", "s3fs", "gcsfs", "adlfs"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)

    results: dict[str, Any] = {}
    running: dict[int, tuple[str, int]] = {}  # pid -> (job id, read end of its pipe)
    pending = list(jobs)
    while pending or running:
        while pending and len(running) < PARALLEL:
            job = pending.pop(0)
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                data = json.dumps(_run(job), default=str).encode()
                with os.fdopen(write, "wb") as fh:
                    fh.write(data)
                os._exit(0)
            os.close(write)
            running[pid] = (job["id"], read)
        # drain every pipe before waiting, so a large result cannot block its writer
        for pid, (job_id, read) in list(running.items()):
            with os.fdopen(read, "rb") as fh:
                raw = fh.read()
            _, status = os.waitpid(pid, 0)
            del running[pid]
            try:
                results[job_id] = json.loads(raw)
            except ValueError:
                results[job_id] = {"ok": False, "error": f"job process ended with status {status} and no result"}
    sys.stdout.write(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
