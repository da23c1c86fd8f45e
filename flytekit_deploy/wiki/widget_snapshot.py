"""Widgets on the published site, rendered without JavaScript from the widget state saved in the notebook.

Why a static snapshot rather than the ``@jupyter-widgets/html-manager`` bundle: a published page has no kernel, so
no Python callback can run and an interactive slider would change nothing around it; the bundle would also have
to be fetched from npm at build time (a network dependency for every build) and it still reaches for a CDN for any
widget library it does not bundle. The snapshot is plain HTML built from the saved state (nbclient stores it in
``metadata.widgets``): native, disabled form controls showing the values the notebook ran with, boxes and tabs as
layout, and an ``Output`` widget's captured outputs. Widgets we do not know say so instead of vanishing.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

__all__ = [
    "WIDGET_STATE_MIME",
    "WIDGET_VIEW_MIME",
    "widget_models",
    "displayed_widget_state",
    "render_widget_output",
]

WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
_MAX_DEPTH = 40

Models = Mapping[str, Mapping[str, Any]]
OutputsRenderer = Callable[[list[Mapping[str, Any]]], str]
_NOTE = "Snapshot of the widget as the notebook ran; open the notebook in JupyterLab to interact."


def widget_models(nb_metadata: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Model id -> ``{"model_name": ..., "state": {...}}`` from a notebook's saved widget state."""
    saved = (nb_metadata.get("widgets") or {}).get(WIDGET_STATE_MIME) or {}
    models: dict[str, dict[str, Any]] = {}
    for model_id, entry in (saved.get("state") or {}).items():
        state = dict(entry.get("state") or {})
        for buffer in entry.get("buffers") or []:
            path = buffer.get("path") or []
            if len(path) == 1 and buffer.get("encoding") == "base64":
                state[path[0]] = {"base64": buffer.get("data", "")}
        models[model_id] = {"model_name": entry.get("model_name", ""), "state": state}
    return models


def _references(value: Any) -> Iterator[str]:
    """Model ids a piece of widget state points at: ``IPY_MODEL_`` strings and nested widget-view outputs."""
    if isinstance(value, str):
        if value.startswith("IPY_MODEL_"):
            yield value[len("IPY_MODEL_") :]
    elif isinstance(value, Mapping):
        view = value.get(WIDGET_VIEW_MIME)
        if isinstance(view, Mapping) and view.get("model_id"):
            yield str(view["model_id"])
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def displayed_widget_state(nb_metadata: Mapping[str, Any], cells: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The saved widget state cut down to the models that displayed widgets reach; ``None`` when none are shown.

    nbclient saves every model the kernel still held (a closed configurator leaves hundreds), and the page only
    needs those behind a view: without the cut one chapter carried 600 kB of unused JSON.
    """
    saved = (nb_metadata.get("widgets") or {}).get(WIDGET_STATE_MIME) or {}
    state = saved.get("state") or {}
    pending = [ref for cell in cells for output in cell.get("outputs") or [] for ref in _references(output)]
    keep: set[str] = set()
    while pending:
        model_id = pending.pop()
        if model_id in keep or model_id not in state:
            continue
        keep.add(model_id)
        pending.extend(_references(state[model_id].get("state")))
    if not keep:
        return None
    return dict(saved, state={model_id: state[model_id] for model_id in state if model_id in keep})


def render_widget_output(output: Mapping[str, Any], nb_metadata: Mapping[str, Any], outputs: OutputsRenderer) -> str:
    """HTML for one widget-view output: the snapshot, or the output's plain text when the model was not saved."""
    data = output.get("data") or {}
    view = data.get(WIDGET_VIEW_MIME) or {}
    models = widget_models(nb_metadata)
    model_id = str(view.get("model_id", ""))
    if model_id not in models:
        text = data.get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        return f'<pre class="fd-w-missing">{_e(text)}</pre>' if text else ""
    body = _Renderer(models, outputs).render(model_id, 0)
    return f'<div class="fd-widget" title="{_e(_NOTE)}">{body}<p class="fd-w-note">{_e(_NOTE)}</p></div>'


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any, spec: str | None) -> str:
    """A readout the way ipywidgets shows it; d3 format strings like ``.2f`` and ``d`` are Python ones too."""
    if value is None:
        return ""
    try:
        return format(value, (spec or "").lstrip("~") or "")
    except (TypeError, ValueError):
        return str(value)


class _Renderer:
    def __init__(self, models: Models, outputs: OutputsRenderer) -> None:
        self.models = models
        self.outputs = outputs

    def ref(self, value: Any) -> str | None:
        if isinstance(value, str) and value.startswith("IPY_MODEL_"):
            return value[len("IPY_MODEL_") :]
        return None

    def render(self, model_id: str, depth: int) -> str:
        model = self.models.get(model_id)
        if model is None or depth > _MAX_DEPTH:
            return ""
        state = model["state"]
        layout = self.models.get(self.ref(state.get("layout")) or "", {}).get("state", {})
        if layout.get("display") == "none" or layout.get("visibility") == "hidden":
            return ""
        name = str(model["model_name"]).removesuffix("Model")
        method = getattr(self, f"w_{name}", None) or self.w_unknown
        inner = method(state, depth, name)
        return f'<div class="fd-w fd-w-{_e(name.lower())}">{inner}</div>'

    # --- shared pieces -------------------------------------------------------------------------------------
    def label(self, state: Mapping[str, Any]) -> str:
        text = state.get("description") or ""
        if not text:
            return ""
        shown = str(text) if state.get("description_allow_html") else _e(text)
        return f'<span class="fd-w-label">{shown}</span>'

    def children(self, state: Mapping[str, Any], depth: int) -> list[str]:
        return [self.render(ref, depth + 1) for ref in map(self.ref, state.get("children") or []) if ref]

    def options(self, state: Mapping[str, Any]) -> list[str]:
        return [str(label) for label in state.get("_options_labels") or []]

    def selected(self, state: Mapping[str, Any]) -> set[int]:
        index = state.get("index")
        if isinstance(index, list):
            return {int(i) for i in index}
        return set() if index is None else {int(index)}

    # --- numbers --------------------------------------------------------------------------------------------
    def slider(self, state: Mapping[str, Any], name: str, position: Any, readout: str) -> str:
        shown = f'<output class="fd-w-readout">{_e(readout)}</output>' if state.get("readout", True) else ""
        return (
            f'{self.label(state)}<input type="range" disabled min="{_e(state.get("min"))}" '
            f'max="{_e(state.get("max"))}" step="{_e(state.get("step"))}" value="{_e(position)}" '
            f'aria-label="{_e(state.get("description") or name)}">{shown}'
        )

    def w_IntSlider(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        value = state.get("value")
        return self.slider(state, name, value, _fmt(value, state.get("readout_format")))

    w_FloatSlider = w_IntSlider

    def w_FloatLogSlider(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        """The slider moves along the exponent (``min``/``max`` are exponents); the readout is the value."""
        value = state.get("value")
        base = state.get("base") or 10
        position = math.log(value, base) if isinstance(value, (int, float)) and value > 0 else state.get("min")
        return self.slider(state, name, position, _fmt(value, state.get("readout_format")))

    def w_IntRangeSlider(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        low, high = (list(state.get("value") or [None, None]) + [None, None])[:2]
        spec = state.get("readout_format")
        return (
            f'{self.label(state)}<meter min="{_e(state.get("min"))}" max="{_e(state.get("max"))}" '
            f'value="{_e(high)}"></meter><output class="fd-w-readout">{_e(_fmt(low, spec))} – '
            f"{_e(_fmt(high, spec))}</output>"
        )

    w_FloatRangeSlider = w_IntRangeSlider

    def w_IntProgress(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        return (
            f'{self.label(state)}<progress max="{_e(state.get("max"))}" value="{_e(state.get("value"))}">'
            f"{_e(state.get('value'))}</progress>"
        )

    w_FloatProgress = w_IntProgress

    def w_Text(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        kind = "password" if name == "Password" else "text"
        return (
            f'{self.label(state)}<input type="{kind}" disabled value="{_e(state.get("value"))}" '
            f'placeholder="{_e(state.get("placeholder"))}" aria-label="{_e(state.get("description") or name)}">'
        )

    w_IntText = w_BoundedIntText = w_FloatText = w_BoundedFloatText = w_Password = w_Combobox = w_Text
    w_ColorPicker = w_Text

    def w_Textarea(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        return f'{self.label(state)}<textarea disabled rows="{_e(state.get("rows") or 3)}">{_e(state.get("value"))}</textarea>'

    def w_DatePicker(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        value = state.get("value")
        if isinstance(value, Mapping):
            value = f"{value.get('year', 0):04d}-{int(value.get('month', 0)) + 1:02d}-{value.get('date', 0):02d}"
        return self.w_Text(dict(state, value=value or ""), depth, name)

    # --- booleans -------------------------------------------------------------------------------------------
    def w_Checkbox(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        checked = " checked" if state.get("value") else ""
        return f'<label><input type="checkbox" disabled{checked}> {self.label(state)}</label>'

    def w_ToggleButton(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        pressed = "true" if state.get("value") else "false"
        return f'<button type="button" disabled aria-pressed="{pressed}">{_e(state.get("description"))}</button>'

    def w_Valid(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        mark = "✔" if state.get("value") else "✘"
        return f"{self.label(state)}<span>{mark} {_e(state.get('readout', ''))}</span>"

    def w_Button(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        return f'<button type="button" disabled>{_e(state.get("description") or state.get("icon") or name)}</button>'

    # --- selections -----------------------------------------------------------------------------------------
    def w_Dropdown(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        chosen = self.selected(state)
        multiple = " multiple" if name == "SelectMultiple" else ""
        size = f' size="{_e(state.get("rows"))}"' if name in {"Select", "SelectMultiple"} and state.get("rows") else ""
        items = "".join(
            f"<option{' selected' if i in chosen else ''}>{_e(label)}</option>"
            for i, label in enumerate(self.options(state))
        )
        label = _e(state.get("description") or name)
        return f'{self.label(state)}<select disabled{multiple}{size} aria-label="{label}">{items}</select>'

    w_Select = w_SelectMultiple = w_Dropdown

    def w_RadioButtons(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        chosen = self.selected(state)
        items = "".join(
            f'<label><input type="radio" disabled{" checked" if i in chosen else ""}> {_e(label)}</label>'
            for i, label in enumerate(self.options(state))
        )
        return f'{self.label(state)}<span class="fd-w-choices">{items}</span>'

    def w_ToggleButtons(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        chosen = self.selected(state)
        items = "".join(
            f'<button type="button" disabled aria-pressed="{"true" if i in chosen else "false"}">{_e(label)}</button>'
            for i, label in enumerate(self.options(state))
        )
        return f'{self.label(state)}<span class="fd-w-choices">{items}</span>'

    def w_SelectionSlider(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        labels = self.options(state)
        chosen = sorted(self.selected(state))
        shown = " – ".join(labels[i] for i in chosen if 0 <= i < len(labels))
        last = max(len(labels) - 1, 0)
        position = chosen[-1] if chosen else 0
        return (
            f'{self.label(state)}<input type="range" disabled min="0" max="{last}" value="{position}">'
            f'<output class="fd-w-readout">{_e(shown)}</output>'
        )

    w_SelectionRangeSlider = w_SelectionSlider

    def w_TagsInput(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        tags = "".join(f'<span class="fd-w-tag">{_e(tag)}</span>' for tag in state.get("value") or [])
        return f'{self.label(state)}<span class="fd-w-choices">{tags}</span>'

    w_ColorsInput = w_FloatsInput = w_IntsInput = w_TagsInput

    # --- text and media -------------------------------------------------------------------------------------
    def w_HTML(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        return f'{self.label(state)}<div class="fd-w-html">{state.get("value") or ""}</div>'

    w_HTMLMath = w_HTML

    def w_Label(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        return f"<span>{_e(state.get('value'))}</span>"

    def w_Image(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        value = state.get("value")
        if not isinstance(value, Mapping) or not value.get("base64"):
            return self.w_unknown(state, depth, name)
        fmt = str(state.get("format") or "png").lower()
        mime = "image/svg+xml" if fmt == "svg" else f"image/{fmt}"
        data = str(value["base64"])
        size = "".join(f' {k}="{_e(state.get(k))}"' for k in ("width", "height") if state.get(k))
        return f'<img alt="" src="data:{mime};base64,{data}"{size}>'

    def w_Output(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        return self.outputs(list(state.get("outputs") or []))

    # --- containers -----------------------------------------------------------------------------------------
    def w_Box(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        return "".join(self.children(state, depth))

    w_HBox = w_VBox = w_GridBox = w_Box

    def w_Accordion(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        titles = list(state.get("titles") or [])
        chosen = state.get("selected_index")
        parts = []
        for i, child in enumerate(self.children(state, depth)):
            title = titles[i] if i < len(titles) and titles[i] else f"Part {i + 1}"
            opened = " open" if i == chosen else ""
            parts.append(f"<details{opened}><summary>{_e(title)}</summary>{child}</details>")
        return "".join(parts)

    w_Tab = w_Accordion

    def w_Stack(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        children = self.children(state, depth)
        chosen = state.get("selected_index")
        return children[chosen] if isinstance(chosen, int) and 0 <= chosen < len(children) else ""

    def w_unknown(self, state: Mapping[str, Any], depth: int, name: str) -> str:
        value = state.get("value")
        shown = "" if value is None else f": <code>{_e(json.dumps(value, default=str)[:200])}</code>"
        return f'<span class="fd-w-unknown">{_e(name)} widget{shown} (interactive in JupyterLab only)</span>'
