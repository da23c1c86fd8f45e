"""Parts of emitted values, chosen by what the spec sets: the auth block, the log links, the identity annotations.

A chapter about one concern (security, monitoring) shows only the keys that concern sets. Which keys those are is
not typed here: they come from the chart-key mapping (:mod:`.mapping`) or from searching the values for the spec's
own value, so the excerpt follows the emitters.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from ..charts.base import ReleaseValues
from ..charts.common import walk_leaves
from ..plan import Plan, build_plan
from ..presets import PRESETS, get_preset
from ..spec import ChartName, DeploymentSpec, IngressController
from .mapping import changed_keys, chart_keys_for, field_effects, normalise_path
from .markdown import Markdown, code_block, escape_placeholders, inline_code, join_blocks, md_table
from .plans import preset_plan

__all__ = [
    "values_excerpt",
    "excerpt_yaml",
    "section_excerpt",
    "fields_excerpt",
    "spec_with",
    "changed_excerpt",
    "value_locations",
    "identity_table",
    "ingress_controller_table",
]


def _wanted(path: str, keys: Iterable[str]) -> tuple[bool, bool]:
    """(on the way to a wanted key, wanted whole) for one values path (lists written ``[]``)."""
    normal = normalise_path(path)
    whole = any(normal == k or normal.startswith(k + ".") or normal.startswith(k + "[") for k in keys)
    along = whole or any(k.startswith(normal + ".") or k.startswith(normal + "[") for k in keys)
    return along, whole


def values_excerpt(values: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The part of ``values`` on the given key paths (a path through a list keeps the whole list), in the values'
    own key order."""
    wanted = list(keys)

    def walk(node: Mapping[str, Any], prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            along, whole = _wanted(path, wanted)
            if whole:
                out[key] = value
            elif along and isinstance(value, Mapping):
                inner = walk(value, path)
                if inner:
                    out[key] = inner
            elif along and isinstance(value, list):
                out[key] = value  # keys inside list items: keep the list whole
        return out

    return walk(values, "")


def _literal(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {k: _literal(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_literal(v) for v in node]
    if isinstance(node, str) and "\n" in node:
        return LiteralScalarString(node)
    return node


def excerpt_yaml(values: Mapping[str, Any]) -> str:
    """Values as YAML the way the values files write them (block style, multi-line strings as literals)."""
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(_literal(dict(values)), buffer)
    return buffer.getvalue()


def _main_releases(plan: Plan, chart: ChartName | None) -> list[ReleaseValues]:
    wanted = chart or plan.spec.chart_name
    return [r for r in plan.releases if r.chart is wanted]


def section_excerpt(preset: str, section: str, chart: ChartName | str | None = None) -> Markdown:
    """What one spec section sets in a preset's values: the keys the mapping finds for that section (over every
    preset of the chart, since some fields can only vary in some presets), cut out of each release of the chart
    (the main chart by default)."""
    plan = preset_plan(preset)
    wanted = ChartName(chart) if chart is not None else plan.spec.chart_name
    keys = sorted({k for e in field_effects(wanted, section) for k in e.keys})
    return _excerpt_blocks(plan, wanted, keys, f"{section} sets nothing in {wanted.value} for preset {preset}.")


def fields_excerpt(preset: str, fields: Iterable[str], chart: ChartName | str | None = None) -> Markdown:
    """What some spec fields set in a preset's values (the keys :func:`~.mapping.chart_keys_for` derives), cut out of
    each release of the chart (the main chart by default)."""
    plan = preset_plan(preset)
    wanted = ChartName(chart) if chart is not None else plan.spec.chart_name
    chosen = list(fields)
    keys = sorted({k for f in chosen for k in chart_keys_for(f, wanted)})
    return _excerpt_blocks(plan, wanted, keys, f"{', '.join(chosen)} set nothing in {wanted.value} for {preset}.")


def spec_with(preset: str, changes: Mapping[str, Any]) -> DeploymentSpec:
    """A preset with some fields changed, given as dotted spec paths (``observability.service_monitor.enabled``),
    validated like any spec: a chapter shows "what if" without writing a spec file."""
    data = get_preset(preset).model_dump(mode="json")
    for path, value in changes.items():
        node = data
        parts = path.split(".")
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[parts[-1]] = value
    return DeploymentSpec.model_validate(data)


def changed_excerpt(
    preset: str, changes: Mapping[str, Any], section: str, chart: ChartName | str | None = None
) -> Markdown:
    """What one spec section sets in a preset's values once some fields are changed (see :func:`spec_with`)."""
    plan = build_plan(spec_with(preset, changes))
    wanted = ChartName(chart) if chart is not None else plan.spec.chart_name
    keys = sorted({k for e in field_effects(wanted, section) for k in e.keys})
    return _excerpt_blocks(plan, wanted, keys, f"{section} sets nothing in {wanted.value} here.")


def _excerpt_blocks(plan: Plan, chart: ChartName, keys: list[str], empty: str) -> Markdown:
    blocks = []
    for release in _main_releases(plan, chart):
        excerpt = values_excerpt(release.values, keys)
        if excerpt:
            blocks.append(
                escape_placeholders(f"{inline_code(release.filename)} ({release.role}, cluster {release.cluster}):")
                + "\n\n"
                + code_block(excerpt_yaml(excerpt), "yaml")
            )
    return join_blocks(blocks) if blocks else Markdown(f"*{empty}*")


def value_locations(values: Mapping[str, Any], text: str) -> list[str]:
    """Key paths (lists as ``[]``) whose string value contains ``text``."""
    found: list[str] = []
    for path, value in walk_leaves(values):
        if isinstance(value, str) and text in value:
            normal = normalise_path(path)
            if normal not in found:
                found.append(normal)
    return found


def identity_table(presets: Iterable[str] | None = None, limit: int = 4) -> Markdown:
    """Where each preset's cloud identities land in its values: the backend's (Flyte services), propeller's and
    the task pods' default, found by searching the emitted values for the identity the spec names."""
    names = list(presets) if presets is not None else [n for n, p in PRESETS.items() if p.build().identity.backend]
    rows = []
    for name in names:
        spec = get_preset(name)
        plan = preset_plan(name)
        releases = _main_releases(plan, None)

        def cell(identity: str | None, releases: list[ReleaseValues] = releases) -> str:
            if not identity:
                return "—"
            paths: list[str] = []
            for release in releases:
                paths += [p for p in value_locations(release.values, identity) if p not in paths]
            shown = [inline_code(p) for p in paths[:limit]]
            if len(paths) > limit:
                shown.append(f"… and {len(paths) - limit} more")
            return f"{inline_code(identity)} → " + ("<br>".join(shown) if shown else "not written")

        rows.append(
            (
                inline_code(name),
                spec.chart_name.value,
                spec.identity_mode.value,
                cell(spec.identity.backend),
                cell(spec.identity.propeller) if spec.identity.propeller else "same as backend",
                cell(spec.identity.tasks),
            )
        )
    return md_table(["preset", "chart", "identity mode", "backend identity", "propeller", "task pods"], rows)


def _with_controller(spec: DeploymentSpec, controller: IngressController) -> DeploymentSpec | None:
    data = spec.model_dump(mode="json")
    data["ingress"]["kind"] = "ingress"  # the chart's Ingress, whatever way in the preset uses
    data["ingress"]["controller"] = controller.value
    try:
        return DeploymentSpec.model_validate(data)
    except ValueError:
        data["ingress"]["tls"] = {"mode": "none"}
        try:
            return DeploymentSpec.model_validate(data)
        except ValueError:
            return None


def ingress_controller_table(preset: str = "onprem-starter", limit: int = 8) -> Markdown:
    """Each ingress controller swapped into one preset: the extra install steps it brings (against no ingress) and
    the ingress keys it sets in the main chart. TLS falls back to none where the preset's TLS needs another
    controller (an ACM certificate needs the ALB)."""
    base = get_preset(preset)
    none = _with_controller(base, IngressController.NONE)
    assert none is not None
    none_plan = build_plan(none)
    none_steps = {s.title for s in none_plan.steps}
    chart = base.chart_name
    rows = []
    for controller in IngressController:
        spec = _with_controller(base, controller)
        if spec is None:
            rows.append((controller.value, "✗ not valid with this preset", "", ""))
            continue
        plan = build_plan(spec)
        extra = [s.title for s in plan.steps if s.title not in none_steps]
        keys: set[str] = set()
        for before, after in zip(_main_releases(none_plan, chart), _main_releases(plan, chart), strict=False):
            keys |= changed_keys(before.values, after.values)
        shown = [inline_code(k) for k in sorted(keys)[:limit]]
        if len(keys) > limit:
            shown.append(f"… and {len(keys) - limit} more")
        rows.append(
            (
                controller.value,
                "<br>".join(extra) or "—",
                spec.ingress.tls.mode.value,
                "<br>".join(shown) or "—",
            )
        )
    return md_table(["controller", "extra install steps", "TLS", f"{chart.value} keys it sets"], rows)
