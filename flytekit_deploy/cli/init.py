"""``flytekit-deploy init PRESET``: a spec file to edit, written from a preset."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .output import write_one

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``init``."""
    p = subparsers.add_parser("init", help="write a spec file from a preset")
    p.add_argument("preset_name", metavar="PRESET")
    p.add_argument("-o", "--output", default="flyte-spec.yaml", help="spec file to write (default flyte-spec.yaml)")
    p.add_argument("--force", action="store_true", help="replace an existing file (kept as .bak)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the preset's spec, then say what to do next."""
    from ..presets import get_preset
    from ..spec import dump_spec

    target = write_one(args.output, dump_spec(get_preset(args.preset_name)), force=args.force)
    print(f"wrote {target} from preset {args.preset_name}; edit it, then: flytekit-deploy values {target} -o out/")
    return 0
