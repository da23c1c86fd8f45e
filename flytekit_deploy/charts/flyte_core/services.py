"""flyte-core sections for the Flyte services themselves: which run, how many, how big, as whom, and how they
are scraped. Each builder writes a values fragment (with a comment saying why) into :class:`Parts`."""

from __future__ import annotations

from typing import Any

from ...clouds import aws, cloud_of, identity_of
from ...spec import Component, DeploymentSpec, Profile, SchedulerKind
from .parts import ADMIN_ROLES, Parts, anti_affinity, resources_values

__all__ = [
    "SERVICES",
    "service_enabled",
    "add_services",
    "add_scheduler",
    "add_identity",
    "add_monitoring",
]

SERVICES: tuple[tuple[str, str], ...] = (
    ("admin", "flyteadmin"),
    ("datacatalog", "datacatalog"),
    ("propeller", "flytepropeller"),
    ("console", "flyteconsole"),
)
"""Spec component -> flyte-core block, for the services with replicas of their own."""


def service_enabled(spec: DeploymentSpec, block: str) -> bool:
    """Whether the spec runs the service behind a flyte-core block (before any multi-cluster profile)."""
    components = spec.components
    return {
        "flyteadmin": components.admin.enabled,
        "datacatalog": components.datacatalog.enabled,
        "flytepropeller": components.propeller.enabled,
        "flyteconsole": components.console.enabled,
        "flytescheduler": components.scheduler.enabled and components.scheduler.kind is SchedulerKind.NATIVE,
    }[block]


def _service_block(component: Component, app_name: str) -> dict[str, Any]:
    block: dict[str, Any] = {"enabled": True, "replicaCount": component.replicas}
    if component.image_tag:
        block["image"] = {"tag": component.image_tag}
    resources = resources_values(component.resources)
    if resources:
        block["resources"] = resources
    if component.spread_across_nodes:
        block["affinity"] = anti_affinity(app_name)
    return block


def add_services(spec: DeploymentSpec, parts: Parts) -> None:
    """Admin, DataCatalog, Propeller, Console and the secrets webhook. A disabled service keeps only
    ``enabled: false``: its other settings would be noise in a values file nobody deploys."""
    components = spec.components
    for name, block in SERVICES:
        component: Component = getattr(components, name)
        if not component.enabled:
            parts.add({block: {"enabled": False}}, {block: f"{block} is disabled in the spec"})
            continue
        values = _service_block(component, block)
        why = f"{component.replicas} replica(s)" + (", one per node" if component.spread_across_nodes else "")
        if name == "propeller":
            propeller = components.propeller
            values.update({"manager": propeller.manager, "createCRDs": propeller.create_crds})
            if spec.profile is Profile.PRODUCTION and cloud_of(spec).propeller_critical_priority:
                # GKE admits system-cluster-critical pods only in kube-system; elsewhere it keeps propeller
                # from being evicted before the task pods it manages.
                values["priorityClassName"] = "system-cluster-critical"
                why += ", critical priority (production)"
            if propeller.replicas > 1 and not propeller.manager:
                parts.note(
                    "flyte-core: more than one FlytePropeller replica without the manager runs them under leader "
                    "election: one works, the others stand by. Set components.propeller.manager to shard work."
                )
        parts.add({block: values}, {block: f"{block}: {why}"})
    webhook = components.propeller.enabled and components.propeller.webhook
    parts.add(
        {"webhook": {"enabled": webhook}},
        {"webhook": "secrets webhook that injects Flyte secrets into task pods" + ("" if webhook else ": off")},
    )
    parts.add(
        {"flyteconnector": {"enabled": False}},
        {"flyteconnector": "connectors run as their own flyteconnector release, not inside flyte-core"},
    )


def add_scheduler(spec: DeploymentSpec, parts: Parts) -> None:
    """The native FlyteScheduler, or AWS's EventBridge Scheduler + SQS (upstream's values-eks-override.yaml)."""
    scheduler = spec.components.scheduler
    if not scheduler.enabled:
        parts.add(
            {"workflow_scheduler": {"enabled": False}},
            {"workflow_scheduler": "no scheduler: launch plan schedules will not fire"},
        )
        return
    if scheduler.kind is SchedulerKind.NATIVE:
        parts.add(
            {"workflow_scheduler": {"enabled": True, "type": "native"}},
            {"workflow_scheduler": "FlyteScheduler (native) fires launch plan schedules"},
        )
        block: dict[str, Any] = {}
        if scheduler.image_tag:
            block["image"] = {"tag": scheduler.image_tag}
        resources = resources_values(scheduler.resources)
        if resources:
            block["resources"] = resources
        if block:
            parts.add({"flytescheduler": block}, {"flytescheduler": "FlyteScheduler runs as a single pod"})
        return
    region, account = aws.region(spec), aws.account_id(spec)
    config = {
        "scheduler": {
            "eventScheduler": {
                "scheme": "aws",
                "region": region,
                "scheduleRole": scheduler.aws_scheduler_role_arn,
                "targetName": f"arn:aws:sqs:{region}:{account}:{scheduler.aws_queue}",
                "scheduleNamePrefix": "flyte",
            },
            "workflowExecutor": {
                "scheme": "aws",
                "region": region,
                "scheduleQueueName": scheduler.aws_queue,
                "accountId": account,
            },
            # scheduler-level keys (runtime/interfaces SchedulerConfig); inside workflowExecutor Flyte ignores them
            "reconnectAttempts": 10,
            "reconnectDelaySeconds": 30,
        }
    }
    parts.add(
        {"workflow_scheduler": {"enabled": True, "type": "aws", "config": config}},
        {
            "workflow_scheduler": "AWS scheduler: EventBridge Scheduler sends to SQS, FlyteAdmin executes; "
            "type aws also removes the FlyteScheduler deployment"
        },
    )
    parts.note(
        f"AWS scheduler: create the SQS queue {scheduler.aws_queue} and the role EventBridge assumes to send to it "
        f"({scheduler.aws_scheduler_role_arn}); FlyteAdmin's role needs scheduler:*Schedule and sqs:ReceiveMessage/"
        "DeleteMessage on that queue.",
        ADMIN_ROLES,
    )


def add_identity(spec: DeploymentSpec, parts: Parts) -> None:
    """Cloud identity of the services: IRSA, GCP Workload Identity or Azure workload identity on the service
    accounts of FlyteAdmin, DataCatalog and FlytePropeller (the ones touching object storage). The scheduler
    and the cluster resource sync only talk to PostgreSQL and Kubernetes, so they get none."""
    mode = spec.identity_mode
    cloud_identity = identity_of(spec)
    if cloud_identity is None:
        return
    key = cloud_identity.annotation
    identity = spec.identity
    wanted = {
        "flyteadmin": identity.backend,
        "datacatalog": identity.backend,
        "flytepropeller": identity.propeller or identity.backend,
    }
    for block, who in wanted.items():
        if not service_enabled(spec, block):
            continue
        values: dict[str, Any] = {}
        if who:
            values["serviceAccount"] = {"annotations": {key: who}}
        if cloud_identity.pod_labels:
            values["podLabels"] = dict(cloud_identity.pod_labels)
        if values:
            parts.add({block: values})
    if not identity.backend:
        parts.note(f"identity.backend is empty: the Flyte services get no {mode.value} identity annotation.")


def add_monitoring(spec: DeploymentSpec, parts: Parts) -> None:
    """A Prometheus Operator ServiceMonitor per running service; propeller and the scheduler expose metrics only
    through a Service of their own, so it is switched on with the monitor."""
    monitor = spec.observability.service_monitor
    blocks = ["flyteadmin", "datacatalog", "flytepropeller", "flyteconsole", "flytescheduler"]
    for block in blocks:
        if not service_enabled(spec, block):
            continue
        settings: dict[str, Any] = {"enabled": monitor.enabled}
        if monitor.enabled:
            settings.update(
                {"interval": monitor.interval, "scrapeTimeout": monitor.scrape_timeout, "labels": dict(monitor.labels)}
            )
        values: dict[str, Any] = {"serviceMonitor": settings}
        if block in ("flytepropeller", "flytescheduler"):
            values["service"] = {"enabled": monitor.enabled}
        parts.add({block: values})
    if monitor.enabled:
        parts.note(
            "ServiceMonitors need the Prometheus Operator CRDs (monitoring.coreos.com) installed before Flyte, and a "
            "Prometheus selecting the labels " + (str(dict(monitor.labels)) if monitor.labels else "(none given)") + "."
        )
