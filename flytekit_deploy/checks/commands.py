"""``doctor``, ``check``, ``render`` and ``import`` for the command line.

Importing this module is cheap: the plan, the rules, the Helm engine and the importer are imported inside the
handlers. Exit codes follow :func:`~flytekit_deploy.checks.findings.exit_code` (0 clean, 1 warnings, 3 errors);
bad input is a :class:`~flytekit_deploy.errors.UserInputError`, which the CLI turns into exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cli import add_spec_argument

if TYPE_CHECKING:
    from ..plan import Plan
    from .findings import Finding

__all__ = ["register"]

_FORMATS = ("text", "json")


def register(subparsers: Any) -> None:
    """Add the checking sub-commands to the CLI's ``argparse`` subparsers."""
    p = subparsers.add_parser(
        "doctor", help="findings for a spec: static rules, chart keys of every release, live probes with --live"
    )
    add_spec_argument(p)
    p.add_argument("--live", action="store_true", help="also probe the database and the buckets from this machine")
    p.add_argument("--db-host", help="live: reach the database here instead (e.g. 127.0.0.1 with a port-forward)")
    p.add_argument("--db-port", type=int, help="live: database port to use with --db-host")
    p.add_argument("--storage-endpoint", help="live: reach the object store at this URL instead")
    p.add_argument("--timeout", type=float, default=5.0, help="live: seconds per probe (default 5)")
    _format(p)
    p.set_defaults(handler=_doctor)

    p = subparsers.add_parser("check", help="check your own values file against a chart's keys (typos, types)")
    p.add_argument("values", metavar="VALUES.yaml", help="a Helm values file")
    p.add_argument("--chart", required=True, help="flyte-binary, flyte-core, flyte-sandbox, flyte-deps, ...")
    _format(p)
    p.set_defaults(handler=_check)

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
    _format(p)
    p.set_defaults(handler=_render)

    p = subparsers.add_parser("import", help="read an existing flyte-binary or flyte-core values file into a spec")
    p.add_argument("values", metavar="VALUES.yaml", help="the values file you install with today")
    p.add_argument("--chart", required=True, help="the chart the file is for: flyte-binary or flyte-core")
    p.add_argument("-o", "--output", help="write the spec here (default: print it)")
    p.add_argument("--force", action="store_true", help="replace an existing file (kept as .bak)")
    p.add_argument("--name", help="the Helm release name you install with (a values file does not say)")
    p.add_argument("--namespace", help="the namespace you install into")
    p.set_defaults(handler=_import)


def _format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", default="text", choices=_FORMATS, help="text (default) or json")


def _print_findings(findings: Sequence[Finding], fmt: str) -> int:
    from .findings import exit_code, render_json, render_text

    print(render_json(findings) if fmt == "json" else render_text(findings))
    return exit_code(findings)


def _doctor(args: argparse.Namespace) -> int:
    from ..cli import resolve_spec
    from . import doctor

    spec = resolve_spec(args)
    options: dict[str, Any] = {"timeout": args.timeout}
    for name in ("db_host", "db_port", "storage_endpoint"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    return _print_findings(doctor(spec, live=args.live, live_options=options), args.format)


def _check(args: argparse.Namespace) -> int:
    from .chart_keys import check_values_file

    return _print_findings(check_values_file(args.values, args.chart), args.format)


def _chart_name(chart: str) -> str:
    """The chart name a ``--chart`` argument stands for: Chart.yaml's name, a .tgz's stem, or REPO/NAME's NAME."""
    import yaml

    from ..errors import Problem, UserInputError

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
        import re

        stem = path.name[: -len(".tgz")]
        match = re.match(r"^(?P<name>.+?)-v?\d+\.\d+", stem)  # helm package names it NAME-VERSION.tgz
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


def _render(args: argparse.Namespace) -> int:
    from ..cli import resolve_spec
    from ..errors import Problem, UserInputError
    from ..plan import build_plan
    from .findings import Finding, Severity
    from .gateway_wiring import release_wiring
    from .render import render_chart, validate_manifests

    plan: Plan = build_plan(resolve_spec(args))
    charts = {_chart_name(chart): chart for chart in args.chart}
    in_plan = {release.chart.value for release in plan.releases}
    unused = sorted(set(charts) - in_plan)
    if unused:
        raise UserInputError(
            [
                Problem(
                    "--chart",
                    f"chart {name} ({charts[name]}) is not used by this plan",
                    f"pass charts the plan installs: {', '.join(sorted(in_plan))}",
                )
                for name in unused
            ],
            source="render",
        )
    findings: list[Finding] = []
    for release in plan.releases:
        chart = charts.get(release.chart.value)
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
        version = args.version or (None if local else release.version)
        result = render_chart(
            chart,
            release.values,
            release=release.release,
            namespace=release.namespace,
            version=version,
            kubernetes_version=args.kubernetes_version,
            engine=args.engine,
        )
        if args.format == "text":
            print(
                f"rendered {release.filename} with {result.engine}: {len(result.objects)} objects "
                f"(chart {result.chart} {result.chart_version}, Kubernetes {result.kubernetes_version})",
                file=sys.stderr,
            )
        findings += validate_manifests(result, args.kubernetes_version)
        findings += release_wiring(plan, release.filename, (obj.body for obj in result.objects))
    return _print_findings(findings, args.format)


def _import(args: argparse.Namespace) -> int:
    from ..fileio import write_files
    from ..importer import import_values_file
    from ..spec import dump_spec

    result = import_values_file(args.values, args.chart, name=args.name, namespace=args.namespace)
    text = dump_spec(result.spec)
    report = sys.stdout if args.output else sys.stderr
    if args.output:
        target = Path(args.output)
        write_files(target.parent, {target.name: text}, force=args.force)
        print(f"wrote {target} from {args.values} ({args.chart})", file=report)
    else:
        sys.stdout.write(text)
    print(result.summary(), file=report)
    return 0
