"""Run every rehearsal of one or many plans: the entry point ``doctor --rehearse`` calls.

Storage and client rehearsals of all plans share one flytekit process (flytekit's import is slow); the database
and connector rehearsals run in this process with the standard clients. A rehearsal whose server is not in
``endpoints`` is left out.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..checks.findings import Finding
from .clients import admin_side, client_findings, client_job
from .connector import connector_findings
from .database import database_findings
from .endpoints import Endpoints
from .storage import provision, run_flytekit_jobs, storage_findings, storage_jobs
from .task_env import task_pods

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender
    from ..plan import Plan

__all__ = ["run_rehearsals", "rehearse_plans", "REHEARSALS"]

REHEARSALS = ("storage", "clients", "database", "connector")


def rehearse_plans(plans: Mapping[str, tuple[Plan, PlanRender]], endpoints: Endpoints,
                   secrets: Mapping[str, str] | None = None,
                   only: tuple[str, ...] = REHEARSALS) -> dict[str, dict[str, list[Finding]]]:  # fmt: skip
    """name -> rehearsal -> findings, for every named (plan, render). ``secrets``: Secret values by env var name."""
    secrets = secrets or {}
    folder = tempfile.mkdtemp(prefix="fkd-rehearse-")
    storage = {name: storage_jobs(name, task_pods(render), endpoints, folder) for name, (_p, render) in plans.items()}
    has_storage = "storage" in only and any((endpoints.s3, endpoints.gcs, endpoints.azurite_blob))
    jobs: list[dict[str, object]] = []
    if has_storage:
        provision([j for group in storage.values() for j in group], endpoints)
        jobs += [{"id": j.job_id, "kind": "storage", "env": j.env, "raw_output_prefix": j.pod.raw_output_prefix,
                  "metadata_prefix": j.pod.metadata_prefix}
                 for group in storage.values() for j in group if not j.blocked]  # fmt: skip
    if "clients" in only:
        jobs += [j for name, (plan, _r) in plans.items() if (j := client_job(name, plan, folder)) is not None]
    results = run_flytekit_jobs(jobs) if jobs else {}
    out: dict[str, dict[str, list[Finding]]] = {}
    for name, (plan, render) in plans.items():
        report: dict[str, list[Finding]] = {}
        if has_storage:
            report["storage"] = storage_findings(name, storage[name], results)
        if "clients" in only and f"{name}-client" in results:
            report["clients"] = client_findings(
                "flytectl-config.yaml", admin_side(render, plan), results[f"{name}-client"]
            )
        if "database" in only and endpoints.postgres_host and endpoints.postgres_port:
            report["database"] = database_findings(plan, render, endpoints.postgres_host, endpoints.postgres_port,
                                                   secrets)  # fmt: skip
        if "connector" in only:
            report["connector"] = connector_findings(plan, render, endpoints.connector)
        out[name] = report
    return out


def run_rehearsals(plan: Plan, render: PlanRender, endpoints: Endpoints, secrets: Mapping[str, str] | None = None,
                   only: tuple[str, ...] = REHEARSALS) -> list[Finding]:  # fmt: skip
    """The rehearsals ``only`` names of one plan against the servers in ``endpoints``, as one list of findings."""
    report = rehearse_plans({"plan": (plan, render)}, endpoints, secrets, only)["plan"]
    return [f for name in REHEARSALS for f in report.get(name, [])]
