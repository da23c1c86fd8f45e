"""Start the rehearsal servers a set of plans needs, for one ``with`` block: what ``doctor --rehearse`` runs in.

Each server is started only if its tool is installed; one that is not becomes an info finding naming the install
step, and its rehearsals are left out. PostgreSQL is prepared as an operator would prepare a managed database: the
login role each plan's rendered config names (without CREATEDB) and its FlyteAdmin database. The DataCatalog
database is not created, so a plan that expects Flyte to create it hears about the missing privilege.
"""

from __future__ import annotations

import secrets as _secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from ..checks.findings import Finding, Severity
from ..spec.base import secret_env_var
from . import servers
from .connector import connector_targets
from .database import db_logins
from .endpoints import Endpoints
from .storage import azure_accounts
from .task_env import task_pods

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender
    from ..plan import Plan

__all__ = ["RehearsalServers", "serve"]

T = TypeVar("T")


@dataclass
class RehearsalServers:
    """Where the servers listen, the Secret values the database rehearsal uses, and what could not start."""

    endpoints: Endpoints
    secrets: dict[str, str] = field(default_factory=dict)
    unavailable: list[Finding] = field(default_factory=list)


def _prepare_postgres(pg: servers.PgTls, plans: Mapping[str, tuple[Plan, PlanRender]]) -> dict[str, str]:
    """Create each login role (password: a fresh random value, also returned by Secret env var) and admin DB."""
    import psycopg
    from psycopg import sql

    values: dict[str, str] = {}
    roles: dict[str, str] = {}
    databases: set[tuple[str, str]] = set()
    for _plan, render in plans.values():
        for login in db_logins(render):
            if login.in_cluster or login.secret is None:
                continue
            var = secret_env_var(*login.secret)
            password = values.setdefault(var, _secrets.token_urlsafe(18))
            roles.setdefault(login.user, password)
            if login.component == "admin":
                databases.add((login.dbname, login.user))
    with psycopg.connect(host=pg.host, port=pg.port, user=pg.superuser, password=pg.password, dbname="postgres",
                         sslmode="require", autocommit=True) as conn:  # fmt: skip
        for user, password in roles.items():
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB PASSWORD {}").format(
                sql.Identifier(user), sql.Literal(password)))  # fmt: skip
        for dbname, owner in sorted(databases):
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(dbname), sql.Identifier(owner)))
    return values


def _start(
    stack: ExitStack, missing: list[Finding], what: str, factory: Callable[[], AbstractContextManager[T]]
) -> T | None:
    """Enter ``factory()`` on ``stack``; when its tool is absent, note it in ``missing`` and return None."""
    try:
        return stack.enter_context(factory())
    except servers.ServerUnavailable as exc:
        missing.append(Finding(Severity.INFO, "rehearse", f"{what} not rehearsed: {exc}", str(exc), "troubleshooting",
                               "rehearse.unavailable"))  # fmt: skip
        return None


@contextmanager
def serve(plans: Mapping[str, tuple[Plan, PlanRender]]) -> Iterator[RehearsalServers]:
    """Start every server the plans' rehearsals need; stop them all on exit."""
    with ExitStack() as stack:
        missing: list[Finding] = []
        pods = [pod for _p, render in plans.values() for pod in task_pods(render)]
        emulators = {pod.access.emulator: pod.scheme for pod in pods if pod.access is not None}
        s3 = gcs = gce = azurite = connector = None
        pg: servers.PgTls | None = None
        if "moto-s3" in emulators:
            s3 = _start(stack, missing, f"{emulators['moto-s3']}:// task storage", servers.moto_s3)
        if "gcs-emulator" in emulators:
            what = f"{emulators['gcs-emulator']}:// task storage"
            gcs = _start(stack, missing, what, servers.gcs_emulator)
            gce = _start(stack, missing, f"{what} (metadata server)", servers.gce_metadata)
        if "azurite" in emulators:
            accounts = azure_accounts(pods) or {"devstoreaccount1"}
            what = f"{emulators['azurite']}:// task storage"
            azurite = _start(stack, missing, what, lambda: servers.azurite_blob(accounts))
        if any(not login.in_cluster for _p, render in plans.values() for login in db_logins(render)):
            pg = _start(stack, missing, "database", servers.postgres_tls)
        if any(connector_targets(plan, render) for plan, render in plans.values()):
            connector = _start(stack, missing, "connector", servers.connector_server)
        endpoints = Endpoints(
            s3=s3, azurite_blob=azurite, gcs=gcs, gce_metadata=gce, closed_port=servers.free_port(),
            postgres_host=pg.host if pg else None, postgres_port=pg.port if pg else None,
            postgres_ca=pg.certificate if pg else None, connector=connector,
        )  # fmt: skip
        yield RehearsalServers(endpoints, _prepare_postgres(pg, plans) if pg else {}, missing)
