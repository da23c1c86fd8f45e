"""Arguments several commands share: how a spec is named (a file or ``--preset``), ``--format``, ``-o/--force``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import Problem, UserInputError

if TYPE_CHECKING:
    from typing import TypeAlias

    from ..spec import DeploymentSpec

    Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

__all__ = ["add_spec_argument", "resolve_spec", "add_format_argument", "FINDINGS_FORMATS"]

FINDINGS_FORMATS = ("text", "json")


def add_spec_argument(parser: argparse.ArgumentParser) -> None:
    """SPEC (a file) or --preset NAME: how every command that works on a spec names it."""
    parser.add_argument("spec", nargs="?", help="spec file (YAML or JSON)")
    parser.add_argument("--preset", help="use a named preset instead of a spec file (see `presets`)")


def resolve_spec(args: argparse.Namespace) -> DeploymentSpec:
    """The spec named on the command line: a file, or ``--preset NAME``; neither or both is bad input."""
    from ..presets import get_preset  # the presets module builds every preset's tables: only when asked for
    from ..spec import load_spec

    preset: str | None = getattr(args, "preset", None)
    spec_file: str | None = getattr(args, "spec", None)
    if preset and spec_file:
        raise UserInputError([Problem("--preset", "give a spec file or --preset, not both", "drop one of them")])
    if preset:
        return get_preset(preset)
    if not spec_file:
        raise UserInputError(
            [Problem("SPEC", "no spec given", "pass a spec file, or --preset sandbox (see `flytekit-deploy presets`)")]
        )
    return load_spec(spec_file)


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    """``--format text|json`` of the commands that print findings."""
    parser.add_argument("--format", default="text", choices=FINDINGS_FORMATS, help="text (default) or json")
