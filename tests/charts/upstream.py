"""One comparison of emitted values with upstream's, for every chart.

Both sides are flattened to leaf paths (a path ends at a scalar, a list, an empty map, or a key only one side has
a map under: the leaves of that map are compared one by one against ``ABSENT``). Every leaf that differs must be
named by exactly one :class:`Allowed` entry pinning the emitted value, the upstream value and the reason; an
entry whose path no longer differs, or whose pinned values are not what the two sides hold, fails the test too.
Values compare by type as well as value (``1``, ``1.0``, ``"1"`` and ``True`` are four values), except quantity
Decimals, which chart tests produce by normalising ``"1Gi"``-style strings on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["ABSENT", "Allowed", "allow", "leaves", "differences", "assert_matches"]

KeyPath = tuple[str, ...]


class _Absent:
    """The value of a leaf one side does not have."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Allowed:
    """A leaf where emitted and upstream values differ on purpose: both values pinned, and why."""

    path: KeyPath
    emitted: Any
    upstream: Any
    reason: str

    def __str__(self) -> str:
        return _dotted(self.path)


def allow(path: str | KeyPath, emitted: Any, upstream: Any, reason: str) -> Allowed:
    """An entry; ``path`` is dotted, or a tuple when a key holds dots itself (``iam.gke.io/gcp-service-account``)."""
    parts = tuple(path.split(".")) if isinstance(path, str) else path
    return Allowed(parts, emitted, upstream, reason)


def _dotted(path: KeyPath) -> str:
    return ".".join(f"[{part}]" if "." in part else part for part in path)


def leaves(tree: Mapping[str, Any], prefix: KeyPath = ()) -> dict[KeyPath, Any]:
    """``path -> value`` of every leaf: maps are descended (an empty map is a leaf), lists are compared whole."""
    out: dict[KeyPath, Any] = {}
    for key, value in tree.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping) and value:
            out.update(leaves(value, path))
        else:
            out[path] = value
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def differences(emitted: Mapping[str, Any], upstream: Mapping[str, Any]) -> dict[KeyPath, tuple[Any, Any]]:
    """``path -> (emitted, upstream)`` for every leaf that differs, in path order."""
    ours, theirs = leaves(emitted), leaves(upstream)
    paths = sorted(set(ours) | set(theirs))
    pairs = ((p, ours.get(p, ABSENT), theirs.get(p, ABSENT)) for p in paths)
    return {p: (a, b) for p, a, b in pairs if not _same(a, b)}


def assert_matches(emitted: Mapping[str, Any], upstream: Mapping[str, Any], allowed: Iterable[Allowed]) -> None:
    """Emitted and upstream values are equal but for the allowed leaves, which hold exactly the pinned values."""
    entries: Sequence[Allowed] = list(allowed)
    by_path = {entry.path: entry for entry in entries}
    assert len(by_path) == len(entries), f"allow-list names a leaf twice: {sorted(map(str, entries))}"
    assert all(entry.reason.strip() for entry in entries), "every allow-list entry says why"
    diff = differences(emitted, upstream)
    problems = []
    for path, (ours, theirs) in diff.items():
        entry = by_path.get(path)
        if entry is None:
            problems.append(f"{_dotted(path)}: emitted {ours!r}, upstream {theirs!r} (no allow-list entry)")
        elif not (_same(entry.emitted, ours) and _same(entry.upstream, theirs)):
            problems.append(
                f"{_dotted(path)}: emitted {ours!r}, upstream {theirs!r}; "
                f"the entry pins emitted {entry.emitted!r}, upstream {entry.upstream!r}"
            )
    problems += [f"{entry}: no longer differs (stale entry)" for entry in entries if entry.path not in diff]
    assert not problems, "emitted values vs upstream:\n  " + "\n  ".join(problems)
