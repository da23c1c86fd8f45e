"""The upstream side of the flyte-core reference tests: both sides merged over the chart's values.yaml,
``{{ .Values.* }}`` resolved and equal forms made identical, then compared leaf by leaf by
:func:`tests.charts.upstream.assert_matches` against the entries in flyte_core_allowed.py."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from flytekit_deploy.charts.base import ReleaseValues
from flytekit_deploy.charts.common import deep_merge
from flytekit_deploy.spec import parse_quantity

from .upstream import Allowed, assert_matches

__all__ = ["compare", "load", "only"]

_VALUES_REF = re.compile(r"\{\{\s*\.Values\.([A-Za-z0-9_.]+)\s*\}\}")


def _lookup(values: Mapping[str, Any], dotted: str) -> Any:
    node: Any = values
    for part in dotted.split("."):
        node = node[part]
    return node


def _resolve(values: dict[str, Any]) -> dict[str, Any]:
    """Resolve ``{{ .Values.x.y }}`` indirections (tpl does this at render time), then drop userSettings, which
    only ever feeds them."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):
            return _VALUES_REF.sub(lambda m: str(_lookup(values, m.group(1))), node)
        return node

    for _ in range(5):
        values = walk(values)
    values.pop("userSettings", None)
    return values


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Forms that mean the same to the chart and Flyte made identical: quantities as numbers (``1`` == ``"1"``),
    cluster resource customData as the domain -> variable map Flyte reads, and resource templates without YAML
    comment lines."""

    def walk(node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, (*path, str(k))) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, path) for v in node]
        quantity = len(path) >= 3 and path[-3] == "resources" and path[-2] in ("limits", "requests")
        if quantity and isinstance(node, (int, float, str)) and not isinstance(node, bool):
            return parse_quantity(str(node))
        return node

    values = walk(values, ())
    crm = values.get("cluster_resource_manager", {})
    custom = crm.get("config", {}).get("cluster_resources", {}).get("customData")
    if isinstance(custom, list):
        crm["config"]["cluster_resources"]["customData"] = {
            domain: {var: str(v["value"]) for entry in entries for var, v in entry.items()}
            for item in custom
            for domain, entries in item.items()
        }
    if isinstance(crm.get("templates"), list):
        crm["templates"] = {
            t["key"]: "\n".join(
                line.rstrip() for line in t["value"].splitlines() if not line.strip().startswith("#")
            ).strip()
            for t in crm["templates"]
        }
    return values


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return loaded


def compare(reference: Path, release: ReleaseValues, overlays: list[str], allowed: Iterable[Allowed]) -> None:
    """The release against upstream's overlays, both merged over flyte-core's values.yaml and normalised."""
    core = reference / "charts" / "flyte-core"
    chart = load(core / "values.yaml")
    upstream = chart
    for name in overlays:
        upstream = deep_merge(upstream, load(core / name))
    expected = _normalise(_resolve(upstream))
    actual = _normalise(_resolve(deep_merge(chart, release.values)))
    assert_matches(actual, expected, allowed)


def only(releases: list[ReleaseValues], role: str) -> list[ReleaseValues]:
    return [r for r in releases if r.role == role]
