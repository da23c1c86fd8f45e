"""The chapters' overview tables (components, connections, charts, auth, identity, logs, databases, stores, IdPs),
computed from the spec's models and enums, the presets, the topology and the values the emitters write.

Nothing here restates a fact kept elsewhere: a row exists because an enum member or a model field exists, and
"which environments accept this" is asked of the spec's own validation on a preset of each environment. A new
storage provider or identity provider therefore shows up in the wiki without editing a chapter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from ..charts import emit_releases
from ..charts.common import IDENTITY_ANNOTATION
from ..errors import SpecError
from ..presets import PRESETS, get_preset
from ..spec import (
    Auth,
    AuthMode,
    ChartName,
    Components,
    DatabaseFlavour,
    DeploymentModel,
    DeploymentSpec,
    Environment,
    Identity,
    IdentityMode,
    IdentityProvider,
    LogProvider,
    Logs,
    StorageCredentials,
    StorageProvider,
    recommend_chart,
)
from ..topology import Ids, NodeKind, build_topology
from ..topology.names import (
    DATABASE_NAMES,
    ENVIRONMENT_NAMES,
    IDENTITY_NAMES,
    IDP_NAMES,
    KUBERNETES_SERVICE,
    LOG_BACKEND_NAMES,
    OBJECT_STORE_NAMES,
)
from .excerpts import spec_with
from .markdown import Markdown, inline_code, md_table

__all__ = [
    "component_table",
    "connection_table",
    "chart_comparison_table",
    "chart_table",
    "auth_flow_table",
    "identity_mechanism_table",
    "log_provider_table",
    "database_table",
    "storage_table",
    "identity_provider_table",
]

_OVERVIEW_PRESET = "onprem-production"
"""A flyte-core preset with every service, ingress and auth: the fullest single-cluster picture."""


def _presets_of(environment: Environment) -> list[str]:
    return [name for name, preset in PRESETS.items() if preset.build().environment is environment]


def _accepts(preset: str, changes: Mapping[str, Any]) -> bool:
    try:
        spec_with(preset, changes)
    except (ValidationError, SpecError):
        return False
    return True


def _environments_accepting(changes: Mapping[str, Any]) -> list[Environment]:
    """Environments where some preset accepts ``changes`` (the spec's own rules decide)."""
    return [env for env in Environment if any(_accepts(name, changes) for name in _presets_of(env))]


def _env_list(environments: Iterable[Environment]) -> str:
    return ", ".join(ENVIRONMENT_NAMES[e] for e in environments) or "—"


def _first_line(text: str) -> str:
    return text.split("\n")[0]


def _strings_under(values: Any, keys: set[str]) -> Iterator[str]:
    """Every string value found under a key named one of ``keys``, at any depth."""
    if isinstance(values, dict):
        for key, value in values.items():
            if key in keys:
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str))
            yield from _strings_under(value, keys)
    elif isinstance(values, list):
        for item in values:
            yield from _strings_under(item, keys)


# ---- architecture ---------------------------------------------------------------------------------------------


def connection_table(preset: str = _OVERVIEW_PRESET) -> Markdown:
    """Who talks to whom in the preset's topology (services, stores, Kubernetes, the ingress), with the edge's
    own words and, for a store, where it is (host, port, databases, buckets)."""
    topology = build_topology(get_preset(preset))
    shown = {NodeKind.COMPONENT, NodeKind.STORE, NodeKind.CLUSTER, NodeKind.INFRASTRUCTURE, NodeKind.ACTOR}
    rows = []
    for edge in topology.edges:
        source, target = topology.node(edge.source), topology.node(edge.target)
        if source.kind not in shown or target.kind not in shown:
            continue
        how = edge.label or edge.relation.text
        if target.kind is NodeKind.STORE and target.detail:
            how += f" ({target.detail})"
        rows.append((_first_line(source.label), _first_line(target.label), how))
    return md_table(["from", "to", "how"], rows)


def component_table(preset: str = "eks-core") -> Markdown:
    """Every Flyte service the spec knows (a field of ``components``): what it does, read from the edges leaving
    it in the overview topology, and how the preset runs it (replicas, spread across nodes)."""
    topology = build_topology(get_preset(_OVERVIEW_PRESET))
    spec = get_preset(preset)
    ids = {
        "admin": Ids.ADMIN,
        "datacatalog": Ids.DATACATALOG,
        "scheduler": Ids.SCHEDULER,
        "propeller": Ids.PROPELLER,
        "console": Ids.CONSOLE,
        "cluster_resource_manager": Ids.CLUSTER_RESOURCES,
        "connector": Ids.CONNECTOR,
    }
    rows = []
    for field, info in Components.model_fields.items():
        settings = getattr(spec.components, field)
        if not hasattr(settings, "replicas"):
            continue
        node = ids.get(field)
        does = [
            f"{edge.label or edge.relation.text} → {_first_line(topology.node(edge.target).label)}"
            for edge in topology.edges
            if node and edge.source == node
        ]
        if not settings.enabled:
            run = "off"
        else:
            run = f"{settings.replicas} replica{'s' if settings.replicas != 1 else ''}"
            run += ", spread across nodes" if getattr(settings, "spread_across_nodes", False) else ""
        rows.append(
            (
                f"**{info.title or field}**",
                "<br>".join(does) or (info.description or ""),
                run,
                inline_code(f"components.{field}"),
            )
        )
    return md_table(["component", "what it does (its connections)", f"in `{preset}`", "spec field"], rows)


def chart_comparison_table(binary: str = "eks-starter", core: str = "eks-core") -> Markdown:
    """flyte-binary against flyte-core, each from a preset of the same environment: the models the spec's rules
    let it run, how the services are packaged (topology), the values blocks the emitter writes, and the Secrets."""
    columns = [get_preset(binary), get_preset(core)]

    def models(spec: DeploymentSpec) -> str:
        ok = [m.value for m in DeploymentModel if _accepts_chart(spec, m)]
        return ", ".join(ok)

    def packaging(spec: DeploymentSpec) -> str:
        topology = build_topology(spec)
        services = [n for n in topology.of_kind(NodeKind.COMPONENT) if Ids.base(n.id) != Ids.COPILOT]
        if any(n.group == Ids.BINARY_POD for n in services):
            return "one Deployment (the `flyte` binary) running " + ", ".join(_first_line(n.label) for n in services)
        return "one Deployment each: " + ", ".join(
            f"{_first_line(n.label)} ({n.detail})" if n.detail else _first_line(n.label) for n in services
        )

    def blocks(spec: DeploymentSpec) -> str:
        main = [r for r in emit_releases(spec) if r.chart is spec.chart_name]
        keys = dict.fromkeys(k for r in main for k in r.values)
        return ", ".join(inline_code(k) for k in keys)

    def secrets(spec: DeploymentSpec) -> str:
        names = dict.fromkeys(s.name for r in emit_releases(spec) for s in r.secrets)
        return ", ".join(inline_code(n) for n in names) or "—"

    rows = [
        ("deployment models", *(models(s) for s in columns)),
        ("Flyte services", *(packaging(s) for s in columns)),
        ("values blocks the kit writes", *(blocks(s) for s in columns)),
        ("Secrets to create", *(secrets(s) for s in columns)),
    ]
    headers = ["", *(f"{s.chart_name.value} (`{name}`)" for s, name in zip(columns, (binary, core), strict=True))]
    return md_table(headers, rows)


def _accepts_chart(spec: DeploymentSpec, model: DeploymentModel) -> bool:
    data = spec.model_dump(mode="json")
    data["model"] = model.value
    if model is DeploymentModel.MULTI_CLUSTER and not data.get("clusters", {}).get("data_planes"):
        data.setdefault("clusters", {})["data_planes"] = [{"name": "dataplane-1"}]
    if model is DeploymentModel.HYBRID and not data.get("connectors"):
        data["connectors"] = [{"kind": "databricks"}]
    try:
        DeploymentSpec.model_validate(data)
    except (ValidationError, SpecError):
        return False
    return True


@lru_cache(maxsize=1)
def _chart_usage() -> dict[ChartName, tuple[list[str], list[str], list[str]]]:
    """Chart -> (presets installing it, release roles, top-level values blocks written), from the emitters."""
    usage: dict[ChartName, tuple[list[str], list[str], list[str]]] = {c: ([], [], []) for c in ChartName}
    for name in PRESETS:
        for release in emit_releases(get_preset(name)):
            presets, roles, keys = usage[release.chart]
            presets.append(name) if name not in presets else None
            roles.append(release.role) if release.role not in roles else None
            keys.extend(k for k in release.values if k not in keys)
    return usage


def chart_table() -> Markdown:
    """Each chart the kit emits values for: the roles its releases play, the models that pick it, the top-level
    values blocks the kit writes into it, and the presets that install it."""
    rows = []
    for chart, (presets, roles, keys) in _chart_usage().items():
        picked = [m.value for m in DeploymentModel if recommend_chart(m) is chart]
        rows.append(
            (
                inline_code(chart.value),
                ", ".join(roles) or "—",
                ", ".join(picked) or "when the spec asks for it",
                ", ".join(inline_code(k) for k in keys[:10]) + (f" … ({len(keys)})" if len(keys) > 10 else ""),
                ", ".join(inline_code(p) for p in presets) or "—",
            )
        )
    return md_table(["chart", "release roles", "recommended for", "values blocks the kit writes", "presets"], rows)


# ---- security -------------------------------------------------------------------------------------------------


def auth_flow_table() -> Markdown:
    """The three OAuth clients of a Flyte deployment, each described by its client-ID field of the ``auth``
    model, with the fields that configure it (field names group them: ``flytectl_*``, ``service_*``)."""
    fields = Auth.model_fields
    groups: dict[str, list[str]] = {"": [], "flytectl_": [], "service_": [], "external_": []}
    for name in fields:
        if name in {"mode", "idp", "enabled"}:
            continue
        prefix = next((p for p in ("flytectl_", "service_", "external_") if name.startswith(p)), "")
        groups[prefix].append(name)
    rows = []
    for prefix, names in groups.items():
        client = fields.get(f"{prefix}client_id")
        who = client.description if client is not None and client.description else fields[names[0]].description
        rows.append(
            (
                who or "",
                "<br>".join(f"{inline_code('auth.' + n)}: {fields[n].description or ''}" for n in names),
            )
        )
    return md_table(["client", "configured by"], rows)


def identity_mechanism_table() -> Markdown:
    """Each identity mode: its name, where the spec's rules accept it, the ServiceAccount annotation the charts
    write, and the identity fields it reads."""
    rows = []
    for mode in IdentityMode:
        envs = _environments_accepting({"identity.mode": mode.value})
        annotation = IDENTITY_ANNOTATION.get(mode)
        rows.append(
            (
                f"{IDENTITY_NAMES[mode]} ({inline_code(mode.value)})",
                _env_list(envs),
                inline_code(annotation) if annotation else "none: Kubernetes RBAC only",
            )
        )
    fields = "<br>".join(
        f"{inline_code('identity.' + n)}: {f.description or ''}" for n, f in Identity.model_fields.items()
    )
    return Markdown(md_table(["mechanism", "accepted in", "ServiceAccount annotation"], rows) + f"\n\n{fields}")


# ---- monitoring -----------------------------------------------------------------------------------------------


def log_provider_table() -> Markdown:
    """Each task-log provider: where the environments' presets use it, and the link template the flyte-binary
    emitter writes for it (what the console's log link opens)."""
    rows = []
    for provider in LogProvider:
        users = [n for n in PRESETS if provider in get_preset(n).observability.logs.providers]
        base = next((n for n in PRESETS if get_preset(n).chart_name is ChartName.FLYTE_BINARY and n in users), None)
        templates: list[str] = []
        if base is not None:
            for release in emit_releases(get_preset(base)):
                templates += [t for t in _strings_under(release.values, {"templateUri", "templateUris"})]
        envs = dict.fromkeys(get_preset(n).environment for n in users)
        opens = "<br>".join(inline_code(t) for t in dict.fromkeys(templates))
        if provider is LogProvider.CUSTOM:
            opens = Logs.model_fields["custom"].description or ""
        rows.append((inline_code(provider.value), LOG_BACKEND_NAMES[provider], _env_list(envs), opens or "—"))
    return md_table(["provider", "log backend", "used by the presets of", "link opens"], rows)


# ---- external dependencies ------------------------------------------------------------------------------------


def _fits(preset: str, changes: Mapping[str, Any], finding_prefix: str) -> bool:
    """The change validates and the static checks raise no finding whose rule starts with ``finding_prefix``
    (``database.flavour``: an RDS database on GCP is valid input but a finding says it does not belong there)
    that the preset itself does not raise."""
    from ..checks import static_findings

    try:
        spec = spec_with(preset, changes)
    except (ValidationError, SpecError):
        return False
    before = {f.rule for f in static_findings(get_preset(preset))}
    return not any(f.rule.startswith(finding_prefix) and f.rule not in before for f in static_findings(spec))


def database_table() -> Markdown:
    """Per environment, the PostgreSQL flavours that fit there (valid, and no finding from the database placement
    check), and what its presets set (sslmode)."""
    rows = []
    for env in Environment:
        presets = _presets_of(env)
        flavours = [
            f
            for f in DatabaseFlavour
            if any(_fits(p, {"database.flavour": f.value}, "database.flavour") for p in presets)
        ]
        used = dict.fromkeys((get_preset(p).database.flavour, get_preset(p).database.sslmode) for p in presets)
        rows.append(
            (
                f"{ENVIRONMENT_NAMES[env]} ({KUBERNETES_SERVICE[env]})",
                "<br>".join(f"{DATABASE_NAMES[f]} ({inline_code(f.value)})" for f in flavours),
                ", ".join(f"{DATABASE_NAMES[f]}: sslmode {s.value}" for f, s in used),
            )
        )
    return md_table(["environment", "flavours that fit", "what its presets use"], rows)


def storage_table() -> Markdown:
    """Each object store: where the spec's rules accept it, which credential modes work with it, and the storage
    fields its presets fill in."""
    rows = []
    for provider in StorageProvider:
        envs = _environments_accepting({"storage.provider": provider.value})
        users = [n for n in PRESETS if get_preset(n).storage.provider is provider]
        creds = dict.fromkeys(get_preset(n).storage.credentials for n in users)
        other = [
            c
            for c in StorageCredentials
            if c not in creds and any(_accepts(n, {"storage.credentials": c.value}) for n in users)
        ]
        filled: list[str] = []
        for name in users:
            data = get_preset(name).storage.model_dump(exclude_defaults=True, exclude_none=True)
            filled += [k for k in data if k not in filled and k != "provider"]
        rows.append(
            (
                f"{OBJECT_STORE_NAMES[provider]} ({inline_code(provider.value)})",
                _env_list(envs),
                ", ".join(c.value for c in [*creds, *other]) or "—",
                ", ".join(inline_code(f"storage.{k}") for k in filled) or "—",
            )
        )
    return md_table(["object store", "accepted in", "credentials", "fields its presets fill in"], rows)


_EXTERNAL: dict[AuthMode, dict[str, Any]] = {
    AuthMode.OIDC_EXTERNAL: {"auth.external_audience": "api://flyte", "auth.service_client_id": "<SERVICE_CLIENT_ID>"}
}
"""What an external authorization server needs besides the mode (an audience, its own service client), to ask the
rules about the IdP alone."""


def identity_provider_table() -> Markdown:
    """Each identity provider: the auth modes that fit it (valid, and no new finding from the auth checks; tried
    on every preset with auth), and the issuers the presets that use it set."""
    with_auth = [n for n in PRESETS if get_preset(n).auth.mode is not AuthMode.NONE]
    rows = []
    for idp in IdentityProvider:
        modes = [
            m.value
            for m in AuthMode
            if m is not AuthMode.NONE
            and any(
                _fits(n, {"auth.idp": idp.value, "auth.mode": m.value, **_EXTERNAL.get(m, {})}, "auth")
                for n in with_auth
            )
        ]
        issuers = dict.fromkeys(get_preset(n).auth.issuer for n in with_auth if get_preset(n).auth.idp is idp)
        rows.append(
            (
                f"{IDP_NAMES[idp]} ({inline_code(idp.value)})",
                ", ".join(modes) or "—",
                "<br>".join(inline_code(i) for i in issuers) or "—",
            )
        )
    issuer = Auth.model_fields["issuer"].description or ""
    return Markdown(md_table(["provider (`auth.idp`)", "auth modes that fit", "issuer in the presets"], rows)
                    + f"\n\n`auth.issuer`: {issuer}")  # fmt: skip
