"""Findings about a deployment before (and, with ``live=True``, against) the real thing.

* :func:`static_findings` — the rules of :mod:`.rules` over the spec and its plan;
* :func:`doctor` — those, plus the chart-key check of every emitted release (a typo in an override is a key
  Helm ignores without a word) and, on request, the live probes of the database and the buckets.

Heavy parts (the plan's emitters, live drivers) are imported when called, not on import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .findings import Finding, Severity, exit_code, render_json, render_text

if TYPE_CHECKING:
    from ..plan import Plan
    from ..spec import DeploymentSpec
    from .chart_source import ChartSet

__all__ = [
    "Finding",
    "Severity",
    "exit_code",
    "render_text",
    "render_json",
    "static_findings",
    "chart_key_findings",
    "doctor",
]


def static_findings(spec: DeploymentSpec, plan: Plan | None = None) -> list[Finding]:
    """Every static rule's findings for ``spec``; ``plan`` saves building it again when the caller has one."""
    from .rules import RuleContext, run_rules

    return run_rules(spec, context=RuleContext(spec, plan))


def chart_key_findings(plan: Plan) -> list[Finding]:
    """Unknown keys and wrong types in each emitted release, with the values file named in the path."""
    from .chart_keys import check_values

    found: list[Finding] = []
    for release in plan.releases:
        for item in check_values(release.values, release.chart.value):
            found.append(replace(item, path=f"{release.filename}:{item.path}"))
    return found


def doctor(
    spec: DeploymentSpec,
    live: bool = False,
    live_options: Mapping[str, Any] | None = None,
    pod_security: bool = False,
    charts: ChartSet | None = None,
) -> list[Finding]:
    """All findings for ``spec``: static rules, the chart-key check of every release, and live probes if asked.

    ``live_options`` go to :func:`~flytekit_deploy.checks.live_doctor.live_findings` (``timeout``, ``db_host``,
    ``db_port``, ``storage_endpoint``: e.g. to probe through a port-forward). ``pod_security`` renders the plan
    with the real charts (``charts``, else the ones :func:`~.chart_source.locate_chart_source` finds), applies
    the kit's post-renderer where the install commands use it, and reports each Pod Security ``restricted``
    violation (:func:`~.pod_security.pod_security_doctor`).
    """
    from ..plan import build_plan
    from .live_options import check_live_options

    options = check_live_options(live_options or {})  # bad options are refused before any work
    plan = build_plan(spec)
    found = static_findings(spec, plan) + chart_key_findings(plan)
    if pod_security:
        from .pod_security import pod_security_doctor

        found += pod_security_doctor(spec, charts)
    if live:
        from .live_doctor import live_findings

        found += live_findings(spec, **options)
    return found
