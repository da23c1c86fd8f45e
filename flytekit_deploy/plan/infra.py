"""The cloud prerequisites of a plan: which ServiceAccounts take the spec's cloud identity, found in Kubernetes
objects (the chart render, see :mod:`flytekit_deploy.checks.infra`, or, without a chart engine, the objects the
emitted values spell out themselves), and the cloud's Terraform module bound to exactly those.

A ServiceAccount takes the identity when it carries the cloud's annotation; the cluster-resource templates add one
in every project-domain namespace of every cluster the cluster resource sync reaches.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from ..charts import ReleaseValues
from ..clouds.hcl import InfraModule, ServiceAccountRef, module_files
from ..clouds.registry import cloud_of, identity_of
from ..spec import DeploymentSpec

__all__ = [
    "InfraResult",
    "guide_section",
    "accounts_in",
    "accounts_from_values",
    "values_objects",
    "infra_result",
    "files_of",
]

_TEMPLATE_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_DEFAULT_MAPPING = "{{ project }}-{{ domain }}"


@dataclass
class InfraResult:
    """The module and where its ServiceAccounts came from (``render`` or ``values``)."""

    module: InfraModule
    accounts: list[ServiceAccountRef]
    source: str


def config_docs(bodies: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """Every YAML mapping inside the ConfigMaps' data (Flyte's runtime config files)."""
    for body in bodies:
        if body.get("kind") != "ConfigMap":
            continue
        for text in (body.get("data") or {}).values():
            if not isinstance(text, str) or "{{" in text:
                continue
            try:
                for doc in yaml.safe_load_all(io.StringIO(text)):
                    if isinstance(doc, Mapping):
                        yield doc
            except yaml.YAMLError:
                continue


def _templates(bodies: Iterable[Mapping[str, Any]]) -> Iterable[tuple[str, str]]:
    """Cluster-resource template texts in ConfigMaps: ``(ConfigMap name/key, text)`` of those with ``{{``."""
    for body in bodies:
        if body.get("kind") != "ConfigMap":
            continue
        for key, text in (body.get("data") or {}).items():
            if isinstance(text, str) and "{{" in text and "ServiceAccount" in text:
                yield f"{body['metadata']['name']}/{key}", text


def _template_accounts(text: str, annotation: str) -> list[tuple[str, str, str]]:
    """``(namespace template, name, annotation value)`` of every ServiceAccount with ``annotation`` in a template
    text; a template variable in the value comes back as ``{{ name }}``."""
    marker = "__NS__"
    filled = _TEMPLATE_VAR.sub(lambda m: marker if m.group(1) == "namespace" else f"__VAR_{m.group(1)}__", text)
    found = []
    for doc in yaml.safe_load_all(io.StringIO(filled)):
        if isinstance(doc, Mapping) and doc.get("kind") == "ServiceAccount":
            meta = doc.get("metadata") or {}
            annotations = meta.get("annotations") or {}
            if annotation in annotations:
                value = re.sub(r"__VAR_(\w+?)__", r"{{ \1 }}", str(annotations[annotation]))
                found.append((str(meta.get("namespace", marker)), str(meta["name"]), value))
    return found


def _custom_data(configs: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """``domain -> {template variable: value}`` from ``cluster_resources.customData`` of Flyte's config."""
    out: dict[str, dict[str, str]] = {}
    for doc in configs:
        resources = doc.get("cluster_resources")
        if not isinstance(resources, Mapping):
            continue
        for entry in resources.get("customData") or []:
            for domain, variables in (entry or {}).items():
                for item in variables if isinstance(variables, list) else [variables]:
                    for name, holder in (item or {}).items():
                        if isinstance(holder, Mapping) and "value" in holder:
                            out.setdefault(str(domain), {})[str(name)] = str(holder["value"])
    return out


def _namespaces(spec_projects: Any, mapping: str) -> list[tuple[str, str]]:
    """``(namespace, domain)`` of every project-domain pair under the namespace mapping."""
    out = []
    for project in spec_projects.projects:
        for domain in spec_projects.domains:
            out.append((mapping.replace("{{ project }}", project.name).replace("{{ domain }}", domain), domain))
    return out


def _resolve(value: str, known: Mapping[str, str]) -> str:
    """``{{ var }}`` in a template annotation replaced by the domain's customData value, when it has one."""
    return _TEMPLATE_VAR.sub(lambda m: known.get(m.group(1), m.group(0)), value)


def _role(spec: DeploymentSpec, value: str, domain: str | None = None, default: str = "backend") -> str:
    """Which of the spec's identities an annotation value is: a domain's own task identity, the task identity,
    propeller's, the backend's (``default`` when it is none of them)."""
    ident = spec.identity
    if domain is not None and ident.tasks_per_domain.get(domain) == value:
        return f"tasks-{domain}"
    for role in ("tasks", "propeller", "backend"):
        if getattr(ident, role) == value and (role != "tasks" or value != ident.backend):
            return role
    return default


def accounts_in(
    spec: DeploymentSpec,
    releases: Sequence[ReleaseValues],
    bodies_by_file: Mapping[str, list[Mapping[str, Any]]],
    source: str,
) -> list[ServiceAccountRef]:
    """The identity-taking ServiceAccounts among Kubernetes objects grouped by values filename, per cluster."""
    identity = identity_of(spec)
    if identity is None:
        return []
    annotation = identity.annotation
    cluster_of = {r.filename: r.cluster for r in releases}
    out: dict[tuple[str, str, str], ServiceAccountRef] = {}
    for filename, bodies in bodies_by_file.items():
        cluster = cluster_of.get(filename, "default")
        for body in bodies:
            if body.get("kind") != "ServiceAccount":
                continue
            meta = body.get("metadata") or {}
            value = (meta.get("annotations") or {}).get(annotation)
            if value is None:
                continue
            ns = str(meta.get("namespace") or next(r.namespace for r in releases if r.filename == filename))
            key = (cluster, ns, str(meta["name"]))
            out.setdefault(
                key,
                ServiceAccountRef(cluster, ns, key[2], _role(spec, str(value)), f"{source}: {filename} ServiceAccount"),
            )
        configs = list(config_docs(bodies))
        mapping = next(
            (
                str(d["namespace_mapping"]["template"])
                for d in configs
                if isinstance(d.get("namespace_mapping"), Mapping) and "template" in d["namespace_mapping"]
            ),
            _DEFAULT_MAPPING,
        )
        targets = [
            str(c["name"])
            for d in configs
            if isinstance(d.get("clusters"), Mapping)
            for c in d["clusters"].get("clusterConfigs") or []
            if c.get("enabled", True)
        ] or [cluster]
        custom = _custom_data(configs)
        for where, text in _templates(bodies):
            for ns_template, name, value in _template_accounts(text, annotation):
                if ns_template == "__NS__":
                    spaces: list[tuple[str, str | None]] = list(_namespaces(spec.projects, mapping))
                else:
                    spaces = [(ns_template, None)]
                for target in targets:
                    for ns, domain in spaces:
                        resolved = _resolve(value, custom.get(domain or "", {}))
                        out.setdefault(
                            (target, ns, name),
                            ServiceAccountRef(
                                target,
                                ns,
                                name,
                                _role(spec, resolved, domain, "tasks"),
                                f"{source}: {filename} cluster resource template {where}",
                            ),
                        )
    return sorted(out.values(), key=lambda a: (a.cluster, a.role, a.namespace, a.name))


def accounts_from_values(spec: DeploymentSpec, releases: Sequence[ReleaseValues]) -> list[ServiceAccountRef]:
    """Fallback without a chart engine: ServiceAccounts the emitted values name themselves (identity annotations
    under ``serviceAccount``) and the templates they carry. Less exact than the render: chart defaults for names."""
    bodies = {release.filename: values_objects(release) for release in releases}
    return accounts_in(spec, releases, bodies, "values")


def values_objects(release: ReleaseValues) -> list[Mapping[str, Any]]:
    """The ServiceAccounts (and template/config texts) one release's values spell out, as Kubernetes-like objects."""
    found: list[Mapping[str, Any]] = []
    _walk_values(release.values, release.namespace, release.release, release.chart.value, found)
    return found


def _walk_values(
    node: Any,
    namespace: str,
    release: str,
    chart: str,
    out: list[Mapping[str, Any]],
    owner: str | None = None,
    path: str = "",
) -> None:
    if isinstance(node, Mapping):
        account = node.get("serviceAccount")
        # flyte-core skips a disabled component's ServiceAccount unless serviceAccount.alwaysCreate
        created = node.get("enabled", True) is not False or bool((account or {}).get("alwaysCreate"))
        if isinstance(account, Mapping) and account.get("annotations") and created:
            default = owner or (release if chart in release else f"{release}-{chart}")
            out.append(
                {
                    "kind": "ServiceAccount",
                    "metadata": {
                        "name": account.get("name") or default,
                        "namespace": namespace,
                        "annotations": account["annotations"],
                    },
                }
            )
        if node.get("enabled", True) is False:
            return  # a disabled component renders nothing else (its templates, its config)
        for key in ("clusters", "namespace_mapping", "cluster_resources"):
            part = node.get(key)
            if isinstance(part, Mapping) and ({"clusterConfigs", "template", "customData"} & set(part)):
                out.append(
                    {
                        "kind": "ConfigMap",
                        "metadata": {"name": "values", "namespace": namespace},
                        "data": {key: yaml.safe_dump({key: dict(part)})},
                    }
                )
        for key, value in node.items():
            if isinstance(value, str) and "ServiceAccount" in value and "{{" in value:
                out.append(
                    {
                        "kind": "ConfigMap",
                        "metadata": {"name": "values", "namespace": namespace},
                        "data": {f"{path}{key}": value},
                    }
                )
            _walk_values(
                value,
                namespace,
                release,
                chart,
                out,
                str(key)
                if owner is None
                and key != "serviceAccount"
                and isinstance(value, Mapping)
                and "serviceAccount" in value
                else owner,
                f"{path}{key}.",
            )
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _walk_values(item, namespace, release, chart, out, owner, f"{path.rstrip('.')}[{index}].")


def infra_result(spec: DeploymentSpec, releases: Sequence[ReleaseValues]) -> InfraResult | None:
    """The cloud's module bound to the ServiceAccounts the emitted values create (None outside AWS/GCP/Azure)."""
    accounts = accounts_from_values(spec, releases)
    module = cloud_of(spec).infrastructure(spec, accounts)
    return InfraResult(module, accounts, "values") if module is not None else None


def files_of(result: InfraResult) -> dict[str, str]:
    """``infra/*`` of a result, its header saying where the ServiceAccounts were read."""
    header = "Generated by flytekit-deploy from the spec; identities bind the ServiceAccounts found in the " + (
        "rendered releases."
        if result.source == "render"
        else "emitted values (names by the charts' defaults, not read from a chart render: `flytekit-deploy values` "
        "reads them from the render when helm and the charts are at hand)."
    )
    return module_files(result.module, header)


def guide_section(spec: DeploymentSpec, releases: Sequence[ReleaseValues]) -> list[str]:
    """install.md's "Cloud prerequisites": numbered steps from the same module ``infra/`` holds (its variables,
    the commands, the identity bindings, its notes, and the cloud CLI equivalent). Empty outside AWS/GCP/Azure."""
    result = infra_result(spec, releases)
    if result is None:
        return []
    module = result.module
    open_vars = [b.labels[0] for b in module.variables if "default" not in b.attributes]
    out = [
        "## Cloud prerequisites",
        "",
        "Buckets, database and identities, as the Terraform/OpenTofu module in `infra/`.",
        "",
    ]
    steps: list[tuple[str, list[str]]] = []
    if open_vars:
        steps.append(
            (
                "Answer the module's open variables in `infra/terraform.tfvars`: "
                + ", ".join(f"`{v}`" for v in open_vars),
                [],
            )
        )
    steps += [
        ("Create them (`tofu` works the same)", ["terraform -chdir=infra init", "terraform -chdir=infra apply"]),
        (
            "Feed the outputs back into the spec and write the plan again",
            [
                "terraform -chdir=infra output -json > infra-outputs.json",
                "flytekit-deploy fill spec.yaml --from-terraform infra-outputs.json",
                "flytekit-deploy values spec.yaml -o . --force",
            ],
        ),
    ]
    for number, (title, commands) in enumerate(steps, 1):
        out.append(f"{number}. {title}")
        if commands:
            out += ["", "   ```bash", *(f"   {c}" for c in commands), "   ```"]
        out.append("")
    if module.fills:
        out += ["The outputs answer: " + ", ".join(f"`{p}` ({o})" for p, o in module.fills.items()), ""]
    out += ["Identity bindings (each ServiceAccount bound by exactly one identity):", ""]
    out += ["| identity | cluster | ServiceAccount |", "|---|---|---|"]
    out += [f"| `{b.identity}` | {b.cluster} | `{b.namespace}/{b.name}` |" for b in module.bindings]
    out.append("")
    if module.notes:
        out += [f"- {note}" for note in module.notes] + [""]
    if module.cli_steps:
        out += ["Without Terraform, the same with the cloud CLI:", "", "```bash", *module.cli_steps, "```", ""]
    return out
