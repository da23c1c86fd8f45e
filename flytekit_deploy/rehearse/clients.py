"""Clients rehearsal: the plan's ``flytectl-config.yaml`` as flytekit loads it, against the server side of the plan.

flytekit's own loader (``PlatformConfig.auto``, in the rehearsal runner with an empty environment) says what
pyflyte will dial: endpoint, TLS or not, auth mode, client id. The plan's rendered objects say what is served:
the Ingress (or the Gateway API route of ``gateway-api.yaml``) that routes FlyteAdmin's gRPC service (its TLS,
its controller), whether FlyteAdmin requires auth, and
which OAuth2 clients its auth server knows (Flyte's loader replaces a configured map wholesale, so a
``staticClients`` map that lists only ``flytepropeller`` drops the built-in ``flytectl``/``flyte-cli``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..checks.findings import Finding, Severity
from .flyte_config import component_configs, fill_placeholders, find

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender
    from ..plan import Plan

__all__ = ["AdminSide", "admin_side", "client_job", "client_findings", "DEFAULT_STATIC_CLIENTS"]

CHAPTER = "authentication"
CONFIG_FILE = "flytectl-config.yaml"
GRPC_PATH = "/flyteidl.service.AdminService"
# FlyteAdmin's built-in static clients (auth config defaults, v1.16.8), used when the map is not configured.
DEFAULT_STATIC_CLIENTS = ("flyte-cli", "flytectl", "flytepropeller")
DEFAULT_FLYTE_CLIENT_ID = "flytectl"


@dataclass(frozen=True)
class Route:
    """An Ingress (or a Gateway API route) that routes FlyteAdmin's gRPC service."""

    name: str
    controller: str  # nginx, alb, or what the class says; a Gateway API controller's name; "" when unknown
    hosts: tuple[str, ...]
    tls: bool


@dataclass(frozen=True)
class AdminSide:
    """What FlyteAdmin serves, from the rendered admin config and Ingresses."""

    filename: str
    use_auth: bool
    auth_server: str  # Self | External
    static_clients: tuple[str, ...]
    flyte_client_id: str
    grpc_routes: tuple[Route, ...]
    has_ingress: bool
    authorized_uris: tuple[str, ...] = ()


def _controller(ing: Mapping[str, Any]) -> str:
    annotations = (ing.get("metadata") or {}).get("annotations") or {}
    name = (ing.get("spec") or {}).get("ingressClassName") or annotations.get("kubernetes.io/ingress.class") or ""
    if any(str(k).startswith("alb.ingress.kubernetes.io/") for k in annotations):
        return "alb" if not name or "alb" in name else str(name)
    return "nginx" if "nginx" in str(name) else str(name)


def _tls(ing: Mapping[str, Any], controller: str) -> bool:
    annotations = (ing.get("metadata") or {}).get("annotations") or {}
    if controller == "alb":
        return bool(annotations.get("alb.ingress.kubernetes.io/certificate-arn")) and "HTTPS" in str(
            annotations.get("alb.ingress.kubernetes.io/listen-ports", "")
        )
    return bool((ing.get("spec") or {}).get("tls"))


def _gateway_routes(plan: Plan) -> list[Route]:
    """The plan's Gateway API routes of FlyteAdmin's gRPC service (a GRPCRoute, or HTTPRoute path prefixes where
    the controller's GRPCRoute is not confirmed), TLS from the listener they attach to."""
    gateway = plan.gateway
    if gateway is None:
        return []
    objects = [fill_placeholders(obj) for obj in gateway.manifests]
    listeners = {
        (obj["metadata"]["name"], str(listener.get("name"))): listener
        for obj in objects
        if obj.get("kind") == "Gateway"
        for listener in obj["spec"].get("listeners", [])
    }
    service = GRPC_PATH.strip("/")
    routes = []
    for obj in objects:
        spec = obj.get("spec") or {}
        matches = [m for rule in spec.get("rules", []) for m in rule.get("matches", [])]
        if obj.get("kind") == "GRPCRoute":
            serves = any((m.get("method") or {}).get("service") == service for m in matches)
        elif obj.get("kind") == "HTTPRoute":
            serves = any(str((m.get("path") or {}).get("value", "")).startswith(GRPC_PATH) for m in matches)
        else:
            continue
        if not serves:
            continue
        tls = False
        for parent in spec.get("parentRefs", []):
            listener = listeners.get((parent.get("name"), str(parent.get("sectionName"))))
            # an existing Gateway's listener is the person's: the spec's scheme says what it serves
            tls = tls or (listener["protocol"] == "HTTPS" if listener else plan.spec.ingress.scheme == "https")
        hosts = tuple(str(h) for h in spec.get("hostnames", []))
        routes.append(Route(str(obj["metadata"]["name"]), gateway.controller.controller.value, hosts, tls))
    return routes


def admin_side(render: PlanRender, plan: Plan | None = None) -> AdminSide | None:
    """The server side of the plan (the release that runs FlyteAdmin), placeholders filled; with ``plan``, its
    Gateway API routes count as the way in too."""
    admin = next((c for c in component_configs(render) if c.component == "admin"), None)
    if admin is None:
        return None
    cfg = fill_placeholders(admin.config)
    static = find(cfg, "auth.appAuth.selfAuthServer.staticClients")
    clients = tuple(sorted(static)) if isinstance(static, Mapping) else DEFAULT_STATIC_CLIENTS
    routes = []
    gateway_routes = _gateway_routes(plan) if plan is not None else []
    ingresses = [fill_placeholders(i) for f, i in render.of_kind("Ingress") if f == admin.filename]
    for ing in ingresses:
        rules = (ing.get("spec") or {}).get("rules") or []
        paths = [p.get("path", "") for r in rules for p in ((r.get("http") or {}).get("paths") or [])]
        if any(str(p).startswith(GRPC_PATH) for p in paths):
            controller = _controller(ing)
            hosts = tuple(str(r["host"]) for r in rules if r.get("host"))
            routes.append(Route(str(ing["metadata"]["name"]), controller, hosts, _tls(ing, controller)))
    return AdminSide(
        filename=admin.filename,
        use_auth=bool(find(cfg, "server.security.useAuth")),
        auth_server=str(find(cfg, "auth.appAuth.authServerType") or "Self"),
        static_clients=clients,
        flyte_client_id=str(find(cfg, "auth.appAuth.thirdPartyConfig.flyteClient.clientId") or DEFAULT_FLYTE_CLIENT_ID),
        grpc_routes=tuple(routes + gateway_routes),
        has_ingress=bool(ingresses) or bool(gateway_routes),
        authorized_uris=tuple(str(u) for u in find(cfg, "auth.authorizedUris") or ()),
    )


def client_job(name: str, plan: Plan, folder: str) -> dict[str, Any] | None:
    """The runner job loading the plan's flytectl config (placeholders filled) with flytekit, or None if absent."""
    text = plan.files().get(CONFIG_FILE)
    if text is None:
        return None
    path = os.path.join(folder, f"{name}-{CONFIG_FILE}")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(fill_placeholders(text))
    return {"id": f"{name}-client", "kind": "client", "config_file": path,
            "env": {"HOME": tempfile.mkdtemp(prefix="fkd-client-home-"), "PATH": os.defpath}}  # fmt: skip


def _host(endpoint: str) -> str:
    """``dns:///h:443``, ``https://h/x``, ``h:80`` -> ``h``."""
    host = endpoint.split("///", 1)[-1].split("://", 1)[-1].split("/", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def client_findings(plan_file: str, server: AdminSide | None, client: Mapping[str, Any]) -> list[Finding]:
    """Compare what flytekit will do (``client``: the runner's result) with what the plan serves."""
    path = f"{plan_file}: admin"
    if not client.get("ok"):
        return [Finding(Severity.ERROR, path, f"flytekit cannot load {CONFIG_FILE}: {client.get('error')}",
                        "write a flytectl config flytekit can read", CHAPTER, "rehearse.client.failed")]  # fmt: skip
    if server is None:
        return [Finding(Severity.ERROR, path, "no FlyteAdmin config in the plan's rendered objects",
                        "render the release that runs FlyteAdmin", CHAPTER, "rehearse.client.failed")]  # fmt: skip
    problems: list[tuple[str, str]] = []
    endpoint, insecure = str(client.get("endpoint")), bool(client.get("insecure"))
    host = _host(endpoint)
    routes = [r for r in server.grpc_routes if not r.hosts or host in r.hosts]
    if server.has_ingress and not routes:
        problems.append((f"flytekit dials {endpoint}, but no Ingress of the plan routes {GRPC_PATH} for host {host}",
                         "route FlyteAdmin's gRPC service on the host the client config names"))  # fmt: skip
    for route in routes:
        if not insecure and not route.tls:
            problems.append(
                (
                    f"flytekit dials {endpoint} with TLS (insecure: false) but Ingress {route.name} "
                    f"({route.controller or 'unknown controller'}) serves it without TLS",
                    "give the gRPC Ingress a TLS certificate (or set insecure: true only without an Ingress)",
                )
            )
        elif insecure and route.tls:
            problems.append(
                (
                    f"flytekit dials {endpoint} in plaintext (insecure: true) but Ingress {route.name} terminates TLS",
                    "set insecure: false in the client config",
                )
            )
        elif insecure and route.controller in ("nginx", "alb"):
            problems.append(
                (
                    f"flytekit dials {endpoint} in plaintext gRPC (insecure: true) through {route.controller} "
                    f"Ingress {route.name} without TLS: {route.controller} serves gRPC only over HTTP/2 with "
                    "TLS, so pyflyte and flytectl cannot reach FlyteAdmin",
                    "give the Ingress TLS (cert-manager or your certificate) and set insecure: false",
                )
            )
    if server.use_auth:
        mode = str(client.get("auth_mode") or "")
        local_id = client.get("client_id")
        if server.auth_server == "Self" and server.flyte_client_id not in server.static_clients:
            problems.append(
                (
                    f"FlyteAdmin's auth server hands CLI logins the client id {server.flyte_client_id!r}, "
                    f"but its staticClients are only {', '.join(server.static_clients)} (a configured "
                    "map replaces Flyte's defaults): login fails with invalid_client",
                    f"list {server.flyte_client_id} (and flyte-cli) in "
                    "auth.appAuth.selfAuthServer.staticClients with the defaults' settings",
                )
            )
        if server.auth_server == "External" and server.flyte_client_id == DEFAULT_FLYTE_CLIENT_ID:
            problems.append(
                (
                    f"FlyteAdmin uses an external IdP but tells CLIs to log in as {DEFAULT_FLYTE_CLIENT_ID!r}, "
                    "the internal server's client: the IdP has no such client",
                    "set auth.appAuth.thirdPartyConfig.flyteClient.clientId to the IdP's public client id",
                )
            )
        hosts = {_host(uri) for uri in server.authorized_uris}
        if server.authorized_uris and host not in hosts:
            problems.append((f"FlyteAdmin requires auth but its auth.authorizedUris ({', '.join(server.authorized_uris)}) "
                             f"do not include the host flytekit dials ({host}): tokens for it fail audience checks",
                             f"add https://{host} to auth.authorizedUris"))  # fmt: skip
        if local_id and mode.lower() == "pkce" and local_id != server.flyte_client_id:
            problems.append(
                (
                    f"the client config logs in as {local_id!r}, FlyteAdmin advertises {server.flyte_client_id!r}",
                    "use the same client id on both sides",
                )
            )
    if not problems:
        return [Finding(Severity.INFO, path, f"flytekit dials {endpoint} (insecure: {str(insecure).lower()}, auth "
                        f"{client.get('auth_mode')}); the plan serves it", "nothing to do", CHAPTER,
                        "rehearse.client.ok")]  # fmt: skip
    return [Finding(Severity.ERROR, path, msg, fix, CHAPTER, "rehearse.client.failed") for msg, fix in problems]
