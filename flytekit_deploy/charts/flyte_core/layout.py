"""Where flyte-core keeps the settings the checks read back, and the chart's defaults for those left unset."""

from __future__ import annotations

from ...spec import ChartName
from ..layout import ChartLayout

__all__ = ["LAYOUT"]


def _core_resources(cpu_limit: str, memory_limit: str, memory_request: str = "50Mi") -> dict[str, dict[str, str]]:
    limits = {"cpu": cpu_limit, "ephemeral-storage": "100Mi", "memory": memory_limit}
    return {"limits": limits, "requests": {"cpu": "10m", "ephemeral-storage": "50Mi", "memory": memory_request}}


LAYOUT = ChartLayout(
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
)
