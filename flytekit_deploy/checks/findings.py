"""The one shape every check reports in: a Finding."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import Enum

__all__ = ["Severity", "Finding", "exit_code", "render_text", "render_json"]


class Severity(str, Enum):
    """How bad it is. ``error`` will break the install or the running system; ``warning`` is risky; ``info`` advises."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """Something that will (or may) break: where in the spec, what, how to fix it, and which wiki chapter explains it."""

    severity: Severity
    path: str
    message: str
    fix: str
    chapter: str = "troubleshooting"
    rule: str = ""

    def to_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity.rank, f.path, f.rule, f.message))


def exit_code(findings: Iterable[Finding]) -> int:
    """0 clean (info only), 1 warnings only, 3 errors (2 is reserved for bad input)."""
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return 3
    if Severity.WARNING in severities:
        return 1
    return 0


def render_text(findings: Iterable[Finding]) -> str:
    items = _ordered(findings)
    if not items:
        return "No findings: nothing known to break."
    lines = []
    for f in items:
        lines.append(f"[{f.severity.value.upper()}] {f.path or '(spec)'}: {f.message}")
        lines.append(f"    fix: {f.fix}")
        lines.append(f"    read: {f.chapter}" + (f"  (rule {f.rule})" if f.rule else ""))
    counts = {s: sum(1 for f in items if f.severity is s) for s in Severity}
    lines.append(
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} note(s)"
    )
    return "\n".join(lines)


def render_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.to_dict() for f in _ordered(findings)], indent=2)
