"""flytekit-deploy command line: parse, call the public API, print. Exit 2 on bad input, with nothing written.

Heavy parts (Jupyter, Helm engine, graphviz rendering) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problem, UserInputError

if TYPE_CHECKING:
    from .spec import DeploymentSpec

__all__ = ["main", "build_parser", "resolve_spec", "add_spec_argument"]

# Each area registers its own sub-commands; the modules named here import nothing heavy at module level.
_COMMAND_MODULES = (
    "flytekit_deploy.diagrams.commands",
    "flytekit_deploy.checks.commands",
    "flytekit_deploy.wiki.commands",
)


def add_spec_argument(parser: argparse.ArgumentParser) -> None:
    """SPEC (a file) or --preset NAME: how every command that works on a spec names it."""
    parser.add_argument("spec", nargs="?", help="spec file (YAML or JSON)")
    parser.add_argument("--preset", help="use a named preset instead of a spec file (see `presets`)")


def resolve_spec(args: argparse.Namespace) -> DeploymentSpec:
    """The spec named on the command line: a file, or ``--preset NAME``."""
    from .presets import get_preset
    from .spec import load_spec

    if getattr(args, "preset", None) and getattr(args, "spec", None):
        raise UserInputError([Problem("--preset", "give a spec file or --preset, not both", "drop one of them")])
    if getattr(args, "preset", None):
        return get_preset(args.preset)
    if not getattr(args, "spec", None):
        raise UserInputError(
            [Problem("SPEC", "no spec given", "pass a spec file, or --preset sandbox (see `flytekit-deploy presets`)")]
        )
    return load_spec(args.spec)


def _cmd_presets(args: argparse.Namespace) -> int:
    from .presets import PRESETS

    width = max(len(name) for name in PRESETS)
    for preset in PRESETS.values():
        spec = preset.build()
        line = f"{preset.name:<{width}}  {spec.model.value:<14} {spec.environment.value:<8} {spec.chart_name.value:<13}"
        print(f"{line} {preset.summary}")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from .fileio import write_files
    from .presets import get_preset
    from .spec import dump_spec

    spec = get_preset(args.preset_name)
    target = Path(args.output)
    write_files(target.parent, {target.name: dump_spec(spec)}, force=args.force)
    print(f"wrote {target} from preset {args.preset_name}; edit it, then: flytekit-deploy values {target} -o out/")
    return 0


def _cmd_values(args: argparse.Namespace) -> int:
    from .fileio import write_files
    from .plan import build_plan

    plan = build_plan(resolve_spec(args))
    written = write_files(Path(args.output), plan.files(), force=args.force)
    print(f"wrote {len(written)} files to {args.output}/:")
    for path in written:
        print(f"  {path}")
    if plan.placeholders:
        print(f"{len(plan.placeholders)} placeholder(s) still to fill in: {', '.join(plan.placeholders)}")
    print(f"next: read {Path(args.output) / 'install.md'}")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .plan import build_plan
    from .plan.guide import summary

    plan = build_plan(resolve_spec(args))
    print(summary(plan))
    print()
    print("Secrets to create:")
    for secret in plan.secrets or []:
        print(f"  {secret.cluster}/{secret.namespace}/{secret.name}: {', '.join(secret.keys)} ({secret.purpose})")
    if not plan.secrets:
        print("  none")
    print()
    print("Steps:")
    for number, step in enumerate(plan.steps, 1):
        print(f"  {number:>2}. [{step.cluster}] {step.title}")
    if plan.placeholders:
        print()
        print("Still to fill in:")
        for marker, paths in plan.placeholders.items():
            print(f"  {marker}: {paths[0]}" + (f" (+{len(paths) - 1} more)" if len(paths) > 1 else ""))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from .fileio import write_files
    from .spec import spec_json_schema

    text = json.dumps(spec_json_schema(), indent=2) + "\n"
    if args.output:
        target = Path(args.output)
        write_files(target.parent, {target.name: text}, force=args.force)
        print(f"wrote {target}")
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="flytekit-deploy",
        description="Describe a Flyte v1 deployment once; get Helm values, commands, Secrets, diagrams and findings.",
    )
    parser.add_argument("--version", action="version", version=f"flytekit-deploy {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("presets", help="list the named starting points")
    p.set_defaults(handler=_cmd_presets)

    p = sub.add_parser("init", help="write a spec file from a preset")
    p.add_argument("preset_name", metavar="PRESET")
    p.add_argument("-o", "--output", default="flyte-spec.yaml", help="spec file to write (default flyte-spec.yaml)")
    p.add_argument("--force", action="store_true", help="replace an existing file (kept as .bak)")
    p.set_defaults(handler=_cmd_init)

    p = sub.add_parser("values", help="write the whole plan: values files, install guide, script, client config")
    add_spec_argument(p)
    p.add_argument("-o", "--output", required=True, help="output folder")
    p.add_argument("--force", action="store_true", help="replace files that differ (kept as .bak)")
    p.set_defaults(handler=_cmd_values)

    p = sub.add_parser("explain", help="a readable summary of what a spec deploys")
    add_spec_argument(p)
    p.set_defaults(handler=_cmd_explain)

    p = sub.add_parser("schema", help="the DeploymentSpec JSON Schema")
    p.add_argument("-o", "--output", help="write to a file instead of stdout")
    p.add_argument("--force", action="store_true")
    p.set_defaults(handler=_cmd_schema)

    for name in _COMMAND_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        register: Callable[[argparse._SubParsersAction], None] = module.register  # type: ignore[type-arg]
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except UserInputError as error:
        print(f"error: {error.render()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
