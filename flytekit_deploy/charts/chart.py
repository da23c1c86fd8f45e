"""What one chart folder offers the rest of the kit: :class:`Chart`, a typed record of plain callables and flags.

Each folder under ``charts/`` builds one in its ``__init__``; :mod:`flytekit_deploy.charts.registry` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..spec import ChartName, DeploymentSpec
from .base import ReleaseValues
from .catalogue import keys_of
from .layout import ChartLayout
from .reading import Reader

__all__ = ["Chart", "Emitter", "ReadValues", "Preparer", "no_preparation"]

Emitter = Callable[[DeploymentSpec], list[ReleaseValues]]
ReadValues = Callable[[Mapping[str, Any]], Reader]
Preparer = Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]


def no_preparation(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A values file read as it is."""
    return values, []


@dataclass(frozen=True)
class Chart:
    """One Flyte v1 chart: how the kit writes it, reads it back, finds its keys, and what it can do."""

    name: ChartName
    emit: Emitter
    """Every release of this chart the spec needs (empty when it needs none)."""
    main_chart: bool
    """Can be the main release (``spec.chart``)."""
    single_process: bool = False
    """All Flyte services in one process (per-service replicas do not apply)."""
    multi_cluster_capable: bool = False
    """Has control-plane and data-plane profiles."""
    beside_every_main: bool = False
    """Emitted after every main chart (it decides from the spec whether a release is needed)."""
    read: ReadValues | None = None
    """The importer's reader of a values file of this chart (None: not importable)."""
    prepare_import: Preparer = no_preparation
    """What to do to a values file before reading it (flyte-core resolves its ``userSettings`` references)."""
    layout: ChartLayout | None = None
    """Where the checks find the settings they read back (None: the checks do not read this chart)."""

    def keys(self) -> Mapping[str, Any]:
        """This chart's slice of the chart-key catalogue."""
        return keys_of(self.name.value)
