"""Render every release of a plan with the charts a person names, and validate what Helm produced.

The ``render`` command's work, kept out of the CLI so a notebook or test can call it: which ``--chart`` stands
for which chart (:func:`chart_name`), refusing charts the plan does not install, and one info finding per
release left unrendered; with Gateway API as the way in, the routes checked against the rendered Services.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from ..errors import Problem, UserInputError
from ..plan import Plan
from .findings import Finding, Severity
from .gateway_wiring import release_wiring
from .render import RenderResult, render_chart, validate_manifests

__all__ = ["chart_name", "render_named_charts"]

_PACKAGED = re.compile(r"^(?P<name>.+?)-v?\d+\.\d+")  # helm package names it NAME-VERSION.tgz


def chart_name(chart: str) -> str:
    """The chart name a ``--chart`` argument stands for: Chart.yaml's name, a .tgz's stem, or REPO/NAME's NAME.

    >>> chart_name("flyteorg/flyte-binary")
    'flyte-binary'
    """
    path = Path(chart)
    if path.is_dir():
        meta_file = path / "Chart.yaml"
        try:
            meta = yaml.safe_load(meta_file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise UserInputError(
                [
                    Problem(
                        str(meta_file), f"not a chart folder: {error}", "point --chart at a folder with a Chart.yaml"
                    )
                ],
                source="render",
            ) from None
        name = meta.get("name") if isinstance(meta, dict) else None
        return str(name or path.name)
    if path.is_file() and path.name.endswith(".tgz"):
        stem = path.name[: -len(".tgz")]
        match = _PACKAGED.match(stem)
        return match.group("name") if match else stem
    if chart.count("/") == 1 and not chart.startswith((".", "/")):
        return chart.split("/", 1)[1]
    raise UserInputError(
        [
            Problem(
                "--chart",
                f"{chart!r} is neither a chart folder, a .tgz, nor a repository reference REPO/NAME",
                "pass a chart folder (helm pull flyteorg/flyte-binary --version v1.16.8 --untar) or flyteorg/NAME",
            )
        ],
        source="render",
    )


def render_named_charts(
    plan: Plan,
    charts: Sequence[str],
    *,
    version: str | None = None,
    kubernetes_version: str = "1.29",
    engine: str = "auto",
    on_rendered: Callable[[str, RenderResult], None] | None = None,
) -> list[Finding]:
    """Render each release whose chart is among ``charts`` and validate the objects; bad ``charts`` raise first.

    ``on_rendered(filename, result)`` is called after each render (the CLI prints progress with it).
    """
    by_name = {chart_name(chart): chart for chart in charts}
    in_plan = {release.chart.value for release in plan.releases}
    unused = sorted(set(by_name) - in_plan)
    if unused:
        raise UserInputError(
            [
                Problem(
                    "--chart",
                    f"chart {name} ({by_name[name]}) is not used by this plan",
                    f"pass charts the plan installs: {', '.join(sorted(in_plan))}",
                )
                for name in unused
            ],
            source="render",
        )
    findings: list[Finding] = []
    for release in plan.releases:
        chart = by_name.get(release.chart.value)
        if chart is None:
            findings.append(
                Finding(
                    Severity.INFO,
                    f"release {release.release}",
                    f"{release.filename} ({release.chart.value}) was not rendered: no --chart given for it",
                    f"add --chart flyteorg/{release.chart.value} (or a folder of that chart)",
                    "helm-deployment",
                    "render.not-rendered",
                )
            )
            continue
        local = Path(chart).exists()
        result = render_chart(
            chart,
            release.values,
            release=release.release,
            namespace=release.namespace,
            version=version or (None if local else release.version),
            kubernetes_version=kubernetes_version,
            engine=engine,
        )
        if on_rendered is not None:
            on_rendered(release.filename, result)
        findings += validate_manifests(result, kubernetes_version)
        findings += release_wiring(plan, release.filename, (obj.body for obj in result.objects))
    return findings
