"""Everything the panes show, derived from one valid spec through the public APIs (plan, checks, diagrams).

Kept free of widgets so the benchmark and the tests can time and inspect it directly. The other areas may be
missing or half-written while the kit grows: each one's failure becomes a message in its own pane, never an
exception out of the configurator.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from ..errors import UserInputError
from ..spec import DeploymentSpec

__all__ = [
    "Outputs",
    "ValuesCache",
    "compute_outputs",
    "render_svg",
    "commands_text",
    "secrets_text",
    "findings_text",
]


class ValuesCache:
    """Values-file YAML by release content.

    Writing a values file (ruamel.yaml, to keep the comments) costs about 14 ms for a flyte-core data plane, so a
    spec with ten data planes would spend 150 ms on YAML alone if every change re-wrote every file. A change
    usually touches few releases; the others come from here. The key is the release's full ``repr`` (every field
    the writer could read), so a hit is always the text ``plan.values_yaml`` would return.
    """

    def __init__(self, size: int = 128) -> None:
        self._size = size
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(release: Any) -> str:
        return repr(release)

    def peek(self, key: str) -> str | None:
        with self._lock:
            text = self._texts.get(key)
            if text is not None:
                self._texts.move_to_end(key)
            return text

    def get(self, plan: Any, release: Any, key: str | None = None) -> str:
        key = key or self.key(release)
        text = self.peek(key)
        if text is None:
            text = plan.values_yaml(release)
            with self._lock:
                self._texts[key] = text
                while len(self._texts) > self._size:
                    self._texts.popitem(last=False)
        return text


@dataclass
class Outputs:
    """The derived views of one spec; ``*_error`` says why a view is missing."""

    spec: DeploymentSpec
    plan: Any = None
    plan_error: str = ""
    releases: dict[str, Any] = field(default_factory=dict)
    """Values file name -> release, in install order (the YAML is written on demand, see :class:`ValuesCache`)."""
    release_keys: dict[str, str] = field(default_factory=dict)
    """Values file name -> the release's :meth:`ValuesCache.key`."""
    titles: dict[str, str] = field(default_factory=dict)
    """Values file name -> the tab title (release and cluster)."""
    commands: str = ""
    secrets: str = ""
    placeholders: dict[str, list[str]] = field(default_factory=dict)
    findings: list[Any] = field(default_factory=list)
    findings_error: str = ""
    diagram: Any = None
    mermaid: str = ""
    diagram_error: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def values_yaml(self, filename: str, cache: ValuesCache | None = None) -> str:
        release = self.releases[filename]
        if cache is None:
            return str(self.plan.values_yaml(release))
        return cache.get(self.plan, release, self.release_keys.get(filename))

    def all_values(self, cache: ValuesCache | None = None) -> dict[str, str]:
        """Every values file's YAML, in install order."""
        return {name: self.values_yaml(name, cache) for name in self.releases}


def _problem_text(error: BaseException) -> str:
    if isinstance(error, UserInputError):
        return error.render()
    if isinstance(error, ImportError):
        return f"not available yet in this installation ({error})"
    return f"{type(error).__name__}: {error}"


def commands_text(plan: Any) -> str:
    """The helm/kubectl steps, grouped by cluster, as a shell transcript."""
    lines: list[str] = []
    cluster = None
    for number, step in enumerate(plan.steps, 1):
        if step.cluster != cluster:
            cluster = step.cluster
            lines += ([""] if lines else []) + [f"# ===== cluster {cluster} ====="]
        lines.append(f"# {number}. {step.title}" + (f" ({step.why})" if step.why else ""))
        lines.append(step.command)
    return "\n".join(lines)


def secrets_text(plan: Any) -> str:
    """The Secrets to create, their keys and the kubectl command for each."""
    from ..plan import secret_command

    if not plan.secrets:
        return "No Secrets to create."
    blocks = []
    for secret in plan.secrets:
        head = f"{secret.name}  (cluster {secret.cluster}, namespace {secret.namespace})"
        keys = [f"  key {key}: {what}" for key, what in secret.keys.items()]
        used = [f"  from spec: {', '.join(secret.spec_paths)}"] if secret.spec_paths else []
        blocks.append("\n".join([head, f"  for: {secret.purpose}", *keys, *used, secret_command(secret)]))
    return "\n\n".join(blocks)


def findings_text(findings: list[Any], placeholders: dict[str, list[str]] | None = None) -> str:
    lines = []
    for f in findings:
        severity = getattr(f.severity, "value", f.severity)
        lines.append(f"[{str(severity).upper()}] {f.path or '(spec)'}: {f.message}")
        if f.fix:
            lines.append(f"    fix: {f.fix}")
    if not findings:
        lines.append("No findings: nothing known to break.")
    if placeholders:
        lines += ["", "Still to fill in:"]
        lines += [
            f"  {marker}: {paths[0]}" + (f" (+{len(paths) - 1} more)" if len(paths) > 1 else "")
            for marker, paths in placeholders.items()
        ]
    return "\n".join(lines)


def _timed(timings: dict[str, float], name: str, start: float) -> float:
    now = time.perf_counter()
    timings[name] = now - start
    return now


def _static_findings(spec: DeploymentSpec, plan: Any) -> list[Any]:
    checks = import_module("flytekit_deploy.checks")
    try:
        run = checks.static_findings
    except AttributeError:
        raise ImportError("flytekit_deploy.checks.static_findings") from None
    findings = list(run(spec, plan) if plan is not None else run(spec))
    return sorted(findings, key=lambda f: (getattr(f.severity, "rank", 9), f.path, f.message))


def _diagram(spec: DeploymentSpec) -> Any:
    views = import_module("flytekit_deploy.diagrams.views")
    return views.diagram("this-deployment", spec)


def _mermaid_of(diagram: Any) -> str:
    text = diagram.mermaid
    return str(text() if callable(text) else text)


def compute_outputs(spec: DeploymentSpec) -> Outputs:
    """Plan, releases, commands, Secrets, findings and the diagram's mermaid text of ``spec``; the values YAML and
    the SVG are left to the caller (:meth:`Outputs.values_yaml`, :func:`render_svg`): they are the slow parts."""
    out = Outputs(spec=spec)
    start = time.perf_counter()
    try:
        from ..plan import build_plan

        plan = build_plan(spec)
        start = _timed(out.timings, "plan", start)
        out.plan = plan
        for release in plan.releases:
            out.releases[release.filename] = release
            out.release_keys[release.filename] = ValuesCache.key(release)
            out.titles[release.filename] = f"{release.release} ({release.cluster})"
        start = _timed(out.timings, "release keys", start)
        out.commands = commands_text(plan)
        out.secrets = secrets_text(plan)
        out.placeholders = dict(plan.placeholders)
    except Exception as error:  # any emitter failure is shown in the pane, not raised at the person
        out.plan_error = _problem_text(error)
    start = _timed(out.timings, "commands", start)
    try:
        out.findings = _static_findings(spec, out.plan)
    except Exception as error:
        out.findings_error = _problem_text(error)
    start = _timed(out.timings, "findings", start)
    try:
        out.diagram = _diagram(spec)
        out.mermaid = _mermaid_of(out.diagram)
    except Exception as error:
        out.diagram_error = _problem_text(error)
    _timed(out.timings, "mermaid", start)
    return out


def render_svg(outputs: Outputs) -> str:
    """The graphviz SVG of the outputs' diagram (slow: runs ``dot``; the configurator debounces it)."""
    if outputs.diagram is None:
        raise RuntimeError(outputs.diagram_error or "no diagram")
    return str(outputs.diagram.svg())
