"""Build the wiki: execute chapters (cached), convert them to pages, add the shell, swap the site into place.

The whole site is built in a staging folder next to the output and swapped in at the end, so a failing notebook
leaves the previous site (and its cache) exactly as it was. The output folder is ours only if it holds our marker
file; anything else that is not empty is refused unless ``force``, and then kept beside it as ``<name>.bak``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OutputConflictError, Problem, UserInputError
from ..fileio import atomic_write_text
from .chapters import Chapter, discover_chapters, other_notebooks
from .execute import ExecutionTask, map_in_pool, notebook_key, package_fingerprint
from .pages import ChapterJob, ChapterOutcome, process_chapter, restore_page
from .parameters import inject_parameters
from .site import DEFAULT_TITLE, NOTEBOOKS_DIR, PageSummary, write_assets, write_home, write_search_index

__all__ = ["SiteReport", "build_site", "MARKER_NAME"]

MARKER_NAME = ".flytekit-deploy-wiki"
CACHE_DIR = ".cache"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SiteReport:
    """What a build produced and how much work it took."""

    site: Path
    pages: list[Path]
    executed: int
    cached: int
    seconds: float
    pages_reused: int = 0
    diagrams_rendered: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.site / "index.html"


def _copy_linked_files(staging: Path, outcomes: Sequence[ChapterOutcome]) -> list[str]:
    """Copy local files the pages link to under ``files/``; returns warnings for files that went away."""
    missing = []
    for outcome in outcomes:
        for source, relative in outcome.files:
            if not source.is_file():
                missing.append(f"{source} is linked from a page but no longer exists")
                continue
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / relative)
    return missing


def _publish_notebooks(
    staging: Path, chapters: Sequence[Chapter], notebooks: Path, parameters: Mapping[str, Any]
) -> list[Path]:
    """Each chapter's notebook (as committed: no outputs; with the spec injected in a ``--spec`` build) and the
    other notebooks beside them under ``notebooks/``, so every page and the contents page offer the ``.ipynb`` to
    download; returns the others."""
    folder = staging / NOTEBOOKS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    extras = other_notebooks(notebooks)
    for chapter in chapters:
        if parameters and chapter.takes_parameters:
            data = inject_parameters(json.loads(chapter.path.read_text(encoding="utf-8")), parameters)
            atomic_write_text(folder / chapter.path.name, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        else:
            shutil.copyfile(chapter.path, folder / chapter.path.name)
    for path in extras:
        shutil.copyfile(path, folder / path.name)
    return extras


@dataclass(frozen=True)
class _Runbook:
    """A ``--spec`` build: the values injected into chapters that take parameters, and a digest of the spec."""

    parameters: dict[str, Any]
    inputs: str
    title: str


def _runbook(spec: Path | str) -> _Runbook:
    """Validate the person's spec before anything runs (bad input: the usual field-path errors, exit 2)."""
    from ..presets import load_deployment

    path = Path(spec)
    if not path.is_file():  # a preset name (its content is covered by the package part of the cache key)
        deployment = load_deployment(str(spec))
        return _Runbook({"spec": str(spec)}, "", f"{deployment.name}: Flyte deployment runbook")
    path = path.resolve()
    deployment = load_deployment(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return _Runbook({"spec": str(path)}, digest, f"{deployment.name}: Flyte deployment runbook")


def _output_state(out: Path, notebooks: Path) -> str:
    """'absent', 'empty', 'ours' or 'foreign'; raises when the folder cannot be an output at all."""
    if out.exists() and not out.is_dir():
        raise UserInputError([Problem(str(out), "is a file, not a folder", "choose an output folder with -o")], "wiki")
    if out == notebooks or notebooks.is_relative_to(out):
        raise UserInputError(
            [Problem(str(out), "contains the notebooks; replacing it would delete them", "choose another -o folder")],
            "wiki",
        )
    if not out.exists():
        return "absent"
    if (out / MARKER_NAME).is_file():
        return "ours"
    return "foreign" if any(out.iterdir()) else "empty"


def _make_readable(root: Path) -> None:
    """Temporary files and folders are created owner-only; a published site must be readable by a web server."""
    mask = os.umask(0o022)
    os.umask(mask)
    for path in [root, *root.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~mask)


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}{number}")
    return candidate


def _swap_in(staging: Path, out: Path, state: str) -> Path | None:
    """Move the staged site to ``out``; returns where a foreign folder was kept, if any."""
    if state == "empty":
        out.rmdir()
    elif state in {"ours", "foreign"}:
        aside = _free_name(out.with_name(f"{out.name}.bak")) if state == "foreign" else None
        old = aside or Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent)) / "site"
        os.replace(out, old)
        try:
            os.replace(staging, out)
        except BaseException:
            os.replace(old, out)
            raise
        if aside is None:
            shutil.rmtree(old.parent)
        return aside
    os.replace(staging, out)
    return None


def _make_jobs(
    chapters: Sequence[Chapter],
    staging: Path,
    out: Path,
    state: str,
    rerun: bool,
    site_title: str,
    runbook: _Runbook | None = None,
) -> list[ChapterJob]:
    package_hash = package_fingerprint()
    earlier = out / CACHE_DIR if state == "ours" else None
    reuse = earlier is not None and not rerun
    jobs = []
    for index, chapter in enumerate(chapters):
        parameters = runbook.parameters if runbook and chapter.takes_parameters else {}
        inputs = runbook.inputs if parameters and runbook else ""
        key, kernel = notebook_key(chapter.path, package_hash, parameters, inputs)
        task = ExecutionTask(
            parameters=tuple(sorted(parameters.items())),
            notebook=chapter.path,
            key=key,
            kernel_name=kernel,
            entry_dir=staging / CACHE_DIR / "notebooks" / key,
            downloads_dir=staging / "downloads" / chapter.stem,
            previous_cache_dirs=(earlier / "notebooks",) if earlier and reuse else (),
        )
        jobs.append(
            ChapterJob(
                index=index,
                chapters=tuple(chapters),
                task=task,
                site=staging,
                notebooks_root=chapter.path.parent,
                site_title=site_title,
                page_cache=staging / CACHE_DIR / "pages",
                previous_page_caches=(earlier / "pages",) if earlier and reuse else (),
                mermaid_cache=staging / CACHE_DIR / "mermaid",
                previous_mermaid_caches=(earlier / "mermaid",) if earlier else (),
            )
        )
    return jobs


def _run_jobs(jobs: list[ChapterJob], workers: int, say: Progress) -> list[ChapterOutcome]:
    """Pages from the page cache first (no worker needed), then the rest in the pool, reporting each one."""
    outcomes: list[ChapterOutcome] = []

    def done(outcome: ChapterOutcome) -> None:
        outcomes.append(outcome)
        if outcome.executed:
            how = f"executed in {outcome.seconds:.1f} s"
        else:
            how = "unchanged" if outcome.from_page_cache else "cached run, page rebuilt"
        say(f"  [{len(outcomes)}/{len(jobs)}] {jobs[outcome.index].chapter.path.name}: {how}")

    pending = []
    for job in jobs:
        restored = restore_page(job)
        if restored is None:
            pending.append(job)
        else:
            done(restored)
    for outcome in map_in_pool(process_chapter, pending, jobs=workers):
        done(outcome)
    return sorted(outcomes, key=lambda o: o.index)


def build_site(
    notebooks_dir: Path,
    out_dir: Path,
    *,
    jobs: int = 2,
    progress: Progress | None = print,
    force: bool = False,
    rerun: bool = False,
    title: str | None = None,
    spec: Path | str | None = None,
) -> SiteReport:
    """Build the wiki from the ``NN-*.ipynb`` chapters of ``notebooks_dir`` into ``out_dir``.

    ``jobs`` caps the worker processes (each runs one kernel at a time); ``rerun`` ignores cached executions;
    ``force`` allows replacing a non-empty folder that is not an earlier build (it is kept as ``<name>.bak``).
    ``spec`` (a spec file or a preset name) builds a runbook of that deployment instead of the preset wiki: the
    ``runbook`` and ``both`` chapters, each one taking parameters run with ``spec`` injected (see
    :mod:`.parameters`). Raises :class:`UserInputError` for a missing folder, a failing cell or a diagram that does not parse.
    """

    def say(message: str) -> None:
        if progress is not None:
            progress(message)
            sys.stdout.flush()  # progress lines show up as they happen, also when piped to a CI log

    start = time.perf_counter()
    notebooks = Path(notebooks_dir).resolve()
    out = Path(out_dir).resolve()
    runbook = _runbook(spec) if spec is not None else None
    chapters = discover_chapters(notebooks, runbook=runbook is not None)
    site_title = title or (runbook.title if runbook else DEFAULT_TITLE)
    state = _output_state(out, notebooks)
    if state == "foreign" and not force:
        raise OutputConflictError(
            [
                Problem(
                    str(out),
                    "is not empty and is not a wiki build (no .flytekit-deploy-wiki marker)",
                    "choose another -o folder, or pass --force (the folder is kept as <name>.bak)",
                )
            ],
            source="wiki",
        )
    workers = max(1, min(jobs, len(chapters), os.cpu_count() or 1))
    plural = "s" if len(chapters) != 1 else ""
    say(f"wiki: {len(chapters)} chapter{plural} from {notebooks} ({workers} worker{'s' if workers != 1 else ''})")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        jobs_ = _make_jobs(chapters, staging, out, state, rerun, site_title, runbook)
        outcomes = _run_jobs(jobs_, workers, say)
        missing = _copy_linked_files(staging, outcomes)
        summaries = [PageSummary(chapters[o.index], o.summary, o.sections) for o in outcomes]
        extras = _publish_notebooks(staging, chapters, notebooks, runbook.parameters if runbook else {})
        write_assets(staging)
        write_search_index(staging, summaries)
        write_home(staging, summaries, site_title, [path.name for path in extras])
        atomic_write_text(staging / MARKER_NAME, json.dumps({"tool": "flytekit-deploy wiki", "format": 1}) + "\n")
        _make_readable(staging)
        kept = _swap_in(staging, out, state)
    except KeyboardInterrupt:
        shutil.rmtree(staging, ignore_errors=True)
        where = f"the site at {out} is unchanged" if state == "ours" else "no site was written"
        print(f"wiki: interrupted; {where}", file=sys.stderr, flush=True)
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    warnings = [w for o in outcomes for w in o.warnings] + missing
    for warning in warnings:
        say(f"  warning: {warning}")
    if kept is not None:
        say(f"  the folder that was there is kept as {kept}")
    report = SiteReport(
        site=out,
        pages=[out / "index.html", *(out / c.html_name for c in chapters)],
        executed=sum(o.executed for o in outcomes),
        cached=sum(not o.executed for o in outcomes),
        seconds=time.perf_counter() - start,
        pages_reused=sum(o.from_page_cache for o in outcomes),
        diagrams_rendered=sum(o.diagrams_rendered for o in outcomes),
        warnings=warnings,
    )
    say(
        f"wiki: {len(report.pages)} pages ({report.executed} executed, {report.cached} cached) "
        f"in {report.seconds:.1f} s\nopen {report.index.as_uri()}"
    )
    return report
