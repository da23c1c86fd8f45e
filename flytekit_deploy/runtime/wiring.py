"""Wiring rules on rendered objects, per cluster: does every connection the deployment needs really exist?

Rules (ids in findings):

* ``wiring.endpoint-service`` / ``wiring.endpoint-port`` — an endpoint a Flyte process dials (admin, DataCatalog,
  connectors) names an in-cluster Service that this cluster does not have, or a port that Service does not expose.
* ``wiring.endpoint-localhost`` — ``localhost`` outside flyte-binary (where it is the same process).
* ``wiring.endpoint-unserved`` — a placeholder address no Ingress serves and no LoadBalancer Service of the plan
  exposes on the port dialed.
* ``wiring.ingress-route`` — an endpoint through an Ingress host whose rules have no path for the gRPC service
  dialed (data planes reaching DataCatalog at the control plane's host, which routes only FlyteAdmin).
* ``wiring.grpc-ingress-tls`` — gRPC routed through an Ingress with neither TLS nor a controller that speaks h2c:
  ingress-nginx, ALB and GCE speak HTTP/2 only over TLS, so gRPC clients cannot connect.
* ``wiring.insecure-mismatch`` — a client's ``insecure`` disagrees with the TLS of what it dials.
* ``wiring.client-id`` / ``wiring.external-client-id`` — a client id the auth server does not know; an external
  IdP configured with Flyte's built-in client id ``flytectl``.
* ``wiring.secret-missing`` / ``wiring.secret-key`` / ``wiring.configmap-missing`` — a pod mounts or reads a Secret
  (or key, or ConfigMap) that neither the chart renders nor the plan's Secrets list creates: the pod never starts.
* ``wiring.task-credentials`` — task pods have neither keys nor a workload identity for the raw-data store.
* ``wiring.env-from-env`` — ``default-env-vars-from-env`` names a variable propeller's container does not have.
* ``wiring.task-storage`` — what task pods need to reach the raw-data store for its scheme is missing from their
  environment (abfs: the storage account; s3 off AWS: the endpoint).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..checks.findings import Finding, Severity
from ..clouds import CloudIdentity, TaskAccess, task_access_for
from .configs import WORKLOAD_KINDS, ProcessConfig, pod_specs
from .values import is_placeholder

if TYPE_CHECKING:
    from ..checks.plan_render import PlanRender
    from ..plan import Plan

__all__ = ["wiring_findings", "H2C_CONTROLLERS", "GRPC_SERVICES"]

CHAPTER = "flyte-wiring"
# Ingress controllers that forward gRPC over cleartext HTTP/2 (h2c) from the client; others need TLS for gRPC.
H2C_CONTROLLERS = frozenset({"contour", "traefik", "istio", "haproxy", "envoy", "kong"})
# The gRPC service (first path segment of every call) each dialed endpoint must route.
GRPC_SERVICES = {
    "admin": "/flyteidl.service.AdminService",
    "catalog": "/datacatalog.DataCatalog",
    "connector": "/flyteidl.service.AsyncConnectorService",
}
_TLS_ANNOTATIONS = (
    "alb.ingress.kubernetes.io/certificate-arn",
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate",
)
_BUILTIN_CLIENTS = ("flytectl", "flyte-cli", "flytepropeller")
_DEFAULT_STATIC_CLIENTS = ("flyte-cli", "flytectl", "flytepropeller")


@dataclass
class _Ingress:
    filename: str
    name: str
    host: str
    paths: list[str]
    tls: bool
    controller: str


@dataclass
class _Cluster:
    services: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    secrets: dict[tuple[str, str], set[str] | None] = field(default_factory=dict)
    configmaps: set[tuple[str, str]] = field(default_factory=set)
    load_balancers: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    """LoadBalancer Services: reachable from other clusters (of the same network) at an address known later."""


def _controller(body: Mapping[str, Any]) -> str:
    annotations = body["metadata"].get("annotations") or {}
    return str(body["spec"].get("ingressClassName") or annotations.get("kubernetes.io/ingress.class") or "")


def _is_service_backend(backend: Mapping[str, Any]) -> bool:
    port = (backend.get("service") or {}).get("port") or {}
    return bool(backend.get("service")) and port.get("name") != "use-annotation"


def _ingresses(plan: Plan, rendered: PlanRender) -> list[_Ingress]:
    """Every Ingress rule; one that names no class is served by the cluster's default controller, which is the
    spec's ``ingress.controller`` (installed by the person or by flyte-deps)."""
    default = getattr(getattr(plan.spec.ingress, "controller", None), "value", "") or ""
    out: list[_Ingress] = []
    for filename, body in rendered.of_kind("Ingress"):
        annotations = body["metadata"].get("annotations") or {}
        tls_hosts = {h for t in body["spec"].get("tls") or [] for h in t.get("hosts") or []}
        has_tls_annotation = any(a in annotations for a in _TLS_ANNOTATIONS)
        for rule in body["spec"].get("rules") or []:
            host = str(rule.get("host") or "")
            paths = [
                str(p.get("path") or "/")
                for p in (rule.get("http") or {}).get("paths") or []
                if _is_service_backend(p.get("backend") or {})  # an ALB action (ssl-redirect) routes nothing
            ]
            out.append(
                _Ingress(
                    filename,
                    body["metadata"]["name"],
                    host,
                    paths,
                    host in tls_hosts or has_tls_annotation,
                    (_controller(body) or default).lower(),
                )
            )
    return out


def _clusters(plan: Plan, rendered: PlanRender) -> dict[str, _Cluster]:
    clusters: dict[str, _Cluster] = {}
    by_file = {r.filename: r for r in plan.releases}
    for filename, result in rendered.results.items():
        release = by_file.get(filename)
        view = clusters.setdefault(release.cluster if release else "", _Cluster())
        for obj in result.objects:
            meta = obj.body.get("metadata") or {}
            key = (str(meta.get("namespace") or result.namespace), str(meta.get("name")))
            if obj.kind == "Service":
                view.services[key] = {int(p["port"]) for p in obj.body["spec"].get("ports") or []}
                if obj.body["spec"].get("type") == "LoadBalancer":
                    view.load_balancers[key] = view.services[key]
            elif obj.kind == "Secret":
                view.secrets[key] = set((obj.body.get("data") or {}) | (obj.body.get("stringData") or {}))
            elif obj.kind == "ConfigMap":
                view.configmaps.add(key)
    for secret in plan.secrets:
        view = clusters.setdefault(secret.cluster, _Cluster())
        known = view.secrets.get((secret.namespace, secret.name))
        view.secrets[(secret.namespace, secret.name)] = (known or set()) | set(secret.keys)
    return clusters


def _finding(severity: Severity, path: str, rule: str, message: str, fix: str) -> Finding:
    return Finding(severity=severity, path=path, message=message, fix=fix, chapter=CHAPTER, rule=rule)


def _split(endpoint: str) -> tuple[str, int | None]:
    text = re.sub(r"^[a-z0-9+.-]*://", "", endpoint.strip()).lstrip("/")
    text = text.split("/", 1)[0]
    host, _, port = text.rpartition(":") if re.search(r":\d+$", text) else (text, "", "")
    return host, int(port) if port else None


def _routes(ingress: _Ingress, service: str) -> bool:
    for path in ingress.paths:
        bare = path.rstrip("*").rstrip("/")
        if bare == "" or service == bare or service.startswith(bare + "/"):
            return True
    return False


def _grpc_tls_ok(ingress: _Ingress) -> bool:
    return ingress.tls or any(c in ingress.controller for c in H2C_CONTROLLERS)


class _Wiring:
    def __init__(self, plan: Plan, rendered: PlanRender, processes: list[ProcessConfig]) -> None:
        self.plan = plan
        self.rendered = rendered
        self.processes = processes
        self.ingresses = _ingresses(plan, rendered)
        self.clusters = _clusters(plan, rendered)
        self.found: list[Finding] = []

    def add(self, *args: Any) -> None:
        finding = _finding(*args)
        if finding not in self.found:
            self.found.append(finding)

    # -- endpoints -------------------------------------------------------------------------------------------
    def endpoint(self, process: ProcessConfig, key: str, endpoint: Any, insecure: Any, dials: str) -> None:
        if not isinstance(endpoint, str) or not endpoint.strip():
            return
        path = f"{process.filename}: {process.source_of(tuple(key.split('.')))}: {key}"
        host, port = _split(endpoint)
        who = f"{process.component} ({process.workload})"
        if host in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
            if process.component != "flyte-binary":
                self.add(
                    Severity.ERROR,
                    path,
                    "wiring.endpoint-localhost",
                    f"{who} dials {endpoint} for {dials}: localhost is the pod itself, which does not serve it",
                    "dial the Service of that component (name:port) instead",
                )
            return
        internal = not is_placeholder(host) and ("." not in host or ".svc" in host or self._namespace_form(host))
        if internal:
            self.service(process, path, who, endpoint, host, port, dials)
        else:
            self.through_ingress(process, path, who, endpoint, host, insecure, dials, port)

    def _namespace_form(self, host: str) -> bool:
        parts = host.split(".")
        namespaces = {ns for view in self.clusters.values() for ns, _n in view.services}
        return len(parts) == 2 and parts[1] in namespaces

    def service(
        self, process: ProcessConfig, path: str, who: str, endpoint: str, host: str, port: int | None, dials: str
    ) -> None:
        parts = host.split(".")
        name, namespace = parts[0], parts[1] if len(parts) > 1 and parts[1] != "svc" else process.namespace
        view = self.clusters.get(process.cluster, _Cluster())
        ports = view.services.get((namespace, name))
        if ports is None:
            known = sorted(n for ns, n in view.services if ns == namespace)
            self.add(
                Severity.ERROR,
                path,
                "wiring.endpoint-service",
                f"{who} dials {endpoint} for {dials}, but cluster {process.cluster} has no Service "
                f"{namespace}/{name} (Services there: {', '.join(known) or 'none'})",
                "point it at a Service this cluster runs, or at the control plane's public host",
            )
        elif port is not None and port not in ports:
            self.add(
                Severity.ERROR,
                path,
                "wiring.endpoint-port",
                f"{who} dials {endpoint} for {dials}, but Service {namespace}/{name} exposes ports {sorted(ports)}",
                f"use one of the ports {sorted(ports)}",
            )

    def through_ingress(
        self,
        process: ProcessConfig | None,
        path: str,
        who: str,
        endpoint: str,
        host: str,
        insecure: Any,
        dials: str,
        port: int | None = None,
    ) -> None:
        serving = [i for i in self.ingresses if i.host == host]
        if not serving:
            if process is not None and is_placeholder(host):
                self.load_balancer(path, who, endpoint, port or 443, dials)
            return  # a real host outside this plan (a managed service): nothing rendered to check against
        service = GRPC_SERVICES[dials]
        routed = [i for i in serving if _routes(i, service)]
        if not routed:
            self.add(
                Severity.ERROR,
                path,
                "wiring.ingress-route",
                f"{who} dials {endpoint} for {dials} ({service}), but no Ingress for host {host} routes it "
                f"(Ingresses: {', '.join(sorted({i.name for i in serving}))})",
                f"route {service} on that host to its Service, or dial an address that serves it",
            )
            return
        tls = any(i.tls for i in routed)
        if _truthy(insecure) and tls and not any(_grpc_tls_ok(i) and not i.tls for i in routed):
            self.add(
                Severity.ERROR,
                path,
                "wiring.insecure-mismatch",
                f"{who} dials {endpoint} with insecure: true, but the Ingress serves it over TLS only",
                "set insecure: false (the Ingress terminates TLS)",
            )
        elif not _truthy(insecure) and not tls:
            self.add(
                Severity.ERROR,
                path,
                "wiring.insecure-mismatch",
                f"{who} dials {endpoint} with TLS (insecure: false), but Ingress {routed[0].name} has no TLS",
                "give the Ingress TLS (a certificate), or, on an h2c controller only, set insecure: true",
            )

    def load_balancer(self, path: str, who: str, endpoint: str, port: int, dials: str) -> None:
        """A placeholder host no Ingress serves can only be a LoadBalancer Service of the plan (its address is
        known after install): one must expose the port dialed."""
        exposing = [
            f"{cluster}:{ns}/{name}"
            for cluster, view in self.clusters.items()
            for (ns, name), ports in view.load_balancers.items()
            if port in ports
        ]
        if not exposing:
            self.add(
                Severity.ERROR,
                path,
                "wiring.endpoint-unserved",
                f"{who} dials {endpoint} for {dials}, but nothing in this plan serves that address: no Ingress "
                f"has the host and no LoadBalancer Service exposes port {port}",
                "dial an Ingress host of the plan that routes it, or expose the service with a LoadBalancer",
            )

    # -- ingress ---------------------------------------------------------------------------------------------
    def grpc_ingresses(self) -> None:
        for ingress in self.ingresses:
            grpc = [p for p in ingress.paths if p.startswith(("/flyteidl.", "/datacatalog.", "/grpc."))]
            if grpc and not _grpc_tls_ok(ingress):
                self.add(
                    Severity.ERROR,
                    f"{ingress.filename}: Ingress {ingress.name}",
                    "wiring.grpc-ingress-tls",
                    f"Ingress {ingress.name} routes gRPC ({grpc[0]}...) without TLS through "
                    f"{ingress.controller or 'its controller'}, which speaks HTTP/2 only over TLS: "
                    "pyflyte and flytectl cannot reach FlyteAdmin",
                    "give the ingress TLS (spec.ingress.tls / a certificate), or use a controller that "
                    f"speaks h2c ({', '.join(sorted(H2C_CONTROLLERS))})",
                )

    # -- clients and auth ------------------------------------------------------------------------------------
    def clients(self) -> None:
        servers = [p for p in self.processes if p.component in ("flyteadmin", "flyte-binary")]
        server = next((p for p in servers if _dig(p.merged, "auth")), servers[0] if servers else None)
        try:
            client = yaml.safe_load(self.plan.flytectl_config) or {}
        except yaml.YAMLError:
            client = {}
        admin = client.get("admin") or {}
        if admin.get("endpoint"):
            host, _port = _split(str(admin["endpoint"]))
            self.through_ingress(
                None,
                "flytectl-config.yaml: admin.endpoint",
                "the client (flytectl/pyflyte)",
                str(admin["endpoint"]),
                host,
                admin.get("insecure"),
                "admin",
            )
        if server is None:
            return
        use_auth = _truthy(_dig(server.merged, "server", "security", "useAuth"))
        external = str(_dig(server.merged, "auth", "appAuth", "authServerType") or "Self").lower() == "external"
        clients = _dig(server.merged, "auth", "appAuth", "selfAuthServer", "staticClients")
        known = set(clients) if isinstance(clients, Mapping) else set(_DEFAULT_STATIC_CLIENTS)
        flyte_client = _dig(server.merged, "auth", "appAuth", "thirdPartyConfig", "flyteClient", "clientId")
        where = f"{server.filename}: {server.source_of(('auth',))}"
        if not use_auth:
            return
        if external:
            if flyte_client in _BUILTIN_CLIENTS or flyte_client is None:
                self.add(
                    Severity.ERROR,
                    f"{where}: auth.appAuth.thirdPartyConfig.flyteClient.clientId",
                    "wiring.external-client-id",
                    f"FlyteAdmin uses an external authorization server but tells clients to log in as "
                    f"{flyte_client or 'flytectl'!r}, a client only Flyte's own auth server has",
                    "set flyteClient.clientId to the IdP application's client id (the public/native app)",
                )
            return
        if isinstance(flyte_client, str) and not is_placeholder(flyte_client) and flyte_client not in known:
            self.add(
                Severity.ERROR,
                f"{where}: auth.appAuth.thirdPartyConfig.flyteClient.clientId",
                "wiring.client-id",
                f"FlyteAdmin tells clients to log in as {flyte_client!r}, which its auth server does not "
                f"have (static clients: {', '.join(sorted(known))})",
                f"add {flyte_client} to staticClients or use one of them",
            )
        client_id = admin.get("clientId")
        if client_id and not is_placeholder(client_id) and client_id not in known:
            self.add(
                Severity.ERROR,
                "flytectl-config.yaml: admin.clientId",
                "wiring.client-id",
                f"the client logs in as {client_id!r}, which FlyteAdmin's auth server does not have "
                f"(static clients: {', '.join(sorted(known))})",
                f"use one of {', '.join(sorted(known))}",
            )
        for process in self.processes:
            cid = _dig(process.merged, "admin", "clientId")
            if (
                process.component in ("flytepropeller", "flytescheduler")
                and isinstance(cid, str)
                and cid not in known
                and not is_placeholder(cid)
            ):
                self.add(
                    Severity.ERROR,
                    f"{process.filename}: {process.source_of(('admin',))}: admin.clientId",
                    "wiring.client-id",
                    f"{process.component} logs in to FlyteAdmin as {cid!r}, which its auth server does not "
                    f"have (static clients: {', '.join(sorted(known))})",
                    "use flytepropeller",
                )

    # -- mounts ----------------------------------------------------------------------------------------------
    def mounts(self) -> None:
        by_file = {r.filename: r for r in self.plan.releases}
        for filename, result in self.rendered.results.items():
            release = by_file.get(filename)
            view = self.clusters.get(release.cluster if release else "", _Cluster())
            for obj in result.objects:
                if obj.kind not in WORKLOAD_KINDS:
                    continue
                pod = pod_specs(obj.body) or {}
                namespace = str(obj.body["metadata"].get("namespace") or result.namespace)
                where = f"{filename}: {obj.kind} {obj.body['metadata']['name']}"
                for kind, name, keys, optional in _references(pod):
                    if optional or is_placeholder(name):
                        continue
                    if kind == "ConfigMap":
                        if (namespace, name) not in view.configmaps:
                            self.add(
                                Severity.ERROR,
                                where,
                                "wiring.configmap-missing",
                                f"the pod reads ConfigMap {namespace}/{name}, which nothing creates",
                                "create it, or remove the reference from the values",
                            )
                        continue
                    present = view.secrets.get((namespace, name))
                    if present is None and (namespace, name) not in view.secrets:
                        self.add(
                            Severity.ERROR,
                            where,
                            "wiring.secret-missing",
                            f"the pod mounts or reads Secret {namespace}/{name}, which neither the chart nor "
                            "the plan's Secrets list creates: the pod stays in ContainerCreating",
                            "add it to the plan's Secrets (spec) or fix the name in the values",
                        )
                        continue
                    missing = sorted(k for k in keys if present is not None and k not in present)
                    if missing:
                        self.add(
                            Severity.ERROR,
                            where,
                            "wiring.secret-key",
                            f"the pod reads key(s) {', '.join(missing)} of Secret {namespace}/{name}, which "
                            f"has only {', '.join(sorted(present or ())) or 'no keys'}",
                            "create the Secret with those keys or read the keys it has",
                        )

    # -- task pods' storage -------------------------------------------------------------------------------------
    def task_storage(self) -> None:
        for process in self.processes:
            if process.component not in ("flytepropeller", "flyte-binary"):
                continue
            prefix = _dig(process.merged, "propeller", "rawoutput-prefix")
            if not isinstance(prefix, str):
                continue
            scheme = prefix.split("://", 1)[0].lower() if "://" in prefix else ""
            env = _env(_dig(process.merged, "plugins", "k8s", "default-env-vars"))
            env |= _env(_dig(process.merged, "plugins", "k8s", "default-env-vars-from-env"))
            path = f"{process.filename}: {process.source_of(('plugins', 'k8s'))}: plugins.k8s.default-env-vars"
            found = task_access_for(scheme) if scheme else None
            if found is None:
                continue
            access, identities = found
            if access.required_env and not env & set(access.required_env):
                self.add(
                    Severity.ERROR,
                    path,
                    "wiring.task-storage",
                    f"raw data is {prefix} but task pods get no {access.required_env[0]}: {access.required_why}",
                    f"add {access.required_env[0]}: <...> to plugins.k8s.default-env-vars",
                )
            self.task_credentials(process, prefix, access, identities, env, path)
            self.env_from_env(process)
            endpoint = _storage_endpoint(process.merged)
            own = access.own_endpoint_host
            if access.endpoint_env and endpoint and own and own not in endpoint and access.endpoint_env not in env:
                self.add(
                    Severity.ERROR,
                    path,
                    "wiring.task-storage",
                    f"raw data is {prefix} on a compatible store at {endpoint}, but task pods get no "
                    f"{access.endpoint_env}: flytekit would try the cloud's own endpoint ({own})",
                    f"add {access.endpoint_env}: {endpoint} to plugins.k8s.default-env-vars",
                )

    def templates(self) -> str:
        """Text of the namespace templates the cluster resource sync applies to every project namespace (task pods
        run there, under its ``default`` service account)."""
        return "\n".join(
            str(v)
            for _f, body in self.rendered.of_kind("ConfigMap")
            if "resource-template" in str(body["metadata"].get("name", ""))
            for v in (body.get("data") or {}).values()
        )

    def task_credentials(
        self,
        process: ProcessConfig,
        prefix: str,
        access: TaskAccess,
        identities: tuple[CloudIdentity, ...],
        env: set[str],
        path: str,
    ) -> None:
        """Task pods need credentials for the store: keys in their env, or a cloud identity (the annotation on the
        service account the namespace templates create, and the pod labels its webhook wants)."""
        templates = self.templates()
        labels = _env(_dig(process.merged, "plugins", "k8s", "default-labels"))
        identified = any(
            identity.annotation in templates and set(identity.pod_labels) <= labels for identity in identities
        )
        if not (env & set(access.key_env) or identified):
            self.add(
                Severity.ERROR,
                path,
                "wiring.task-credentials",
                f"raw data is {prefix}, but task pods get no credentials for it: flytekit cannot read inputs or "
                "write outputs",
                f"give task pods {access.credentials_fix}",
            )

    def env_from_env(self, process: ProcessConfig) -> None:
        """``default-env-vars-from-env`` copies variables from propeller's own environment: each must be there."""
        wanted = _dig(process.merged, "plugins", "k8s", "default-env-vars-from-env")
        if not isinstance(wanted, Mapping) or process.env is None:
            return
        for target, source in wanted.items():
            if str(source) not in process.env:
                self.add(
                    Severity.ERROR,
                    f"{process.filename}: {process.source_of(('plugins', 'k8s'))}: "
                    f"plugins.k8s.default-env-vars-from-env.{target}",
                    "wiring.env-from-env",
                    f"task pods get {target} from {process.component}'s variable {source}, which its container "
                    f"({process.workload}) does not have: the task gets an empty value",
                    f"give the {process.component} container {source} (env from a Secret)",
                )

    def run(self) -> list[Finding]:
        for process in self.processes:
            merged = process.merged
            if process.component in ("flytepropeller", "flytescheduler"):
                self.endpoint(
                    process,
                    "admin.endpoint",
                    _dig(merged, "admin", "endpoint"),
                    _dig(merged, "admin", "insecure"),
                    "admin",
                )
            if process.component == "flytepropeller":
                self.endpoint(
                    process,
                    "catalog-cache.endpoint",
                    _dig(merged, "catalog-cache", "endpoint"),
                    _dig(merged, "catalog-cache", "insecure"),
                    "catalog",
                )
            if process.component in ("flytepropeller", "flyte-binary"):
                for key, deployment in _connectors(merged):
                    self.endpoint(process, key, deployment.get("endpoint"), deployment.get("insecure"), "connector")
        self.grpc_ingresses()
        self.clients()
        self.mounts()
        self.task_storage()
        return self.found


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("true", "1", "t", "yes")


def _dig(node: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = next((v for k, v in node.items() if str(k).lower() == part.lower()), None)
    return node


def _env(value: Any) -> set[str]:
    if isinstance(value, Mapping):
        return {str(k) for k in value}
    if isinstance(value, list):
        return {str(k) for m in value if isinstance(m, Mapping) for k in m}
    return set()


def _storage_endpoint(merged: Mapping[str, Any]) -> str:
    for path in (("storage", "connection", "endpoint"), ("storage", "stow", "config", "endpoint")):
        value = _dig(merged, *path)
        if isinstance(value, str) and value:
            return value
    return ""


def _connectors(merged: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    for section in ("connector-service", "agent-service"):
        config = _dig(merged, "plugins", section)
        if not isinstance(config, Mapping):
            continue
        for default in ("defaultConnector", "defaultAgent"):
            value = _dig(config, default)
            if isinstance(value, Mapping):
                yield f"plugins.{section}.{default}.endpoint", value
        for group in ("connectors", "agents"):
            named = _dig(config, group)
            if isinstance(named, Mapping):
                for name, value in named.items():
                    if isinstance(value, Mapping):
                        yield f"plugins.{section}.{group}.{name}.endpoint", value


def _references(pod: Mapping[str, Any]) -> Iterable[tuple[str, str, list[str], bool]]:
    """``(kind, name, keys read, optional)`` for every Secret/ConfigMap a pod mounts or reads."""
    for volume in pod.get("volumes") or []:
        if "secret" in volume:
            s = volume["secret"]
            yield "Secret", str(s.get("secretName")), [i["key"] for i in s.get("items") or []], bool(s.get("optional"))
        if "configMap" in volume:
            c = volume["configMap"]
            yield "ConfigMap", str(c.get("name")), [], bool(c.get("optional"))
        for source in (volume.get("projected") or {}).get("sources") or []:
            for kind, key in (("Secret", "secret"), ("ConfigMap", "configMap")):
                if key in source:
                    s = source[key]
                    yield kind, str(s.get("name")), [i["key"] for i in s.get("items") or []], bool(s.get("optional"))
    for container in (pod.get("initContainers") or []) + (pod.get("containers") or []):
        for env in container.get("env") or []:
            ref = env.get("valueFrom") or {}
            if "secretKeyRef" in ref:
                r = ref["secretKeyRef"]
                yield "Secret", str(r.get("name")), [str(r.get("key"))], bool(r.get("optional"))
            if "configMapKeyRef" in ref:
                r = ref["configMapKeyRef"]
                yield "ConfigMap", str(r.get("name")), [], bool(r.get("optional"))
        for source in container.get("envFrom") or []:
            if "secretRef" in source:
                yield "Secret", str(source["secretRef"].get("name")), [], bool(source["secretRef"].get("optional"))
            if "configMapRef" in source:
                r = source["configMapRef"]
                yield "ConfigMap", str(r.get("name")), [], bool(r.get("optional"))


def wiring_findings(plan: Plan, rendered: PlanRender, processes: list[ProcessConfig]) -> list[Finding]:
    """Every wiring finding of a rendered plan (``processes`` from :func:`~.configs.process_configs`)."""
    return _Wiring(plan, rendered, processes).run()
