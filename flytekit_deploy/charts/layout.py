"""The shape of a chart layout: where a chart keeps the few settings the checks read back from emitted values.

Each chart folder fills one in (``charts/<chart>/layout.py``): the values-side inverse of its emitter, kept beside
it so chart keys live in charts/ only. Defaults are facts
from each chart's ``values.yaml`` at v1.16.8, needed because a key the emitter leaves out takes the chart's
default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..spec import ChartName
from .tree import get

__all__ = ["ChartLayout"]


@dataclass(frozen=True)
class ChartLayout:
    """Key paths (dotted) of one chart, and the chart's defaults for those that matter when left unset."""

    chart: ChartName
    prefix: str = ""
    """Where the Flyte chart's values sit in this chart's values (flyte-sandbox wraps flyte-binary)."""
    ingress_host: str = ""
    ingress_class: str = ""
    separate_grpc: str = ""
    separate_grpc_default: bool = False
    ingress_annotations: tuple[str, ...] = ()
    """Annotations every Ingress of the chart carries."""
    grpc_ingress_annotations: str = ""
    """Annotations only the gRPC Ingress carries (when it is separate)."""
    grpc_ingress_annotations_default: Mapping[str, str] = field(default_factory=dict)
    grpc_service_annotations: tuple[str, ...] = ()
    """Annotations on the Service the gRPC Ingress routes to."""
    task_defaults: str = ""
    """Default requests of task pods (FlyteAdmin's task_resources.defaults)."""
    task_defaults_default: Mapping[str, str] = field(default_factory=dict)
    admin_endpoint: str = ""
    """Where propeller (and a data plane) reaches FlyteAdmin."""
    resources: Mapping[str, str] = field(default_factory=dict)
    """Spec component name -> the values path of its container resources (``requests``/``limits`` below it)."""
    resource_defaults: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    """Values path -> the chart's default ``{"requests": {...}, "limits": {...}}`` there."""

    def read(self, values: Mapping[str, Any], path: str, default: Any = None) -> Any:
        """The value at ``path`` (a path of the Flyte chart) inside this chart's values."""
        if not path:
            return default
        return get(values, f"{self.prefix}.{path}" if self.prefix else path, default)

    def where(self, path: str) -> str:
        """The dotted key as it appears in this chart's values file."""
        return f"{self.prefix}.{path}" if self.prefix else path
