"""``flytekit-deploy render``: every release of a spec through the real Helm engine, manifests validated."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .arguments import add_format_argument, add_spec_argument, resolve_spec
from .output import print_findings

if TYPE_CHECKING:
    from ..checks.render import RenderResult
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``render``."""
    p = subparsers.add_parser(
        "render", help="render every release of a spec with the real Helm engine and validate the manifests"
    )
    add_spec_argument(p)
    p.add_argument(
        "--chart",
        action="append",
        required=True,
        metavar="PATH|REPO/NAME",
        help="a chart folder, .tgz or repository reference; repeat for plans with several charts",
    )
    p.add_argument("--version", help="chart version (repository references default to the plan's pinned version)")
    p.add_argument("--kubernetes-version", default="1.29", help="Kubernetes version to validate for (default 1.29)")
    p.add_argument("--engine", default="auto", choices=("auto", "helm", "sdk"), help="Helm engine (default auto)")
    add_format_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Render, validate, print the findings; with text output, one progress line per render on stderr."""
    from ..checks.render_named import render_named_charts
    from ..plan import build_plan

    def progress(filename: str, result: RenderResult) -> None:
        print(
            f"rendered {filename} with {result.engine}: {len(result.objects)} objects "
            f"(chart {result.chart} {result.chart_version}, Kubernetes {result.kubernetes_version})",
            file=sys.stderr,
        )

    findings = render_named_charts(
        build_plan(resolve_spec(args)),
        args.chart,
        version=args.version,
        kubernetes_version=args.kubernetes_version,
        engine=args.engine,
        on_rendered=progress if args.format == "text" else None,
    )
    return print_findings(findings, args.format)
