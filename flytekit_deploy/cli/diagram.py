"""``flytekit-deploy diagram``: a view of a spec as mermaid, DOT or SVG, to a file or stdout.

The views, the spec loader and graphviz load when the command runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import Problem, UserInputError
from .arguments import add_spec_argument, resolve_spec
from .output import write_one

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run", "FORMATS"]

FORMATS = ("mermaid", "dot", "svg")


def register(subparsers: Subparsers) -> None:
    """Add ``diagram``."""
    p = subparsers.add_parser(
        "diagram",
        help="draw a spec (or a named view) as mermaid, DOT or SVG",
        description="Draw the deployment a spec describes, or a named view: architecture, deployment-options, "
        "helm-process, sandbox, aws, gcp, azure, multi-cluster, this-deployment (the default, needs a spec).",
    )
    add_spec_argument(p)
    p.add_argument("--view", default="this-deployment", help="which diagram (default: this-deployment)")
    p.add_argument("--format", choices=FORMATS, default="mermaid", help="output format (default: mermaid)")
    p.add_argument("--expand-data-planes", action="store_true", help="draw every data plane, even when there are many")
    p.add_argument("--detailed", action="store_true", help="every node and edge (default: the view drawn for reading)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--force", action="store_true", help="replace FILE when it differs (kept as .bak)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the view, load the spec, render, then write: bad input stops before any file is touched."""
    from ..diagrams.views import VIEWS, diagram

    view = VIEWS.get(args.view)
    if view is None:
        raise UserInputError([Problem("--view", f"unknown view {args.view!r}", f"choose one of: {', '.join(VIEWS)}")])
    if view.needs_spec and not (args.spec or args.preset):
        raise UserInputError(
            [
                Problem(
                    "SPEC",
                    f"the {view.name} view draws a spec",
                    "pass a spec file or --preset NAME, or choose a view that needs none (--view aws, architecture, ...)",
                )
            ]
        )
    spec = resolve_spec(args) if args.spec or args.preset else None  # a bad spec file raises SpecError here
    text = diagram(view.name, spec, expand_data_planes=args.expand_data_planes, detailed=args.detailed).render(
        args.format
    )
    target = write_one(args.output, text, force=args.force)
    if target is not None:
        print(f"wrote {target}")
    return 0
