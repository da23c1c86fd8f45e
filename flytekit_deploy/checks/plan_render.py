"""Render every release of a plan with the real charts: the objects the cluster would receive, per release.

Checks that reason about rendered objects (Flyte's runtime config, wiring between components, Pod Security,
routes) all start here, so a plan is rendered once and a failed release is a finding, not a traceback.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import UserInputError
from .chart_source import ChartSet
from .findings import Finding, Severity
from .render import RenderedObject, RenderResult, render_chart

if TYPE_CHECKING:
    from ..charts import ReleaseValues
    from ..plan import Plan

__all__ = ["PlanRender", "render_plan"]

CHAPTER = "helm-deployment"


@dataclass
class PlanRender:
    """The render of each release that rendered (by values filename), and a finding for each that did not."""

    results: dict[str, RenderResult] = field(default_factory=dict)
    failures: list[Finding] = field(default_factory=list)

    def objects(self, filename: str) -> tuple[RenderedObject, ...]:
        result = self.results.get(filename)
        return result.objects if result else ()

    def of_kind(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        """``(values filename, object)`` for every rendered object of ``kind`` across the plan."""
        return [
            (filename, obj.body)
            for filename, result in self.results.items()
            for obj in result.objects
            if obj.kind == kind
        ]


def render_plan(plan: Plan, charts: ChartSet, *, kubernetes_version: str = "1.29", engine: str = "auto") -> PlanRender:
    """Render each release of ``plan`` from ``charts`` (see :func:`~.chart_source.prepare_charts`).

    Releases render concurrently (each is a ``helm`` process or an SDK call that releases the GIL), one worker
    per CPU: a plan of 1 control plane and 50 data planes is 51 renders.
    """
    out = PlanRender()

    def one(release: ReleaseValues) -> RenderResult:
        return render_chart(
            charts.path(release.chart.value),
            release.values,
            release=release.release,
            namespace=release.namespace,
            version=release.version,
            kubernetes_version=kubernetes_version,
            engine=engine,
        )

    workers = max(1, min(len(plan.releases), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [(release, pool.submit(one, release)) for release in plan.releases]
    for release, future in futures:
        chart = release.chart.value
        try:
            out.results[release.filename] = future.result()
        except UserInputError as exc:
            for problem in exc.problems:
                out.failures.append(
                    Finding(
                        severity=Severity.ERROR,
                        path=f"{release.filename}",
                        message=f"release {release.release} ({chart} {release.version}) does not render: "
                        f"{problem.message}",
                        fix=problem.fix or "fix the values this release sets (see the message) and render again",
                        chapter=CHAPTER,
                        rule="render.failed",
                    )
                )
    return out
