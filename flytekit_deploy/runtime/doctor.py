"""``doctor`` with the real charts: render failures, Flyte runtime-config findings and wiring findings in one list."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks.findings import Finding, Severity
from ..errors import UserInputError

if TYPE_CHECKING:
    from ..checks.chart_source import ChartSet
    from ..checks.plan_render import PlanRender
    from ..plan import Plan

__all__ = ["doctor_findings", "runtime_findings"]


def runtime_findings(plan: Plan, rendered: PlanRender) -> list[Finding]:
    """Contract findings of every Flyte process plus wiring findings, from an existing render."""
    from .configs import process_configs
    from .contract import contract_findings
    from .wiring import wiring_findings

    processes = process_configs(plan, rendered)
    found: list[Finding] = []
    for process in processes:
        for finding in contract_findings(process):
            if finding not in found:
                found.append(finding)
    return found + wiring_findings(plan, rendered, processes)


def _problem_findings(exc: UserInputError, rule: str) -> list[Finding]:
    return [
        Finding(Severity.ERROR, p.path, p.message, p.fix or "see the message", "helm-deployment", rule)
        for p in exc.problems
    ]


def doctor_findings(
    plan: Plan,
    charts_source: str | Path | None = None,
    *,
    charts: ChartSet | None = None,
    explicit: bool = True,
    engine: str = "auto",
) -> list[Finding]:
    """Render ``plan`` on the real v1.16.8 charts and return render failures + runtime-config + wiring findings, and
    the ``infra/`` module's bindings checked against the rendered ServiceAccounts and buckets.

    ``charts_source`` is a folder of chart folders (else ``$FLYTEKIT_DEPLOY_CHARTS`` or the kit's cache); a
    prepared ``charts`` set skips preparing. Missing charts or no Helm engine become one finding that says how
    to get them, never a traceback: an error when the caller named the charts (``explicit``), else a note (the
    static checks still ran).

    ``engine="auto"`` prefers helm-python-sdk in-process (about 0.3 s a release against 0.7 s for a ``helm``
    process here, the same objects apart from the CRD's API version, which no runtime check reads), else the
    ``helm`` binary.
    """
    from ..checks.chart_source import find_helm, locate_chart_source, prepare_charts
    from ..checks.infra import infra_findings
    from ..checks.plan_render import render_plan

    if charts is None:
        try:
            charts = prepare_charts(locate_chart_source(charts_source))
        except UserInputError as exc:
            found = _problem_findings(exc, "render.charts-missing")
            if explicit:
                return found
            return [replace(f, severity=Severity.INFO, message=f"runtime checks skipped: {f.message}") for f in found]
    has_sdk = importlib.util.find_spec("helm_python") is not None
    if engine == "auto" and has_sdk:
        engine = "sdk"
    if find_helm() is None and not has_sdk:
        return [
            Finding(
                Severity.WARNING,
                "--charts",
                "no Helm engine to render the charts with: runtime checks skipped",
                "pip install 'flytekit-deploy[helm]' (helm-python-sdk), or put a helm v3 binary on PATH",
                "helm-deployment",
                "render.no-engine",
            )
        ]
    rendered = render_plan(plan, charts, engine=engine)
    # The helm binary refuses a template that renders invalid YAML; the SDK returns the rest with an error note.
    broken = [
        replace(note, path=f"{filename}: {note.path}")
        for filename, result in rendered.results.items()
        for note in result.notes
        if note.severity is Severity.ERROR
    ]
    return list(rendered.failures) + broken + runtime_findings(plan, rendered) + infra_findings(plan, rendered)
