"""The wiki's "cloud prerequisites" section, from the same module ``infra/`` holds: which resource types a preset's
cloud needs and for which Flyte component, and which ServiceAccount each identity is bound to."""

from __future__ import annotations

from ..clouds.hcl import ServiceAccountRef
from ..plan.infra import InfraResult, infra_result
from .markdown import Markdown, code_block, inline_code, join_blocks, md_table
from .plans import preset_plan

__all__ = ["prerequisites_section", "resource_types"]


def resource_types(main_tf: str) -> list[str]:
    """``aws_s3_bucket``, ``data.aws_eks_cluster``... in the order ``main.tf`` first writes them."""
    from ..checks.infra import parse_hcl  # lazy: python-hcl2 is the infra extra

    tree = parse_hcl(main_tf)
    seen: list[str] = []
    for section, prefix in (("resource", ""), ("data", "data.")):
        for entry in tree.get(section, []):
            for kind in entry:
                if prefix + kind not in seen:
                    seen.append(prefix + kind)
    return seen


def prerequisites_section(preset: str) -> Markdown:
    """Resource types with the component that needs each, the identity bindings, and the Terraform commands."""
    plan = preset_plan(preset)
    result = infra_result(plan.spec, plan.releases)
    if result is None:
        return Markdown(f"{inline_code(preset)} runs where the kit creates no cloud prerequisites.")
    module = result.module
    kinds = resource_types(plan.files()["infra/main.tf"])
    uses = md_table(["resource type", "needed by"], [(inline_code(k), module.resource_uses.get(k, "—")) for k in kinds])
    bindings = md_table(
        ["identity", "cluster", "ServiceAccount", "found in"],
        [
            (inline_code(b.identity), b.cluster, inline_code(f"{a.namespace}/{a.name}"), a.source)
            for b, a in zip(module.bindings, _accounts_of(result), strict=True)
        ],
    )
    steps = code_block("terraform -chdir=infra init\nterraform -chdir=infra apply", "bash")
    return join_blocks([uses, bindings, steps])


def _accounts_of(result: InfraResult) -> list[ServiceAccountRef]:
    """The accounts in binding order (each binding is one account)."""
    by_key = {(a.cluster, a.namespace, a.name): a for a in result.accounts}
    return [by_key[(b.cluster, b.namespace, b.name)] for b in result.module.bindings]
