"""The cloud prerequisites of a plan, joined to its render: which ServiceAccounts take a cloud identity (read from
the rendered releases, never re-typed), the Terraform module each cloud writes for them, and the checks that the
module binds exactly those ServiceAccounts and grants every bucket Flyte's config names.

The render is the truth: a ServiceAccount object carrying the cloud's identity annotation, or a ServiceAccount in
the cluster-resource templates (created in every project-domain namespace by the cluster resource sync).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clouds.hcl import InfraModule, ServiceAccountRef, slug
from ..clouds.registry import cloud_of
from ..errors import UserInputError
from ..plan.infra import InfraResult, accounts_in, files_of, values_objects
from .findings import Finding, Severity

if TYPE_CHECKING:
    from ..plan import Plan
    from .plan_render import PlanRender

__all__ = [
    "accounts_from_render",
    "infra_module",
    "infra_from_render",
    "rendered_infra_files",
    "parse_hcl",
    "parsed_subjects",
    "check_subjects",
    "check_buckets",
    "buckets_in_render",
    "check_infra",
    "infra_findings",
]

CHAPTER = "cloud-prerequisites"


def accounts_from_render(plan: Plan, render: PlanRender) -> list[ServiceAccountRef]:
    """The ServiceAccounts of the rendered releases that take the spec's cloud identity, per cluster, including
    the task ServiceAccount the cluster-resource templates create in every project-domain namespace of every
    cluster the cluster resource sync reaches."""
    bodies = {f: [o.body for o in r.objects if isinstance(o.body, Mapping)] for f, r in render.results.items()}
    found = accounts_in(plan.spec, plan.releases, bodies, "render")
    failed = {r.filename: values_objects(r) for r in plan.releases if r.filename not in render.results}
    if failed:
        # a release that did not render (a finding of its own) is read from its values, and says so
        found += accounts_in(plan.spec, plan.releases, failed, "values (release did not render)")
    return sorted(set(found), key=lambda a: (a.cluster, a.role, a.namespace, a.name))


def infra_module(plan: Plan, accounts: list[ServiceAccountRef]) -> InfraModule | None:
    """The cloud's Terraform module for ``plan`` bound to ``accounts`` (None outside AWS/GCP/Azure)."""
    return cloud_of(plan.spec).infrastructure(plan.spec, accounts)


def infra_from_render(plan: Plan, render: PlanRender) -> InfraResult | None:
    """``infra/`` bound to the ServiceAccounts of the render (what ``values`` writes when it can render)."""
    accounts = accounts_from_render(plan, render)
    module = infra_module(plan, accounts)
    return InfraResult(module, accounts, "render") if module is not None else None


def rendered_infra_files(plan: Plan, charts: str | Path | None = None) -> tuple[dict[str, str], str]:
    """``infra/*`` bound to the ServiceAccounts of the chart render, and a sentence saying so; without charts or
    a Helm engine, the plan's own ``infra/`` (read from the emitted values) and a sentence saying why."""
    from .chart_source import find_helm, locate_chart_source, prepare_charts
    from .plan_render import render_plan

    own = {k: v for k, v in plan.files().items() if k.startswith("infra/")}
    if not own:
        return {}, ""
    try:
        source = locate_chart_source(charts)
    except UserInputError as error:
        return own, f"infra/: ServiceAccounts from the emitted values (no chart render: {error.problems[0].message})"
    if find_helm() is None and importlib.util.find_spec("helm_python") is None:
        return own, "infra/: ServiceAccounts from the emitted values (no Helm engine to render the charts)"
    render = render_plan(plan, prepare_charts(source))
    result = infra_from_render(plan, render)
    if result is None:
        return own, ""
    failed = f" ({len(render.failures)} release(s) did not render: read from their values)" if render.failures else ""
    return files_of(result), f"infra/: ServiceAccounts read from the chart render{failed}"


# --- checks on the written module ------------------------------------------------------------------------------

_SUBJECT = re.compile(r"system:serviceaccount:([^:\"]+):([^\"\]]+)")
_GKE_MEMBER = re.compile(r"\}\[([^/\]]+)/([^\]]+)\]$")


def parse_hcl(text: str) -> dict[str, Any]:
    """The file parsed by python-hcl2 (a real HCL2 parser); raises on a syntax error."""
    try:
        import hcl2
    except ImportError:
        from ..errors import Problem

        raise UserInputError(
            [Problem("infra/", "reading infra/ back needs python-hcl2", "pip install 'flytekit-deploy[infra]'")]
        ) from None
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
        for _name, body in (resource.get("google_service_account_iam_member") or {}).items():
            if body.get("role") == "roles/iam.workloadIdentityUser":
                m = _GKE_MEMBER.search(str(body.get("member")))
                if m:
                    identity = str(body.get("service_account_id")).split(".")[1]
                    out.append((identity, _cluster_key(str(body.get("member"))), m.group(1), m.group(2)))
        for _name, body in (resource.get("azurerm_federated_identity_credential") or {}).items():
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
    bound = parsed_subjects(main_tf)
    findings: list[Finding] = []
    wanted = {(slug(a.cluster), a.namespace, a.name): a for a in accounts}
    seen: dict[tuple[str, str, str], list[str]] = {}
    for identity, cluster, ns, name in bound:
        seen.setdefault((slug(cluster), ns, name), []).append(identity)
    for key, account in wanted.items():
        who = seen.get(key, [])
        if len(set(who)) != 1:
            findings.append(
                Finding(
                    severity=Severity.ERROR,
                    path=f"infra/main.tf: {account.subject}",
                    message=f"ServiceAccount {account.namespace}/{account.name} on cluster {account.cluster} "
                    f"({account.source}) is bound by {len(set(who))} identities in infra/ ({', '.join(sorted(set(who))) or 'none'})",
                    fix="regenerate infra/ with `flytekit-deploy values` from the same spec",
                    chapter=CHAPTER,
                    rule="infra.subject-unbound",
                )
            )
    for key, who in seen.items():
        if key not in wanted:
            findings.append(
                Finding(
                    severity=Severity.ERROR,
                    path=f"infra/main.tf: system:serviceaccount:{key[1]}:{key[2]}",
                    message=f"identity {', '.join(sorted(set(who)))} trusts ServiceAccount {key[1]}/{key[2]} on cluster "
                    f"{key[0]}, which the rendered releases do not create",
                    fix="regenerate infra/ with `flytekit-deploy values`: a subject that names no ServiceAccount is "
                    "a permission denied waiting to happen",
                    chapter=CHAPTER,
                    rule="infra.subject-unknown",
                )
            )
    return findings


def buckets_in_render(render: PlanRender) -> list[str]:
    """The buckets/containers Flyte's rendered config names: ``storage.container`` and the bucket of the raw
    output prefix (``s3://bucket/...``, ``abfs://container@account/...``)."""
    from ..plan.infra import config_docs

    found: list[str] = []
    for result in render.results.values():
        for doc in config_docs([o.body for o in result.objects if isinstance(o.body, Mapping)]):
            storage = doc.get("storage")
            if isinstance(storage, Mapping) and isinstance(storage.get("container"), str):
                found.append(storage["container"])
            propeller = doc.get("propeller")
            prefix = propeller.get("rawoutput-prefix") if isinstance(propeller, Mapping) else None
            if isinstance(prefix, str) and "://" in prefix:
                found.append(prefix.split("://", 1)[1].split("/", 1)[0].split("@", 1)[0])
    return list(dict.fromkeys(found))


def check_buckets(plan: Plan, module: InfraModule, main_tf: str, wanted: list[str] | None = None) -> list[Finding]:
    """Every bucket/container the Flyte config names (``wanted``: from :func:`buckets_in_render`; else the spec's
    storage) is created in ``infra/`` and granted to every identity."""
    storage = plan.spec.storage
    if wanted is None:
        wanted = [storage.metadata_bucket] + (
            [storage.data_bucket] if storage.data_bucket != storage.metadata_bucket else []
        )
    identities = sorted({b.identity for b in module.bindings})
    findings = []
    for bucket in wanted:
        granted = module.grants.get(bucket)
        if granted is None:
            findings.append(
                Finding(
                    severity=Severity.ERROR,
                    path="infra/main.tf",
                    rule="infra.bucket-missing",
                    message=f"bucket {bucket} named by the Flyte config is not created in infra/",
                    fix="regenerate infra/",
                    chapter=CHAPTER,
                )
            )
            continue
        missing = [i for i in identities if i not in granted]
        for identity in missing:
            findings.append(
                Finding(
                    severity=Severity.ERROR,
                    path="infra/main.tf",
                    rule="infra.bucket-not-granted",
                    message=f"{identity} uses bucket {bucket} but is not granted on it",
                    fix="regenerate infra/",
                    chapter=CHAPTER,
                )
            )
        for identity in granted:
            if identity.split(".")[-1] not in main_tf:
                findings.append(
                    Finding(
                        severity=Severity.ERROR,
                        path="infra/main.tf",
                        rule="infra.grant-missing",
                        message=f"grant of {identity} on {bucket} not in main.tf",
                        fix="regenerate infra/",
                        chapter=CHAPTER,
                    )
                )
    return findings


def check_infra(
    plan: Plan, result: InfraResult, files: Mapping[str, str], buckets: list[str] | None = None
) -> list[Finding]:
    """All checks on a written ``infra/``: every file parses, subjects match the accounts, buckets granted."""
    findings = []
    for name, text in files.items():
        if name.endswith(".tf"):
            try:
                parse_hcl(text)
            except UserInputError:
                raise
            except Exception as exc:  # noqa: BLE001 - any parser error is the finding
                findings.append(
                    Finding(
                        severity=Severity.ERROR,
                        path=name,
                        rule="infra.hcl-syntax",
                        message=f"does not parse as HCL2: {exc}",
                        fix="regenerate infra/",
                        chapter=CHAPTER,
                    )
                )
    if findings:
        return findings
    main_tf = files["infra/main.tf"]
    return check_subjects(result.accounts, main_tf) + check_buckets(plan, result.module, main_tf, buckets)


def infra_findings(plan: Plan, render: PlanRender, files: Mapping[str, str] | None = None) -> list[Finding]:
    """What ``doctor`` reports about ``infra/``: the module the plan writes (or ``files``, an ``infra/`` read back
    from disk) checked against the ServiceAccounts of ``render`` and the buckets of the spec."""
    result = infra_from_render(plan, render)
    if result is None:
        return []
    written = dict(files) if files is not None else {k: v for k, v in plan.files().items() if k.startswith("infra/")}
    return check_infra(plan, result, written, buckets_in_render(render))
