"""``flytekit-deploy doctor``: findings for a spec (static rules, chart keys, live probes with ``--live``), then the
runtime checks on the real charts (render failures, Flyte's config contract, wiring; see :mod:`flytekit_deploy.runtime`),
and Pod Security ``restricted`` on the render as installed with ``--pod-security``.

Exit codes follow :func:`~flytekit_deploy.checks.findings.exit_code`: 0 clean, 1 warnings, 3 errors.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .arguments import add_format_argument, add_spec_argument, resolve_spec
from .output import print_findings

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]

_LIVE_OPTIONS = ("db_host", "db_port", "storage_endpoint")


def register(subparsers: Subparsers) -> None:
    """Add ``doctor``."""
    p = subparsers.add_parser(
        "doctor", help="findings for a spec: static rules, chart keys of every release, live probes with --live"
    )
    add_spec_argument(p)
    p.add_argument("--live", action="store_true", help="also probe the database and the buckets from this machine")
    p.add_argument("--db-host", help="live: reach the database here instead (e.g. 127.0.0.1 with a port-forward)")
    p.add_argument("--db-port", type=int, help="live: database port to use with --db-host")
    p.add_argument("--storage-endpoint", help="live: reach the object store at this URL instead")
    p.add_argument("--timeout", type=float, default=5.0, help="live: seconds per probe (default 5)")
    p.add_argument(
        "--pod-security",
        action="store_true",
        help="also apply the kit's post-renderer where the install commands use it to the real render, and report "
        "every pod that breaks Pod Security 'restricted'",
    )
    p.add_argument(
        "--charts",
        metavar="DIR",
        help="folder of the v1.16.8 chart folders for the checks that render the plan (default: "
        "$FLYTEKIT_DEPLOY_CHARTS, else the kit's cache; missing charts are a note saying how to get them, or an "
        "error when named here or with --pod-security)",
    )
    add_format_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the doctor on the spec, then the runtime checks on its render, and print every finding."""
    from ..checks import doctor
    from ..plan import build_plan
    from ..runtime import doctor_findings

    spec = resolve_spec(args)
    options: dict[str, Any] = {"timeout": args.timeout}
    options.update({name: getattr(args, name) for name in _LIVE_OPTIONS if getattr(args, name) is not None})
    charts = None
    if args.pod_security:
        from ..checks.chart_source import locate_chart_source, prepare_charts

        charts = prepare_charts(locate_chart_source(args.charts))
    found = doctor(spec, live=args.live, live_options=options, pod_security=args.pod_security, charts=charts)
    found += doctor_findings(build_plan(spec), args.charts, explicit=args.charts is not None)
    return print_findings(found, args.format)
