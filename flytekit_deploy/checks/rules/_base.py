"""What every rule shares: the context it reads (spec, and the plan built from it on first use) and a
constructor for its findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ...charts.layout import ChartLayout
from ...charts.registry import layout_for
from ...clouds import cloud_of
from ...spec import ChartName, DeploymentSpec
from ..findings import Finding, Severity

if TYPE_CHECKING:
    from ...charts.base import ReleaseValues
    from ...plan import Plan

__all__ = ["RuleContext", "Rule", "finding", "cloud_chapter", "ERROR", "WARNING", "INFO", "CHAPTERS"]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

CHAPTERS = frozenset(
    {
        "external-dependencies",
        "security",
        "helm-deployment",
        "configuration",
        "monitoring",
        "multi-cluster",
        "troubleshooting",
        "aws",
        "gcp",
        "azure",
        "sandbox",
    }
)


@dataclass
class RuleContext:
    """The spec under check. The plan (emitted values) is built once, and only if a rule asks for it."""

    spec: DeploymentSpec
    _plan: Plan | None = field(default=None, repr=False)

    @cached_property
    def plan(self) -> Plan:
        if self._plan is not None:
            return self._plan
        from ...plan import build_plan

        return build_plan(self.spec)

    @property
    def main_releases(self) -> list[ReleaseValues]:
        """Releases of the main chart (one per cluster): the ones the ingress, admin and quota rules read."""
        chart = self.spec.chart_name
        return [release for release in self.plan.releases if release.chart is chart]

    @property
    def layout(self) -> ChartLayout | None:
        return layout_for(self.spec.chart_name)

    def is_chart(self, *charts: ChartName) -> bool:
        return self.spec.chart_name in charts


Rule = Callable[[RuleContext], Iterable[Finding]]


def finding(severity: Severity, path: str, message: str, fix: str, chapter: str, rule: str) -> Finding:
    """A Finding whose chapter is one of the wiki's (a typo here would be a dead link in the docs)."""
    if chapter not in CHAPTERS:
        raise ValueError(f"unknown wiki chapter {chapter!r}")
    return Finding(severity=severity, path=path, message=message, fix=fix, chapter=chapter, rule=rule)


def cloud_chapter(spec: DeploymentSpec, default: str) -> str:
    """The environment's own chapter (aws, gcp, azure) when there is one."""
    return cloud_of(spec).chapter or default
