"""``flytekit-deploy values``: the whole plan into a folder (values files, install guide and script, client config)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .arguments import add_spec_argument, resolve_spec

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``values``."""
    p = subparsers.add_parser("values", help="write the whole plan: values files, install guide, script, client config")
    add_spec_argument(p)
    p.add_argument("-o", "--output", required=True, help="output folder")
    p.add_argument("--force", action="store_true", help="replace files that differ (kept as .bak)")
    p.add_argument("--charts", help="folder of the v1.16.8 charts: infra/ binds the ServiceAccounts of their render")
    p.add_argument("--no-render", action="store_true", help="infra/ from the emitted values, without rendering")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build the plan, write its files (all or nothing), list them and the placeholders left."""
    from ..fileio import write_files
    from ..plan import build_plan

    plan = build_plan(resolve_spec(args))
    files = plan.files()
    note = ""
    if not getattr(args, "no_render", False):
        from ..checks.infra import rendered_infra_files

        infra, note = rendered_infra_files(plan, getattr(args, "charts", None))
        files.update(infra)
    written = write_files(Path(args.output), files, force=args.force)
    print(f"wrote {len(written)} files to {args.output}/:")
    for path in written:
        print(f"  {path}")
    if note:
        print(note)
    if plan.placeholders:
        print(f"{len(plan.placeholders)} placeholder(s) still to fill in: {', '.join(plan.placeholders)}")
    print(f"next: read {Path(args.output) / 'install.md'}")
    return 0
