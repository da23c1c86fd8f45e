"""``flytekit-deploy schema``: the DeploymentSpec JSON Schema, to stdout or a file."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from .output import write_one

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``schema``."""
    p = subparsers.add_parser("schema", help="the DeploymentSpec JSON Schema")
    p.add_argument("-o", "--output", help="write to a file instead of stdout")
    p.add_argument("--force", action="store_true")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the schema."""
    from ..spec import spec_json_schema

    target = write_one(args.output, json.dumps(spec_json_schema(), indent=2) + "\n", force=args.force)
    if target is not None:
        print(f"wrote {target}")
    return 0
