"""``flytekit-deploy wiki build|serve``: execute the chapters into an offline site, or serve a built one.

nbconvert, nbclient, ipywidgets and IPython load inside the handlers, so building the parser stays cheap.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "build", "serve", "DEFAULT_SITE", "DEFAULT_NOTEBOOKS"]

DEFAULT_SITE = Path("docs/_build/site")
DEFAULT_NOTEBOOKS = Path("notebooks")


def register(subparsers: Subparsers) -> None:
    """Add ``wiki {build,serve}``."""
    wiki = subparsers.add_parser("wiki", help="build or serve the deployment wiki (executed notebooks)")
    actions = wiki.add_subparsers(dest="wiki_command", metavar="{build,serve}")
    actions.required = True

    p = actions.add_parser("build", help="execute the NN-*.ipynb chapters and publish an offline site")
    p.add_argument("-o", "--output", type=Path, default=DEFAULT_SITE, help=f"site folder (default {DEFAULT_SITE})")
    p.add_argument(
        "--notebooks", type=Path, default=DEFAULT_NOTEBOOKS, help=f"chapters folder (default {DEFAULT_NOTEBOOKS})"
    )
    p.add_argument("--jobs", type=_positive, default=2, help="notebooks executed in parallel (default 2)")
    p.add_argument("--force", action="store_true", help="replace a non-empty folder that is not a wiki build")
    p.add_argument("--rerun", action="store_true", help="execute every notebook even when cached")
    p.add_argument("--spec", type=Path, help="build a runbook of this spec file (or preset name) instead")
    p.set_defaults(handler=build)

    p = actions.add_parser("serve", help="serve a built site on 127.0.0.1")
    p.add_argument("-d", "--directory", type=Path, default=DEFAULT_SITE, help=f"site (default {DEFAULT_SITE})")
    p.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    p.set_defaults(handler=serve)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build(args: argparse.Namespace) -> int:
    """Execute the chapters (cached by content) and publish the site."""
    from ..wiki.build import build_site

    build_site(args.notebooks, args.output, jobs=args.jobs, force=args.force, rerun=args.rerun, spec=args.spec)
    return 0


def serve(args: argparse.Namespace) -> int:
    """Serve ``--directory`` on loopback until interrupted."""
    from ..wiki.serve import serve as serve_site

    serve_site(args.directory, port=args.port)
    return 0
