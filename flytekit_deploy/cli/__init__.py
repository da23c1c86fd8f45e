"""flytekit-deploy command line: one module per command; each parses, calls the public API and prints.

Bad input is a :class:`~flytekit_deploy.errors.UserInputError`: one line per problem on stderr, exit 2, nothing
written. Building the parser imports every command module (a static table below) but no library beyond
``errors``: each handler imports what it calls, so ``presets`` never loads the Helm engine or Jupyter.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import UserInputError
from . import check, diagram, doctor, explain, fill, import_cmd, init, presets, render, schema, secrets, values, wiki
from .arguments import add_spec_argument, resolve_spec

__all__ = ["main", "build_parser", "resolve_spec", "add_spec_argument", "COMMANDS"]

# In the order `flytekit-deploy --help` lists them.
COMMANDS = (presets, init, values, fill, explain, schema, diagram, doctor, secrets, check, render, import_cmd, wiki)


def build_parser() -> argparse.ArgumentParser:
    """The ``flytekit-deploy`` parser with every command registered."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="flytekit-deploy",
        description="Describe a Flyte v1 deployment once; get Helm values, commands, Secrets, diagrams and findings.",
    )
    parser.add_argument("--version", action="version", version=f"flytekit-deploy {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit 2 on bad input, 130 on Ctrl-C, else what the command returns."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except UserInputError as error:
        print(f"error: {error.render()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code
