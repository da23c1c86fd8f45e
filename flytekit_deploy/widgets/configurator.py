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

from ..errors import Problem, SpecError
from ..presets import get_preset
from ..spec import DeploymentSpec, load_spec, parse_spec, spec_from_dict
from .actions import ActionBar, import_values_file, plan_zip, save_spec_file, write_plan_folder, zip_link
from .autosave import Autosave
from .editors import Editor, ListEditor, MapEditor, ScalarEditor
from .form import Form
from .outputs import Outputs, compute_outputs
from .panes import Panes

__all__ = ["Configurator"]


def _problem_line(problem: Problem) -> str:
    return problem.message + (f" (fix: {problem.fix})" if problem.fix else "")


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
        self.spec: DeploymentSpec
        """The last valid spec (what the panes show)."""
        self.errors: list[Problem] = []
        """Problems of the current input; empty when it is valid."""
        self.outputs: Outputs | None = None
        self.last_refresh_seconds = 0.0
        self.timings: dict[str, float] = {}
        """Seconds spent in each stage of the last refresh (form, validate, outputs.*, panes, messages, autosave)."""
        self.notes: list[str] = []
        self.autosave = Autosave(autosave_path, enabled=autosave)
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

        form_box = w.VBox([self.form.accordion], layout=w.Layout(width="46%", min_width="28em"))
        pane_box = w.VBox([self.panes.widget], layout=w.Layout(width="54%"))
        title = w.HTML("<h3 style='margin:4px 0'>Flyte deployment configurator</h3>")
        self.widget = w.VBox(
            [title, self.actions.widget, self.status, w.HBox([form_box, pane_box], layout=w.Layout(width="100%"))]
        )
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
            self.refresh()

    def refresh(self, *, save: bool = True) -> bool:
        """Rebuild the spec from the form; show problems at their fields, or new outputs. True when valid."""
        start = time.perf_counter()
        self.timings = {}
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
            ok=False,
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
        summary = f"✔ valid: {spec.model.value} on {spec.environment.value}, chart {spec.chart_name.value}"
        if self.outputs.plan is not None:
            summary += f"; {len(self.outputs.releases)} release(s)"
        if self.outputs.findings:
            summary += f"; {len(self.outputs.findings)} finding(s)"
        if not saved:
            self._set_status(summary + f". ✖ {self.autosave.error}", ok=False)
        elif save and self.autosave.enabled:
            self._set_status(summary + f"; autosaved to {self.autosave.path}")
        else:
            self._set_status(summary)

    def _set_status(self, text: str, ok: bool = True) -> None:
        colour = "#1a7f37" if ok else "#b00020"
        self.status.value = f'<div style="color:{colour};padding:2px 0">{html.escape(text)}</div>'

    # ---- loading ----------------------------------------------------------------------------------------------

    def _fill(self, spec: DeploymentSpec, *, save: bool = True) -> list[str]:
        """Put ``spec`` into the form; return the paths of settings left out because they do not apply."""
        with self.batch(save=save):
            self.form.set_data(spec.model_dump(mode="json"))
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

    def _load_spec(self, spec: DeploymentSpec, source: str) -> None:
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
