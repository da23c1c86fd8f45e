"""Gateway API as the way in: a Gateway (or an existing one), HTTPRoutes and GRPCRoutes derived from the charts'
own Ingress, the controllers that serve them per environment, and the values that switch the chart's Ingress off.

>>> from flytekit_deploy.spec import GatewayController
>>> controller_info(GatewayController.ENVOY_GATEWAY).grpc_route
True
"""

from .controllers import (
    ControllerInfo,
    InstallCommand,
    controller_for,
    controller_info,
    controllers,
    environments_of,
    gateway_choices,
)
from .emit import MANIFEST_FILE, GatewayPlan, apply_gateway_values, front_release, gateway_plan
from .recognise import recognise_gateway
from .routes import DATACATALOG_SERVICE, GRPC_SERVICES, H2C_APP_PROTOCOL, HTTP_PATHS, RouteTable, route_table

__all__ = [
    "controllers",
    "environments_of",
    "ControllerInfo",
    "InstallCommand",
    "controller_for",
    "controller_info",
    "gateway_choices",
    "MANIFEST_FILE",
    "GatewayPlan",
    "apply_gateway_values",
    "front_release",
    "gateway_plan",
    "DATACATALOG_SERVICE",
    "GRPC_SERVICES",
    "H2C_APP_PROTOCOL",
    "HTTP_PATHS",
    "RouteTable",
    "route_table",
    "recognise_gateway",
]
