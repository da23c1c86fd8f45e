"""Gateway API steps of a plan: the controller's pinned install (before cert-manager and Flyte, so the Gateway API
CRDs exist when cert-manager starts) and ``kubectl apply`` of ``gateway-api.yaml`` after the Flyte release whose
Services the routes end on."""

from __future__ import annotations

import shlex

from ..charts.gateway_api import MANIFEST_FILE, GatewayPlan
from .commands import Step

__all__ = ["with_gateway_steps"]


def with_gateway_steps(steps: list[Step], gateway: GatewayPlan | None) -> list[Step]:
    """``steps`` with the Gateway API steps inserted on the cluster that serves the routes."""
    if gateway is None:
        return steps
    cluster = gateway.cluster
    install = [
        Step(cluster, command.title, shlex.join(a.replace("{cluster}", cluster) for a in command.argv), command.why)
        for command in gateway.install
    ]
    mine = [i for i, step in enumerate(steps) if step.cluster == cluster]
    if not mine:
        return steps
    setup = [i for i in mine if steps[i].title.startswith(("Point kubectl", "Create namespace"))]
    at = (setup[-1] + 1) if setup else mine[0]
    out = steps[:at] + install + steps[at:]
    last = max(i for i, step in enumerate(out) if step.cluster == cluster)
    apply = Step(
        cluster,
        "Apply the Gateway API objects",
        shlex.join(["kubectl", "apply", "-f", MANIFEST_FILE]),
        f"{gateway.controller.title} routes the console, FlyteAdmin's HTTP API and its gRPC services",
    )
    return out[: last + 1] + [apply] + out[last + 1 :]
