"""``flytekit-deploy fill SPEC --from-terraform OUTPUTS.json``: the placeholders ``infra/``'s outputs answer (role
ARNs, service-account emails, client ids, database host, bucket names...) written into the spec file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, UserInputError

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``fill``."""
    p = subparsers.add_parser("fill", help="fill the spec's placeholders from `terraform output -json` of infra/")
    p.add_argument("spec", help="spec file to fill (rewritten in place; the old one kept as a numbered .bak)")
    p.add_argument("--from-terraform", required=True, metavar="OUTPUTS.json", help="`terraform output -json` file")
    p.add_argument("-o", "--output", help="write the filled spec here instead of over SPEC")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Fill, write atomically, list what was filled and what is still open."""
    from ..fileio import write_file
    from ..plan.fill import fill_from_outputs, read_outputs
    from ..spec import dump_spec, load_spec

    spec_path = Path(args.spec)
    if not spec_path.is_file():
        raise UserInputError([Problem("SPEC", f"{spec_path} is not a file", "pass the spec file `values` wrote from")])
    result = fill_from_outputs(load_spec(spec_path), read_outputs(Path(args.from_terraform)))
    target = Path(args.output) if args.output else spec_path
    fmt = "json" if target.suffix == ".json" else "yaml"
    write_file(target, dump_spec(result.spec, fmt), force=True)
    print(f"filled {len(result.filled)} field(s) in {target}:")
    for path, marker, value in result.filled:
        print(f"  {path}: {marker} -> {value}")
    for path, current, value in result.kept:
        print(f"  kept {path} = {current} (terraform says {value})")
    if result.still_open:
        print(f"{len(result.still_open)} placeholder(s) still open: {', '.join(result.still_open)}")
    else:
        print("no placeholder left")
    return 0
