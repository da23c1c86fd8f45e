"""The configurator: a form generated from the DeploymentSpec model, with live panes of everything derived from it.

Data flows one way: form input -> plain data (only the fields that apply) -> ``spec_from_dict`` -> a valid spec ->
plan, findings, diagram. Invalid input never reaches the panes: its problems are shown at the fields and the panes
keep the last valid outputs, marked stale. Every valid change is autosaved, so re-running the notebook (or a
kernel restart) picks up where the person left off.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..clouds.registry import gateway_choices
from ..errors import Problem, SpecError
from ..presets import PRESETS, get_preset
from ..spec import DeploymentSpec, Environment, load_spec, parse_spec, spec_from_dict
from .actions import ActionBar, import_values_file, plan_zip, save_spec_file, write_plan_folder, zip_link
from .autosave import Autosave
from .editors import Editor, ListEditor, MapEditor, ScalarEditor
from .fields import field_help
from .form import Form
from .outputs import Outputs, compute_outputs
from .panes import Panes
from .theme import STYLESHEET, severity_class

__all__ = ["Configurator", "ENVIRONMENT_BOUND", "HISTORY_LIMIT"]

GATEWAY_CONTROLLER_FIELD = "ingress.gateway.controller"

HISTORY_LIMIT = 20
"""Specs kept for Undo (in memory) and as autosave history files."""

ENVIRONMENT_BOUND = ("storage", "database", "identity", "ingress", "observability", "auth")
"""Spec sections whose meaning depends on the environment: a new environment starts them from its own defaults
(sandbox-only settings such as a task-log link to localhost or the sandbox's database Secret never carry over)."""


def _problem_line(problem: Problem) -> str:
    return problem.message + (f" (fix: {problem.fix})" if problem.fix else "")


RESET_LINES = 40
"""Changed settings listed one per line after an environment switch."""


def _short(value: Any) -> str:
    text = "(unset)" if value is None else str(value)
    return text if len(text) <= 48 else text[:45] + "..."


def _settings_fields() -> tuple[str, ...]:
    """The spec's per-environment settings blocks (``local``, ``aws``, ...), as the spec names them."""
    return tuple(environment.section for environment in Environment)


def _flat(data: Any, path: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flat(value, f"{path}.{key}" if path else str(key)))
        return out or {path: {}}
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        out = {}
        for index, value in enumerate(data):
            out.update(_flat(value, f"{path}[{index}]"))
        return out
    return {path: data}


class Configurator:
    """Edit a DeploymentSpec in JupyterLab and watch its values, diagram, findings, commands and Secrets update.

    ``spec``: where to start; default the autosave when there is one, else the sandbox preset.
    ``autosave_path``: default ``flyte-spec.autosave.yaml`` in the current directory (beside the notebook);
    ``autosave=False`` turns it off. ``diagram_delay``: seconds of quiet before graphviz renders (0: at once).
    """

    def __init__(
        self,
        spec: DeploymentSpec | None = None,
        autosave_path: str | Path | None = None,
        *,
        autosave: bool = True,
        diagram_delay: float = 0.3,
    ) -> None:
        self._suspended = 0
        self._loading = False
        self._choices_for: Any = None
        """The environment whose Gateway API controllers the help line lists now."""
        self.spec: DeploymentSpec
        """The last valid spec (what the panes show)."""
        self.errors: list[Problem] = []
        """Problems of the current input; empty when it is valid."""
        self.outputs: Outputs | None = None
        self.last_refresh_seconds = 0.0
        self.timings: dict[str, float] = {}
        """Seconds spent in each stage of the last refresh (form, validate, outputs.*, panes, messages, autosave)."""
        self.notes: list[str] = []
        self.history: list[DeploymentSpec] = []
        """Earlier specs, newest last: what Undo restores after a preset, load, import or environment reset."""
        self.environment_note = ""
        """What the last environment change reset, for the person (empty when nothing was reset)."""
        self.autosave = Autosave(autosave_path, enabled=autosave, history=HISTORY_LIMIT)
        self.form = Form(self._input_changed)
        self.panes = Panes(diagram_delay)
        self.actions = ActionBar(self)
        self.status = w.HTML()
        self.status.add_class("fd-status")
        self.panes.doctor_button.on_click(lambda _b: self._doctor_clicked())

        start = spec
        if start is None:
            restored, note = self.autosave.load()
            if note:
                self.notes.append(note)
            start = restored if restored is not None else get_preset("sandbox")
        elif self.autosave.enabled and self.autosave.path.exists():
            self.notes.append(
                f"An autosave exists at {self.autosave.path}; it is kept as {self.autosave.path.name}.bak "
                "when this spec is first saved (load it with the Load button to continue from it)."
            )
        self.spec = start
        # construction is not a change: nothing is autosaved yet; the first diagram is rendered at once, so an
        # executed notebook (nbmake, the wiki) saves it with the widget state
        renderers = (self.panes.renderer, self.panes.values_renderer)
        for renderer in renderers:
            renderer.delay = 0.0
        dropped = self._fill(start, save=False)
        for renderer in renderers:
            renderer.delay = diagram_delay
        if dropped:
            self.notes.append("Settings that do not apply to this deployment were left out: " + ", ".join(dropped))

        form_box = w.VBox([self.form.accordion])
        form_box.add_class("fd-form-col")
        pane_box = w.VBox([self.panes.widget])
        pane_box.add_class("fd-pane-col")
        columns = w.Box([form_box, pane_box], layout=w.Layout(width="100%"))
        columns.add_class("fd-columns")  # wraps into one column when the notebook is narrower than both
        title = w.HTML(STYLESHEET + "<h3 style='margin:4px 0'>Flyte deployment configurator</h3>")
        self.widget = w.VBox([title, self.actions.widget, self.status, columns])
        self.widget.add_class("fd-configurator")
        if self.notes:
            self.actions.say("\n".join(self.notes))

    # ---- display ----------------------------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ---- change handling ------------------------------------------------------------------------------------------

    @contextmanager
    def batch(self, *, save: bool = True) -> Iterator[None]:
        """Apply several input changes as one: the spec is rebuilt and the panes refreshed once, at the end."""
        self._suspended += 1
        try:
            yield
        finally:
            self._suspended -= 1
            if self._suspended == 0:
                self.refresh(save=save)

    def _input_changed(self) -> None:
        if not self._suspended:
            self.actions.input_changed()
            self.refresh()

    def refresh(self, *, save: bool = True) -> bool:
        """Rebuild the spec from the form; show problems at their fields, or new outputs. True when valid."""
        start = time.perf_counter()
        self.timings = {}
        self.form.update_visibility()
        data, problems = self.form.get_data()
        if not problems and self._environment_switched(data):
            data = self._reset_environment(data)
            self.form.update_visibility()
            data, problems = self.form.get_data()
        mark = self._lap("form", start)
        spec: DeploymentSpec | None = None
        if not problems:
            try:
                spec = spec_from_dict(data, source="configurator")
            except SpecError as error:
                problems = error.problems
        mark = self._lap("validate", mark)
        if spec is None:
            self._show_invalid(problems)
        else:
            self._show_valid(spec, save=save, start=mark)
        self.last_refresh_seconds = time.perf_counter() - start
        self.timings["total"] = self.last_refresh_seconds
        return spec is not None

    def _environment_switched(self, data: dict[str, Any]) -> bool:
        """The person picked another environment (loading a spec is not a switch: it brings its own settings)."""
        if self._loading:
            return False
        return bool(data.get("environment")) and data.get("environment") != self.spec.environment.value

    def _reset_environment(self, data: dict[str, Any]) -> dict[str, Any]:
        """Start the environment-bound sections from the new environment's defaults; say what changed.

        The defaults are the environment's own preset for the same deployment model (else its first preset), so
        they are the same starting points ``flytekit-deploy init`` offers. The old spec goes to the Undo history.
        """
        target = str(data["environment"])
        candidates = [p for p in PRESETS if get_preset(p).environment.value == target]
        if not candidates:
            return data
        same_model = [p for p in candidates if get_preset(p).model.value == data.get("model")]
        base = get_preset((same_model or candidates)[0]).model_dump(mode="json")
        new = dict(data)
        for key in ENVIRONMENT_BOUND:
            if key in base:
                new[key] = base[key]
        for key in _settings_fields():
            new[key] = base.get(key)
        if not same_model:  # e.g. the sandbox model exists only locally: take the preset's model and chart
            for key in ("model", "chart", "profile", "clusters"):
                new[key] = base.get(key)
        before, after = _flat(data), _flat(new)
        order = {key: index for index, key in enumerate((*ENVIRONMENT_BOUND, *_settings_fields()))}
        changed = sorted(
            (p for p in set(before) | set(after) if before.get(p) != after.get(p) and p != "environment"),
            key=lambda p: (order.get(p.split(".")[0].split("[")[0], len(order)), p),
        )
        self.history = [*self.history, self.spec][-HISTORY_LIMIT:]
        lines = [f"  {p}: {_short(before.get(p))} → {_short(after.get(p))}" for p in changed[:RESET_LINES]]
        if len(changed) > RESET_LINES:
            lines.append(f"  ... and {len(changed) - RESET_LINES} more")
        self.environment_note = (
            f"Environment changed {self.spec.environment.value} → {target}: {len(changed)} setting(s) reset to "
            f"{target}'s defaults (Undo brings the previous spec back):\n" + "\n".join(lines)
        )
        with self._quiet():
            self.form.set_data(new)
        return new

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Change the form without triggering another refresh (the caller is refreshing)."""
        self._suspended += 1
        try:
            yield
        finally:
            self._suspended -= 1

    def _lap(self, name: str, start: float) -> float:
        now = time.perf_counter()
        self.timings[name] = now - start
        return now

    def _show_invalid(self, problems: list[Problem]) -> None:
        self.errors = list(problems)
        unplaced_items = self.form.show_messages((p.path, ("error", _problem_line(p))) for p in problems)
        unplaced = [p for p in problems if (p.path, ("error", _problem_line(p))) in unplaced_items]
        self.panes.set_stale(problems, unplaced)
        count = len(problems)
        self._set_status(
            f"✖ {count} problem{'s' if count != 1 else ''} in the input (shown at the fields); "
            "the panes show the last valid spec.",
            "error",
        )

    def _show_valid(self, spec: DeploymentSpec, *, save: bool, start: float) -> None:
        self.errors = []
        if self.outputs is None or spec != self.outputs.spec:
            self.outputs = compute_outputs(spec)
            self.timings.update({f"outputs.{k}": v for k, v in self.outputs.timings.items()})
        self.spec = spec
        mark = self._lap("outputs", start)
        self.panes.show(self.outputs)
        mark = self._lap("panes", mark)
        self.form.show_messages(
            (f.path, (str(getattr(f.severity, "value", f.severity)), _problem_line(Problem(f.path, f.message, f.fix))))
            for f in self.outputs.findings
        )
        mark = self._lap("messages", mark)
        saved = self.autosave.save(spec) if save else True
        self._lap("autosave", mark)
        self._show_status(spec, saved=saved, save=save)
        self._show_gateway_choices(spec)
        self.actions.spec_changed(spec)
        if self.environment_note:
            self.actions.say(self.environment_note)
            self.environment_note = ""

    def _show_gateway_choices(self, spec: DeploymentSpec) -> None:
        """Under the Gateway API controller field: the controllers this environment offers, recommended first,
        each with its name and why (from the cloud module), so the choice is made knowing what each one does."""
        if spec.environment is self._choices_for:
            return
        self._choices_for = spec.environment
        try:
            editor = self.form.editor(GATEWAY_CONTROLLER_FIELD)
        except KeyError:
            return
        if not isinstance(editor, ScalarEditor):
            return
        items = "".join(
            f"<li><code>{html.escape(controller.value)}</code>: <b>{html.escape(name)}</b> — {html.escape(reason)}"
            + (" <i>(recommended; used when empty)</i>" if index == 0 else "")
            + "</li>"
            for index, (controller, name, reason) in enumerate(gateway_choices(spec.environment))
        )
        choices = f"<div>On {html.escape(spec.environment.value)}:<ol style='margin:2px 0'>{items}</ol></div>"
        editor.help.value = field_help(editor.meta, GATEWAY_CONTROLLER_FIELD) + (choices if items else "")

    def _show_status(self, spec: DeploymentSpec, *, saved: bool, save: bool) -> None:
        """One line derived from the current findings only: green means nothing known to break."""
        assert self.outputs is not None
        severities = [str(getattr(f.severity, "value", f.severity)) for f in self.outputs.findings]
        errors, warnings = severities.count("error"), severities.count("warning")
        where = f"{spec.model.value} on {spec.environment.value}, chart {spec.chart_name.value}"
        if self.outputs.plan is not None:
            where += f"; {len(self.outputs.releases)} release(s)"
        if errors:
            icon, severity = "✖", "error"
            summary = (
                f"{icon} valid spec, but {errors} error finding(s) will break the install (Findings pane): {where}"
            )
        elif warnings:
            icon, severity = "⚠", "warning"
            summary = f"{icon} valid with {warnings} warning(s) (Findings pane): {where}"
        else:
            summary, severity = f"✔ valid, no findings: {where}", "ok"
        if not saved:
            self._set_status(summary + f". ✖ {self.autosave.error}", "error")
        elif save and self.autosave.enabled:
            self._set_status(summary + f"; autosaved to {self.autosave.path.resolve()}", severity)
        else:
            self._set_status(summary, severity)

    def _set_status(self, text: str, severity: str = "ok") -> None:
        self.status.value = f'<div class="{severity_class(severity)}" style="padding:2px 0">{html.escape(text)}</div>'

    # ---- loading ----------------------------------------------------------------------------------------------

    def _fill(self, spec: DeploymentSpec, *, save: bool = True) -> list[str]:
        """Put ``spec`` into the form; return the paths of settings left out because they do not apply."""
        self._loading = True
        try:
            with self.batch(save=save):
                self.form.set_data(spec.model_dump(mode="json"))
        finally:
            self._loading = False
        dropped = []
        if not self.errors and self.spec != spec:
            before, after = _flat(spec.model_dump(mode="json")), _flat(self.spec.model_dump(mode="json"))
            dropped = sorted(p for p in before if before[p] != after.get(p))
        return dropped

    def load(self, source: DeploymentSpec | str | Path) -> None:
        """Replace the form with a spec, or a spec file (YAML or JSON). A bad file raises SpecError, form unchanged."""
        if isinstance(source, DeploymentSpec):
            self._load_spec(source, "the spec")
        else:
            self._load_spec(load_spec(source), str(source))

    def load_text(self, text: str, source: str = "upload") -> None:
        self._load_spec(parse_spec(text, source=source), source)

    def apply_preset(self, name: str) -> None:
        """Start over from a named preset (see ``flytekit-deploy presets``)."""
        self._load_spec(get_preset(name), f"preset {name}")

    def import_values(self, path: str | Path, chart: str) -> str:
        """Start from an existing flyte-binary or flyte-core values file (keys without a spec field are kept as
        overrides); returns the importer's summary."""
        result = import_values_file(path, chart)
        self._load_spec(result.spec, str(path))
        return str(result.summary())

    def fill_from_terraform(self, path: str | Path) -> str:
        """Fill the placeholders ``terraform output -json`` of ``infra/`` answers (see ``flytekit-deploy fill``)
        into the form; returns what was filled and what is still open."""
        from ..plan.fill import fill_from_outputs, read_outputs

        self._require_valid()
        result = fill_from_outputs(self.spec, read_outputs(Path(path)))
        self._load_spec(result.spec, str(path))
        lines = [f"{spec_path}: {marker} -> {value}" for spec_path, marker, value in result.filled]
        lines += [f"kept {spec_path} = {current} (terraform says {value})" for spec_path, current, value in result.kept]
        lines.append(f"still open: {', '.join(result.still_open)}" if result.still_open else "no placeholder left")
        return "\n".join(lines)

    @property
    def can_undo(self) -> bool:
        return bool(self.history)

    def undo(self) -> str:
        """Go back to the spec before the last preset, load, import or environment reset."""
        if not self.history:
            return "Nothing to undo."
        previous = self.history.pop()
        self._fill(previous)
        return f"Undone: back to {previous.name} ({previous.model.value} on {previous.environment.value})."

    def plan_files(self) -> dict[str, str]:
        """The files ``write_plan`` would write, for a diff before overwriting."""
        self._require_valid()
        files: dict[str, str] = self._plan_or_raise().files()
        return files

    def _load_spec(self, spec: DeploymentSpec, source: str) -> None:
        if not self.errors:
            self.history = [*self.history, self.spec][-HISTORY_LIMIT:]
        dropped = self._fill(spec)
        if dropped:
            self.actions.say(
                f"Loaded {source}; settings that do not apply to this deployment were left out: " + ", ".join(dropped)
            )

    # ---- saving -----------------------------------------------------------------------------------------------

    def _require_valid(self) -> None:
        if self.errors:
            raise SpecError(self.errors, source="configurator")

    def save_spec(self, path: str | Path, *, force: bool = False) -> Path:
        """Save the current spec (refused while the input is invalid, or over a different file without force)."""
        self._require_valid()
        return save_spec_file(self.spec, path, force=force)

    def write_plan(self, folder: str | Path, *, force: bool = False) -> list[Path]:
        """Write the whole plan, all or nothing, with the CLI's overwrite protection."""
        self._require_valid()
        return write_plan_folder(self._plan_or_raise(), folder, force=force)

    def zip_bytes(self) -> bytes:
        self._require_valid()
        return plan_zip(self._plan_or_raise())

    def download_link(self) -> str:
        """An HTML link downloading the plan as ``<name>-plan.zip``."""
        return zip_link(self.zip_bytes(), f"{self.spec.name}-plan.zip")

    def _plan_or_raise(self) -> Any:
        assert self.outputs is not None
        if self.outputs.plan is None:
            raise SpecError([Problem("plan", self.outputs.plan_error or "no plan", "see the Values pane")])
        return self.outputs.plan

    # ---- doctor -----------------------------------------------------------------------------------------------

    def run_doctor(self, live: bool = False, **live_options: Any) -> list[Any]:
        """``flytekit-deploy doctor`` for the current spec: static rules, the chart-key check of every values file,
        and with ``live`` the database and bucket probes (from this machine; ``live_options`` as the CLI's)."""
        self._require_valid()
        from ..checks import doctor

        findings = list(doctor(self.spec, live=live, live_options=live_options or None))
        self.panes.show_doctor(self.spec, findings)
        return findings

    def _doctor_clicked(self) -> None:
        try:
            self.run_doctor(live=bool(self.panes.doctor_live.value))
        except Exception as error:  # shown in the pane: a button never fails silently
            text = error.render() if isinstance(error, SpecError) else f"{type(error).__name__}: {error}"
            self.panes.show_doctor(self.spec, None, f"The doctor could not run: {text}")

    # ---- helpers for tests and scripts ---------------------------------------------------------------------------

    @property
    def plan(self) -> Any:
        """The plan of the last valid spec (None when the chart emitters failed)."""
        return self.outputs.plan if self.outputs is not None else None

    @property
    def findings(self) -> list[Any]:
        return list(self.outputs.findings) if self.outputs is not None else []

    @property
    def stale(self) -> bool:
        """True while the input is invalid and the panes show the last valid spec."""
        return self.panes.stale

    def field_widget(self, path: str) -> w.Widget:
        """The input widget of a field path (``storage.metadata_bucket``, ``clusters.data_planes[1].weight``)."""
        editor = self.form.editor(path)
        if isinstance(editor, ScalarEditor):
            return editor.widget
        return editor.container

    def field_editor(self, path: str) -> Editor:
        return self.form.editor(path)

    def field_message(self, path: str) -> str:
        """The text shown under a field (problems and findings), one line each."""
        return "\n".join(text for _severity, text in self.form.editor(path).messages)

    def field_visible(self, path: str) -> bool:
        return self.form.editor(path).shown

    def set_field(self, path: str, value: Any) -> None:
        """Set one field as a person would (enums by value or member, None for empty) and refresh."""
        with self.batch():
            self.form.set_value(path, value)

    def set_fields(self, values: dict[str, Any]) -> None:
        """Set several fields as one change (in order: set ``model`` before the data planes it reveals)."""
        with self.batch():
            for path, value in values.items():
                self.form.set_value(path, value)

    def add_row(self, path: str, item: dict[str, Any] | None = None, key: str = "") -> str:
        """Add a data plane, connector, project, log link or quota; returns the new row's path."""
        with self.batch():
            return self.form.add_row(path, item, key)

    def remove_row(self, path: str, index: int | str) -> None:
        with self.batch():
            self.form.remove_row(path, index)

    def rows(self, path: str) -> int:
        editor = self.form.editor(path)
        if isinstance(editor, (ListEditor, MapEditor)):
            return len(editor.rows)
        raise TypeError(f"{path} is not a list or map of models")

    def pane_texts(self) -> dict[str, str]:
        """Pane name -> text: values (all releases; ``values:<file>`` each), diagram (mermaid), findings,
        commands, secrets, and status."""
        texts = self.panes.texts()
        texts["status"] = ("STALE: " if self.stale else "") + "; ".join(_problem_line(p) for p in self.errors)
        return texts

    def wait_for_panes(self, timeout: float = 10.0) -> bool:
        """Wait until the debounced work (graphviz SVG, hidden values tabs) of the newest spec has landed."""
        return self.panes.renderer.wait(timeout) and self.panes.values_renderer.wait(timeout)

    @property
    def diagram_svg(self) -> str:
        return self.panes.svg

    def close(self) -> None:
        """Stop pending renders and close the widgets."""
        self.panes.renderer.cancel()
        self.panes.values_renderer.cancel()
        self.widget.close()
