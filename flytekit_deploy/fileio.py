"""Atomic, non-destructive writes.

A folder of outputs is staged completely before anything lands, so a failure half way leaves the person's files
as they were; a file that exists with other content is only replaced with ``force=True``, and then the old one is
kept beside it as ``<name>.bak``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import OutputConflictError, Problem

__all__ = ["atomic_write_text", "write_files", "conflicts"]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode the file had, else what open() would give
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def conflicts(root: Path, files: Mapping[str, str]) -> list[str]:
    """Relative names of files under ``root`` that exist with content different from what would be written."""
    found = []
    for name, text in files.items():
        target = Path(root) / name
        if target.is_dir() or target.exists() and target.read_text(encoding="utf-8", errors="replace") != text:
            found.append(name)
    return sorted(found)


def write_files(root: Path, files: Mapping[str, str], *, force: bool = False) -> list[Path]:
    """Write every file of ``files`` (relative name -> text) under ``root``, all or nothing.

    Raises :class:`OutputConflictError` (nothing written) when a file would change and ``force`` is false.
    A file whose text starts with ``#!`` is made executable.
    Returns the paths written, in name order.
    """
    root = Path(root)
    clashing = conflicts(root, files)
    if clashing and not force:
        raise OutputConflictError(
            [
                Problem(
                    path=str(root / name),
                    message="exists with other content",
                    fix="choose another output folder, or pass --force (the old file is kept as .bak)",
                )
                for name in clashing
            ],
            source="output",
        )
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    written: list[Path] = []
    try:
        for name, text in files.items():
            staged = staging / name
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(text, encoding="utf-8", newline="\n")
            if text.startswith("#!"):  # a script (install.sh) is written ready to run
                staged.chmod(0o777 & ~_umask())
        for name in sorted(files):
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if name in clashing and target.is_file():
                os.replace(target, target.with_name(target.name + ".bak"))
            os.replace(staging / name, target)
            written.append(target)
    finally:
        for leftover in sorted(staging.rglob("*"), reverse=True):
            leftover.rmdir() if leftover.is_dir() else leftover.unlink()
        staging.rmdir()
    return written
