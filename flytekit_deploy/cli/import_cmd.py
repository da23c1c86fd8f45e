"""``flytekit-deploy import VALUES --chart NAME``: an existing values file read into a spec by the importer."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .output import write_one

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``import``."""
    p = subparsers.add_parser("import", help="read an existing flyte-binary or flyte-core values file into a spec")
    p.add_argument("values", metavar="VALUES.yaml", help="the values file you install with today")
    p.add_argument("--chart", required=True, help="the chart the file is for: flyte-binary or flyte-core")
    p.add_argument("-o", "--output", help="write the spec here (default: print it)")
    p.add_argument("--force", action="store_true", help="replace an existing file (kept as .bak)")
    p.add_argument("--name", help="the Helm release name you install with (a values file does not say)")
    p.add_argument("--namespace", help="the namespace you install into")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Import, then write or print the spec; the importer's summary goes to stderr when the spec is on stdout."""
    from ..importer import import_values_file
    from ..spec import dump_spec

    result = import_values_file(args.values, args.chart, name=args.name, namespace=args.namespace)
    report = sys.stdout if args.output else sys.stderr
    target = write_one(args.output, dump_spec(result.spec), force=args.force)
    if target is not None:
        print(f"wrote {target} from {args.values} ({args.chart})", file=report)
    print(result.summary(), file=report)
    return 0
