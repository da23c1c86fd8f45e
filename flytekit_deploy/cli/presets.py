"""``flytekit-deploy presets``: the named starting points, one line each."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run"]


def register(subparsers: Subparsers) -> None:
    """Add ``presets``."""
    subparsers.add_parser("presets", help="list the named starting points").set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """One line per preset: name, model, environment, chart, summary."""
    from ..presets import PRESETS

    width = max(len(name) for name in PRESETS)
    for preset in PRESETS.values():
        spec = preset.build()
        line = f"{preset.name:<{width}}  {spec.model.value:<14} {spec.environment.value:<8} {spec.chart_name.value:<13}"
        print(f"{line} {preset.summary}")
    return 0
