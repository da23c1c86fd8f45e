"""The chart-key mapping tables of the wiki: spec field -> chart keys, and chart key -> spec fields.

The keys come from the experiment in :mod:`.effects` (which varies fields as :mod:`.variations` says), so these
tables cannot drift from what the kit writes: change an emitter and the wiki's table changes with it. This module
also re-exports the public names of both, which the package and its other modules import from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..spec import ChartName
from .effects import (
    FieldEffect,
    changed_keys,
    chart_keys_for,
    chart_presets,
    field_effects,
    normalise_path,
    reverse_mapping,
    section_of,
)
from .fields import field_rows
from .markdown import Markdown, inline_code, md_table
from .variations import EXCLUDED_FIELDS, PROBE, single_field_variants

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
        for section in dict.fromkeys(section_of(f) for f in wanted):
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
        "**Fields**\n\n" + field_table(section) + "\n\n**Chart keys each field sets**\n\n" + mapping_table(section)
    )
