"""The troubleshooting catalogue: every finding the static rules can raise, found by running them.

The rules (:mod:`flytekit_deploy.checks.rules`) are run one by one over every preset as shipped, then over every
valid single-field variation of every preset (the same variations the chart-key mapping uses). The first spec
that makes a rule speak becomes its example, so each row of the catalogue shows a real finding (its message and
fix as the checker prints them) and how to reproduce it. A rule that none of these specs trips is listed with its
own docstring rather than with an invented example.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..checks.findings import Finding
from ..checks.rules import RULES, RuleContext
from ..presets import PRESETS, get_preset
from ..spec import DeploymentSpec
from .mapping import single_field_variants
from .markdown import Markdown, inline_code, md_table

__all__ = [
    "RULE_GROUP_TITLES",
    "RuleExample",
    "rule_catalogue",
    "rule_functions",
    "findings_table",
    "findings_of",
    "new_findings",
    "rule_coverage_table",
    "issue_table",
    "chapter_link",
]

RULE_GROUP_TITLES: dict[str, str] = {
    "database": "Database connection failures",
    "storage": "Storage access issues",
    "discovery": "Service discovery problems",
    "resources": "Resource constraints",
    "auth": "Authentication and exposure",
    "charts": "Chart choice and values",
}
"""Headings for the rule groups; the first four are the classic classes of deployment trouble."""


@dataclass(frozen=True)
class RuleExample:
    """One rule id the checks raised, the function that raised it, and the first spec that made it speak."""

    group: str
    function: str
    finding: Finding
    preset: str
    field: str = ""
    value: str = ""

    @property
    def trigger(self) -> str:
        """How to reproduce it, in words: the preset as shipped, or the preset with one field changed."""
        if not self.field:
            return f"preset {inline_code(self.preset)} as shipped"
        return f"preset {inline_code(self.preset)} with {inline_code(self.field)} = {inline_code(self.value)}"


def _run(ctx: RuleContext) -> list[tuple[str, str, Finding]]:
    found: list[tuple[str, str, Finding]] = []
    for group, rules in RULES.items():
        for rule in rules:
            for item in rule(ctx):
                found.append((group, rule.__name__, item))
    return found


@lru_cache(maxsize=1)
def _catalogue() -> tuple[RuleExample, ...]:
    examples: dict[str, RuleExample] = {}
    bases = {name: preset.build() for name, preset in PRESETS.items()}
    for name, spec in bases.items():
        for group, function, item in _run(RuleContext(spec)):
            examples.setdefault(item.rule, RuleExample(group, function, item, name))
    for name, spec in bases.items():
        for path, value, variant in single_field_variants(spec):
            for group, function, item in _run(RuleContext(variant)):
                if item.rule not in examples:
                    shown = value if isinstance(value, str) else json.dumps(value)
                    examples[item.rule] = RuleExample(group, function, item, name, path, shown)
    order = {group: index for index, group in enumerate(RULES)}
    return tuple(sorted(examples.values(), key=lambda e: (order[e.group], e.finding.rule)))


def rule_catalogue(group: str | None = None) -> list[RuleExample]:
    """Every rule id the checks raised over the presets and their variations (of one group, or all), in rule-group
    order. The first call runs a few thousand specs through the rules (some seconds); later calls are cached."""
    if group is not None and group not in RULES:
        raise ValueError(f"unknown rule group {group!r}; choose one of: {', '.join(RULES)}")
    return [e for e in _catalogue() if group is None or e.group == group]


def rule_functions(group: str | None = None) -> list[tuple[str, str, str]]:
    """(group, function name, first paragraph of its docstring) for every registered rule."""
    out = []
    for name, rules in RULES.items():
        if group is not None and name != group:
            continue
        for rule in rules:
            doc = inspect.getdoc(rule) or ""
            out.append((name, rule.__name__, " ".join(doc.split("\n\n")[0].split())))
    return out


def chapter_link(slug: str, notebooks_dir: Path | None = None) -> str:
    """A Markdown link to the chapter a finding points at (``NN-<slug>.ipynb``), or the bare slug when the
    notebooks folder (the current directory by default, as when a chapter runs) has no such chapter."""
    folder = notebooks_dir or Path.cwd()
    matches = sorted(folder.glob(f"[0-9][0-9]-{slug}.ipynb"))
    return f"[{slug}]({matches[0].name})" if matches else slug


def findings_table(group: str, notebooks_dir: Path | None = None) -> Markdown:
    """The findings of one rule group: id, severity, an actual message with its fix, where it is explained, and
    how to reproduce it."""
    rows = [
        (
            inline_code(e.finding.rule),
            e.finding.severity.value,
            f"{inline_code(e.finding.path) + ': ' if e.finding.path else ''}{e.finding.message}",
            e.finding.fix,
            chapter_link(e.finding.chapter, notebooks_dir),
            e.trigger,
        )
        for e in rule_catalogue(group)
    ]
    return md_table(["rule", "severity", "finding (example)", "fix", "read", "reproduced by"], rows)


def _findings_rows(findings: Iterable[Finding], notebooks_dir: Path | None) -> Markdown:
    rows = [
        (
            f.severity.value,
            inline_code(f.rule),
            inline_code(f.path) if f.path else "",
            f.message,
            f.fix,
            chapter_link(f.chapter, notebooks_dir),
        )
        for f in sorted(findings, key=lambda f: (f.severity.rank, f.rule, f.path))
    ]
    return md_table(["severity", "rule", "field", "finding", "fix", "read"], rows)


def findings_of(spec: DeploymentSpec, notebooks_dir: Path | None = None) -> Markdown:
    """The static findings of one spec as a table (what ``flytekit-deploy doctor`` prints, without the chart-key
    check and the live probes)."""
    from ..checks import static_findings

    return _findings_rows(static_findings(spec), notebooks_dir)


def new_findings(preset: str, changes: Mapping[str, Any], notebooks_dir: Path | None = None) -> Markdown:
    """The findings a change to a preset raises that the preset itself does not: what the checks say about that
    change alone."""
    from ..checks import static_findings
    from .excerpts import spec_with

    before = {(f.rule, f.path, f.message) for f in static_findings(get_preset(preset))}
    after = [f for f in static_findings(spec_with(preset, changes)) if (f.rule, f.path, f.message) not in before]
    return _findings_rows(after, notebooks_dir)


def issue_table(groups: Iterable[str] | None = None) -> Markdown:
    """The classes of deployment trouble (:data:`RULE_GROUP_TITLES`), each with what goes wrong as the kit's own
    checks state it (their docstrings) and the checks that look for it: the list a person reads first, and it
    cannot drift from what ``doctor`` checks."""
    wanted = list(groups) if groups is not None else list(RULE_GROUP_TITLES)
    rows = []
    for group in wanted:
        found = rule_functions(group)
        rows.append(
            (
                RULE_GROUP_TITLES.get(group, group),
                "<br>".join(f"• {doc}" for _, _, doc in found),
                ", ".join(inline_code(f"{group}.{function}") for _, function, _ in found),
            )
        )
    return md_table(["issue", "what goes wrong (as the checks state it)", "checked by"], rows)


def rule_coverage_table(group: str | None = None) -> Markdown:
    """Every registered rule: what it checks (its docstring) and the rule ids it raised in the catalogue; an empty
    cell means no preset or single-field variation trips it (it needs a combination of changes)."""
    raised: dict[tuple[str, str], list[str]] = {}
    for example in rule_catalogue(group):
        raised.setdefault((example.group, example.function), []).append(example.finding.rule)
    rows = [
        (
            name,
            inline_code(function),
            doc,
            ", ".join(inline_code(r) for r in raised.get((name, function), [])) or "— (needs several changes at once)",
        )
        for name, function, doc in rule_functions(group)
    ]
    return md_table(["group", "rule", "what it checks", "ids raised in the catalogue"], rows)
