"""Tables and snippets about presets and their plans: releases, values files, helm commands, Secrets, placeholders.

An environment chapter shows a preset the way a person would install it; every table here is read from the
preset's :class:`~flytekit_deploy.plan.Plan`, so the page shows exactly what ``flytekit-deploy values`` writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from ..charts.base import ReleaseValues
from ..charts.common import walk_leaves
from ..charts.gateway_api import controller_for
from ..plan import Plan, build_plan
from ..presets import PRESETS, get_preset
from ..spec import DeploymentSpec
from .fields import all_field_rows
from .markdown import Markdown, code_block, escape_placeholders, inline_code, join_blocks, md_table

__all__ = [
    "PRESET_COLUMNS",
    "preset_plan",
    "preset_table",
    "release_table",
    "values_block",
    "preset_values",
    "secrets_table",
    "install_commands",
    "placeholder_rows",
    "placeholder_table",
    "flytectl_block",
    "release_notes",
    "download_name",
]


@lru_cache(maxsize=64)
def preset_plan(name: str) -> Plan:
    """The plan of a named preset (cached: chapters show several tables of the same plan)."""
    return build_plan(get_preset(name))


def _plan(target: str | Plan) -> Plan:
    return preset_plan(target) if isinstance(target, str) else target


PRESET_COLUMNS: dict[str, str] = {
    "model": "model",
    "environment": "environment",
    "chart": "chart",
    "profile": "profile",
    "storage": "object store",
    "database": "database",
    "identity": "identity",
    "auth": "auth",
    "ingress": "ingress",
    "logs": "task logs",
    "releases": "releases",
    "upstream": "upstream overlay it matches",
}
"""Columns :func:`preset_table` can show, with their headings."""


def _column(name: str, preset: str, spec: DeploymentSpec) -> str:
    if name == "model":
        return spec.model.value
    if name == "environment":
        return spec.environment.value
    if name == "chart":
        return spec.chart_name.value
    if name == "profile":
        return spec.profile.value
    if name == "storage":
        return f"{spec.storage.provider.value} ({spec.storage.credentials.value})"
    if name == "database":
        return f"{spec.database.flavour.value}, sslmode {spec.database.sslmode.value}"
    if name == "identity":
        return spec.identity_mode.value
    if name == "auth":
        return spec.auth.mode.value if not spec.auth.enabled else f"{spec.auth.mode.value} ({spec.auth.idp.value})"
    if name == "ingress":
        tls = spec.ingress.tls.mode.value
        way = (
            f"gateway-api ({controller_for(spec).title})" if spec.ingress.gateway_api else spec.ingress.controller.value
        )
        return way + (f", TLS {tls}" if spec.ingress.enabled and tls != "none" else "")
    if name == "logs":
        return ", ".join(p.value for p in spec.observability.logs.providers)
    if name == "releases":
        return ", ".join(f"{r.chart.value} ({r.role})" for r in preset_plan(preset).releases)
    if name == "upstream":
        return PRESETS[preset].upstream
    raise ValueError(f"unknown preset column {name!r}; choose from: {', '.join(PRESET_COLUMNS)}")


def preset_table(
    names: Iterable[str] | None = None,
    columns: Sequence[str] = ("model", "environment", "chart", "profile", "upstream"),
) -> Markdown:
    """One row per preset (all, or ``names``): its summary and the chosen columns, read from the built spec."""
    chosen = list(names) if names is not None else list(PRESETS)
    rows = []
    for name in chosen:
        spec = get_preset(name)
        rows.append([inline_code(name), PRESETS[name].summary, *(_column(c, name, spec) for c in columns)])
    return md_table(["preset", "what it is", *(PRESET_COLUMNS[c] for c in columns)], rows)


def release_table(target: str | Plan) -> Markdown:
    """The Helm releases of a plan: what gets installed where, from which values file."""
    plan = _plan(target)
    rows = [
        (
            inline_code(r.release),
            f"{r.chart_ref} {r.version}",
            r.role,
            r.cluster,
            r.namespace,
            inline_code(r.filename),
        )
        for r in plan.releases
    ]
    return md_table(["release", "chart", "role", "cluster", "namespace", "values file"], rows)


def _release(plan: Plan, filename: str | None) -> list[ReleaseValues]:
    if filename is None:
        return list(plan.releases)
    chosen = [r for r in plan.releases if r.filename == filename]
    if not chosen:
        raise ValueError(
            f"no release writes {filename!r}; the plan has: {', '.join(r.filename for r in plan.releases)}"
        )
    return chosen


def values_block(target: str | Plan, filename: str | None = None) -> Markdown:
    """The values file(s) of a plan as YAML code blocks, each under the file's name."""
    plan = _plan(target)
    return join_blocks(
        escape_placeholders(f"**{inline_code(r.filename)}** ({r.chart.value}, {r.role}, cluster {r.cluster})")
        + "\n\n"
        + code_block(plan.values_yaml(r), "yaml")
        for r in _release(plan, filename)
    )


def preset_values(name: str) -> Markdown:
    """A preset's values files, introduced by the preset's summary."""
    return join_blocks([f"Preset {inline_code(name)}: {PRESETS[name].summary}.", values_block(name)])


def secrets_table(target: str | Plan) -> Markdown:
    """The Secrets a person creates before installing: where, which keys, what for."""
    plan = _plan(target)
    rows = [
        (
            s.cluster,
            s.namespace,
            inline_code(s.name) + (" (TLS)" if s.kind == "tls" else ""),
            "<br>".join(f"{inline_code(k)}: {v}" for k, v in s.keys.items()),
            s.purpose,
            ", ".join(inline_code(p) for p in s.spec_paths),
        )
        for s in plan.secrets
    ]
    return md_table(["cluster", "namespace", "Secret", "keys", "what for", "spec fields"], rows)


def install_commands(target: str | Plan) -> Markdown:
    """Every install step as one bash block, a comment above each command saying what and why."""
    plan = _plan(target)
    lines: list[str] = []
    for step in plan.steps:
        lines.append(f"# {step.title}" + (f": {step.why}" if step.why else ""))
        lines += step.command.splitlines()
        lines.append("")
    return code_block("\n".join(lines), "bash")


def flytectl_block(target: str | Plan) -> Markdown:
    """The client configuration (``~/.flyte/config.yaml``) that matches the plan."""
    return code_block(_plan(target).flytectl_config, "yaml")


def release_notes(target: str | Plan) -> Markdown:
    """Caveats the emitters attach to releases, as a list; a note that spans lines (a command to run) is shown as
    a code block under its item. Empty when there are none."""
    plan = _plan(target)
    items = []
    for release in plan.releases:
        for note in release.notes:
            head = escape_placeholders(f"- **{release.release}** ({release.cluster}):")
            if "\n" in note:
                block = code_block(note, "text").replace("\n", "\n  ")
                items.append(f"{head}\n\n  {block}")
            else:
                items.append(escape_placeholders(f"{head} {note}"))
    return Markdown("\n".join(items))


def _field_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for row in all_field_rows():
        regex = re.escape(row.path).replace(r"\[\]", r"\[\d+\]").replace(re.escape("<key>"), r"[^.]+")
        patterns.append((re.compile(f"^{regex}$"), row.description))
    return patterns


def placeholder_rows(target: str | Plan) -> list[tuple[str, list[str], str, list[str]]]:
    """(placeholder, spec fields holding it, what the first field means, values-file locations) for every
    ``<PLACEHOLDER>`` still in the plan's values. A placeholder no spec field holds was written by an emitter."""
    plan = _plan(target)
    patterns = _field_patterns()
    spec_leaves = list(walk_leaves(plan.spec.model_dump(mode="json")))
    rows = []
    for marker, locations in plan.placeholders.items():
        fields = [path for path, value in spec_leaves if isinstance(value, str) and marker in value]
        meaning = ""
        for path in fields:
            meaning = next((desc for regex, desc in patterns if regex.match(path)), "")
            if meaning:
                break
        rows.append((marker, fields, meaning, list(locations)))
    return rows


def placeholder_table(target: str | Plan, limit: int = 3) -> Markdown:
    """What each ``<PLACEHOLDER>`` in the values stands for, and where to fill it in (the spec field is the place:
    regenerate the values after editing it)."""
    rows: list[Any] = []
    for marker, fields, meaning, locations in placeholder_rows(target):
        where = [inline_code(loc) for loc in locations[:limit]]
        if len(locations) > limit:
            where.append(f"… and {len(locations) - limit} more")
        rows.append(
            (
                inline_code(marker),
                ", ".join(inline_code(f) for f in fields) or "(values only)",
                meaning,
                "<br>".join(where),
            )
        )
    return md_table(["placeholder", "spec field", "meaning", "appears in"], rows)


def download_name(preset: str, filename: str) -> str:
    """The name a preset's file is offered under: prefixed, so two presets on one page cannot collide."""
    return f"{preset}-{filename}"
