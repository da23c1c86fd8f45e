"""Small helpers over nested Helm values: paths as tuples, readable dotted names, reading with defaults.

Values keys may themselves contain dots (annotation names such as ``alb.ingress.kubernetes.io/scheme``), so
paths are tuples internally and rendered with brackets for such keys, e.g.
``ingress.commonAnnotations["alb.ingress.kubernetes.io/scheme"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .common import copy_values

__all__ = [
    "Path",
    "dotted",
    "split",
    "get",
    "leaves",
    "set_in",
    "resolve_values_refs",
]

Path = tuple[str, ...]
_MISSING = object()
_VALUES_REF = re.compile(r"\{\{-?\s*\.Values\.([A-Za-z0-9_.\-]+)\s*-?\}\}")


def dotted(path: Path) -> str:
    """``("a", "b.c", "d")`` -> ``a["b.c"].d``: readable, and unambiguous where a key holds a dot."""
    out = ""
    for part in path:
        if "." in part or not part:
            out += f'["{part}"]'
        else:
            out += ("." if out else "") + part
    return out


def split(text: str) -> Path:
    """Inverse of :func:`dotted` for the plain form (``a.b.c``; bracketed keys kept whole)."""
    parts: list[str] = []
    for match in re.finditer(r'\["([^"]*)"\]|([^.\[\]]+)', text):
        parts.append(match.group(1) if match.group(1) is not None else match.group(2))
    return tuple(parts)


def get(values: Mapping[str, Any], path: Path | str, default: Any = None) -> Any:
    """The value at ``path``, or ``default`` when any step is missing or not a mapping."""
    node: Any = values
    for part in split(path) if isinstance(path, str) else path:
        if not isinstance(node, Mapping) or part not in node:
            return default
        node = node[part]
    return node


def leaves(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every leaf (scalars, lists, empty mappings) with its path; lists are leaves, as Helm replaces them whole."""
    if isinstance(node, Mapping) and node:
        for key, value in node.items():
            yield from leaves(value, (*path, str(key)))
    else:
        yield path, node


def set_in(values: dict[str, Any], path: Path, value: Any) -> None:
    node = values
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[path[-1]] = copy_values(value)


def resolve_values_refs(node: Any, root: Mapping[str, Any], depth: int = 0) -> Any:
    """Replace ``{{ .Values.a.b }}`` inside strings by the value it names, as flyte-core's ``tpl`` does.

    Upstream's flyte-core overlays keep the person's inputs under ``userSettings`` and reference them this way;
    upstream's own renders show every such reference expanded. A reference to a missing key renders empty in
    Helm and is left as written here, so nothing is invented.
    """
    if depth > 5:
        return node
    if isinstance(node, Mapping):
        return {k: resolve_values_refs(v, root, depth) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_values_refs(v, root, depth) for v in node]
    if not isinstance(node, str) or ".Values." not in node:
        return node

    def substitute(match: re.Match[str]) -> str:
        value = get(root, tuple(match.group(1).split(".")), _MISSING)
        if value is _MISSING or isinstance(value, (Mapping, list)) or value is None:
            return match.group(0)
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return str(resolve_values_refs(text, root, depth + 1))

    return _VALUES_REF.sub(substitute, node)
