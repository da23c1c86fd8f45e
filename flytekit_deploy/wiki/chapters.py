"""Which notebooks are chapters, in what order, under which title.

The order is a rule in code rather than a ``_toc.yml``: a chapter is a notebook named ``NN-slug.ipynb`` directly in
the notebooks folder, sorted by its number. Adding a chapter is then adding one file, and a notebook without a
number (a scratch pad, the configurator) stays out of the site.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, UserInputError

__all__ = [
    "Chapter",
    "discover_chapters",
    "notebook_title",
    "notebook_shape_problem",
    "other_notebooks",
    "SITES",
    "has_parameters_cell",
]

CHAPTER_NAME = re.compile(r"^(?P<number>\d+)-(?P<slug>[A-Za-z0-9][A-Za-z0-9_.-]*)\.ipynb$")
_HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


SITES = ("both", "presets", "runbook")
"""Which builds a chapter belongs to (notebook metadata ``flytekit_deploy.site``; ``both`` when absent):
``presets`` chapters document named presets (the default build), ``runbook`` chapters exist only to describe the
spec given with ``--spec``, and ``both`` chapters appear in either (with the spec injected when they take it)."""


@dataclass(frozen=True)
class Chapter:
    """One page of the site: the source notebook and the names derived from it."""

    path: Path
    number: int
    title: str
    site: str = "both"
    takes_parameters: bool = False
    """It has a cell tagged ``parameters`` (papermill's convention): a ``--spec`` build injects the spec after it."""

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def html_name(self) -> str:
        return f"{self.path.stem}.html"


def notebook_title(cells: list[dict[str, Any]], fallback: str) -> str:
    """The text of the first markdown ``# heading``, without markdown decoration; ``fallback`` when none."""
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        match = _HEADING.search(text)
        if match:
            title = _MD_LINK.sub(r"\1", match.group("title"))
            return re.sub(r"[`*_]", "", title).strip() or fallback
    return fallback


def notebook_shape_problem(data: object) -> str:
    """What keeps parsed JSON from being an nbformat 4 notebook, or ``""``: checked before any worker starts, so a
    stray ``.ipynb`` (a config file, a JSON export) ends the build with its name instead of a traceback."""
    if not isinstance(data, dict):
        return f"the top level is a {type(data).__name__}, not an object"
    if not isinstance(data.get("nbformat"), int) or data["nbformat"] < 4:
        return "no nbformat 4 version field"
    cells = data.get("cells")
    if not isinstance(cells, list):
        return "no list of cells"
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in {"code", "markdown", "raw"}:
            return f"cell {number} is not a code, markdown or raw cell"
        if not isinstance(cell.get("source", ""), (str, list)):
            return f"cell {number} has no text source"
    return ""


def other_notebooks(notebooks_dir: Path) -> list[Path]:
    """The notebooks beside the chapters that are not chapters (the configurator): published for download and
    linkable from a chapter. A file that is not a notebook is left out rather than offered."""
    found = []
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        if CHAPTER_NAME.match(path.name):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not notebook_shape_problem(data):
            found.append(path)
    return found


def _slug_title(stem: str) -> str:
    match = CHAPTER_NAME.match(stem + ".ipynb")
    slug = match.group("slug") if match else stem
    return re.sub(r"[-_]+", " ", slug).strip().capitalize()


def _site_of(data: dict[str, Any], path: Path, problems: list[Problem]) -> str:
    meta = (data.get("metadata") or {}).get("flytekit_deploy") or {}
    site = meta.get("site", "both") if isinstance(meta, dict) else "both"
    if site not in SITES:
        problems.append(
            Problem(
                f"{path}: metadata.flytekit_deploy.site", f"unknown value {site!r}", f"use one of {', '.join(SITES)}"
            )
        )
    return str(site)


def has_parameters_cell(cells: list[dict[str, Any]]) -> bool:
    return any("parameters" in ((c.get("metadata") or {}).get("tags") or []) for c in cells)


def discover_chapters(notebooks_dir: Path, *, runbook: bool = False) -> list[Chapter]:
    """The chapters of ``notebooks_dir`` in number order (ties broken by name): those of the preset wiki, or with
    ``runbook`` those of a site about one spec (see :data:`SITES`).

    Raises :class:`UserInputError` when the folder is missing, holds no chapter, or a chapter is not valid JSON.
    """
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise UserInputError(
            [
                Problem(
                    str(notebooks_dir),
                    "notebooks folder not found",
                    "pass --notebooks DIR with NN-*.ipynb files",
                )
            ],
            source="wiki",
        )
    chapters: list[Chapter] = []
    problems: list[Problem] = []
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        match = CHAPTER_NAME.match(path.name)
        if not match:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(Problem(str(path), f"not a readable notebook ({exc})", "save it again from Jupyter"))
            continue
        shape = notebook_shape_problem(data)
        if shape:
            problems.append(
                Problem(str(path), f"is JSON but not a Jupyter notebook ({shape})", "save it again from Jupyter")
            )
            continue
        cells = data["cells"]
        site = _site_of(data, path, problems)
        if site != "both" and (site == "runbook") != runbook:
            continue
        title = notebook_title(cells, _slug_title(path.stem))
        chapters.append(Chapter(path, int(match.group("number")), title, site, has_parameters_cell(cells)))
    if problems:
        raise UserInputError(problems, source="wiki")
    if not chapters:
        raise UserInputError(
            [
                Problem(
                    str(notebooks_dir),
                    "no chapter notebooks found",
                    "name chapters NN-slug.ipynb (for example 01-overview.ipynb)",
                )
            ],
            source="wiki",
        )
    return sorted(chapters, key=lambda chapter: (chapter.number, chapter.path.name))
