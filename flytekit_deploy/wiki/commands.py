"""``wiki build`` and ``wiki serve`` for the CLI; the lead wires :func:`register` into ``flytekit_deploy.cli``.

Importing this module stays cheap: nbconvert, nbclient, ipywidgets and IPython are imported inside the handlers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["register", "DEFAULT_SITE", "DEFAULT_NOTEBOOKS"]

DEFAULT_SITE = Path("docs/_build/site")
DEFAULT_NOTEBOOKS = Path("notebooks")


def register(subparsers: Any) -> None:
    """Add ``wiki {build,serve}`` to an ``argparse`` subparsers object."""
    wiki = subparsers.add_parser("wiki", help="build or serve the deployment wiki (executed notebooks)")
    actions = wiki.add_subparsers(dest="wiki_command", metavar="{build,serve}")
    actions.required = True

    build = actions.add_parser("build", help="execute the NN-*.ipynb chapters and publish an offline site")
    build.add_argument("-o", "--output", type=Path, default=DEFAULT_SITE, help=f"site folder (default {DEFAULT_SITE})")
    build.add_argument(
        "--notebooks", type=Path, default=DEFAULT_NOTEBOOKS, help=f"chapters folder (default {DEFAULT_NOTEBOOKS})"
    )
    build.add_argument("--jobs", type=_positive, default=2, help="notebooks executed in parallel (default 2)")
    build.add_argument("--force", action="store_true", help="replace a non-empty folder that is not a wiki build")
    build.add_argument("--rerun", action="store_true", help="execute every notebook even when cached")
    build.add_argument("--spec", type=Path, help="build a runbook of this spec file (or preset name) instead")
    build.set_defaults(handler=_build)

    serve = actions.add_parser("serve", help="serve a built site on 127.0.0.1")
    serve.add_argument("-d", "--directory", type=Path, default=DEFAULT_SITE, help=f"site (default {DEFAULT_SITE})")
    serve.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    serve.set_defaults(handler=_serve)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _build(args: argparse.Namespace) -> int:
    from .build import build_site

    build_site(args.notebooks, args.output, jobs=args.jobs, force=args.force, rerun=args.rerun, spec=args.spec)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    serve(args.directory, port=args.port)
    return 0
