"""Run chapter notebooks with a real kernel (nbclient), in parallel, skipping any whose result is cached.

The cache key is a hash of the notebook's cells, its file name, the kernel name and every file of the
``flytekit_deploy`` package: a chapter re-runs when its text or the code it documents changes, and not when only
its saved outputs do. Data files a notebook reads are not part of the key; ``rerun=True`` on the build forces it.
Cache entries live under ``<site>/.cache/notebooks/<key>/`` (the executed notebook plus the files it offered for
download), so a rebuild restores a chapter's downloads along with its outputs.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..errors import Problem, UserInputError
from ..fileio import atomic_write_text
from .downloads import DOWNLOADS_ENV
from .parameters import inject_parameters

__all__ = [
    "ExecutionTask",
    "ExecutionResult",
    "NotebookError",
    "package_fingerprint",
    "notebook_key",
    "ensure_executed",
    "restore_cached",
    "execute_notebooks",
    "map_in_pool",
    "copy_tree",
    "link_or_copy",
]

CACHE_FORMAT = 1
CELL_TIMEOUT_SECONDS = 600
EXECUTED_NAME = "executed.ipynb"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_LINE = re.compile(r"Cell In\[\d*\], line (\d+)")
T = TypeVar("T")
R = TypeVar("R")


class NotebookError(UserInputError):
    """A chapter could not be published (a cell failed, a diagram did not parse): names the notebook and the
    place, without the traceback wall."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions cross the process pool by pickling; rebuild from the problems, not from the message.
        return (type(self), (self.problems, self.source))


@dataclass(frozen=True)
class ExecutionTask:
    """One notebook to make available executed: where it is, its cache key, and where its outputs go."""

    notebook: Path
    key: str
    kernel_name: str
    entry_dir: Path
    downloads_dir: Path
    previous_cache_dirs: tuple[Path, ...] = ()
    timeout: int = CELL_TIMEOUT_SECONDS
    parameters: tuple[tuple[str, Any], ...] = ()
    """Values injected after the chapter's ``parameters`` cell (:mod:`.parameters`); empty: run it as written."""


@dataclass(frozen=True)
class ExecutionResult:
    notebook: Path
    executed_path: Path
    executed: bool
    seconds: float


def package_fingerprint() -> str:
    """Hash of every file of the installed ``flytekit_deploy`` package (sources and templates, not bytecode)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def notebook_key(
    notebook: Path, package_hash: str, parameters: Mapping[str, Any] | None = None, inputs: str = ""
) -> tuple[str, str]:
    """(cache key, kernel name) of a notebook; only cell types and sources count, not outputs or metadata.
    ``parameters`` (injected values) and ``inputs`` (a digest of files they name, such as the spec) count too:
    the same path with new content re-runs the chapter."""
    data = json.loads(Path(notebook).read_text(encoding="utf-8"))
    kernel = str(((data.get("metadata") or {}).get("kernelspec") or {}).get("name") or "python3")
    cells = []
    for cell in data.get("cells", []):
        source = cell.get("source", "")
        cells.append([cell.get("cell_type"), "".join(source) if isinstance(source, list) else source])
    material = json.dumps(
        {
            "format": CACHE_FORMAT,
            "name": Path(notebook).name,
            "kernel": kernel,
            "python": list(sys.version_info[:2]),
            "package": package_hash,
            "cells": cells,
            "parameters": sorted((parameters or {}).items()),
            "inputs": inputs,
        },
        sort_keys=True,
    )
    return hashlib.sha256(material.encode()).hexdigest(), kernel


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Hard-link a cache file into place, copying when the two folders are on different file systems.

    Safe because nothing here writes a cached or published file in place (every write is a new file renamed over
    the old one), and it is what keeps a rebuild with nothing changed fast: the executed notebooks and pages of an
    earlier build are linked, not copied, into the new one.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def copy_tree(source: Path, target: Path) -> None:
    """Copy a folder into place through a temporary sibling, so a half copy never looks like a cache entry."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        shutil.copytree(source, staging, dirs_exist_ok=True, copy_function=link_or_copy)
        os.replace(staging, target) if not target.exists() else shutil.rmtree(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def restore_cached(task: ExecutionTask) -> bool:
    """Reuse an executed notebook from this build or an earlier one; copy its downloads into the site."""
    if not (task.entry_dir / EXECUTED_NAME).is_file():
        for cache in task.previous_cache_dirs:
            earlier = cache / task.key
            if (earlier / EXECUTED_NAME).is_file():
                copy_tree(earlier, task.entry_dir)
                break
        else:
            return False
    downloads = task.entry_dir / "downloads"
    if downloads.is_dir():
        shutil.copytree(downloads, task.downloads_dir, dirs_exist_ok=True, copy_function=link_or_copy)
    return True


def ensure_executed(task: ExecutionTask) -> ExecutionResult:
    """The executed notebook of ``task``, from the cache or by running every cell with a fresh kernel."""
    start = time.perf_counter()
    if restore_cached(task):
        return ExecutionResult(task.notebook, task.entry_dir / EXECUTED_NAME, False, time.perf_counter() - start)
    executed = _run(task)
    work = Path(tempfile.mkdtemp(prefix=f".{task.key[:12]}.", dir=task.entry_dir.parent))
    try:
        if task.downloads_dir.is_dir():
            shutil.copytree(task.downloads_dir, work / "downloads")
        atomic_write_text(work / EXECUTED_NAME, executed)
        if task.entry_dir.exists():
            shutil.rmtree(work)
        else:
            os.replace(work, task.entry_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return ExecutionResult(task.notebook, task.entry_dir / EXECUTED_NAME, True, time.perf_counter() - start)


KERNEL_STARTUP_SECONDS = 120
"""How long a kernel may take to answer its first request; a loaded 2-core machine has needed more than 60."""
KERNEL_START_ATTEMPTS = 2
"""A kernel that never answers (a lost port race, a crash before the first request: seen in CI as "Kernel died
before replying to kernel_info") is started once more."""


def _run(task: ExecutionTask) -> str:
    """Execute the notebook, starting its kernel again once when the kernel never answers (nothing ran yet)."""
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            return _run_once(task)
        except _KernelNeverAnswered as silent:
            if attempt == KERNEL_START_ATTEMPTS:
                raise NotebookError(
                    [
                        Problem(
                            task.notebook.name,
                            f"the {task.kernel_name} kernel did not answer (or died while starting) within "
                            f"{KERNEL_STARTUP_SECONDS} s, "
                            f"{attempt} times ({silent.log_tail or 'it printed nothing'})",
                            "check that `jupyter kernelspec list` shows the kernel and that it starts by hand",
                        )
                    ],
                    source="wiki",
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


_START_FAILURES = ("Kernel didn't respond", "Kernel died before replying to kernel_info")
"""jupyter_client's words for a kernel that never served its first request: nothing of the notebook ran yet."""


def is_kernel_start_failure(error: Exception) -> bool:
    """Whether ``error`` says the kernel never answered its first request (silent, or crashed while starting), so
    starting it once more cannot run any cell twice.

    >>> is_kernel_start_failure(RuntimeError("Kernel died before replying to kernel_info"))
    True
    >>> is_kernel_start_failure(RuntimeError("cell failed"))
    False
    """
    return any(words in str(error) for words in _START_FAILURES)


class _KernelNeverAnswered(Exception):
    def __init__(self, log_tail: str) -> None:
        super().__init__(log_tail)
        self.log_tail = log_tail


def _run_once(task: ExecutionTask) -> str:
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(task.notebook, as_version=4)
    if task.parameters:
        nb = nbformat.from_dict(inject_parameters(nb, dict(task.parameters)))
    task.entry_dir.parent.mkdir(parents=True, exist_ok=True)
    if not any(cell.cell_type == "code" and cell.source.strip() for cell in nb.cells):
        return str(nbformat.writes(nb))  # prose only: no kernel to start
    env = {**os.environ, DOWNLOADS_ENV: str(task.downloads_dir), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    client = NotebookClient(
        nb,
        kernel_name=task.kernel_name,
        timeout=task.timeout,
        startup_timeout=KERNEL_STARTUP_SECONDS,
        resources={"metadata": {"path": str(task.notebook.parent)}},
    )
    name = task.notebook.name
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:

        def log_tail() -> str:
            log.seek(0)
            return " | ".join(log.read().strip().splitlines()[-3:])

        try:
            client.execute(env=env, stdout=log, stderr=subprocess.STDOUT)
        except CellExecutionError as exc:
            raise _cell_error(name, client.nb, exc.ename, exc.evalue, exc.traceback) from None
        except CellTimeoutError:
            raise _cell_error(name, client.nb, "Timeout", f"a cell ran longer than {task.timeout} s") from None
        except DeadKernelError:
            raise _cell_error(name, client.nb, "DeadKernelError", f"the kernel died ({log_tail()})") from None
        except RuntimeError as exc:
            if not is_kernel_start_failure(exc):
                raise
            raise _KernelNeverAnswered(log_tail()) from None
        except NoSuchKernel:
            raise NotebookError(
                [
                    Problem(
                        name,
                        f"kernel {task.kernel_name!r} is not installed",
                        "set the notebook's kernel to python3, or install that kernel (jupyter kernelspec list)",
                    )
                ],
                source="wiki",
            ) from None
    return str(nbformat.writes(nb))


def _cell_error(notebook: str, nb: Any, ename: str, evalue: str, traceback: str = "") -> NotebookError:
    """Point at the first cell holding an error output (nbclient stops there), or the last executed one, and at
    the line IPython names in the traceback ("Cell In[3], line 2"), quoting it."""
    index, source = 0, ""
    for number, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code" or "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            index, source = number, cell.source
            break
        if cell.get("execution_count") is not None:
            index, source = number, cell.source
    lines = str(source).splitlines()
    found = _CELL_LINE.search(_ANSI.sub("", traceback))
    line = int(found.group(1)) if found else 0
    if 1 <= line <= len(lines):
        where = f"{notebook}: cell {index}, line {line} ({lines[line - 1].strip()[:60]})"
    else:
        first = next((text.strip() for text in lines if text.strip()), "")
        where = f"{notebook}: cell {index}" + (f" ({first[:60]})" if first else "")
    message = _ANSI.sub("", f"{ename}: {evalue}").strip()
    return NotebookError(
        [Problem(where, message, "open the notebook in JupyterLab and run all cells to see the full traceback")],
        source="wiki",
    )


def _worker_start() -> None:
    """Pool initializer: skip the one import that costs a worker about a second.

    nbformat imports jsonschema, whose format module eagerly imports ``rfc3987_syntax`` (when installed, as
    jupyter-events' extras do) to register IRI format checks; that compiles a Lark grammar, ~1.1 s here. nbformat
    validates without a format checker, so in our own worker processes the module is marked unavailable and
    jsonschema skips those two checks (it guards the import with ``suppress(ImportError)``).
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    # Ctrl-C reaches every process of the terminal's group; the parent alone handles it (one message, workers
    # stopped, staging removed), instead of one KeyboardInterrupt traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def map_in_pool(fn: Callable[[T], R], items: Sequence[T], *, jobs: int) -> Iterator[R]:
    """``fn`` over ``items`` in at most ``jobs`` worker processes, yielding results as they finish.

    Uses ``spawn`` so a worker never inherits a forked copy of the parent's threads or ZMQ state. The first
    failure cancels what has not started, waits for what is running (their kernels stop cleanly) and re-raises.
    Even a single item goes to a worker: a fresh process imports the Jupyter stack faster (see
    :func:`_worker_start`) and leaves the caller's process as it was.
    """
    if not items:
        return
    workers = max(1, min(jobs, len(items), os.cpu_count() or 1))
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_start
    ) as pool:
        futures = [pool.submit(fn, item) for item in items]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield future.result()
        except KeyboardInterrupt:
            # Waiting for the running notebooks could take minutes; stop the workers now (their kernels notice
            # their parent is gone and exit) and let the caller clean up.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            for future in futures:
                future.cancel()


def execute_notebooks(
    tasks: Iterable[ExecutionTask], *, jobs: int = 2, on_result: Callable[[ExecutionResult], None] | None = None
) -> list[ExecutionResult]:
    """Execute (or restore) every task in parallel; results in completion order."""
    results = []
    for result in map_in_pool(ensure_executed, list(tasks), jobs=jobs):
        if on_result is not None:
            on_result(result)
        results.append(result)
    return results
