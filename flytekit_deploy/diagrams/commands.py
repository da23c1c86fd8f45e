"""``flytekit-deploy diagram``: a view of a spec as mermaid, DOT or SVG, to a file or stdout.

Registering imports nothing heavy: the spec, the views and graphviz load when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register", "run"]

_FORMATS = ("mermaid", "dot", "svg")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``diagram`` sub-command."""
    p = subparsers.add_parser(
        "diagram",
        help="draw a spec (or a named view) as mermaid, DOT or SVG",
        description="Draw the deployment a spec describes, or one of the named views "
        "(architecture, deployment-options, helm-process, sandbox, aws, gcp, azure, multi-cluster, this-deployment).",
    )
    p.add_argument("spec", nargs="?", metavar="SPEC", help="spec file (YAML or JSON); optional for preset views")
    p.add_argument("--preset", help="draw a named preset instead of a spec file")
    p.add_argument("--view", default="this-deployment", help="which diagram (default: this-deployment)")
    p.add_argument("--format", choices=_FORMATS, default="mermaid", help="output format (default: mermaid)")
    p.add_argument("--expand-data-planes", action="store_true", help="draw every data plane, even when there are many")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--force", action="store_true", help="replace FILE when it differs (kept as .bak)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the view, load the spec, render, then write: any bad input stops before a file is touched."""
    from ..errors import Problem, UserInputError
    from ..fileio import write_files
    from ..presets import get_preset
    from ..spec import load_spec
    from .views import diagram, view_names

    if args.view not in view_names():
        raise UserInputError(
            [Problem("--view", f"unknown view {args.view!r}", f"choose one of: {', '.join(view_names())}")]
        )
    if args.spec and args.preset:
        raise UserInputError([Problem("--preset", "give a spec file or --preset, not both", "drop one of them")])
    spec = load_spec(args.spec) if args.spec else get_preset(args.preset) if args.preset else None
    text = diagram(args.view, spec, expand_data_planes=args.expand_data_planes).render(args.format)
    if args.output:
        target = Path(args.output)
        write_files(target.parent, {target.name: text}, force=args.force)
        print(f"wrote {target}")
    else:
        sys.stdout.write(text)
    return 0
