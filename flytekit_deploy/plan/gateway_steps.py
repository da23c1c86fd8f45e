"""Gateway API steps of a plan: the controller's pinned install (before cert-manager and Flyte, so the Gateway API
CRDs exist when cert-manager starts) and ``kubectl apply`` of ``gateway-api.yaml`` after the Flyte release whose
Services the routes end on. Commands are argument lists quoted by :func:`.shell.join`, with the cluster's kube
context like every other step."""

from __future__ import annotations

from ..charts.gateway_api import MANIFEST_FILE, GatewayPlan, InstallCommand
from ..spec import DeploymentSpec
from .commands import Step, kube_context
from .shell import join

__all__ = ["with_gateway_steps"]

_SETUP_TITLES = ("Check that kube context", "Show the current kube context", "Create namespace")


def _argv(command: InstallCommand, cluster: str, context: str | None) -> list[str]:
    """The command's words with ``{cluster}`` filled in and the kube context added where the tool takes one."""
    tool, *args = (word.replace("{cluster}", cluster) for word in command.argv)
    if tool == "kubectl" and context:
        return [tool, "--context", context, *args]
    if tool == "helm" and context and args[:1] != ["repo"]:
        return [tool, *args, "--kube-context", context]
    return [tool, *args]


def with_gateway_steps(spec: DeploymentSpec, steps: list[Step], gateway: GatewayPlan | None) -> list[Step]:
    """``steps`` with the Gateway API steps inserted on the cluster that serves the routes."""
    if gateway is None:
        return steps
    cluster = gateway.cluster
    context = kube_context(spec, cluster)
    install = [
        Step(cluster, command.title, join(_argv(command, cluster, context)), command.why) for command in gateway.install
    ]
    mine = [i for i, step in enumerate(steps) if step.cluster == cluster]
    if not mine:
        return steps
    setup = [i for i in mine if steps[i].title.startswith(_SETUP_TITLES)]
    at = (setup[-1] + 1) if setup else mine[0]
    out = steps[:at] + install + steps[at:]
    last = max(i for i, step in enumerate(out) if step.cluster == cluster)
    apply = Step(
        cluster,
        "Apply the Gateway API objects",
        join(["kubectl", *(["--context", context] if context else []), "apply", "-f", MANIFEST_FILE]),
        f"{gateway.controller.title} routes the console, FlyteAdmin's HTTP API and its gRPC services",
    )
    return out[: last + 1] + [apply] + out[last + 1 :]
