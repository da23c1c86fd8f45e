"""The site around the pages: navigation context, shared assets, the contents page and the search index.

Everything here must work opened from ``file://`` as well as over http: pages link relatively, and the search
index is a ``.js`` file that assigns a global (a browser refuses to ``fetch`` JSON from ``file://``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fileio import atomic_write_text
from .chapters import Chapter, other_notebooks
from .convert import TEMPLATE_NAME, TEMPLATES_DIR
from .postprocess import Section

__all__ = [
    "DEFAULT_TITLE",
    "SEARCH_INDEX_NAME",
    "SEARCH_GLOBAL",
    "PageSummary",
    "page_context",
    "chapter_links",
    "write_assets",
    "write_search_index",
    "write_home",
    "NOTEBOOKS_DIR",
    "notebook_href",
]

DEFAULT_TITLE = "Flyte deployment wiki"
SEARCH_INDEX_NAME = "search-index.js"
SEARCH_GLOBAL = "FLYTE_WIKI_SEARCH"
_STATIC = TEMPLATES_DIR / TEMPLATE_NAME / "static"


@dataclass(frozen=True)
class PageSummary:
    """What the contents page and the search index need from a finished chapter."""

    chapter: Chapter
    summary: str
    sections: Sequence[Section]


def chapter_links(chapters: Sequence[Chapter]) -> dict[str, str]:
    """Notebook file name -> page name, for rewriting links between chapters; a link to another notebook beside
    them (the configurator) goes to its published copy."""
    links = {chapter.path.name: chapter.html_name for chapter in chapters}
    if chapters:
        links.update({path.name: notebook_href(path.name) for path in other_notebooks(chapters[0].path.parent)})
    return links


def page_context(chapters: Sequence[Chapter], current: int | None, site_title: str) -> dict[str, Any]:
    """The shell context of one page: ``current`` is the chapter's index, ``None`` for the contents page."""

    def link(index: int) -> dict[str, str] | None:
        if 0 <= index < len(chapters):
            return {"href": chapters[index].html_name, "title": chapters[index].title}
        return None

    if current is None:
        previous, following = None, link(0)
    else:
        previous = link(current - 1) or {"href": "index.html", "title": "Contents"}
        following = link(current + 1)
    this = chapters[current] if current is not None else None
    return {
        "site_title": site_title,
        "page_title": f"{this.title} · {site_title}" if this else site_title,
        "is_home": current is None,
        "source_name": this.path.name if this else "",
        "notebook_href": notebook_href(this.path.name) if this else "",
        "nav": [{"href": c.html_name, "title": c.title, "current": i == current} for i, c in enumerate(chapters)],
        "prev": previous,
        "next": following,
    }


NOTEBOOKS_DIR = "notebooks"
"""Site folder holding each chapter's notebook (and the other notebooks beside them) for download."""


def notebook_href(name: str) -> str:
    """Where the site offers the notebook ``name`` (a relative link, fine from ``file://``)."""
    return f"{NOTEBOOKS_DIR}/{name}"


def _lab_static() -> Path:
    """JupyterLab's nbconvert stylesheets, wherever this environment installed nbconvert's templates."""
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("nbconvert", "templates"):
        static = Path(base) / "lab" / "static"
        if (static / "index.css").is_file():
            return static
    raise FileNotFoundError("nbconvert's lab template is missing; reinstall nbconvert")  # pragma: no cover


def _jupyter_css() -> str:
    """Lab's CSS once for the whole site, with both themes: light by default, dark under ``data-theme``.

    The dark variables appear twice: for the toggle (``html[data-theme=dark]``) and for a browser with
    JavaScript off that prefers dark (no ``data-theme`` attribute at all).
    """
    static = _lab_static()
    index = (static / "index.css").read_text(encoding="utf-8")
    light = (static / "theme-light.css").read_text(encoding="utf-8")
    dark_vars = (static / "theme-dark.css").read_text(encoding="utf-8")
    dark = re.sub(r":root\s*\{", 'html[data-theme="dark"] {', dark_vars)
    dark_fallback = re.sub(r":root\s*\{", "html:not([data-theme]) {", dark_vars)
    return "\n".join(
        [
            "/* JupyterLab's nbconvert styles (BSD-3-Clause, Jupyter Development Team), themed for this site. */",
            index,
            light,
            dark,
            "@media (prefers-color-scheme: dark) {",
            dark_fallback,
            "}",
        ]
    )


def write_assets(site: Path) -> None:
    """``assets/``: Lab's CSS (both themes), our site CSS and script."""
    assets = site / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    atomic_write_text(assets / "jupyter.css", _jupyter_css())
    for name in ("site.css", "site.js"):
        shutil.copyfile(_STATIC / name, assets / name)


def write_search_index(site: Path, pages: Sequence[PageSummary]) -> None:
    """``search-index.js``: ``window.FLYTE_WIKI_SEARCH = {pages: [[href, title]], sections: [[page, anchor,
    heading, text]]}``; ASCII-only JSON so the file reads the same whatever charset the browser assumes."""
    listing = [[page.chapter.html_name, page.chapter.title] for page in pages]
    sections = [
        [number, section.anchor, section.heading, section.text]
        for number, page in enumerate(pages)
        for section in page.sections
        if section.text or section.heading
    ]
    data = json.dumps({"pages": listing, "sections": sections}, ensure_ascii=True, separators=(",", ":"))
    atomic_write_text(site / SEARCH_INDEX_NAME, f"window.{SEARCH_GLOBAL} = {data};\n")


def write_home(site: Path, pages: Sequence[PageSummary], site_title: str, extra_notebooks: Sequence[str] = ()) -> None:
    """``index.html``: the chapters in order, each with its first paragraph and its notebook; then the other
    notebooks published beside them (the configurator)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR / TEMPLATE_NAME)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    chapters = [page.chapter for page in pages]
    items: list[Mapping[str, str]] = [
        {
            "href": page.chapter.html_name,
            "title": page.chapter.title,
            "summary": page.summary,
            "notebook": notebook_href(page.chapter.path.name),
            "notebook_name": page.chapter.path.name,
        }
        for page in pages
    ]
    extras = [{"href": notebook_href(name), "name": name} for name in extra_notebooks]
    html = env.get_template("home.html.j2").render(
        fd=page_context(chapters, None, site_title), chapters=items, notebooks=extras
    )
    atomic_write_text(site / "index.html", html)
