"""Executed notebook -> one HTML page, through nbconvert 7's HTMLExporter and the ``flyte_wiki`` template.

The template (``templates/flyte_wiki``) extends JupyterLab's and empties every block that would reach a CDN;
this module configures the exporter (no prompts, no JavaScript outputs, Jupyter Book's ``remove-*`` cell tags)
and supplies the two filters the template calls: ``widget_snapshot`` and ``inline_svg``.
"""

from __future__ import annotations

import functools
import hashlib
import html
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .mermaid import inline_svg
from .widget_snapshot import WIDGET_STATE_MIME, displayed_widget_state, render_widget_output

if TYPE_CHECKING:
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

__all__ = ["TEMPLATES_DIR", "TEMPLATE_NAME", "make_exporter", "notebook_to_html", "render_outputs"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "flyte_wiki"

#: nbconvert's HTML priority without ``application/javascript``: a published page has no kernel or require.js,
#: so a JavaScript output could only fail; its text or HTML sibling is shown instead.
DISPLAY_PRIORITY = [
    "application/vnd.jupyter.widget-view+json",
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/vnd.mermaid",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]


class _SvgIds:
    """Per-page counter so inline SVG ids are unique on a page and stable from one build to the next."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def uid(self, svg: str) -> str:
        digest = hashlib.sha1(svg.encode("utf-8")).hexdigest()[:10]
        self.seen[digest] = self.seen.get(digest, 0) + 1
        return f"fd-svg-{digest}-{self.seen[digest]}"


_ids = _SvgIds()


def _inline_svg_filter(svg: Any) -> str:
    text = "".join(svg) if isinstance(svg, list) else str(svg)
    return inline_svg(text, _ids.uid(text))


def render_outputs(outputs: list[Mapping[str, Any]]) -> str:
    """HTML for the outputs captured by an ``Output`` widget, in the page's own markup and priority."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    parts = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            parts.append(f'<pre class="fd-w-stream">{html.escape(_text(output.get("text")))}</pre>')
            continue
        if kind == "error":
            error = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
            parts.append(f'<pre class="fd-w-error">{html.escape(error)}</pre>')
            continue
        data = output.get("data") or {}
        if "text/html" in data:
            parts.append(f'<div class="jp-RenderedHTMLCommon">{_text(data["text/html"])}</div>')
        elif "text/markdown" in data:
            rendered = markdown2html_mistune(_text(data["text/markdown"]))
            parts.append(f'<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown">{rendered}</div>')
        elif "image/svg+xml" in data:
            parts.append(_inline_svg_filter(data["image/svg+xml"]))
        elif "image/png" in data or "image/jpeg" in data:
            mime = "image/png" if "image/png" in data else "image/jpeg"
            parts.append(f'<img alt="" src="data:{mime};base64,{_text(data[mime]).strip()}">')
        elif "text/plain" in data:
            parts.append(f"<pre>{html.escape(_text(data['text/plain']))}</pre>")
    return "".join(parts)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _widget_snapshot_filter(output: Mapping[str, Any], nb_metadata: Mapping[str, Any]) -> str:
    return render_widget_output(output, nb_metadata, render_outputs)


@functools.lru_cache(maxsize=1)
def make_exporter() -> HTMLExporter:
    """One configured exporter per process (building the Jinja environment costs more than a small page)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ("remove-cell",)
    config.TagRemovePreprocessor.remove_input_tags = ("remove-input", "hide-input")
    config.TagRemovePreprocessor.remove_all_outputs_tags = ("remove-output",)
    exporter = HTMLExporter(config=config)
    exporter.register_filter("widget_snapshot", _widget_snapshot_filter)
    exporter.register_filter("inline_svg", _inline_svg_filter)
    return exporter


def notebook_to_html(nb: NotebookNode, page: Mapping[str, Any]) -> str:
    """The page HTML of an executed notebook; ``page`` is the shell context (see ``site.page_context``)."""
    _ids.seen.clear()
    nb = nb.copy()
    nb.metadata = nb.metadata.copy()
    nb.metadata["title"] = page["page_title"]
    shown = displayed_widget_state(nb.metadata, nb.cells)
    nb.metadata.pop("widgets", None)
    if shown is not None:
        nb.metadata["widgets"] = {WIDGET_STATE_MIME: shown}
    body, _ = make_exporter().from_notebook_node(nb, resources={"fd": dict(page)})
    return str(body)
