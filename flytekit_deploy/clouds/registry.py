"""The static table of clouds: every environment -> its :class:`~flytekit_deploy.clouds.base.Cloud` object,
and the lookups the rest of the kit uses (the cloud of a spec, the store of a spec, the cloud identity of a spec).

Adding a cloud is one module under ``clouds/`` and one line in :data:`CLOUDS`. Tests (and a person trying a
cloud out) may swap an entry for the length of a ``with`` block through :func:`registered`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import Problem, SpecError
from ..spec import DeploymentSpec, Environment, GatewayController, IdentityMode, StorageProvider
from . import aws, azure, gcp, local, onprem
from .base import Cloud, CloudIdentity, ObjectStore, StoreFacts, TaskAccess
from .gateway import GatewayControllerInfo

__all__ = [
    "CLOUDS",
    "cloud_of",
    "cloud_for",
    "store_of",
    "store_for",
    "stores",
    "identity_of",
    "identities",
    "recognise",
    "registered",
    "task_access_for",
    "scheme_of_config",
    "gateway_controllers",
    "gateway_controller",
    "gateway_controller_for",
    "gateway_environments",
    "gateway_choices",
]

CLOUDS: dict[Environment, Cloud] = {
    Environment.LOCAL: local.CLOUD,
    Environment.AWS: aws.CLOUD,
    Environment.GCP: gcp.CLOUD,
    Environment.AZURE: azure.CLOUD,
    Environment.ONPREM: onprem.CLOUD,
}
"""Every environment's cloud, in the order presets and tables list them."""

NO_CLOUD_IDENTITY = IdentityMode.RBAC
"""The identity mode of pods bound to no cloud identity (plain Kubernetes service accounts)."""

FALLBACK: Cloud = onprem.CLOUD
"""The cloud of an imported file that names none (self-managed Kubernetes assumes the least)."""


def cloud_for(environment: Environment) -> Cloud:
    return CLOUDS[environment]


def cloud_of(spec: DeploymentSpec) -> Cloud:
    """The cloud the spec runs in."""
    return CLOUDS[spec.environment]


def stores() -> dict[StorageProvider, ObjectStore]:
    """Every object store a cloud brings, by provider."""
    return {c.object_store.provider: c.object_store for c in CLOUDS.values() if c.object_store is not None}


def store_for(provider: StorageProvider) -> ObjectStore:
    return stores()[provider]


def store_of(spec: DeploymentSpec) -> ObjectStore:
    """The object store the spec keeps its data in (any cloud's: a store may be reached from another cloud)."""
    return store_for(spec.storage.provider)


def identities() -> list[CloudIdentity]:
    return [c.identity for c in CLOUDS.values() if c.identity is not None]


def identity_of(spec: DeploymentSpec) -> CloudIdentity | None:
    """The cloud identity pods take, or None with plain RBAC."""
    return next((i for i in identities() if i.mode is spec.identity_mode), None)


def task_access_for(scheme: str) -> tuple[TaskAccess, tuple[CloudIdentity, ...]] | None:
    """What a task pod needs for a store read by ``scheme`` (``s3``, ``abfss``...), and the cloud identities that can
    hand it credentials (those of the clouds whose store it is); None for a scheme no cloud's store uses."""
    scheme = scheme.lower()
    found = [c for c in CLOUDS.values() if c.object_store is not None and scheme in c.object_store.task_access.schemes]
    if not found:
        return None
    access = found[0].object_store.task_access  # type: ignore[union-attr]  # filtered above
    return access, tuple(c.identity for c in found if c.identity is not None)


def scheme_of_config(kind: str) -> str | None:
    """The URL scheme Flyte writes for a storage config ``type`` (or ``stow.kind``), e.g. ``minio`` -> ``s3``."""
    for store in stores().values():
        if kind in store.task_access.config_kinds:
            return store.task_access.schemes[0]
    return None


def recognise(facts: StoreFacts) -> Cloud:
    """The cloud an imported values file's storage points at: the strongest evidence, else :data:`FALLBACK`."""
    weight, best = max(((c.evidence(facts), i) for i, c in enumerate(CLOUDS.values())), default=(0, -1))
    return list(CLOUDS.values())[best] if weight > 0 else FALLBACK


@contextmanager
def registered(cloud: Cloud) -> Iterator[Cloud]:
    """Put ``cloud`` in :data:`CLOUDS` under its environment while the block runs (the documented hook for trying
    a cloud without editing this file); the previous entry comes back afterwards."""
    previous = CLOUDS.get(cloud.environment)
    CLOUDS[cloud.environment] = cloud
    try:
        yield cloud
    finally:
        if previous is None:
            del CLOUDS[cloud.environment]
        else:
            CLOUDS[cloud.environment] = previous


def gateway_controllers() -> dict[GatewayController, GatewayControllerInfo]:
    """Every Gateway API controller some cloud offers, in the order the clouds list them."""
    found: dict[GatewayController, GatewayControllerInfo] = {}
    for cloud in CLOUDS.values():
        for info in cloud.gateway_controllers:
            found.setdefault(info.controller, info)
    return found


def gateway_controller(controller: GatewayController) -> GatewayControllerInfo:
    """What the kit knows about one controller (a controller no registered cloud offers is a spec error)."""
    known = gateway_controllers()
    if controller not in known:
        raise SpecError(
            [
                Problem(
                    "ingress.gateway.controller",
                    f"{controller.value} is offered by no environment",
                    f"choose one of: {', '.join(c.value for c in known)}",
                )
            ]
        )
    return known[controller]


def gateway_controller_for(spec: DeploymentSpec) -> GatewayControllerInfo:
    """The controller the spec names, or its environment's recommended one."""
    chosen = spec.ingress.gateway.controller
    return gateway_controller(chosen) if chosen is not None else cloud_of(spec).gateway_controllers[0]


def gateway_environments(controller: GatewayController) -> tuple[Environment, ...]:
    """The environments that offer ``controller``."""
    return tuple(
        env for env, cloud in CLOUDS.items() if any(i.controller is controller for i in cloud.gateway_controllers)
    )


def gateway_choices(environment: Environment) -> list[tuple[GatewayController, str, str]]:
    """The controllers offered on ``environment`` as ``(controller, name, one-line reason)``, recommended first:
    what the configurator shows next to the Gateway API choice."""
    return [(i.controller, i.title, i.reason) for i in CLOUDS[environment].gateway_controllers]
