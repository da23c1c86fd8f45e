"""The runbook of one deployment: what ``flytekit-deploy wiki build --spec my.yaml`` shows about *that* spec.

A runbook chapter takes one parameter, ``spec``: a preset name or the path of a spec file. Everything it shows is
derived from that spec: what it deploys, what must exist first, the values, the Secrets, the install steps, and
what the checks say. The functions accept a preset name, a path or a :class:`DeploymentSpec`, so the chapter
reads the same in JupyterLab (a preset by default) and in a ``--spec`` build (the person's file injected).
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

from ..plan import Plan, build_plan
from ..presets import SpecSource, load_deployment
from ..spec import AuthMode, DeploymentSpec, IngressController, is_placeholder
from ..topology.names import (
    IDENTITY_NAMES,
    IDP_NAMES,
    INGRESS_NAMES,
    KUBERNETES_SERVICE,
    LOG_BACKEND_NAMES,
    database_label,
    object_store_label,
)
from .markdown import Markdown, inline_code, md_table

__all__ = [
    "SpecSource",
    "load_deployment",
    "runbook_plan",
    "deployment_summary",
    "prerequisites_table",
    "plan_files",
    "offer_plan_files",
]

"""A preset name, a spec file, or a spec."""


@lru_cache(maxsize=8)
def _plan_of(text: str) -> Plan:
    return build_plan(load_deployment(text))


def runbook_plan(source: SpecSource) -> Plan:
    """The plan of the spec (cached per preset name or path: a chapter shows several tables of one plan)."""
    if isinstance(source, DeploymentSpec):
        return build_plan(source)
    return _plan_of(str(source))


def _filled(value: str | None) -> str:
    if not value:
        return "—"
    return inline_code(value) + (" (to fill in)" if is_placeholder(value) else "")


def deployment_summary(source: SpecSource) -> Markdown:
    """One row per choice the spec makes, in the words of the spec's own fields, and the releases it installs."""
    spec = load_deployment(source)
    plan = runbook_plan(source)
    releases = "<br>".join(
        f"{inline_code(r.release)} ({r.chart.value}, cluster {inline_code(r.cluster)}, namespace {r.namespace})"
        for r in plan.releases
    )
    logs = ", ".join(LOG_BACKEND_NAMES[p] for p in spec.observability.logs.providers) or "—"
    rows = [
        ("name", inline_code(spec.name)),
        ("model", spec.model.value),
        ("environment", f"{spec.environment.value} ({KUBERNETES_SERVICE[spec.environment]})"),
        ("chart", f"{spec.chart_name.value} {spec.chart_version}" + ("" if spec.chart else " (recommended)")),
        ("profile", spec.profile.value),
        ("releases", releases),
        ("database", database_label(spec)),
        ("object store", object_store_label(spec)),
        ("identity", IDENTITY_NAMES[spec.identity_mode]),
        ("ingress", INGRESS_NAMES[spec.ingress.controller] + (f", {_filled(spec.ingress.host)}" if spec.ingress.host else "")),
        ("authentication", spec.auth.mode.value + ("" if spec.auth.mode is AuthMode.NONE else f" ({IDP_NAMES[spec.auth.idp]})")),
        ("task logs", logs),
    ]  # fmt: skip
    return md_table(["choice", "this deployment"], rows)


def prerequisites_table(source: SpecSource) -> Markdown:
    """What must exist before the first ``helm install``, read from the spec: clusters, the database, the
    buckets, the cloud identities, the ingress host and the identity provider; Secrets and placeholders are
    counted here and listed by their own tables."""
    spec = load_deployment(source)
    plan = runbook_plan(source)
    db, storage = spec.database, spec.storage
    rows: list[tuple[str, str, str]] = [
        (
            "Kubernetes cluster" + ("s" if len(plan.clusters) > 1 else ""),
            ", ".join(inline_code(c) for c in plan.clusters) + f" ({KUBERNETES_SERVICE[spec.environment]})",
            "`clusters`",
        ),
        (
            database_label(spec),
            f"{_filled(db.host)}:{db.port}, databases {inline_code(db.admin_dbname)} and "
            f"{inline_code(db.datacatalog_dbname)}, user {_filled(db.user)}, sslmode {db.sslmode.value}",
            "`database`",
        ),
        (
            object_store_label(spec),
            ", ".join(_filled(b) for b in dict.fromkeys([storage.metadata_bucket, storage.data_bucket])),
            "`storage`",
        ),
    ]
    if spec.identity_mode.home is not None:  # a cloud identity (plain RBAC binds none)
        names = dict.fromkeys(x for x in (spec.identity.backend, spec.identity.propeller, spec.identity.tasks) if x)
        rows.append((IDENTITY_NAMES[spec.identity_mode], "<br>".join(_filled(n) for n in names), "`identity`"))
    if spec.ingress.controller is not IngressController.NONE:
        host = _filled(spec.ingress.host) if spec.ingress.host else "no host name (any)"
        rows.append((INGRESS_NAMES[spec.ingress.controller], f"{host}, TLS {spec.ingress.tls.mode.value}", "`ingress`"))
    if spec.auth.mode is not AuthMode.NONE:
        rows.append(
            (
                f"Identity provider: {IDP_NAMES[spec.auth.idp]}",
                f"issuer {_filled(spec.auth.issuer)}, web client {_filled(spec.auth.client_id)}",
                "`auth`",
            )
        )
    rows.append(("Secrets to create", f"{len(plan.secrets)} (listed below)", "—"))
    rows.append(("Placeholders to fill in", f"{len(plan.placeholders)} (listed below)", "—"))
    return md_table(["what", "this deployment", "spec field"], rows)


def plan_files(source: SpecSource) -> dict[str, str]:
    """Every file ``flytekit-deploy values`` writes for the spec: values per release, install guide and script,
    client config, and the spec itself."""
    return runbook_plan(source).files()


def offer_plan_files(source: SpecSource) -> Any:
    """Download links for :func:`plan_files` (an ``IPython.display.HTML``)."""
    from IPython.display import HTML

    from ..wiki.downloads import offer_download

    # infra/main.tf and its siblings become infra-main.tf...: a download is one plain file name
    links = [offer_download(name.replace("/", "-"), text).data for name, text in plan_files(source).items()]
    name = html.escape(load_deployment(source).name)
    head = f"<p>The files of <code>{name}</code>, as <code>flytekit-deploy values</code> writes them:</p>"
    return HTML(head + "<ul>" + "".join(f"<li>{link}</li>" for link in links) + "</ul>")
