"""Where each chart keeps the few settings the checks read back from emitted values.

This is the values-side inverse of the emitters in this package (which write these keys), kept beside them so
chart keys live in charts/ only. Defaults are facts
from each chart's ``values.yaml`` at v1.16.8, needed because a key the emitter leaves out takes the chart's
default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..spec import ChartName
from .tree import get

__all__ = ["ChartLayout", "LAYOUTS", "layout_for"]


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


def _binary_layout(chart: ChartName, prefix: str = "") -> ChartLayout:
    """flyte-binary's keys; flyte-sandbox passes the same values through its ``flyte-binary`` subchart key."""
    return ChartLayout(
        chart=chart,
        prefix=prefix,
        ingress_host="ingress.host",
        ingress_class="ingress.ingressClassName",
        separate_grpc="ingress.separateGrpcIngress",
        separate_grpc_default=True,
        ingress_annotations=("ingress.commonAnnotations",),
        grpc_ingress_annotations="ingress.grpcAnnotations",
        grpc_service_annotations=("service.commonAnnotations", "service.grpcAnnotations"),
        task_defaults="configuration.inline.task_resources.defaults",
        resources={"admin": "deployment.resources"},
    )


def _core_resources(cpu_limit: str, memory_limit: str, memory_request: str = "50Mi") -> dict[str, dict[str, str]]:
    limits = {"cpu": cpu_limit, "ephemeral-storage": "100Mi", "memory": memory_limit}
    return {"limits": limits, "requests": {"cpu": "10m", "ephemeral-storage": "50Mi", "memory": memory_request}}


LAYOUTS: dict[ChartName, ChartLayout] = {
    ChartName.FLYTE_CORE: ChartLayout(
        chart=ChartName.FLYTE_CORE,
        ingress_host="common.ingress.host",
        ingress_class="common.ingress.ingressClassName",
        separate_grpc="common.ingress.separateGrpcIngress",
        separate_grpc_default=False,
        ingress_annotations=("common.ingress.annotations",),
        grpc_ingress_annotations="common.ingress.separateGrpcIngressAnnotations",
        grpc_ingress_annotations_default={"nginx.ingress.kubernetes.io/backend-protocol": "GRPC"},
        grpc_service_annotations=("flyteadmin.service.annotations",),
        task_defaults="configmap.task_resource_defaults.task_resources.defaults",
        task_defaults_default={"cpu": "100m", "memory": "500Mi"},
        admin_endpoint="configmap.admin.admin.endpoint",
        resources={
            "admin": "flyteadmin.resources",
            "datacatalog": "datacatalog.resources",
            "scheduler": "flytescheduler.resources",
            "propeller": "flytepropeller.resources",
            "console": "flyteconsole.resources",
        },
        resource_defaults={
            "flyteadmin.resources": _core_resources("250m", "500Mi"),
            "flytescheduler.resources": _core_resources("250m", "500Mi"),
            "datacatalog.resources": _core_resources("500m", "500Mi"),
            "flytepropeller.resources": _core_resources("200m", "200Mi", memory_request="100Mi"),
            "flyteconsole.resources": {
                "limits": {"cpu": "500m", "memory": "250Mi"},
                "requests": {"cpu": "10m", "memory": "50Mi"},
            },
        },
    ),
    ChartName.FLYTE_BINARY: _binary_layout(ChartName.FLYTE_BINARY),
    ChartName.FLYTE_SANDBOX: _binary_layout(ChartName.FLYTE_SANDBOX, prefix="flyte-binary"),
}


def layout_for(chart: ChartName) -> ChartLayout | None:
    """The layout of a Flyte chart; None for charts the checks do not read (flyte-deps, flyteconnector)."""
    return LAYOUTS.get(chart)
