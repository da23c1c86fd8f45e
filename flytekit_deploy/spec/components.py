"""The Flyte services and how each one runs."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from .base import ImageTag, Resources, SpecModel
from .platform import Environment

__all__ = ["Component", "SchedulerKind", "Scheduler", "Propeller", "Components"]


class Component(SpecModel):
    """One Flyte service: on or off, how many replicas, which image tag, how much CPU and memory."""

    enabled: bool = Field(default=True, description="Deploy this component.")
    replicas: int = Field(default=1, ge=0, le=100, description="Pod replicas (flyte-core; flyte-binary runs one).")
    image_tag: ImageTag | None = Field(default=None, description="Image tag. Empty: the chart's pinned tag.")
    resources: Resources = Field(default_factory=Resources, description="Requests and limits.")
    spread_across_nodes: bool = Field(
        default=False, description="Required pod anti-affinity: never two replicas on one node."
    )


class SchedulerKind(str, Enum):
    NATIVE = "native"
    AWS = "aws"

    @property
    def home(self) -> Environment | None:
        """The environment a scheduler kind runs in (None: anywhere)."""
        return Environment.AWS if self is SchedulerKind.AWS else None


class Scheduler(Component):
    kind: SchedulerKind = Field(
        default=SchedulerKind.NATIVE,
        description="native (FlyteScheduler) or aws (EventBridge Scheduler + SQS, AWS only, flyte-core only).",
    )
    aws_queue: str = Field(
        default="flyte-executions-queue",
        pattern=r"^[A-Za-z0-9_-]{1,80}$",
        description="SQS queue of the AWS scheduler.",
    )
    aws_scheduler_role_arn: str = Field(
        default="<AWS_SCHEDULER_ROLE_ARN>", description="Role EventBridge assumes to send to the queue."
    )


class Propeller(Component):
    webhook: bool = Field(default=True, description="The secrets webhook that injects Flyte secrets into pods.")
    create_crds: bool = Field(default=True, description="Let propeller create the FlyteWorkflow CRD.")
    workers: int = Field(default=40, ge=1, le=2000, description="Workflow evaluation workers.")
    manager: bool = Field(default=False, description="Run propeller sharded under its manager (flyte-core).")


class Components(SpecModel):
    """Per-service settings. A disabled component disappears from values, diagrams and commands."""

    admin: Component = Field(default_factory=Component, title="FlyteAdmin")
    datacatalog: Component = Field(default_factory=Component, title="DataCatalog")
    scheduler: Scheduler = Field(default_factory=Scheduler, title="FlyteScheduler")
    propeller: Propeller = Field(default_factory=Propeller, title="FlytePropeller")
    console: Component = Field(default_factory=Component, title="FlyteConsole")
    cluster_resource_manager: Component = Field(default_factory=Component, title="Cluster resource manager")
    copilot_image_tag: ImageTag | None = Field(
        default=None, description="CoPilot (flytecopilot) sidecar image tag. Empty: the chart's pinned tag."
    )
    connector: Component = Field(
        default_factory=lambda: Component(enabled=False), title="Connector service (flyteconnector)"
    )
