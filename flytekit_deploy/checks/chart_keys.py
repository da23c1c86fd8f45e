"""Check a Helm values mapping against the keys a Flyte v1.16.8 chart actually reads.

Helm ignores a key it does not know without a word, so a typo such as ``storage.bucketname`` installs
cleanly and then does nothing. None of Flyte's charts ships a ``values.schema.json``; the catalog in
``charts/chart_keys.json`` (written by ``scripts/gen_chart_keys.py`` from the charts' default values) stands in
for one: every valid dotted key path with its type, and the free-form maps where any subkey is allowed.

>>> [f.path for f in check_values({"storage": {"bucketname": "b"}}, "flyte-core")]
['storage.bucketname']
>>> check_values({"configuration": {"inline": {"anything": {"goes": 1}}}}, "flyte-binary")
[]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..charts.catalogue import chart_keys
from ..errors import Problem, UserInputError
from ..values_file import read_values_file
from .findings import Finding, Severity

__all__ = ["CHARTS", "ChartCatalog", "catalog", "check_values", "check_values_file"]

CHAPTER = "helm-deployment"
CHARTS = ("flyte-binary", "flyte-core", "flyte-sandbox", "flyte-deps", "flyte", "flyteconnector")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_TYPE_WORDS = {
    "map": "a mapping",
    "list": "a list",
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
}


@dataclass(frozen=True)
class ChartCatalog:
    """The valid keys of one chart: ``keys`` maps a dotted path to its type; ``free_form`` paths take any subkey."""

    chart: str
    version: str
    keys: Mapping[str, str]
    free_form: frozenset[str]

    def children(self, path: str) -> list[str]:
        """Names of the catalogued keys directly below ``path`` ("" for the top level)."""
        prefix = f"{path}." if path else ""
        depth = prefix.count(".")
        return sorted(key[len(prefix) :] for key in self.keys if key.startswith(prefix) and key.count(".") == depth)


def _load() -> Mapping[str, Any]:
    return chart_keys()


def catalog(chart: str) -> ChartCatalog:
    """The catalog of ``chart``; an unknown chart name is bad input (:class:`UserInputError`)."""
    data = _load()
    charts: Mapping[str, Any] = data["charts"]
    if chart not in charts:
        close = difflib.get_close_matches(chart, list(charts), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UserInputError(
            [
                Problem(
                    path="chart",
                    message=f"unknown chart {chart!r}",
                    fix=f"{hint}use one of: {', '.join(charts)}",
                )
            ],
            source="chart keys",
        )
    entry = charts[chart]
    return ChartCatalog(
        chart=chart,
        version=str(data["flyte_version"]),
        keys=dict(entry["keys"]),
        free_form=frozenset(entry["free_form"]),
    )


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    return f"{type(value).__name__} {value!r}"


def _type_problem(expected: str, value: Any) -> str | None:
    """Why ``value`` cannot stand where the chart expects ``expected``; None when it can.

    Scalars are lenient where Helm's rendering makes them equivalent (``"5432"`` for a port renders the
    same unquoted), strict where a template would misread them: a quoted ``"false"`` is a non-empty string,
    which Go templates' ``if`` treats as true.
    """
    if value is None or expected in ("any", "null"):
        return None  # null deletes a default in Helm; a null default says nothing about the type
    if expected == "map":
        return None if isinstance(value, Mapping) else "the chart reads subkeys of it"
    if expected == "list":
        return None if isinstance(value, list) else "the chart iterates over it or renders it as a YAML list"
    if isinstance(value, (Mapping, list)):
        return "the chart renders it as a single value"
    if expected == "str":
        return None
    if expected == "bool":
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            return "a quoted string is always true in a template's `if`, even 'false'"
        return "the chart tests it with `if`, where any number but 0 is true"
    if isinstance(value, bool):
        return "the chart renders it as a number"
    if expected == "int":
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return None
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            return None
        return "the chart renders it where Kubernetes or Flyte expects a whole number"
    if expected == "float":
        if isinstance(value, (int, float)) or (isinstance(value, str) and _NUMBER.match(value.strip())):
            return None
        return "the chart renders it where a number is expected"
    return None


def _suggest(cat: ChartCatalog, parent: str, key: str) -> str | None:
    """The nearest valid key: a sibling first (case-insensitive exact, then difflib), else any path."""
    siblings = cat.children(parent)
    for name in siblings:
        if name.lower() == key.lower():
            return f"{parent}.{name}" if parent else name
    close = difflib.get_close_matches(key, siblings, n=1, cutoff=0.6)
    if close:
        return f"{parent}.{close[0]}" if parent else close[0]
    path = f"{parent}.{key}" if parent else key
    anywhere = difflib.get_close_matches(path, list(cat.keys), n=1, cutoff=0.8)
    if anywhere:
        return anywhere[0]
    # the same key name elsewhere in the chart: a block put under the wrong parent
    elsewhere = sorted(p for p in cat.keys if p.rsplit(".", 1)[-1] == key)
    return elsewhere[0] if len(elsewhere) == 1 else None


def _check(cat: ChartCatalog, values: Mapping[str, Any], parent: str, out: list[Finding]) -> None:
    for raw_key, value in values.items():
        key = str(raw_key)
        path = f"{parent}.{key}" if parent else key
        expected = cat.keys.get(path)
        if expected is None:
            nearest = _suggest(cat, parent, key)
            fix = (
                f"did you mean `{nearest}`?" if nearest else "remove it, or look the key up in the chart's values.yaml"
            )
            out.append(
                Finding(
                    severity=Severity.WARNING,
                    path=path,
                    message=(
                        f"`{path}` is not a key of {cat.chart} {cat.version}: "
                        "Helm ignores it without a word, so this setting has no effect"
                    ),
                    fix=fix,
                    chapter=CHAPTER,
                    rule="chart-keys.unknown",
                )
            )
            continue
        why = _type_problem(expected, value)
        if why is not None:
            out.append(
                Finding(
                    severity=Severity.ERROR,
                    path=path,
                    message=(f"`{path}` is {_describe(value)}, but {cat.chart} expects {_TYPE_WORDS[expected]}: {why}"),
                    fix=f"write {_TYPE_WORDS[expected]} for `{path}` (see the chart's values.yaml)",
                    chapter=CHAPTER,
                    rule="chart-keys.type",
                )
            )
            continue
        if isinstance(value, Mapping) and expected == "map" and path not in cat.free_form:
            _check(cat, value, path, out)


def check_values(values: Mapping[str, Any], chart: str) -> list[Finding]:
    """Findings for unknown keys (warning, with the nearest valid key) and incompatible types (error).

    Subtrees the chart passes through whole (free-form maps) are not looked into; lists are not either.
    """
    cat = catalog(chart)
    if not isinstance(values, Mapping):
        raise UserInputError(
            [Problem(path="", message=f"values must be a mapping, not {_describe(values)}", fix="pass a dict")],
            source=f"{chart} values",
        )
    out: list[Finding] = []
    _check(cat, values, "", out)
    return out


def check_values_file(path: str | Path, chart: str) -> list[Finding]:
    """Read a values YAML file and :func:`check_values` it; unreadable or malformed files are bad input."""
    catalog(chart)  # an unknown chart is reported before the file is read
    values = read_values_file(path, source="values file", allow_empty=True)
    return check_values(values, chart)
