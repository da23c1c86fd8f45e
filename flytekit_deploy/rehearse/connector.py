"""Connector rehearsal: reach a flytekit connector server the way the rendered propeller connector config says.

``plugins.connector-service`` names each connector's endpoint (``k8s://<service>.<namespace>:<port>`` or
``dns:///host:port``), whether to dial without TLS (``insecure``) and the call deadlines (``defaultTimeout``,
``timeouts``). The endpoint must resolve to a Service the plan renders (a release that fails to render has
none); then the call propeller makes first, ``ListAgents`` on the metadata service, is made with those settings
against flytekit's own connector server on loopback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..checks.findings import Finding, Severity
from .flyte_config import component_configs, fill_placeholders, find

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender
    from ..plan import Plan

__all__ = ["ConnectorTarget", "connector_targets", "connector_findings", "go_duration"]

CHAPTER = "connectors"
DEFAULT_TIMEOUT_S = 10.0  # connector.Deployment.defaultTimeout default (flytepropeller config reference)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def go_duration(text: Any, default: float = DEFAULT_TIMEOUT_S) -> float:
    """Seconds of a Go duration string (``1m30s``, ``500ms``); ``default`` when empty.

    >>> go_duration("1m30s")
    90.0
    """
    value = str(text or "").strip()
    if not value:
        return default
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise ValueError(f"not a Go duration: {value!r}")
    return sum(float(n) * _UNITS[u] for n, u in parts)


@dataclass(frozen=True)
class ConnectorTarget:
    """One connector propeller dials, as configured."""

    filename: str
    name: str
    endpoint: str
    insecure: bool
    timeout_s: float
    service: tuple[str, str, int] | None  # (name, namespace, port) the endpoint names, if a cluster Service


def _service_of(endpoint: str, namespace: str) -> tuple[str, str, int] | None:
    match = re.match(r"^(?:k8s://|dns:///)?([a-z0-9-]+)(?:\.([a-z0-9-]+))?(?:\.svc(?:\.cluster\.local)?)?:(\d+)$",
                     endpoint)  # fmt: skip
    if not match:
        return None
    return match.group(1), match.group(2) or namespace, int(match.group(3))


def connector_targets(plan: Plan, render: PlanRender) -> list[ConnectorTarget]:
    """Every connector of every propeller in the plan."""
    namespaces = {r.filename: r.namespace for r in plan.releases}
    out = []
    for cfg in component_configs(render):
        if cfg.component != "propeller":
            continue
        section = fill_placeholders(find(cfg.config, "plugins.connector-service") or {})
        deployments: dict[str, Any] = {}
        if isinstance(section.get("defaultConnector"), Mapping):
            deployments["defaultConnector"] = section["defaultConnector"]
        for name, dep in (section.get("connectors") or {}).items():
            if isinstance(dep, Mapping):
                deployments[f"connectors.{name}"] = dep
        for name, dep in deployments.items():
            endpoint = str(dep.get("endpoint") or "")
            if not endpoint:
                continue
            timeouts = dep.get("timeouts") or {}
            timeout = go_duration(timeouts.get("ListAgents") or dep.get("defaultTimeout"))
            namespace = namespaces.get(cfg.filename, "flyte")
            out.append(ConnectorTarget(cfg.filename, name, endpoint, bool(dep.get("insecure", True)), timeout,
                                       _service_of(endpoint, namespace)))  # fmt: skip
    return out


def _rendered_service(plan: Plan, render: PlanRender, service: tuple[str, str, int]) -> bool:
    name, namespace, port = service
    namespaces = {r.filename: r.namespace for r in plan.releases}
    for filename, svc in render.of_kind("Service"):
        meta = svc.get("metadata") or {}
        if meta.get("name") != name or (meta.get("namespace") or namespaces.get(filename)) != namespace:
            continue
        if any(int(p.get("port", 0)) == port for p in (svc.get("spec") or {}).get("ports") or []):
            return True
    return False


def list_connectors(address: str, insecure: bool, timeout_s: float) -> list[str]:
    """``ListAgents`` on a connector server (what propeller asks first), with the configured TLS and deadline."""
    import grpc
    from flyteidl.admin.agent_pb2 import ListAgentsRequest
    from flyteidl.service.agent_pb2_grpc import AgentMetadataServiceStub

    channel = (
        grpc.insecure_channel(address) if insecure else grpc.secure_channel(address, grpc.ssl_channel_credentials())
    )
    with channel:
        reply = AgentMetadataServiceStub(channel).ListAgents(ListAgentsRequest(), timeout=timeout_s)
    return [agent.name for agent in reply.agents]


def connector_findings(plan: Plan, render: PlanRender, address: str | None) -> list[Finding]:
    """One finding per configured connector: reachable as configured (info) or not (error)."""
    out = []
    failures = {f.path: f.message for f in render.failures}
    for target in connector_targets(plan, render):
        path = f"{target.filename}: plugins.connector-service.{target.name}"
        where = f"propeller dials {target.endpoint} (insecure: {str(target.insecure).lower()}, {target.timeout_s:g}s)"
        if target.service is not None and not _rendered_service(plan, render, target.service):
            name, namespace, port = target.service
            why = "; ".join(f"{k}: {v}" for k, v in failures.items()) or "no release of the plan renders it"
            out.append(Finding(Severity.ERROR, path, f"{where}, but the plan renders no Service {name}.{namespace} "
                               f"with port {port} ({why})", "deploy the connector release so it renders that "
                               "Service, or point the endpoint at the Service it does render", CHAPTER,
                               "rehearse.connector.failed"))  # fmt: skip
            continue
        if address is None:
            continue
        try:
            names = list_connectors(address, target.insecure, target.timeout_s)
        except Exception as exc:  # grpc.RpcError and channel errors: the failure is the finding
            out.append(Finding(Severity.ERROR, path, f"{where}: the call failed: {exc}"[:800],
                               "match insecure/TLS and the timeouts to the connector server", CHAPTER,
                               "rehearse.connector.failed"))  # fmt: skip
            continue
        out.append(Finding(Severity.INFO, path, f"{where}: ListAgents answered ({', '.join(names) or 'no connectors'})",
                           "nothing to do", CHAPTER, "rehearse.connector.ok"))  # fmt: skip
    return out
