"""Database rehearsal: FlyteAdmin's and DataCatalog's rendered database config, used against a real PostgreSQL.

User, database, sslmode and the password file come from the rendered config (``database.postgres.*`` in
flyte-binary, ``database.*`` in flyte-core); the password file is traced to the Secret the pod mounts there, and
its value read from the plan's Secret env var convention (``db-pass``/``pass.txt`` -> ``DB_PASS_PASS_TXT``).
Only host and port are replaced by the loopback server's. The probe (:func:`~..checks.live.probe_postgres`)
reports a missing database and whether the user may create it (Flyte creates its database at first start).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..checks.findings import Finding, Severity
from ..checks.live import probe_postgres
from ..spec.base import secret_env_var
from .flyte_config import PLACEHOLDER, component_configs, fill_placeholders, find

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender
    from ..plan import Plan

__all__ = ["DbLogin", "db_logins", "database_findings"]

CHAPTER = "external-dependencies"
_IN_CLUSTER_SUFFIXES = (".svc", ".svc.cluster.local", ".cluster.local")


@dataclass(frozen=True)
class DbLogin:
    """How one component logs in to PostgreSQL, per its rendered config."""

    filename: str
    component: str
    host: str
    port: int
    user: str
    dbname: str
    sslmode: str
    password_path: str | None
    inline_password: str | None
    secret: tuple[str, str] | None  # (Secret name, key) mounted at password_path
    in_cluster: bool  # a Service of the cluster (a chart's own PostgreSQL), not a database the operator runs


def _in_cluster(host: str) -> bool:
    if PLACEHOLDER.search(host):
        return False  # the operator's own database, address still to fill in
    return "." not in host or host.endswith(_IN_CLUSTER_SUFFIXES)


def _sslmode(options: Any) -> str:
    for part in str(options or "").split():
        if part.startswith("sslmode="):
            return part.split("=", 1)[1]
    return "prefer"  # libpq's default, which Flyte's gorm/pgx driver also uses


def _mounted_secret(render: PlanRender, filename: str, path: str) -> tuple[str, str] | None:
    """The (Secret, key) a Deployment of the release mounts at ``path``."""
    for fn, dep in render.of_kind("Deployment"):
        if fn != filename:
            continue
        spec = ((dep.get("spec") or {}).get("template") or {}).get("spec") or {}
        volumes = {v.get("name"): v for v in spec.get("volumes") or []}
        for container in spec.get("containers") or []:
            for mount in container.get("volumeMounts") or []:
                base = str(mount.get("mountPath", "")).rstrip("/")
                if not path.startswith(base + "/"):
                    continue
                rel = posixpath.relpath(path, base)
                volume = volumes.get(mount.get("name")) or {}
                sources = (
                    [volume["secret"]]
                    if "secret" in volume
                    else [s["secret"] for s in (volume.get("projected") or {}).get("sources") or [] if "secret" in s]
                )
                for source in sources:
                    name = source.get("secretName") or source.get("name")
                    items = {i.get("path"): i.get("key") for i in source.get("items") or []}
                    if items and rel not in items:
                        continue
                    return str(name), str(items.get(rel, rel))
    return None


def db_logins(render: PlanRender) -> list[DbLogin]:
    """FlyteAdmin's and DataCatalog's logins (flyte-binary: one process, one login)."""
    out: list[DbLogin] = []
    seen: set[tuple[str, str, str]] = set()
    for cfg in component_configs(render):
        if cfg.component not in ("admin", "datacatalog"):
            continue
        raw = find(cfg.config, "database.postgres") or find(cfg.config, "database")
        db = fill_placeholders(raw)
        if not isinstance(db, Mapping) or "host" not in db:
            continue
        key = (cfg.filename, str(db.get("dbname")), str(db.get("username")))
        if key in seen:
            continue
        seen.add(key)
        path = db.get("passwordPath")
        out.append(DbLogin(
            filename=cfg.filename, component=cfg.component, host=str(db["host"]), port=int(db.get("port") or 5432),
            user=str(db.get("username") or "postgres"), dbname=str(db.get("dbname") or "postgres"),
            sslmode=_sslmode(db.get("options")), password_path=str(path) if path else None,
            inline_password=str(db["password"]) if db.get("password") else None,
            secret=_mounted_secret(render, cfg.filename, str(path)) if path else None,
            in_cluster=_in_cluster(str(raw["host"])),
        ))  # fmt: skip
    return out


def _f(severity: Severity, path: str, message: str, fix: str, rule: str) -> Finding:
    return Finding(severity, path, message, fix, CHAPTER, rule)


def database_findings(plan: Plan, render: PlanRender, host: str, port: int, secrets: Mapping[str, str],
                      timeout: float = 5) -> list[Finding]:  # fmt: skip
    """Log in as each rendered config says (host/port replaced), with the password the plan's Secret carries."""
    out: list[Finding] = []
    listed = {(s.name, k) for s in plan.secrets for k in s.keys}
    for login in db_logins(render):
        path = f"{login.filename}: {login.component} database"
        if login.in_cluster:
            out.append(_f(Severity.INFO, path, f"{login.host} is the chart's own in-cluster PostgreSQL: not rehearsed",
                          "nothing to do", "rehearse.database.skipped"))  # fmt: skip
            continue
        password = login.inline_password
        if login.password_path:
            if login.secret is None:
                out.append(_f(Severity.ERROR, path, f"passwordPath {login.password_path} is not a file any pod of the "
                              "release mounts from a Secret", "mount the database Secret at that path",
                              "rehearse.database.failed"))  # fmt: skip
                continue
            name, key = login.secret
            if (name, key) not in listed:
                out.append(_f(Severity.ERROR, path, f"the pod reads the password from Secret {name}/{key}, which the "
                              "plan's Secrets list does not contain", f"add Secret {name} with key {key} to the plan",
                              "rehearse.database.failed"))  # fmt: skip
                continue
            password = secrets.get(secret_env_var(name, key))
            if password is None:
                out.append(_f(Severity.WARNING, path, f"no value for Secret {name}/{key}: not rehearsed",
                              f"export {secret_env_var(name, key)}=...", "rehearse.database.skipped"))  # fmt: skip
                continue
        found = probe_postgres(host, port, login.user, password, [login.dbname], login.sslmode, timeout)
        for f in found:
            ok = f.rule == "live.postgres.ok"
            rule = "rehearse.database.ok" if ok else "rehearse.database.failed"
            severity = Severity.INFO if ok else f.severity
            out.append(_f(severity, path, f"{login.user}@{login.dbname} sslmode={login.sslmode} "
                          f"(config host {login.host}): {f.message}", f.fix, rule))  # fmt: skip
    return out
