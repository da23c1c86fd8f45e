"""The Gateway API controllers as the chart emitters see them: the records and lookups live with the clouds
(:mod:`flytekit_deploy.clouds.gateway` for shared controllers, each ``clouds/<env>.py`` for its own and for which
one it recommends); this module only names them for :mod:`.emit` and the layers above."""

from __future__ import annotations

from ...clouds.gateway import GatewayControllerInfo as ControllerInfo
from ...clouds.gateway import InstallCommand
from ...clouds.registry import (
    gateway_choices,
    gateway_controller,
    gateway_controller_for,
    gateway_controllers,
    gateway_environments,
)

__all__ = [
    "ControllerInfo",
    "InstallCommand",
    "controller_info",
    "controller_for",
    "controllers",
    "environments_of",
    "gateway_choices",
]

controller_info = gateway_controller
controller_for = gateway_controller_for
controllers = gateway_controllers
environments_of = gateway_environments
