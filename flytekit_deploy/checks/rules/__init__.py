"""Static rules: what will break, read from the spec (and, where the answer is in the values, from its plan).

One module per concern of the troubleshooting table plus auth and chart choice. Each rule is a function
``rule(ctx) -> Iterable[Finding]``; every finding names the spec field, a fix, the wiki chapter that explains
it and a rule id such as ``database.sslmode``.

>>> from flytekit_deploy.presets import get_preset
>>> sorted({f.rule for f in run_rules(get_preset("sandbox"), only=("database", "auth"))})
[]
"""

from __future__ import annotations

from collections.abc import Iterable

from ...spec import DeploymentSpec
from ..findings import Finding
from . import auth, charts, database, discovery, edge, hardening, resources, storage
from ._base import CHAPTERS, Rule, RuleContext

__all__ = ["RULES", "CHAPTERS", "Rule", "RuleContext", "run_rules", "rule_ids"]

RULES: dict[str, tuple[Rule, ...]] = {
    "database": database.RULES,
    "storage": storage.RULES,
    "discovery": discovery.RULES,
    "resources": resources.RULES,
    "auth": auth.RULES,
    "charts": charts.RULES,
    "edge": edge.RULES,
    "hardening": hardening.RULES,
}


def run_rules(
    spec: DeploymentSpec, only: Iterable[str] | None = None, *, context: RuleContext | None = None
) -> list[Finding]:
    """Every finding of the rules of ``only`` concerns (all by default), in rule order."""
    ctx = context or RuleContext(spec)
    wanted = list(RULES) if only is None else list(only)
    unknown = [name for name in wanted if name not in RULES]
    if unknown:
        raise ValueError(f"unknown rule group(s) {unknown}; known: {list(RULES)}")
    found: list[Finding] = []
    for group in wanted:
        for rule in RULES[group]:
            found.extend(rule(ctx))
    return found


def rule_ids() -> list[str]:
    """The rule groups and function names, for documentation (ids proper are in the findings)."""
    return [f"{group}.{rule.__name__}" for group, rules in RULES.items() for rule in rules]
