"""Metrics scraping and task log links."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator

from .base import SpecModel
from .validators import check_duration

__all__ = ["ServiceMonitor", "LogProvider", "LogLink", "Logs", "Observability"]


class ServiceMonitor(SpecModel):
    """Prometheus Operator ServiceMonitor for each Flyte component that exposes metrics."""

    enabled: bool = Field(default=False, description="Create ServiceMonitors (needs the Prometheus Operator CRDs).")
    interval: str = Field(default="60s", description="Scrape interval.")
    scrape_timeout: str = Field(default="30s", description="Scrape timeout (must be below the interval).")
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Labels your Prometheus selects ServiceMonitors by, e.g. release: prom.",
    )

    @field_validator("interval", "scrape_timeout")
    @classmethod
    def _duration(cls, value: str) -> str:
        return check_duration(value)


class LogProvider(str, Enum):
    KUBERNETES = "kubernetes"
    CLOUDWATCH = "cloudwatch"
    STACKDRIVER = "stackdriver"
    AZURE = "azure"
    CUSTOM = "custom"


class LogLink(SpecModel):
    """A custom log link shown in the console, as a Go template over the pod (``{{ .podName }}``...)."""

    name: str = Field(description="Link text in the console.")
    template: str = Field(description="URL template, e.g. https://logs.example.com/{{ .namespace }}/{{ .podName }}")


class Logs(SpecModel):
    providers: list[LogProvider] = Field(
        default_factory=lambda: [LogProvider.KUBERNETES], description="Where task logs are linked from."
    )
    kubernetes_url: str = Field(
        default="http://localhost:30080/kubernetes-dashboard/#/log/",
        description="Kubernetes dashboard base URL for the kubernetes link.",
    )
    cloudwatch_log_group: str = Field(default="<CLOUDWATCH_LOG_GROUP>", description="CloudWatch log group (AWS).")
    stackdriver_log_resource: str = Field(default="k8s_container", description="Stackdriver resource type (GCP).")
    azure_workspace_url: str = Field(
        default="<AZURE_LOG_ANALYTICS_URL>",
        description="Azure Monitor / Log Analytics query URL prefix the pod name is appended to.",
    )
    custom: list[LogLink] = Field(default_factory=list, description="Custom links (provider custom).")


class Observability(SpecModel):
    service_monitor: ServiceMonitor = Field(default_factory=ServiceMonitor, title="ServiceMonitor")
    logs: Logs = Field(default_factory=Logs, title="Task logs")
