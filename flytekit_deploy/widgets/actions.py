"""Actions: start from a preset, load or import, save the spec, write the plan, download it as a zip.

File writes use :func:`~flytekit_deploy.fileio.write_files`, the CLI's own all-or-nothing writer: a file with other
content is only replaced when "force" is ticked (the old one is kept as ``.bak``), and a refusal is shown as the
same OutputConflictError message the CLI prints.
"""

from __future__ import annotations

import base64
import html
import importlib
import importlib.util
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as w

from ..errors import Problem, SpecError, UserInputError
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
]

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
        self.force = w.Checkbox(value=False, description="force (keep old files as .bak)", indent=False)
        self.write_button = w.Button(
            description="Write plan", icon="file", tooltip="Write every file of the plan", **fit
        )
        self.zip_button = w.Button(description="Download zip", icon="file-archive-o", **fit)
        self.link = w.HTML()
        self.message = w.HTML()
        self.message.add_class("fd-action-message")

        self.preset_button.on_click(lambda _b: self._do(lambda: self._preset()))
        self.load_button.on_click(lambda _b: self._do(lambda: self._load()))
        self.save_button.on_click(lambda _b: self._do(lambda: self._save()))
        self.import_button.on_click(lambda _b: self._do(lambda: self._import()))
        self.write_button.on_click(lambda _b: self._do(lambda: self._write()))
        self.fill_button.on_click(lambda _b: self._do(lambda: self._fill_terraform()))
        self.zip_button.on_click(lambda _b: self._do(lambda: self._zip()))
        self.upload.observe(lambda _c: self._do(lambda: self._uploaded()), names="value")

        self.widget = w.VBox(
            [
                w.HBox([self.preset, self.preset_button]),
                w.HBox([self.spec_path, self.load_button, self.save_button, self.upload]),
                w.HBox([self.values_path, self.import_chart, self.import_button]),
                w.HBox([self.tf_outputs, self.fill_button]),
                w.HBox([self.out_dir, self.write_button, self.zip_button, self.force]),
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
        except Exception as error:  # a button never fails silently: say what went wrong
            self.say(f"{type(error).__name__}: {error}", ok=False)

    def say(self, text: str, ok: bool = True) -> None:
        colour = "#1a7f37" if ok else "#b00020"
        self.message.value = f'<pre style="color:{colour};white-space:pre-wrap;margin:2px 0">{html.escape(text)}</pre>'

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
        written = self.controller.write_plan(self.out_dir.value, force=self.force.value)
        return f"Wrote {len(written)} files to {self.out_dir.value}/: " + ", ".join(p.name for p in written)

    def _zip(self) -> str:
        self.link.value = self.controller.download_link()
        return "Zip ready: click the link above to download it."

    def _uploaded(self) -> str:
        files = list(self.upload.value or ())
        if not files:
            return ""
        item = files[-1]
        text = bytes(item["content"]).decode("utf-8")
        self.controller.load_text(text, source=str(item.get("name", "upload")))
        return f"Loaded the uploaded {item.get('name', 'file')}."
