"""One chapter from notebook to finished page, and the cache that lets an unchanged chapter skip nbconvert.

A page depends on the executed notebook (the execution key: cells, package, kernel) and on the site around it
(titles and order of all chapters, for the sidebar and prev/next links). Both go into the page key, so a
rebuild with nothing changed copies pages from ``.cache/pages/`` without importing nbconvert or starting a
worker process; adding a chapter changes every page's navigation and so re-renders (but does not re-execute) them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserInputError
from ..fileio import atomic_write_text
from .chapters import Chapter
from .execute import ExecutionTask, NotebookError, copy_tree, ensure_executed, link_or_copy, restore_cached
from .mermaid import MermaidRenderer
from .postprocess import Section
from .site import chapter_links, page_context

__all__ = ["ChapterJob", "ChapterOutcome", "page_key", "process_chapter", "restore_page"]

PAGE_FORMAT = 1
PAGE_NAME = "page.html"
META_NAME = "meta.json"


@dataclass(frozen=True)
class ChapterJob:
    """Everything a worker needs to produce one page, picklable for the process pool."""

    index: int
    chapters: tuple[Chapter, ...]
    task: ExecutionTask
    site: Path
    notebooks_root: Path
    site_title: str
    page_cache: Path
    previous_page_caches: tuple[Path, ...]
    mermaid_cache: Path
    previous_mermaid_caches: tuple[Path, ...]

    @property
    def chapter(self) -> Chapter:
        return self.chapters[self.index]


@dataclass(frozen=True)
class ChapterOutcome:
    index: int
    executed: bool
    from_page_cache: bool
    seconds: float
    summary: str
    sections: list[Section]
    files: list[tuple[Path, str]]
    warnings: list[str]
    diagrams_rendered: int


def page_key(job: ChapterJob) -> str:
    """Execution key + the page's shell context + the link map: everything a page's HTML depends on."""
    material = json.dumps(
        {
            "format": PAGE_FORMAT,
            "execution": job.task.key,
            "context": page_context(job.chapters, job.index, job.site_title),
            "links": chapter_links(job.chapters),
        },
        sort_keys=True,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _store_page(job: ChapterJob, html: str, outcome: ChapterOutcome) -> None:
    entry = job.page_cache / page_key(job)
    meta = {
        "summary": outcome.summary,
        "sections": [[s.anchor, s.heading, s.text] for s in outcome.sections],
        "files": [[source.relative_to(job.notebooks_root).as_posix(), target] for source, target in outcome.files],
        "warnings": outcome.warnings,
    }
    atomic_write_text(entry / PAGE_NAME, html)
    atomic_write_text(entry / META_NAME, json.dumps(meta, ensure_ascii=False))


def restore_page(job: ChapterJob) -> ChapterOutcome | None:
    """The chapter from an earlier build's page cache (with its execution entry and downloads), or ``None``."""
    key = page_key(job)
    earlier = next((c / key for c in job.previous_page_caches if (c / key / META_NAME).is_file()), None)
    if earlier is None or not restore_cached(job.task):
        return None
    copy_tree(earlier, job.page_cache / key)
    meta = json.loads((earlier / META_NAME).read_text(encoding="utf-8"))
    link_or_copy(earlier / PAGE_NAME, job.site / job.chapter.html_name)
    return ChapterOutcome(
        index=job.index,
        executed=False,
        from_page_cache=True,
        seconds=0.0,
        summary=meta["summary"],
        sections=[Section(*row) for row in meta["sections"]],
        files=[(job.notebooks_root / source, target) for source, target in meta["files"]],
        warnings=list(meta["warnings"]),
        diagrams_rendered=0,
    )


def process_chapter(job: ChapterJob) -> ChapterOutcome:
    """In a worker: execute (or restore) one chapter, convert it, finish it, write and cache its page.

    Any :class:`UserInputError` leaves as a :class:`NotebookError`, which survives the trip back to the parent
    process (the base class cannot be rebuilt from its pickled message).
    """
    try:
        return _process_chapter(job)
    except NotebookError:
        raise
    except UserInputError as exc:
        raise NotebookError(exc.problems, exc.source) from None


def _process_chapter(job: ChapterJob) -> ChapterOutcome:
    import nbformat

    from .convert import notebook_to_html
    from .postprocess import finish_page

    result = ensure_executed(job.task)
    nb = nbformat.read(result.executed_path, as_version=4)
    html = notebook_to_html(nb, page_context(job.chapters, job.index, job.site_title))
    mermaid = MermaidRenderer(job.mermaid_cache, job.previous_mermaid_caches)
    page = finish_page(
        html,
        notebook=job.chapter.path,
        notebooks_root=job.notebooks_root,
        chapter_links=chapter_links(job.chapters),
        mermaid=mermaid,
    )
    atomic_write_text(job.site / job.chapter.html_name, page.html)
    outcome = ChapterOutcome(
        index=job.index,
        executed=result.executed,
        from_page_cache=False,
        seconds=result.seconds,
        summary=page.summary,
        sections=page.sections,
        files=page.files,
        warnings=page.warnings,
        diagrams_rendered=mermaid.rendered,
    )
    _store_page(job, page.html, outcome)
    return outcome
