"""Chart rules: settings that do nothing on the chosen chart, versions that install the wrong chart, and what is
still to fill in before the values can be installed."""

from __future__ import annotations

from collections.abc import Iterator

from ...charts.registry import chart_for
from ...spec import ChartName, DeploymentModel
from ..findings import Finding
from ._base import ERROR, INFO, WARNING, Rule, RuleContext, finding

__all__ = ["RULES", "PINNED_VERSION"]

CHAPTER = "helm-deployment"
PINNED_VERSION = "v1.16.8"


def chart_version(ctx: RuleContext) -> Iterator[Finding]:
    """Only v1.16.8 is right: the repository's newest flyte-binary is a Flyte 2 chart with other values."""
    version = ctx.spec.chart_version.strip()
    if version == PINNED_VERSION:
        return
    if not version or version.lower() in ("latest", "*", "stable"):
        message = (
            f"chart_version is {version or 'empty'}: unpinned, Helm installs the repository's newest chart, and the "
            "newest flyte-binary is a Flyte 2 chart that ignores these Flyte v1 values"
        )
    else:
        message = (
            f"chart_version is {version}, but the values are written for the Flyte v1 charts at {PINNED_VERSION}; "
            "keys differ between versions and Helm ignores unknown ones silently"
        )
    yield finding(ERROR, "chart_version", message, f"set chart_version: {PINNED_VERSION}", CHAPTER, "charts.version")


def replicas(ctx: RuleContext) -> Iterator[Finding]:
    """flyte-binary runs every service in one Deployment of one pod; per-service replicas do not apply."""
    spec = ctx.spec
    if not chart_for(spec.chart_name).single_process:
        return
    components = spec.components
    for name in ("admin", "datacatalog", "console", "scheduler", "propeller"):
        if getattr(components, name).replicas > 1:
            yield finding(
                INFO,
                f"components.{name}.replicas",
                f"components.{name}.replicas is {getattr(components, name).replicas}, but {spec.chart_name.value} "
                "runs all services in a single pod",
                "use chart: flyte-core to scale services apart, or set replicas: 1",
                CHAPTER,
                "charts.binary-replicas",
            )


def service_monitor(ctx: RuleContext) -> Iterator[Finding]:
    """ServiceMonitors are Prometheus Operator objects: without its CRDs the install fails."""
    spec = ctx.spec
    monitor = spec.observability.service_monitor
    if not monitor.enabled:
        return
    if chart_for(spec.chart_name).single_process:
        yield finding(
            WARNING,
            "observability.service_monitor.enabled",
            f"{spec.chart_name.value} v1.16.8 has no ServiceMonitor setting: none is created, and metrics are not "
            "scraped",
            "create a ServiceMonitor for the flyte-binary Service yourself, or use chart: flyte-core",
            "monitoring",
            "charts.service-monitor",
        )
        return
    yield finding(
        INFO,
        "observability.service_monitor.enabled",
        "ServiceMonitors need the Prometheus Operator's CRDs (monitoring.coreos.com/v1); without them Helm fails "
        "with 'no matches for kind ServiceMonitor'",
        "install kube-prometheus-stack (or the prometheus-operator CRDs) first"
        + ("" if monitor.labels else ", and set observability.service_monitor.labels to what your Prometheus selects"),
        "monitoring",
        "charts.service-monitor",
    )


def connector(ctx: RuleContext) -> Iterator[Finding]:
    """Hybrid connectors need the connector service; without it connector tasks fail at submission."""
    spec = ctx.spec
    if spec.model is DeploymentModel.HYBRID and spec.connectors and not spec.components.connector.enabled:
        yield finding(
            WARNING,
            "components.connector.enabled",
            f"{len(spec.connectors)} connector(s) configured but the connector service is disabled: their tasks "
            "fail with 'no connector found'",
            "set components.connector.enabled: true",
            CHAPTER,
            "charts.connector-disabled",
        )


def overrides(ctx: RuleContext) -> Iterator[Finding]:
    """Overrides are applied to their own chart only; one keyed by another chart is dead text."""
    spec = ctx.spec
    used = {release.chart.value for release in ctx.plan.releases}
    for chart in spec.overrides:
        if chart in used:
            continue
        known = chart in {c.value for c in ChartName}
        yield finding(
            WARNING,
            f"overrides.{chart}",
            f"overrides for {chart} are never applied: "
            + ("no release of this plan uses that chart" if known else "that is not a chart the kit emits"),
            f"move them under overrides.{spec.chart_name.value}, or remove them"
            if chart_for(spec.chart_name).main_chart
            else "remove them",
            CHAPTER,
            "charts.overrides-unused",
        )


def placeholders(ctx: RuleContext) -> Iterator[Finding]:
    """One warning listing every placeholder still in the values files, so nothing is installed half-filled."""
    found = ctx.plan.placeholders
    if not found:
        return
    shown = ", ".join(found)
    where = "; ".join(
        f"{marker} in {paths[0]}" + (f" (+{len(paths) - 1})" if len(paths) > 1 else "")
        for marker, paths in list(found.items())[:6]
    )
    yield finding(
        WARNING,
        "",
        f"{len(found)} placeholder(s) still in the values files: {shown}" + (f" — {where}" if where else ""),
        "fill in the spec fields that hold them (or the overrides) and regenerate; install.sh refuses to run until "
        "none is left",
        CHAPTER,
        "charts.placeholders",
    )


RULES: tuple[Rule, ...] = (chart_version, replicas, service_monitor, connector, overrides, placeholders)
