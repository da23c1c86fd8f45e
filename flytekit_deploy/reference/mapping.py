"""Which chart keys each spec field sets, derived by experiment rather than written down.

For every leaf field of the spec and every preset that installs a chart, the field is varied (a boolean flipped, an
enum moved to each other member, a string replaced by a probe, an optional value removed), the varied spec is
validated and emitted, and the emitted values are compared with the unvaried ones. The key paths that differ are the
keys the field sets in that chart. Because the emitters are the only code that knows chart keys, this table cannot
drift from what the kit writes: change an emitter and the wiki's table changes with it.

A field can set keys only in some setups (``auth.issuer`` does nothing while ``auth.mode`` is ``none``), so the
result is the union over every preset of the chart; a field no preset lets vary says so instead of inventing keys.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, Union

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from ..charts.common import walk_leaves
from ..errors import SpecError
from ..plan import Plan, build_plan
from ..presets import PRESETS
from ..spec import ChartName, DeploymentSpec, SpecModel
from ..spec.validators import check_quantity
from .fields import FieldRow, all_field_rows, field_rows, model_at, spec_sections
from .markdown import Markdown, inline_code, md_table

__all__ = [
    "PROBE",
    "EXCLUDED_FIELDS",
    "FieldEffect",
    "chart_presets",
    "field_effects",
    "chart_keys_for",
    "changed_keys",
    "normalise_path",
    "mapping_table",
    "fields_mapping_table",
    "reverse_mapping",
    "reverse_table",
    "chart_key_kind",
    "section_reference",
    "single_field_variants",
    "summarise_keys",
]

PROBE = "<EXAMPLE_VALUE>"
"""The string a varied text field gets. Written as a placeholder, it passes every format rule of the spec
(placeholders always do), so the variation is valid wherever the field is."""
_PROBE_KEY = "example-key"
_PROBE_TOKEN = re.compile(r"example[-_](value|key)", re.IGNORECASE)
_INDEX = re.compile(r"\[\d+\]")

EXCLUDED_FIELDS: dict[str, str] = {
    "overrides": "verbatim chart values, deep-merged last: it sets exactly the keys you write under it",
}
"""Fields the experiment does not vary, with the reason shown in the tables."""


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


# ---- varying one field ---------------------------------------------------------------------------------------------


def _split_optional(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) for ``X | None``; other annotations come back unchanged."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            return args[0], optional
        return Union[tuple(args)], optional  # noqa: UP007 - a runtime Union of the remaining members
    return annotation, False


def _is_quantity(annotation: Any, metadata: Iterable[Any]) -> bool:
    items = list(metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        items += list(typing.get_args(annotation)[1:])
    return any(getattr(item, "func", None) is check_quantity for item in items)


def _base_type(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def _alternatives(info: FieldInfo, current: Any, domains: list[str]) -> list[list[Any]]:
    """Values (in JSON form) to try instead of ``current``, in tiers: a later tier is tried only when the earlier
    ones changed nothing. The spec's own validation later rejects the invalid ones."""
    inner, optional = _split_optional(info.annotation)
    first: list[Any] = []
    if optional and current is not None:
        first.append(None)
    if _is_quantity(inner, info.metadata):
        return [[*first, "7" if current != "7" else "9"]]
    kind = _base_type(inner)
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if kind is bool:
        first += [not current] if current is not None else [True, False]
    elif isinstance(kind, type) and issubclass(kind, Enum):
        first += [member.value for member in kind if member.value != current]
    elif kind is int:
        base = current if isinstance(current, int) else 0
        first += [base + 1, base - 1]
    elif kind is float:
        first.append(0.5 if current != 0.5 else 1.0)
    elif kind is str:
        # formats that do not accept placeholders (durations, URLs) get a value of their own shape
        return [[*first, PROBE], ["17s", "https://example-value.example.com/x"]]
    elif origin is list and args:
        item = _base_type(args[0])
        items = list(current or [])
        if isinstance(item, type) and issubclass(item, Enum):
            for member in item:
                toggled = [v for v in items if v != member.value] if member.value in items else [*items, member.value]
                if toggled:
                    first.append(toggled)
        else:
            first.append([*items, PROBE])
    elif origin is dict and args:
        # a free-form map first (annotations, labels); a map the kit reads by domain only reacts to domain keys
        entries = dict(current or {})
        first.append({**entries, _PROBE_KEY: PROBE})
        if entries:
            first.append({**entries, next(iter(entries)): PROBE})
        return [first, [{**entries, d: PROBE} for d in domains if d not in entries]]
    return [first]


_SEGMENT = re.compile(r"^(?P<name>[^\[]+)(?P<list>\[\])?$")


def _locate(data: Any, path: str) -> tuple[Any, str | int] | None:
    """The container holding the leaf at ``path`` (``[]``: the first item, ``<key>``: the first key) and the leaf's
    key in it; None when the data has no such place (an absent optional section, an empty list)."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        if part == "<key>":
            if not isinstance(node, dict) or not node:
                return None
            node = node[next(iter(node))]
            continue
        match = _SEGMENT.match(part)
        if match is None or not isinstance(node, dict) or node.get(match.group("name")) is None:
            return None
        node = node[match.group("name")]
        if match.group("list"):
            if not isinstance(node, list) or not node:
                return None
            node = node[0]
    last = parts[-1]
    if not isinstance(node, dict) or last not in node:
        return None
    return node, last


def _seed_item(model: type[SpecModel]) -> dict[str, Any] | None:
    """An item of ``model``: its required fields set to a probe (enums: their first member), the rest defaults."""
    item: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        kind = _base_type(_split_optional(info.annotation)[0])
        if isinstance(kind, type) and issubclass(kind, Enum):
            item[name] = next(iter(kind)).value
        elif kind is str:
            item[name] = PROBE
        else:
            return None
    try:
        return model.model_validate(item).model_dump(mode="json")
    except ValidationError:
        return None


def _seeded(data: dict[str, Any], path: str, domains: list[str]) -> dict[str, Any] | None:
    """``data`` with one item added to each empty list or map on the way to ``path`` (a map keyed by the first
    domain, as the spec keys its per-domain maps), so a field inside an empty collection can vary too. None when
    the way is blocked by something else (an absent optional section)."""
    seeded = copy.deepcopy(data)
    parts = path.split(".")
    node: Any = seeded
    walked: list[str] = []
    for part in parts[:-1]:
        if part == "<key>":
            if not isinstance(node, dict):
                return None
            if not node:
                item = _seed_item(model_at(".".join(walked)))
                if item is None:
                    return None
                node[domains[0] if domains else _PROBE_KEY] = item
            node = node[next(iter(node))]
            walked.append(part)
            continue
        match = _SEGMENT.match(part)
        if match is None or not isinstance(node, dict) or node.get(match.group("name")) is None:
            return None
        node = node[match.group("name")]
        walked.append(part)
        if match.group("list"):
            if not isinstance(node, list):
                return None
            if not node:
                item = _seed_item(model_at(".".join(walked)))
                if item is None:
                    return None
                node.append(item)
            node = node[0]
    return seeded if _locate(seeded, path) is not None else None


def _variants(data: dict[str, Any], row: FieldRow, domains: list[str]) -> list[list[DeploymentSpec]]:
    """Valid specs that differ from ``data`` in the field of ``row`` only, tier by tier."""
    if row.info is None:
        return []
    place = _locate(data, row.path)
    if place is None:
        return []
    container, key = place
    current = container[key]
    tiers: list[list[DeploymentSpec]] = []
    for values in _alternatives(row.info, current, domains):
        specs: list[DeploymentSpec] = []
        for value in values:
            varied = copy.deepcopy(data)
            varied_place = _locate(varied, row.path)
            assert varied_place is not None
            varied_place[0][varied_place[1]] = value
            try:
                specs.append(DeploymentSpec.model_validate(varied))
            except (ValidationError, SpecError, ValueError):
                continue
        tiers.append(specs)
    return tiers


# ---- comparing what was emitted ------------------------------------------------------------------------------------


def normalise_path(path: str) -> str:
    """A values path as the tables write it. List indices as ``[]``; a path through a key the probe created ends at that key's parent."""
    parts = _INDEX.sub("[]", path).split(".")
    for index, part in enumerate(parts):
        if _PROBE_TOKEN.search(part):
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


def _switched_on(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    """``data`` with the ``enabled`` switch beside the field at ``path`` turned on, when there is one and it is off:
    a field of a disabled block (a ServiceMonitor's interval) only shows its keys once the block is on."""
    parts = path.split(".")
    if parts[-1] == "enabled":
        return None
    switched = copy.deepcopy(data)
    place = _locate(switched, ".".join([*parts[:-1], "enabled"]))
    if place is None or place[0][place[1]] is not False:
        return None
    place[0][place[1]] = True
    return switched


def _measure(
    spec: DeploymentSpec, plan: Plan, data: dict[str, Any], row: FieldRow, chart: ChartName
) -> tuple[set[str], set[str], bool]:
    """(changed keys, other effects, varied?) of the field's variations against one base."""
    domains = list(spec.projects.domains)
    keys: set[str] = set()
    other: set[str] = set()
    varied = False
    before = _releases_by_slot(plan, chart)
    for tier in _variants(data, row, domains):
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
    if _locate(data, row.path) is None:
        seeded = _seeded(data, row.path, domains)
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
        switched = _switched_on(data, row.path)
        if switched is not None:
            try:
                on = DeploymentSpec.model_validate(switched)
            except (ValidationError, SpecError, ValueError):
                on = None
            if on is not None:
                more_keys, more_other, more_varied = _measure(on, build_plan(on), switched, row, chart)
                keys, other, varied = more_keys, other | more_other, varied or more_varied
    return keys, other, _VARIED if varied else _REJECTED


# ---- the tables ----------------------------------------------------------------------------------------------------


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
        top = row.path.split(".")[0].split("[")[0]
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
    section = _section_of(field)
    for effect in field_effects(chart, section, presets):
        if effect.field == field:
            return effect.keys
    raise ValueError(f"{field!r} is not a leaf field of the spec")


def _section_of(field: str) -> str:
    from .fields import GENERAL_SECTION

    top = field.split(".")[0].split("[")[0]
    return top if top in spec_sections() else GENERAL_SECTION


def summarise_keys(keys: Iterable[str], limit: int) -> list[str]:
    """At most ``limit`` entries for a list of key paths: the paths themselves when they fit, otherwise the longest
    common prefixes that fit, written ``prefix.*`` with the number of keys under each."""
    paths = sorted(set(keys))
    if len(paths) <= limit:
        return paths
    depth = max(p.count(".") + 1 for p in paths)
    while depth > 1:
        groups: dict[str, list[str]] = {}
        for path in paths:
            groups.setdefault(".".join(path.split(".")[:depth]), []).append(path)
        if len(groups) <= limit:
            return [
                members[0] if len(members) == 1 else f"{prefix}.* ({len(members)} keys)"
                for prefix, members in groups.items()
            ]
        depth -= 1
    tops: dict[str, int] = {}
    for path in paths:
        top = path.split(".")[0]
        tops[top] = tops.get(top, 0) + 1
    shown = [f"{top}.* ({count} key{'s' if count != 1 else ''})" for top, count in tops.items()]
    return shown[:limit] + ([f"… and {len(shown) - limit} more groups"] if len(shown) > limit else [])


def _key_cell(keys: tuple[str, ...], limit: int) -> str:
    return "<br>".join(
        inline_code(entry) if " (" not in entry and not entry.startswith("…") else _code_prefix(entry)
        for entry in summarise_keys(keys, limit)
    )


def _code_prefix(entry: str) -> str:
    """``a.b.* (3 keys)`` with the path part as code."""
    if entry.startswith("…"):
        return entry
    path, _, rest = entry.partition(" (")
    return f"{inline_code(path)} ({rest}"


def mapping_table(
    section: str, charts: Iterable[ChartName | str] = (ChartName.FLYTE_BINARY, ChartName.FLYTE_CORE), limit: int = 6
) -> Markdown:
    """For each field of ``section``: the chart keys it sets in each chart, and effects beyond the values."""
    return fields_mapping_table([row.path for row in field_rows(section)], charts, limit)


def fields_mapping_table(
    fields: Iterable[str],
    charts: Iterable[ChartName | str] = (ChartName.FLYTE_BINARY, ChartName.FLYTE_CORE),
    limit: int = 6,
) -> Markdown:
    """The mapping rows of chosen fields (from any sections), one column of chart keys per chart."""
    chart_list = [ChartName(c) for c in charts]
    wanted = list(fields)
    per_chart: dict[ChartName, dict[str, FieldEffect]] = {}
    for chart in chart_list:
        per_chart[chart] = {}
        for section in dict.fromkeys(_section_of(f) for f in wanted):
            per_chart[chart].update({e.field: e for e in field_effects(chart, section)})
    rows = []
    for path in wanted:
        if path not in per_chart[chart_list[0]]:
            raise ValueError(f"{path!r} is not a leaf field of the spec")
        cells: list[object] = [inline_code(path)]
        other: set[str] = set()
        notes: dict[ChartName, str] = {}
        for chart in chart_list:
            effect = per_chart[chart][path]
            cells.append(_key_cell(effect.keys, limit) or "—")
            other |= set(effect.other)
            if effect.note and not effect.keys:
                notes[chart] = effect.note
        if len(notes) == len(chart_list) and len(set(notes.values())) == 1:
            said = {next(iter(notes.values()))}  # the same for every chart: say it once
        else:
            said = {f"{chart.value}: {note}" for chart, note in notes.items()}
        cells.append("; ".join(sorted(other) + sorted(said)))
        rows.append(cells)
    return md_table(["spec field", *[c.value for c in chart_list], "also changes"], rows)


def reverse_mapping(chart: ChartName | str) -> dict[str, list[str]]:
    """Chart key path -> the spec fields that set it, over every preset of the chart."""
    out: dict[str, list[str]] = {}
    for effect in field_effects(chart):
        for key in effect.keys:
            out.setdefault(key, []).append(effect.field)
    return dict(sorted(out.items()))


def chart_key_kind(chart: ChartName | str, key: str) -> str:
    """How the chart's own defaults describe a key: its type (``str``, ``map``...), or the free-form block it sits
    in (a block the chart passes through whole, such as flyte-core's ``configmap.*``), from the chart-key catalog."""
    from ..checks.chart_keys import catalog

    cat = catalog(ChartName(chart).value)
    bare = key.replace("[]", "")
    if bare in cat.keys:
        return cat.keys[bare]
    parts = bare.split(".")
    for end in range(len(parts) - 1, 0, -1):
        ancestor = ".".join(parts[:end])
        if ancestor in cat.free_form or (ancestor in cat.keys and cat.keys[ancestor] in ("map", "list")):
            return f"inside {inline_code(ancestor)}"
    return "not in the chart's defaults"


def reverse_table(chart: ChartName | str, prefixes: Iterable[str] = (), limit: int = 5) -> Markdown:
    """Chart key -> spec fields, for keys under any of ``prefixes`` (all keys when none): the view from the chart's
    side, for readers who know the chart's values.yaml and want the spec field behind a key. The middle column says
    what the chart's defaults make of the key."""
    wanted = tuple(prefixes)
    rows = []
    for key, fields in reverse_mapping(chart).items():
        if wanted and not any(key == p or key.startswith(p + ".") or key.startswith(p + "[") for p in wanted):
            continue
        shown = [inline_code(f) for f in fields[:limit]]
        if len(fields) > limit:
            shown.append(f"… and {len(fields) - limit} more")
        rows.append((inline_code(key), chart_key_kind(chart, key), ", ".join(shown)))
    return md_table([f"{ChartName(chart).value} key", "in the chart", "set from spec fields"], rows)


def section_reference(section: str) -> Markdown:
    """A spec section's reference: its fields (type, default, meaning), then the chart keys each field sets in
    flyte-binary and flyte-core."""
    from .fields import field_table

    return Markdown(
        "**Fields**\n\n"
        + field_table(section)
        + "\n\n**Chart keys each field sets**\n\n"
        + mapping_table(section)
    )


def single_field_variants(spec: DeploymentSpec) -> Iterator[tuple[str, Any, DeploymentSpec]]:
    """Every valid spec that differs from ``spec`` in one leaf field: (field path, new value, spec). Used to find
    what each change does, e.g. which checks it trips. Fields in :data:`EXCLUDED_FIELDS` are left alone."""
    data = spec.model_dump(mode="json")
    domains = list(spec.projects.domains)
    for row in all_field_rows():
        if row.path.split(".")[0].split("[")[0] in EXCLUDED_FIELDS:
            continue
        for tier in _variants(data, row, domains):
            for variant in tier:
                place = _locate(variant.model_dump(mode="json"), row.path)
                yield row.path, (place[0][place[1]] if place else None), variant
