"""The cloud prerequisites of a plan, joined to its render: which ServiceAccounts take a cloud identity (read from
the rendered releases, never re-typed), the Terraform module each cloud writes for them, and the checks that the
module binds exactly those ServiceAccounts and grants every bucket Flyte's config names.

The render is the truth: a ServiceAccount object carrying the cloud's identity annotation, or a ServiceAccount in
the cluster-resource templates (created in every project-domain namespace by the cluster resource sync).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from ..clouds.hcl import InfraModule, ServiceAccountRef, module_files
from ..clouds.registry import cloud_of, identity_of
from .findings import Finding, Severity

if TYPE_CHECKING:
    from ..plan import Plan
    from .plan_render import PlanRender

__all__ = [
    "accounts_from_render",
    "accounts_from_values",
    "infra_module",
    "infra_files",
    "parsed_subjects",
    "check_subjects",
    "check_buckets",
    "check_infra",
    "InfraResult",
]

CHAPTER = "cloud-prerequisites"
_TEMPLATE_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_DEFAULT_MAPPING = "{{ project }}-{{ domain }}"


@dataclass
class InfraResult:
    """The module and where its ServiceAccounts came from (``render`` or ``values`` when no chart engine ran)."""

    module: InfraModule
    accounts: list[ServiceAccountRef]
    source: str


def _config_docs(bodies: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
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


def _template_accounts(text: str, annotation: str) -> list[tuple[str, str]]:
    """``(namespace template, name)`` of every ServiceAccount with ``annotation`` in a template text."""
    marker = "__NS__"
    filled = _TEMPLATE_VAR.sub(lambda m: marker if m.group(1) == "namespace" else f"__{m.group(1)}__", text)
    found = []
    for doc in yaml.safe_load_all(io.StringIO(filled)):
        if isinstance(doc, Mapping) and doc.get("kind") == "ServiceAccount":
            meta = doc.get("metadata") or {}
            if annotation in (meta.get("annotations") or {}):
                found.append((str(meta.get("namespace", marker)), str(meta["name"])))
    return found


def _namespaces(spec_projects: Any, mapping: str) -> list[str]:
    out = []
    for project in spec_projects.projects:
        for domain in spec_projects.domains:
            out.append(mapping.replace("{{ project }}", project.name).replace("{{ domain }}", domain))
    return out


def _role(plan: Plan, value: str) -> str:
    ident = plan.spec.identity
    return "tasks" if value == ident.tasks and value != ident.backend else "backend"


def _accounts(plan: Plan, bodies_by_file: Mapping[str, list[Mapping[str, Any]]], source: str) -> list[ServiceAccountRef]:
    identity = identity_of(plan.spec)
    if identity is None:
        return []
    annotation = identity.annotation
    cluster_of = {r.filename: r.cluster for r in plan.releases}
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
            ns = str(meta.get("namespace") or next(r.namespace for r in plan.releases if r.filename == filename))
            key = (cluster, ns, str(meta["name"]))
            out.setdefault(key, ServiceAccountRef(cluster, ns, key[2], _role(plan, str(value)),
                                                  f"{source}: {filename} ServiceAccount"))
        configs = list(_config_docs(bodies))
        mapping = next(
            (str(d["namespace_mapping"]["template"]) for d in configs
             if isinstance(d.get("namespace_mapping"), Mapping) and "template" in d["namespace_mapping"]),
            _DEFAULT_MAPPING,
        )
        targets = [
            str(c["name"])
            for d in configs
            if isinstance(d.get("clusters"), Mapping)
            for c in d["clusters"].get("clusterConfigs") or []
            if c.get("enabled", True)
        ] or [cluster]
        for where, text in _templates(bodies):
            for ns_template, name in _template_accounts(text, annotation):
                namespaces = _namespaces(plan.spec.projects, mapping) if ns_template == "__NS__" else [ns_template]
                for target in targets:
                    for ns in namespaces:
                        out.setdefault((target, ns, name), ServiceAccountRef(
                            target, ns, name, "tasks", f"{source}: {filename} cluster resource template {where}"))
    return sorted(out.values(), key=lambda a: (a.cluster, a.role, a.namespace, a.name))


def accounts_from_render(plan: Plan, render: PlanRender) -> list[ServiceAccountRef]:
    """The ServiceAccounts of the rendered releases that take the spec's cloud identity, per cluster, including
    the task ServiceAccount the cluster-resource templates create in every project-domain namespace of every
    cluster the cluster resource sync reaches."""
    bodies = {f: [o.body for o in r.objects if isinstance(o.body, Mapping)] for f, r in render.results.items()}
    return _accounts(plan, bodies, "render")


def infra_module(plan: Plan, accounts: list[ServiceAccountRef]) -> InfraModule | None:
    """The cloud's Terraform module for ``plan`` bound to ``accounts`` (None outside AWS/GCP/Azure)."""
    return cloud_of(plan.spec).infrastructure(plan.spec, accounts)


def infra_files(plan: Plan, render: PlanRender | None) -> InfraResult | None:
    """``infra/*`` for ``plan``: from the render when there is one, else from the emitted values' own
    ServiceAccount objects (marked as such in the module's header)."""
    if render is not None and not render.failures:
        accounts, source = accounts_from_render(plan, render), "render"
    else:
        accounts, source = accounts_from_values(plan), "values"
    module = infra_module(plan, accounts)
    return InfraResult(module, accounts, source) if module is not None else None


def accounts_from_values(plan: Plan) -> list[ServiceAccountRef]:
    """Fallback without a chart engine: ServiceAccounts the emitted values name themselves (identity annotations
    under ``serviceAccount``) and the templates they carry. Less exact than the render: chart defaults for names."""
    bodies: dict[str, list[Mapping[str, Any]]] = {}
    for release in plan.releases:
        found: list[Mapping[str, Any]] = []
        _walk_values(release.values, release.namespace, release.release, release.chart.value, found)
        bodies[release.filename] = found
    return _accounts(plan, bodies, "values (no render)")


def _walk_values(node: Any, namespace: str, release: str, chart: str, out: list[Mapping[str, Any]],
                 owner: str | None = None) -> None:
    if isinstance(node, Mapping):
        account = node.get("serviceAccount")
        if isinstance(account, Mapping) and account.get("annotations"):
            default = owner or (release if chart in release else f"{release}-{chart}")
            out.append({"kind": "ServiceAccount", "metadata": {
                "name": account.get("name") or default, "namespace": namespace,
                "annotations": account["annotations"]}})
        for key in ("clusters", "namespace_mapping"):
            part = node.get(key)
            if isinstance(part, Mapping) and ("clusterConfigs" in part or "template" in part):
                out.append({"kind": "ConfigMap", "metadata": {"name": "values", "namespace": namespace},
                            "data": {key: yaml.safe_dump({key: dict(part)})}})
        for key, value in node.items():
            if isinstance(value, str) and "ServiceAccount" in value and "{{" in value:
                out.append({"kind": "ConfigMap", "metadata": {"name": "values", "namespace": namespace},
                            "data": {str(key): value}})
            _walk_values(value, namespace, release, chart, out, str(key) if owner is None and key != "serviceAccount"
                         and isinstance(value, Mapping) and "serviceAccount" in value else owner)
    elif isinstance(node, list):
        for item in node:
            _walk_values(item, namespace, release, chart, out, owner)


def files_of(result: InfraResult) -> dict[str, str]:
    header = (
        "Generated by flytekit-deploy from the spec; identities bind the ServiceAccounts found in the "
        + ("rendered releases." if result.source == "render" else
           "emitted values (no chart render was available: run `flytekit-deploy values` where helm and the charts "
           "are, or check with `doctor`).")
    )
    return module_files(result.module, header)


# --- checks on the written module ------------------------------------------------------------------------------

_SUBJECT = re.compile(r"system:serviceaccount:([^:\"]+):([^\"\]]+)")
_GKE_MEMBER = re.compile(r"\.svc\.id\.goog\[([^/]+)/([^\]]+)\]")


def parse_hcl(text: str) -> dict[str, Any]:
    """The file parsed by python-hcl2 (a real HCL2 parser); raises on a syntax error."""
    import hcl2

    return dict(_unquote(hcl2.loads(text)))


def _unquote(node: Any) -> Any:
    """python-hcl2 8 keeps string quotes (``'"flyte"'``) in keys and values; drop them for reading."""
    if isinstance(node, Mapping):
        return {_unquote(k): _unquote(v) for k, v in node.items() if k not in ("__is_block__", "__comments__")}
    if isinstance(node, list):
        return [_unquote(v) for v in node]
    if isinstance(node, str) and len(node) >= 2 and node[0] == node[-1] == '"':
        return node[1:-1].replace('\\"', '"')
    return node


def parsed_subjects(main_tf: str) -> list[tuple[str, str, str, str]]:
    """``(identity, cluster, namespace, name)`` for every ServiceAccount subject bound in ``main.tf``, read back from
    the parsed HCL: IRSA trust statements, GKE workloadIdentityUser members, Azure federated credentials."""
    tree = parse_hcl(main_tf)
    out: list[tuple[str, str, str, str]] = []
    for data in tree.get("data", []):
        for name, body in (data.get("aws_iam_policy_document") or {}).items():
            if not name.endswith("_trust"):
                continue
            for statement in body.get("statement", []):
                cluster = _cluster_key(str(statement.get("principals")))
                for condition in statement.get("condition", []):
                    for value in condition.get("values", []):
                        m = _SUBJECT.fullmatch(str(value))
                        if m:
                            out.append((name.removesuffix("_trust"), cluster, m.group(1), m.group(2)))
    for resource in tree.get("resource", []):
        for name, body in (resource.get("google_service_account_iam_member") or {}).items():
            if body.get("role") == "roles/iam.workloadIdentityUser":
                m = _GKE_MEMBER.search(str(body.get("member")))
                if m:
                    identity = str(body.get("service_account_id")).split(".")[1]
                    out.append((identity, _cluster_key(str(body.get("member"))), m.group(1), m.group(2)))
        for name, body in (resource.get("azurerm_federated_identity_credential") or {}).items():
            m = _SUBJECT.fullmatch(str(body.get("subject")))
            if m:
                identity = str(body.get("parent_id")).split(".")[1]
                out.append((identity, _cluster_key(str(body.get("issuer"))), m.group(1), m.group(2)))
    return out


def _cluster_key(text: str) -> str:
    """The kit cluster a reference names: ``...["dataplane-1"]`` or ``data.x.dataplane_1.arn``."""
    m = re.search(r"\[\\?\"([^\"\\]+)\\?\"\]", text)
    if m:
        return m.group(1)
    m = re.search(r"data\.[a-z_]+\.([A-Za-z0-9_]+)\.", text)
    return m.group(1) if m else ""


def check_subjects(accounts: list[ServiceAccountRef], main_tf: str) -> list[Finding]:
    """Every identity-annotated ServiceAccount is bound by exactly one identity with its namespace/name, and every
    bound subject is a ServiceAccount that exists in the render."""
    from ..clouds.hcl import slug

    bound = parsed_subjects(main_tf)
    findings: list[Finding] = []
    wanted = {(slug(a.cluster), a.namespace, a.name): a for a in accounts}
    seen: dict[tuple[str, str, str], list[str]] = {}
    for identity, cluster, ns, name in bound:
        seen.setdefault((slug(cluster), ns, name), []).append(identity)
    for key, account in wanted.items():
        who = seen.get(key, [])
        if len(set(who)) != 1:
            findings.append(Finding(
                severity=Severity.ERROR, path=f"infra/main.tf: {account.subject}",
                message=f"ServiceAccount {account.namespace}/{account.name} on cluster {account.cluster} "
                f"({account.source}) is bound by {len(set(who))} identities in infra/ ({', '.join(sorted(set(who))) or 'none'})",
                fix="regenerate infra/ with `flytekit-deploy values` from the same spec",
                chapter=CHAPTER, rule="infra.subject-unbound"))
    for key, who in seen.items():
        if key not in wanted:
            findings.append(Finding(
                severity=Severity.ERROR, path=f"infra/main.tf: system:serviceaccount:{key[1]}:{key[2]}",
                message=f"identity {', '.join(sorted(set(who)))} trusts ServiceAccount {key[1]}/{key[2]} on cluster "
                f"{key[0]}, which the rendered releases do not create",
                fix="regenerate infra/ with `flytekit-deploy values`: a subject that names no ServiceAccount is "
                "a permission denied waiting to happen",
                chapter=CHAPTER, rule="infra.subject-unknown"))
    return findings


def check_buckets(plan: Plan, module: InfraModule, main_tf: str) -> list[Finding]:
    """Every bucket/container the spec's storage names is created in ``main.tf`` and granted to every identity."""
    storage = plan.spec.storage
    wanted = [storage.metadata_bucket] + ([storage.data_bucket] if storage.data_bucket != storage.metadata_bucket else [])
    identities = sorted({b.identity for b in module.bindings})
    findings = []
    for bucket in wanted:
        granted = module.grants.get(bucket)
        if granted is None:
            findings.append(Finding(severity=Severity.ERROR, path="infra/main.tf", rule="infra.bucket-missing",
                                    message=f"bucket {bucket} named by the Flyte config is not created in infra/",
                                    fix="regenerate infra/", chapter=CHAPTER))
            continue
        missing = [i for i in identities if i not in granted]
        for identity in missing:
            findings.append(Finding(severity=Severity.ERROR, path="infra/main.tf", rule="infra.bucket-not-granted",
                                    message=f"{identity} uses bucket {bucket} but is not granted on it",
                                    fix="regenerate infra/", chapter=CHAPTER))
        for identity in granted:
            if identity.split(".")[-1] not in main_tf:
                findings.append(Finding(severity=Severity.ERROR, path="infra/main.tf", rule="infra.grant-missing",
                                        message=f"grant of {identity} on {bucket} not in main.tf",
                                        fix="regenerate infra/", chapter=CHAPTER))
    return findings


def check_infra(plan: Plan, result: InfraResult, files: Mapping[str, str]) -> list[Finding]:
    """All checks on a written ``infra/``: every file parses, subjects match the accounts, buckets granted."""
    findings = []
    for name, text in files.items():
        if name.endswith(".tf"):
            try:
                parse_hcl(text)
            except Exception as exc:  # noqa: BLE001 - any parser error is the finding
                findings.append(Finding(severity=Severity.ERROR, path=name, rule="infra.hcl-syntax",
                                        message=f"does not parse as HCL2: {exc}", fix="regenerate infra/",
                                        chapter=CHAPTER))
    if findings:
        return findings
    main_tf = files["infra/main.tf"]
    return check_subjects(result.accounts, main_tf) + check_buckets(plan, result.module, main_tf)
