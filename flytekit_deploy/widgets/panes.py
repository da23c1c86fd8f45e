"""The live panes beside the form: values per release, diagram, findings, helm commands, Secrets.

They always show the outputs of the last valid spec. While the input is invalid they stay as they were, under a
banner saying they are stale, so the person never loses sight of a working configuration while fixing a field.
Two outputs are slow, and both run on a timer once input pauses (only the newest request ever reaches a pane):
the graphviz render, and the YAML of values tabs that are not on screen. The tab on screen is written at once;
a hidden tab is written when it is selected, when :meth:`Panes.texts` is asked, or by the timer, whichever is
first; unchanged releases come from a cache.
"""

from __future__ import annotations

import base64
import html
import threading
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..errors import Problem
from .outputs import Outputs, ValuesCache, findings_text, render_svg
from .theme import severity_class

__all__ = ["Panes", "DebouncedRender", "PANE_NAMES", "findings_html"]

PANE_NAMES = ("values", "diagram", "findings", "commands", "secrets")


def _pre(text: str) -> str:
    return f'<pre class="fd-pre">{html.escape(text)}</pre>'


def findings_html(findings: list[Any]) -> str:
    """Findings as a list, worst first, each with its fix."""
    items = []
    for f in findings:
        severity = str(getattr(f.severity, "value", f.severity))
        items.append(
            f'<li><b class="{severity_class(severity)}">{html.escape(severity)}</b> '
            f"<code>{html.escape(f.path or '(spec)')}</code>: {html.escape(f.message)}"
            + (f'<br><span class="fd-muted">fix: {html.escape(f.fix)}</span>' if f.fix else "")
            + "</li>"
        )
    return f"<ul>{''.join(items)}</ul>" if items else _note("No findings: nothing known to break.")


def _note(text: str, severity: str = "muted") -> str:
    return f'<div class="{severity_class(severity)}" style="padding:4px 0">{html.escape(text)}</div>'


class DebouncedRender:
    """Run ``work`` on a timer ``delay`` seconds after the last request; results of superseded requests are
    dropped, so once requests stop the pane always ends up showing the newest one."""

    def __init__(self, delay: float, work: Callable[[Any], Any], apply: Callable[[Any, float], None]) -> None:
        self.delay = delay
        self._work = work
        self._apply = apply
        self._lock = threading.Lock()
        self._generation = 0
        self._timer: threading.Timer | None = None
        self._idle = threading.Event()
        self._idle.set()
        self.last_seconds: float | None = None

    def request(self, item: Any) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._idle.clear()
        if self.delay <= 0:
            self._run(generation, item)
            return
        timer = threading.Timer(self.delay, self._run, args=(generation, item))
        timer.daemon = True  # never keeps a kernel from shutting down
        with self._lock:
            if generation == self._generation:
                self._timer = timer
                timer.start()

    def _run(self, generation: int, item: Any) -> None:
        if generation != self._generation:
            return
        start = time.perf_counter()
        try:
            result: Any = self._work(item)
        except Exception as error:  # a failed render is shown in the pane like any other outcome
            result = error
        seconds = time.perf_counter() - start
        with self._lock:
            if generation != self._generation:
                return  # a newer request arrived while rendering; its own run will land
            self.last_seconds = seconds
            self._apply(result, seconds)
            self._timer = None
            self._idle.set()

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until the newest request has been applied (tests, the benchmark)."""
        return self._idle.wait(timeout)

    def cancel(self) -> None:
        with self._lock:
            self._generation += 1
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._idle.set()


class Panes:
    """The output widgets and their texts."""

    def __init__(self, diagram_delay: float = 0.3) -> None:
        self.banner = w.HTML()
        self.values_tabs = w.Tab()
        self.values_tabs.add_class("fd-pane-values-tabs")
        self.values_tabs.observe(lambda _change: self._ensure_selected(), names="selected_index")
        self._values_html: dict[str, w.HTML] = {}
        self._values_shown: dict[str, str] = {}
        """Values file name -> the release key whose YAML its tab shows now."""
        self._outputs: Outputs | None = None
        self._values_lock = threading.Lock()
        self.cache = ValuesCache()
        self.values_note = w.HTML()
        self.values_box = w.VBox([self.values_note, self.values_tabs])
        self.diagram_svg = w.HTML()
        self.diagram_svg.add_class("fd-svg")
        self._raw_svg = ""
        self.diagram_zoom = w.ToggleButtons(
            options=[("Fit width", "fit"), ("100%", "1"), ("150%", "1.5"), ("200%", "2")],
            value="1",
            tooltip="Diagram size: fit the pane, or real size and larger (scroll to move around)",
            style={"button_width": "6em"},
        )
        self.diagram_zoom.add_class("fd-diagram-zoom")
        self.diagram_zoom.observe(lambda _c: self._show_svg(), names="value")
        self.diagram_download = w.HTML()
        self.diagram_download.add_class("fd-diagram-download")
        self.diagram_note = w.HTML()
        self.mermaid_html = w.HTML()
        mermaid_box = w.Accordion(children=[self.mermaid_html], titles=("mermaid source",))
        mermaid_box.selected_index = None
        self.diagram_box = w.VBox(
            [w.HBox([self.diagram_zoom, self.diagram_download]), self.diagram_note, self.diagram_svg, mermaid_box]
        )
        self.findings_html = w.HTML()
        self.doctor_button = w.Button(
            description="Run doctor",
            icon="stethoscope",
            tooltip="Check every values file's keys against the chart, and (with live probes) connect to the "
            "database and buckets from this machine",
        )
        self.doctor_live = w.Checkbox(
            value=False, description="live probes (connect to the database and object store)", indent=False
        )
        self.doctor_html = w.HTML()
        self.doctor_spec: Any = None
        self.findings_box = w.VBox(
            [self.findings_html, w.HBox([self.doctor_button, self.doctor_live]), self.doctor_html]
        )
        self.commands_html = w.HTML()
        self.secrets_html = w.HTML()
        boxes = [self.values_box, self.diagram_box, self.findings_box, self.commands_html, self.secrets_html]
        for name, box in zip(PANE_NAMES, boxes, strict=True):
            box.add_class("fd-pane")
            box.add_class(f"fd-pane-{name}")
        self.tabs = w.Tab(children=boxes, titles=("Values", "Diagram", "Findings", "Helm commands", "Secrets"))
        self.widget = w.VBox([self.banner, self.tabs], layout=w.Layout(width="100%"))
        self.widget.add_class("fd-panes")
        self._texts: dict[str, str] = dict.fromkeys(PANE_NAMES, "")
        self.stale = False
        self.svg_seconds: float | None = None
        self.renderer = DebouncedRender(diagram_delay, render_svg, self._apply_svg)
        self.values_renderer = DebouncedRender(diagram_delay, self._write_hidden, lambda _r, _s: None)

    # ---- showing outputs ---------------------------------------------------------------------------------------

    def show(self, outputs: Outputs) -> None:
        """Show the outputs of a valid spec (clears the stale mark); the SVG follows after the debounce."""
        self._show_values(outputs)
        self._texts["commands"] = outputs.commands or outputs.plan_error
        self.commands_html.value = _pre(outputs.commands) if outputs.commands else _note(outputs.plan_error, "error")
        self._texts["secrets"] = outputs.secrets or outputs.plan_error
        self.secrets_html.value = _pre(outputs.secrets) if outputs.secrets else _note(outputs.plan_error, "error")
        self._show_findings(outputs)
        self._texts["diagram"] = outputs.mermaid or outputs.diagram_error
        self.mermaid_html.value = _pre(outputs.mermaid) if outputs.mermaid else ""
        self.diagram_note.value = _note(outputs.diagram_error, "error") if outputs.diagram_error else ""
        if outputs.diagram is not None:
            self.renderer.request(outputs)
        else:
            self.renderer.cancel()
            self._raw_svg = ""
            self._show_svg()
        self.set_stale(None)

    def _show_values(self, outputs: Outputs) -> None:
        with self._values_lock:
            self._outputs = outputs
        self.values_note.value = _note(outputs.plan_error, "error") if outputs.plan_error else ""
        names = list(outputs.releases)
        if names != list(self._values_html):
            with self._values_lock:
                self._values_html = {name: self._values_html.get(name) or w.HTML() for name in names}
                self._values_shown = {n: k for n, k in self._values_shown.items() if n in self._values_html}
            self.values_tabs.children = tuple(self._values_html.values())
            self.values_tabs.titles = tuple(outputs.titles.get(name, name) for name in names)
            if names:
                self.values_tabs.selected_index = min(self.values_tabs.selected_index or 0, len(names) - 1)
        hidden = []
        for name in names:
            if self._values_shown.get(name) == outputs.release_keys[name]:
                continue
            cached = self.cache.peek(outputs.release_keys[name])
            if cached is not None:
                self._put_values(outputs, name, cached)
            else:
                hidden.append(name)
        self._ensure_selected()
        if any(self._values_shown.get(n) != outputs.release_keys[n] for n in hidden):
            self.values_renderer.request(outputs)

    def _put_values(self, outputs: Outputs, name: str, text: str) -> None:
        with self._values_lock:
            if self._outputs is not outputs or name not in self._values_html:
                return  # a newer spec arrived meanwhile
            self._values_html[name].value = (
                f'<div class="fd-muted" style="font-size:90%">{html.escape(name)}</div>' + _pre(text)
            )
            self._values_shown[name] = outputs.release_keys[name]

    def _write_values(self, outputs: Outputs, name: str) -> None:
        if self._values_shown.get(name) != outputs.release_keys[name]:
            self._put_values(outputs, name, outputs.values_yaml(name, self.cache))

    def _ensure_selected(self) -> None:
        """Write the YAML of the tab on screen now (a hidden tab waits for the timer or its selection)."""
        outputs, index = self._outputs, self.values_tabs.selected_index
        if outputs is None or index is None:
            return
        names = list(outputs.releases)
        if 0 <= index < len(names):
            self._write_values(outputs, names[index])

    def _write_hidden(self, outputs: Outputs) -> None:
        for name in outputs.releases:
            if self._outputs is not outputs:
                return
            self._write_values(outputs, name)

    def _show_findings(self, outputs: Outputs) -> None:
        if outputs.findings_error:
            text = f"Findings unavailable: {outputs.findings_error}"
            body = _note(text, "error")
            if outputs.placeholders:
                extra = findings_text([], outputs.placeholders).split("\n", 1)[1]
                text += "\n" + extra
                body += _pre(extra.strip())
        else:
            text = findings_text(outputs.findings, outputs.placeholders)
            body = findings_html(outputs.findings)
            if outputs.placeholders:
                rows = "".join(
                    f"<li><code>{html.escape(marker)}</code>: {html.escape(paths[0])}"
                    + (f" (+{len(paths) - 1} more)" if len(paths) > 1 else "")
                    + "</li>"
                    for marker, paths in outputs.placeholders.items()
                )
                body += f"<b>Still to fill in</b><ul>{rows}</ul>"
        self._texts["findings"] = text
        self.findings_html.value = body
        if self.doctor_spec is not None and self.doctor_spec != outputs.spec:
            self.doctor_spec = None
            self.doctor_html.value = _note("The doctor's findings were for an earlier spec: run it again.")

    def show_doctor(self, spec: Any, findings: list[Any] | None, error: str = "") -> None:
        """The doctor's findings (chart keys of every values file, live probes) for ``spec``."""
        self.doctor_spec = spec
        if error:
            self.doctor_html.value = _note(error, "error")
        else:
            self.doctor_html.value = "<b>Doctor</b>" + findings_html(findings or [])

    def _apply_svg(self, result: Any, seconds: float) -> None:
        self.svg_seconds = seconds
        if isinstance(result, BaseException):
            self._raw_svg = ""
            self.diagram_svg.value = _note(f"graphviz rendering failed: {result}", "error")
            self.diagram_download.value = ""
        else:
            self._raw_svg = str(result)
            self._show_svg()

    def _show_svg(self) -> None:
        """The SVG at the chosen size; real size and larger scroll inside the pane, and the download link opens it
        full size in any viewer (offline: the file is in the link itself)."""
        zoom = str(self.diagram_zoom.value)
        if zoom == "fit":
            self.diagram_svg.add_class("fd-fit")
            self.diagram_svg.value = self._raw_svg
        else:
            self.diagram_svg.remove_class("fd-fit")
            self.diagram_svg.value = f'<div style="zoom:{zoom}">{self._raw_svg}</div>' if self._raw_svg else ""
        if self._raw_svg:
            payload = base64.b64encode(self._raw_svg.encode()).decode("ascii")
            self.diagram_download.value = (
                f'<a download="flyte-diagram.svg" href="data:image/svg+xml;base64,{payload}">⬇ full-size SVG</a>'
            )
        else:
            self.diagram_download.value = ""

    # ---- stale state ---------------------------------------------------------------------------------------

    def set_stale(self, problems: list[Problem] | None, unplaced: list[Problem] | None = None) -> None:
        """Mark the panes stale (input invalid: ``problems``) or current (``None``)."""
        self.stale = problems is not None
        if problems is None:
            self.banner.value = ""
            self.widget.remove_class("fd-stale")
            return
        self.widget.add_class("fd-stale")
        count = len(problems)
        listed = "".join(
            f"<li><code>{html.escape(p.path or '(spec)')}</code>: {html.escape(p.message)}"
            + (f" <i>fix: {html.escape(p.fix)}</i>" if p.fix else "")
            + "</li>"
            for p in (unplaced or [])
        )
        self.banner.value = (
            '<div class="fd-banner">'
            + f"<b>Stale:</b> the input has {count} problem{'s' if count != 1 else ''} "
            + "(shown at the fields); these outputs are from the last valid spec."
            + (f"<ul style='margin:2px 0'>{listed}</ul>" if listed else "")
            + "</div>"
        )

    # ---- texts ---------------------------------------------------------------------------------------------------

    def texts(self) -> dict[str, str]:
        """Pane name -> its text: ``values`` (every release), ``values:<file>``, diagram (mermaid), findings,
        commands, secrets. Tabs not written yet are written first, so the texts are never behind the panes."""
        out = dict(self._texts)
        outputs = self._outputs
        if outputs is not None:
            if outputs.plan_error:
                out["values"] = outputs.plan_error
            else:
                values = outputs.all_values(self.cache)
                for name in values:
                    self._write_values(outputs, name)
                out["values"] = "\n".join(f"# ---- {name}\n{text}" for name, text in values.items())
                out.update({f"values:{name}": text for name, text in values.items()})
        return out

    @property
    def svg(self) -> str:
        """The diagram's SVG as rendered (without the zoom wrapper)."""
        return self._raw_svg
