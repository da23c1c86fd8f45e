"""Which chart keys each spec field sets, derived by experiment rather than written down.

For every leaf field of the spec and every preset that installs a chart, the field is varied (a boolean flipped, an
enum moved to each other member, a string replaced by a probe, an optional value removed), the varied spec is
validated and emitted, and the emitted values are compared with the unvaried ones. The key paths that differ are the
keys the field sets in that chart. Because the emitters are the only code that knows chart keys, this table cannot
drift from what the kit writes: change an emitter and the wiki's table changes with it.

A field can set keys only in some setups (``auth.issuer`` does nothing while ``auth.mode`` is ``none``), so the
result is the union over every preset of the chart; a field no preset lets vary says so instead of inventing keys.

How a field is varied is :mod:`.variations`; this module emits the varied specs, compares what was emitted, and
caches the outcome per chart, preset list and section. The tables built from it are :mod:`.mapping`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from ..charts.common import walk_leaves
from ..errors import SpecError
from ..plan import Plan, build_plan
from ..presets import PRESETS
from ..spec import ChartName, DeploymentSpec
from .fields import GENERAL_SECTION, FieldRow, field_rows, spec_sections
from .variations import EXCLUDED_FIELDS, PROBE_TOKEN, locate, seeded_copy, switched_on, top_field, variants

__all__ = [
    "FieldEffect",
    "chart_presets",
    "field_effects",
    "chart_keys_for",
    "changed_keys",
    "normalise_path",
    "reverse_mapping",
    "section_of",
]

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class FieldEffect:
    """What varying one spec field changed in one chart's emitted values, over the presets compared."""

    field: str
    chart: ChartName
    keys: tuple[str, ...]
    """Chart key paths that changed (``[]`` stands for any list index)."""
    presets: tuple[str, ...]
    """Presets in which the field could be varied validly."""
    other: tuple[str, ...] = ()
    """Effects outside the values of this chart: Secrets, install steps, client config, releases added."""
    note: str = ""


# ---- comparing what was emitted ------------------------------------------------------------------------------------


def normalise_path(path: str) -> str:
    """A values path as the tables write it. List indices as ``[]``; a path through a key the probe created ends at that key's parent."""
    parts = _INDEX.sub("[]", path).split(".")
    for index, part in enumerate(parts):
        if PROBE_TOKEN.search(part):
            return ".".join(parts[:index]) or "(top level)"
    return ".".join(parts)


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> set[str]:
    """Key paths whose values differ between two values mappings (added and removed leaves included).

    Leaves are compared per normalised path as multisets of values, so an item inserted into a list changes the
    path of that item only, not of every item after it.
    """

    def grouped(values: Mapping[str, Any]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for path, value in walk_leaves(values):
            out.setdefault(normalise_path(path), []).append(repr(value))
        return {path: sorted(items) for path, items in out.items()}

    old = grouped(before)
    new = grouped(after)
    return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}


def _releases_by_slot(plan: Plan, chart: ChartName) -> dict[tuple[str, int], Mapping[str, Any]]:
    """A chart's releases keyed by (role, position among that role): stable when a cluster is renamed."""
    slots: dict[tuple[str, int], Mapping[str, Any]] = {}
    counts: dict[str, int] = {}
    for release in plan.releases:
        if release.chart is not chart:
            continue
        index = counts.get(release.role, 0)
        counts[release.role] = index + 1
        slots[(release.role, index)] = release.values
    return slots


def _other_effects(before: Plan, after: Plan, chart: ChartName) -> set[str]:
    found: set[str] = set()

    def secrets(plan: Plan) -> set[tuple[str, ...]]:
        return {(s.cluster, s.namespace, s.name, *sorted(s.keys)) for s in plan.secrets}

    if secrets(before) != secrets(after):
        found.add("Secrets to create")
    if [s.command for s in before.steps] != [s.command for s in after.steps]:
        found.add("install steps")
    if before.flytectl_config != after.flytectl_config:
        found.add("flytectl config")
    charts_before = {r.chart for r in before.releases}
    charts_after = {r.chart for r in after.releases}
    for added in sorted(charts_after - charts_before, key=lambda c: c.value):
        found.add(f"adds the {added.value} release")
    for removed in sorted(charts_before - charts_after, key=lambda c: c.value):
        found.add(f"removes the {removed.value} release")
    return found


_ABSENT, _REJECTED, _VARIED = "absent", "rejected", "varied"


def _measure(
    spec: DeploymentSpec, plan: Plan, data: dict[str, Any], row: FieldRow, chart: ChartName
) -> tuple[set[str], set[str], bool]:
    """(changed keys, other effects, varied?) of the field's variations against one base."""
    domains = list(spec.projects.domains)
    keys: set[str] = set()
    other: set[str] = set()
    varied = False
    before = _releases_by_slot(plan, chart)
    for tier in variants(data, row, domains):
        for variant in tier:
            varied = True
            if variant.chart_name is not spec.chart_name:
                other.add(f"switches the main chart to {variant.chart_name.value}")
                continue
            varied_plan = build_plan(variant)
            after = _releases_by_slot(varied_plan, chart)
            for slot in before.keys() | after.keys():
                keys |= changed_keys(before.get(slot, {}), after.get(slot, {}))
            other |= _other_effects(plan, varied_plan, chart)
        if keys:
            break
    return keys, other, varied


def _effect_in(spec: DeploymentSpec, plan: Plan, row: FieldRow, chart: ChartName) -> tuple[set[str], set[str], str]:
    """(changed keys, other effects, outcome) of one field in one preset; the outcome says whether the field was
    absent from the preset, present but every change rejected by the spec's rules, or varied. A field that changes
    nothing while its block is switched off is tried again with the block on."""
    domains = list(spec.projects.domains)
    data = spec.model_dump(mode="json")
    if locate(data, row.path) is None:
        seeded = seeded_copy(data, row.path, domains)
        if seeded is None:
            return set(), set(), _ABSENT
        try:
            spec = DeploymentSpec.model_validate(seeded)
        except (ValidationError, SpecError, ValueError):
            return set(), set(), _ABSENT
        plan = build_plan(spec)
        data = spec.model_dump(mode="json")
    keys, other, varied = _measure(spec, plan, data, row, chart)
    if not keys:
        switched = switched_on(data, row.path)
        if switched is not None:
            try:
                on = DeploymentSpec.model_validate(switched)
            except (ValidationError, SpecError, ValueError):
                on = None
            if on is not None:
                more_keys, more_other, more_varied = _measure(on, build_plan(on), switched, row, chart)
                keys, other, varied = more_keys, other | more_other, varied or more_varied
    return keys, other, _VARIED if varied else _REJECTED


# ---- over presets and sections -------------------------------------------------------------------------------------


def chart_presets(chart: ChartName | str) -> tuple[str, ...]:
    """Presets whose plan installs ``chart`` (as the main release or beside it), in registry order."""
    return _chart_presets(ChartName(chart))


@lru_cache(maxsize=8)
def _chart_presets(wanted: ChartName) -> tuple[str, ...]:
    return tuple(
        name for name, preset in PRESETS.items() if any(r.chart is wanted for r in build_plan(preset.build()).releases)
    )


@lru_cache(maxsize=256)
def _effects(chart: ChartName, presets: tuple[str, ...], section: str) -> tuple[FieldEffect, ...]:
    """One section's effects; cached per section so that a page asking for one section does not pay for all, and
    a page asking for all reuses what the sections computed."""
    rows = field_rows(section)
    bases = [(name, PRESETS[name].build()) for name in presets]
    plans = [(name, spec, build_plan(spec)) for name, spec in bases]
    effects: list[FieldEffect] = []
    for row in rows:
        top = top_field(row.path)
        if top in EXCLUDED_FIELDS:
            effects.append(FieldEffect(row.path, chart, (), (), (), EXCLUDED_FIELDS[top]))
            continue
        keys: set[str] = set()
        other: set[str] = set()
        varied_in: list[str] = []
        outcomes: set[str] = set()
        for name, spec, plan in plans:
            found, also, outcome = _effect_in(spec, plan, row, chart)
            keys |= found
            other |= also
            outcomes.add(outcome)
            if outcome == _VARIED:
                varied_in.append(name)
        note = ""
        if varied_in and not keys and not other:
            note = "changes nothing in the compared presets"
        if not varied_in:
            note = (
                "changed alone, it breaks a rule of the spec: it moves together with other fields"
                if _REJECTED in outcomes
                else "not present in any compared preset"
            )
        effects.append(FieldEffect(row.path, chart, tuple(sorted(keys)), tuple(varied_in), tuple(sorted(other)), note))
    return tuple(effects)


def field_effects(
    chart: ChartName | str, section: str | None = None, presets: Iterable[str] | None = None
) -> list[FieldEffect]:
    """The effect of every field (of one section, or all) on ``chart``, over ``presets`` (default: every preset that
    installs the chart). Cached: the experiment emits a few thousand plans the first time."""
    wanted = ChartName(chart)
    names = tuple(presets) if presets is not None else chart_presets(wanted)
    unknown = [n for n in names if n not in PRESETS]
    if unknown:
        raise ValueError(f"unknown presets {unknown}; choose from: {', '.join(PRESETS)}")
    sections = [section] if section is not None else spec_sections()
    return [effect for name in sections for effect in _effects(wanted, names, name)]


def chart_keys_for(field: str, chart: ChartName | str, presets: Iterable[str] | None = None) -> tuple[str, ...]:
    """The chart key paths one spec field sets (e.g. ``storage.metadata_bucket`` in flyte-core)."""
    section = section_of(field)
    for effect in field_effects(chart, section, presets):
        if effect.field == field:
            return effect.keys
    raise ValueError(f"{field!r} is not a leaf field of the spec")


def section_of(field: str) -> str:
    """The reference section a field is listed in: its top-level field's, or the general one."""
    top = top_field(field)
    return top if top in spec_sections() else GENERAL_SECTION


def reverse_mapping(chart: ChartName | str) -> dict[str, list[str]]:
    """Chart key path -> the spec fields that set it, over every preset of the chart."""
    out: dict[str, list[str]] = {}
    for effect in field_effects(chart):
        for key in effect.keys:
            out.setdefault(key, []).append(effect.field)
    return dict(sorted(out.items()))
