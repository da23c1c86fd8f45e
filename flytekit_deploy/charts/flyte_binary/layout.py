"""Where flyte-binary keeps the settings the checks read back (flyte-sandbox reuses it under its subchart key)."""

from __future__ import annotations

from ...spec import ChartName
from ..layout import ChartLayout

__all__ = ["LAYOUT", "binary_layout"]


def binary_layout(chart: ChartName, prefix: str = "") -> ChartLayout:
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


LAYOUT = binary_layout(ChartName.FLYTE_BINARY)
