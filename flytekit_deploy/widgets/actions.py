"""Actions: start from a preset, load or import, save the spec, write the plan, download it as a zip.

File writes use :func:`~flytekit_deploy.fileio.write_files`, the CLI's own all-or-nothing writer: a file with other
content is only replaced when "force" is ticked (the old one is kept as ``.bak``), and a refusal is shown as the
same OutputConflictError message the CLI prints.
"""

from __future__ import annotations

import base64
import difflib
import html
import importlib
import importlib.util
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as w

from ..errors import OutputConflictError, Problem, SpecError, UserInputError
from ..fileio import write_files
from ..presets import PRESETS
from ..spec import DeploymentSpec, dump_spec

__all__ = [
    "ActionBar",
    "Controller",
    "save_spec_file",
    "write_plan_folder",
    "plan_zip",
    "zip_link",
    "importer_available",
    "import_values_file",
    "importable_charts",
    "plan_diff",
]

DIFF_LINES = 60
"""Lines of diff shown per file before the rest is summarised."""

_ZIP_DATE = (2025, 1, 1, 0, 0, 0)
"""Fixed timestamps: the same plan gives the same zip bytes."""


def save_spec_file(spec: DeploymentSpec, path: str | Path, *, force: bool = False) -> Path:
    """Write the spec as YAML; an existing file with other content needs ``force``."""
    target = Path(path)
    (written,) = write_files(target.parent, {target.name: dump_spec(spec)}, force=force)
    return written


def write_plan_folder(plan: Any, folder: str | Path, *, force: bool = False) -> list[Path]:
    """Write every file of the plan (values, install guide and script, client config, spec) into ``folder``."""
    return write_files(Path(folder), plan.files(), force=force)


def plan_diff(folder: str | Path, files: dict[str, str]) -> dict[str, str]:
    """File name -> unified diff (old file vs what would be written) for every existing file that would change.

    What Kubeapps shows before an upgrade: the person sees exactly what an overwrite replaces.
    """
    root = Path(folder)
    out: dict[str, str] = {}
    for name, new in sorted(files.items()):
        target = root / name
        if not target.is_file():
            continue
        old = target.read_text(encoding="utf-8", errors="replace")
        if old == new:
            continue
        lines = list(
            difflib.unified_diff(
                old.splitlines(), new.splitlines(), f"{name} (on disk)", f"{name} (this spec)", lineterm=""
            )
        )
        if len(lines) > DIFF_LINES:
            lines = lines[:DIFF_LINES] + [f"... {len(lines) - DIFF_LINES} more diff lines"]
        out[name] = "\n".join(lines)
    return out


def plan_zip(plan: Any) -> bytes:
    """The plan's files as a zip, in name order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(plan.files().items()):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.external_attr = (0o755 if name.endswith(".sh") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()


def zip_link(data: bytes, filename: str) -> str:
    """An HTML link that downloads ``data`` from the page itself (no file server, works offline)."""
    payload = base64.b64encode(data).decode("ascii")
    name = html.escape(filename, quote=True)
    return (
        f'<a download="{name}" href="data:application/zip;base64,{payload}" '
        f'style="font-weight:bold">⬇ {name}</a> ({len(data) / 1024:.1f} KiB)'
    )


def importer_available() -> bool:
    return importlib.util.find_spec("flytekit_deploy.importer") is not None


def importable_charts() -> list[str]:
    """The charts whose values files the importer reads."""
    if not importer_available():
        return []
    importer: Any = importlib.import_module("flytekit_deploy.importer")
    return [str(getattr(c, "value", c)) for c in importer.IMPORTABLE_CHARTS]


def import_values_file(path: str | Path, chart: str) -> Any:
    """An existing values file as an ``ImportResult`` (``.spec``, ``.summary()``), via :mod:`flytekit_deploy.importer`."""
    if not importer_available():
        raise SpecError(
            [
                Problem(
                    "import",
                    "the values importer is not part of this installation",
                    "write the spec by hand or start from a preset",
                )
            ]
        )
    importer: Any = importlib.import_module("flytekit_deploy.importer")
    return importer.import_values_file(Path(path), chart)


class ActionRefused(Exception):
    """An action that did nothing, with the whole message to show (e.g. a refusal with its diff)."""


class Controller(Protocol):
    """What the bar asks of the configurator."""

    def apply_preset(self, name: str) -> None: ...
    def load(self, source: DeploymentSpec | str | Path) -> None: ...
    def load_text(self, text: str, source: str = "upload") -> None: ...
    def import_values(self, path: str | Path, chart: str) -> str: ...
    def fill_from_terraform(self, path: str | Path) -> str: ...
    def save_spec(self, path: str | Path, *, force: bool = False) -> Path: ...
    def write_plan(self, folder: str | Path, *, force: bool = False) -> list[Path]: ...
    def download_link(self) -> str: ...
    def undo(self) -> str: ...
    def plan_files(self) -> dict[str, str]: ...
    @property
    def spec(self) -> DeploymentSpec: ...
    @property
    def can_undo(self) -> bool: ...


class ActionBar:
    """The buttons above the form; each reports its outcome (or the error, with its fix) in one message line."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        wide = {"style": {"description_width": "7em"}, "layout": w.Layout(width="26em")}
        names = list(PRESETS)
        self.preset = w.Dropdown(
            options=[(f"{name} — {PRESETS[name].summary}", name) for name in names],
            value="sandbox" if "sandbox" in PRESETS else names[0],
            description="Preset",
            **wide,
        )
        self.preset.add_class("fd-preset")
        fit = {"layout": w.Layout(width="auto", min_width="9em")}
        self.preset_button = w.Button(
            description="Start from preset", icon="magic", tooltip="Replace the form with this preset", **fit
        )
        self.spec_path = w.Text(value="flyte-spec.yaml", description="Spec file", **wide)
        self.load_button = w.Button(description="Load", icon="folder-open", tooltip="Load the spec file", **fit)
        self.save_button = w.Button(description="Save", icon="save", tooltip="Save the spec to this file", **fit)
        self.upload = w.FileUpload(accept=".yaml,.yml,.json", multiple=False, description="Upload spec")
        self.upload.tooltip = "Load a spec file from your computer (asks before replacing the form)"
        self.values_path = w.Text(value="", placeholder="my-values.yaml", description="Values file", **wide)
        charts = importable_charts()
        self.import_chart = w.Dropdown(options=charts, description="Chart", layout=w.Layout(width="16em"))
        self.import_button = w.Button(
            description="Import values", icon="download", tooltip="Turn an existing Helm values file into a spec", **fit
        )
        if not charts:
            self.import_button.disabled = True
            self.import_button.tooltip = "the values importer is not part of this installation yet"
        self.tf_outputs = w.Text(value="", placeholder="infra-outputs.json", description="TF outputs", **wide)
        self.fill_button = w.Button(
            description="Fill from Terraform",
            icon="cloud-download",
            tooltip="Fill the placeholders `terraform -chdir=infra output -json` answers",
            **fit,
        )
        self.out_dir = w.Text(value="out", description="Output", **wide)
        self.force = w.Checkbox(
            value=False, description="Overwrite files that differ (each old copy is kept as a .bak file)", indent=False
        )
        self.force.add_class("fd-overwrite")
        self.write_button = w.Button(
            description="Write plan", icon="file", tooltip="Write every file of the plan", **fit
        )
        self.zip_button = w.Button(description="Download zip", icon="file-archive-o", **fit)
        self.undo_button = w.Button(
            description="Undo", icon="undo", tooltip="Go back to the spec before the last replace", disabled=True, **fit
        )
        self.undo_button.add_class("fd-undo")
        self.link = w.HTML()
        self.link.add_class("fd-zip-link")
        self.message = w.HTML()
        self.message.add_class("fd-action-message")
        self.confirm_text = w.HTML()
        self.confirm_yes = w.Button(description="Replace", button_style="warning", icon="check", **fit)
        self.confirm_no = w.Button(description="Cancel", icon="times", **fit)
        self.confirm_box = w.HBox([self.confirm_text, self.confirm_yes, self.confirm_no])
        self.confirm_box.add_class("fd-confirm")
        self.confirm_box.layout.display = "none"
        self._pending: Callable[[], str] | None = None
        self._link_spec: DeploymentSpec | None = None
        self._link_html = ""
        self._written_spec: DeploymentSpec | None = None
        self._written_text = ""

        self.preset_button.on_click(
            lambda _b: self._ask(f"Replace the whole form with the preset {self.preset.value}?", self._preset)
        )
        self.load_button.on_click(
            lambda _b: self._ask(f"Replace the whole form with {self.spec_path.value}?", self._load)
        )
        self.save_button.on_click(lambda _b: self._do(lambda: self._save()))
        self.import_button.on_click(
            lambda _b: self._ask(f"Replace the whole form with an import of {self.values_path.value}?", self._import)
        )
        self.write_button.on_click(lambda _b: self._do(lambda: self._write()))
        self.fill_button.on_click(lambda _b: self._do(lambda: self._fill_terraform()))
        self.zip_button.on_click(lambda _b: self._do(lambda: self._zip()))
        self.undo_button.on_click(lambda _b: self._do(lambda: self._undo()))
        self.upload.observe(lambda _c: self._ask_upload(), names="value")
        self.confirm_yes.on_click(lambda _b: self._confirmed())
        self.confirm_no.on_click(lambda _b: self._cancelled())

        self.widget = w.VBox(
            [
                w.HBox([self.preset, self.preset_button, self.undo_button]),
                w.HBox([self.spec_path, self.load_button, self.save_button, self.upload]),
                w.HBox([self.values_path, self.import_chart, self.import_button]),
                w.HBox([self.tf_outputs, self.fill_button]),
                w.HBox([self.out_dir, self.write_button, self.zip_button, self.force]),
                self.confirm_box,
                self.link,
                self.message,
            ]
        )

    # ---- handlers --------------------------------------------------------------------------------------------

    def _do(self, action: Callable[[], str]) -> None:
        try:
            self.say(action())
        except UserInputError as error:
            self.say(error.render(), ok=False)
        except ActionRefused as error:
            self.say(str(error), ok=False)
        except Exception as error:  # a button never fails silently: say what went wrong
            self.say(f"{type(error).__name__}: {error}", ok=False)

    def _ask(self, question: str, action: Callable[[], str]) -> None:
        """Destructive actions wait for a second click; the current spec stays recoverable with Undo."""
        self._pending = action
        self.confirm_text.value = (
            f"<b>{html.escape(question)}</b> The current spec is kept: <i>Undo</i> brings it back."
        )
        self.confirm_box.layout.display = None

    def _confirmed(self) -> None:
        action, self._pending = self._pending, None
        self.confirm_box.layout.display = "none"
        if action is not None:
            self._do(action)
        self.undo_button.disabled = not self.controller.can_undo

    def _cancelled(self) -> None:
        self._pending = None
        self.confirm_box.layout.display = "none"
        self.say("Nothing replaced.")

    def _ask_upload(self) -> None:
        files = list(self.upload.value or ())
        if files:
            self._ask(f"Replace the whole form with the uploaded {files[-1].get('name', 'file')}?", self._uploaded)

    def _undo(self) -> str:
        text = self.controller.undo()
        self.undo_button.disabled = not self.controller.can_undo
        return text

    def spec_changed(self, spec: DeploymentSpec) -> None:
        """A new valid spec: links and messages made from an earlier one say they are out of date."""
        self.undo_button.disabled = not self.controller.can_undo
        if self._link_spec is not None:
            current = self._link_spec == spec
            self.link.value = self._link_html if current else _outdated(self._link_html, "Download zip")
            if current:
                self.link.remove_class("fd-outdated")
            else:
                self.link.add_class("fd-outdated")
        if self._written_spec is not None and self._written_spec != spec and self._written_text:
            self.say(self._written_text + "\n(Out of date: the spec changed since; write the plan again.)", ok=False)
            self._written_spec = None

    def input_changed(self) -> None:
        """The person edited the form: an error message about an earlier action no longer applies."""
        if "fd-error" in self.message.value and self._written_spec is None:
            self.say("")

    def say(self, text: str, ok: bool = True) -> None:
        css = "fd-ok" if ok else "fd-error"
        self.message.value = (
            f'<pre class="{css}" style="white-space:pre-wrap;margin:2px 0">{html.escape(text)}</pre>' if text else ""
        )

    def _preset(self) -> str:
        self.controller.apply_preset(str(self.preset.value))
        return f"Started from preset {self.preset.value}."

    def _load(self) -> str:
        self.controller.load(self.spec_path.value)
        return f"Loaded {self.spec_path.value}."

    def _save(self) -> str:
        path = self.controller.save_spec(self.spec_path.value, force=self.force.value)
        return f"Saved the spec to {path}."

    def _import(self) -> str:
        summary = self.controller.import_values(self.values_path.value, str(self.import_chart.value))
        return f"Imported {self.values_path.value}:\n{summary}"

    def _fill_terraform(self) -> str:
        return f"Filled from {self.tf_outputs.value}:\n" + self.controller.fill_from_terraform(self.tf_outputs.value)

    def _write(self) -> str:
        folder = Path(self.out_dir.value).expanduser().resolve()
        if not self.force.value:
            changes = plan_diff(folder, self.controller.plan_files())
            if changes:
                body = "\n\n".join(changes.values())
                refusal = OutputConflictError(
                    [
                        Problem(
                            str(folder / name),
                            "exists with other content (diff below)",
                            "tick 'Overwrite files that differ' to replace it (the old copy is kept as .bak), "
                            "or choose another output folder",
                        )
                        for name in changes
                    ],
                    source="nothing written",
                )
                raise ActionRefused(refusal.render() + "\n\n" + body)
        written = self.controller.write_plan(folder, force=self.force.value)
        self._written_spec = self.controller.spec
        self._written_text = f"Wrote {len(written)} files to {folder}: " + ", ".join(p.name for p in written)
        return self._written_text

    def _zip(self) -> str:
        self._link_html = self.controller.download_link()
        self._link_spec = self.controller.spec
        self.link.value = self._link_html
        self.link.remove_class("fd-outdated")
        return "Zip ready: click the link above to download it."

    def _uploaded(self) -> str:
        files = list(self.upload.value or ())
        if not files:
            return ""
        item = files[-1]
        text = bytes(item["content"]).decode("utf-8")
        self.controller.load_text(text, source=str(item.get("name", "upload")))
        return f"Loaded the uploaded {item.get('name', 'file')}."


def _outdated(link_html: str, button: str) -> str:
    """A download link that no longer matches the form: struck through, with what to do."""
    return (
        f"<span class='fd-outdated'>{link_html}</span> "
        f"<span class='fd-warning'>out of date: made from an earlier spec; click {html.escape(button)} again</span>"
    )
