"""``flytekit-deploy check VALUES --chart NAME``: a person's own values file against the chart's keys."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .arguments import add_format_argument
from .output import print_findings

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``check``."""
    p = subparsers.add_parser("check", help="check your own values file against a chart's keys (typos, types)")
    p.add_argument("values", metavar="VALUES.yaml", help="a Helm values file")
    p.add_argument("--chart", required=True, help="flyte-binary, flyte-core, flyte-sandbox, flyte-deps, ...")
    add_format_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the file and print the findings (unknown keys with the nearest real one, wrong types)."""
    from ..checks.chart_keys import check_values_file

    return print_findings(check_values_file(args.values, args.chart), args.format)
