"""flyte-core ``configmap`` sections for FlytePropeller at work: how hard it works, which images and plugins
it uses, and the log links the console shows for each task."""

from __future__ import annotations

from typing import Any

from ...clouds import aws
from ...clouds.aws import ROLE_NAME_KEY as AWS_ROLE_NAME_KEY
from ...clouds.azure import azure_template
from ...spec import ConnectorKind, DeploymentSpec, LogProvider, Profile
from ..flyteconnector.emitter import connector_endpoint, needs_connector_service
from .parts import Parts, escape_go_template

__all__ = [
    "PRODUCTION_PROPELLER",
    "COPILOT_IMAGE",
    "CHART_ENABLED_PLUGINS",
    "ROLE_NAME_KEY",
    "add_propeller_config",
    "add_task_logs",
    "add_connectors",
]

PRODUCTION_PROPELLER: dict[str, Any] = {
    "gc-interval": "12h",
    "max-workflow-retries": 50,
    "kube-client-config": {"qps": 100, "burst": 25, "timeout": "30s"},
    "queue": {"sub-queue": {"type": "bucket", "rate": 100, "capacity": 1000}},
}
"""Flyte's production tuning of propeller: garbage-collect finished workflows twice a day, retry harder, talk
to the API server faster than client-go's default 5 qps, and drain the per-workflow sub-queue ten times faster."""

COPILOT_IMAGE = "cr.flyte.org/flyteorg/flytecopilot"
CHART_ENABLED_PLUGINS = ["container", "sidecar", "k8s-array", "connector-service", "echo"]
"""flyte-core's default task plugins (a list: setting it replaces the whole list)."""
ROLE_NAME_KEY = AWS_ROLE_NAME_KEY
"""The pod annotation FlyteAdmin writes an execution's IAM role under (chart default roleNameKey); the AWS Batch
plugin must read the role from the same key."""
_KUBERNETES_LOG_PATH = "{{ .namespace }}/{{ .podName }}/pod?namespace={{ .namespace }}"
"""What the Kubernetes dashboard's log view appends to its base URL."""


def add_propeller_config(spec: DeploymentSpec, parts: Parts) -> None:
    """``configmap.core.propeller`` workers (from the spec) and, for production, the tuning above."""
    propeller: dict[str, Any] = {"workers": spec.components.propeller.workers}
    if spec.profile is Profile.PRODUCTION:
        propeller.update(PRODUCTION_PROPELLER)
    parts.add({"configmap": {"core": {"propeller": propeller}}})
    if spec.components.copilot_image_tag:
        image = f"{COPILOT_IMAGE}:{spec.components.copilot_image_tag}"
        parts.add({"configmap": {"copilot": {"plugins": {"k8s": {"co-pilot": {"image": image}}}}}})


def _log_settings(spec: DeploymentSpec) -> dict[str, Any]:
    logs = spec.observability.logs
    providers = logs.providers
    settings: dict[str, Any] = {"kubernetes-enabled": LogProvider.KUBERNETES in providers}
    if LogProvider.KUBERNETES in providers:
        settings["kubernetes-template-uri"] = escape_go_template(logs.kubernetes_url + _KUBERNETES_LOG_PATH)
    settings["cloudwatch-enabled"] = LogProvider.CLOUDWATCH in providers
    if LogProvider.CLOUDWATCH in providers:
        settings["cloudwatch-region"] = aws.region(spec)
        settings["cloudwatch-log-group"] = logs.cloudwatch_log_group
    if LogProvider.STACKDRIVER in providers:
        settings["stackdriver-enabled"] = True
        settings["stackdriver-logresourcename"] = logs.stackdriver_log_resource
    templates: list[dict[str, Any]] = []
    if LogProvider.AZURE in providers:
        uri = escape_go_template(azure_template(spec))
        templates.append({"displayName": "Azure Logs", "templateUris": [uri]})
    if LogProvider.CUSTOM in providers:
        templates += [
            {"displayName": link.name, "templateUris": [escape_go_template(link.template)]} for link in logs.custom
        ]
    if templates:
        settings["templates"] = templates
    return settings


def add_task_logs(spec: DeploymentSpec, parts: Parts) -> None:
    """``configmap.task_logs``: the console's log links, for regular tasks and for (legacy) map-task subtasks.
    flyte-core renders this block through ``tpl``, so Go-template links are escaped to survive it."""
    settings = _log_settings(spec)
    array = {key: value for key, value in settings.items() if value is not False}  # off is the plugin default
    names = ", ".join(p.value for p in spec.observability.logs.providers) or "none"
    parts.add(
        {"configmap": {"task_logs": {"plugins": {"logs": settings, "k8s-array": {"logs": {"config": array}}}}}},
        {"configmap.task_logs": f"task log links in the console: {names}"},
    )
    if LogProvider.CUSTOM in spec.observability.logs.providers and not spec.observability.logs.custom:
        parts.note("observability.logs: provider custom is chosen but no custom links are given.")


def add_connectors(spec: DeploymentSpec, parts: Parts) -> None:
    """Hybrid: the ``connector-service`` plugin pointed at the flyteconnector release (emitted by
    :mod:`.connector`), and AWS Batch, which is no connector: propeller's own ``aws_array`` plugin submits the jobs.
    The chart's ``flyteconnector`` block would deploy a second connector, so the plugin settings go in with the other
    propeller plugin config (propeller merges every file of its config map into one configuration)."""
    service = needs_connector_service(spec)
    batch = any(c.kind is ConnectorKind.AWS_BATCH for c in spec.connectors)
    if not (service or batch):
        return
    task_types = {"container": "container", "sidecar": "sidecar", "container_array": "k8s-array"}
    plugins: dict[str, Any] = {}
    if service:
        plugins["connector-service"] = {"defaultConnector": {"endpoint": connector_endpoint(spec), "insecure": True}}
    if batch:
        task_types["aws-batch"] = "aws_array"
        region = aws.region(spec)
        plugins["aws"] = {"region": region, "batch": {"roleAnnotationKey": ROLE_NAME_KEY}}
    enabled = [*CHART_ENABLED_PLUGINS, *(["aws_array"] if batch else [])]
    block = {
        "tasks": {"task-plugins": {"enabled-plugins": enabled, "default-for-task-types": task_types}},
        "plugins": plugins,
    }
    what = [f"connector-service -> {connector_endpoint(spec)}"] if service else []
    what += ["aws_array for aws-batch tasks"] if batch else []
    parts.add(
        {"configmap": {"enabled_plugins": block}},
        {"configmap.enabled_plugins": "task plugins: " + "; ".join(what)},
    )
    if batch:
        parts.add(
            {
                "configmap": {
                    "adminServer": {
                        "queues": {
                            "executionQueues": [{"dynamic": "<AWS_BATCH_JOB_QUEUE>", "attributes": ["default"]}],
                            "workflowConfigs": [{"tags": ["default"]}],
                        }
                    }
                }
            }
        )
        parts.note(
            "AWS Batch: replace <AWS_BATCH_JOB_QUEUE> with your job queue, and let propeller's role submit Batch jobs "
            "and pass task roles to them (iam:PassRole); task roles must trust ecs-tasks.amazonaws.com."
        )
