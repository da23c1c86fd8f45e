"""``flytekit-deploy explain``: what a spec deploys, the Secrets, the steps, the placeholders left."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .arguments import add_spec_argument, resolve_spec

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``explain``."""
    p = subparsers.add_parser("explain", help="a readable summary of what a spec deploys")
    add_spec_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the plan's summary, Secrets, numbered steps and placeholders."""
    from ..plan import build_plan
    from ..plan.guide import summary

    plan = build_plan(resolve_spec(args))
    print(summary(plan))
    print()
    print("Secrets to create:")
    for secret in plan.secrets or []:
        print(f"  {secret.cluster}/{secret.namespace}/{secret.name}: {', '.join(secret.keys)} ({secret.purpose})")
    if not plan.secrets:
        print("  none")
    print()
    print("Steps:")
    for number, step in enumerate(plan.steps, 1):
        print(f"  {number:>2}. [{step.cluster}] {step.title}")
    if plan.placeholders:
        print()
        print("Still to fill in:")
        for marker, paths in plan.placeholders.items():
            print(f"  {marker}: {paths[0]}" + (f" (+{len(paths) - 1} more)" if len(paths) > 1 else ""))
    return 0
