"""The wiki's Gateway API table: each controller, where it runs, whether it serves gRPC (and what the kit does
where that is not confirmed), its pinned version and the documentation the facts come from. Generated from
:mod:`flytekit_deploy.clouds` (each cloud's ``gateway_controllers``), so the page cannot drift from what the kit emits."""

from __future__ import annotations

from ..charts.gateway_api import controllers, environments_of
from ..clouds import CLOUDS
from .markdown import Markdown, md_table

__all__ = ["gateway_controller_table"]


def gateway_controller_table() -> Markdown:
    rows = []
    for controller, info in controllers().items():
        recommended = [env.value for env, cloud in CLOUDS.items() if cloud.gateway_controllers[0] is info]
        grpc = (
            "GRPCRoute, h2c to FlyteAdmin"
            if info.grpc_route
            else "not confirmed: gRPC as HTTPRoute path prefixes to the h2c port, doctor warns"
        )
        rows.append(
            (
                f"{info.title} (`{controller.value}`)",
                ", ".join(env.value for env in environments_of(controller)),
                ", ".join(recommended) or "on request",
                grpc,
                ", ".join(mode.value for mode in info.tls_modes),
                info.version,
                "<br>".join(info.evidence),
            )
        )
    return md_table(["controller", "environments", "recommended on", "gRPC", "TLS", "pinned", "documentation"], rows)
