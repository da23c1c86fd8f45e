"""All-or-nothing, non-destructive writes.

A plan is a folder of files that belong together, so it is published as a whole: the new folder is built beside
the old one (unchanged files and any file the kit did not write are hard-linked in, keeping their inode, mode,
owner and mtime), then the two are exchanged with one ``renameat2(RENAME_EXCHANGE)``. A reader, a ``kill -9`` or a
full disk at any moment leaves either the old folder or the new one, never a mix; a staging folder a killed run
left behind is removed by the next run. A single file (a spec, a diagram) is replaced with one rename.

Writers of the same folder take an exclusive ``flock`` on its parent folder: a second run waits for the first
(up to :data:`LOCK_TIMEOUT` seconds), then refuses with a clear message. A file that exists with other content is
replaced only with ``force=True``; it keeps its mode and owner, and the old one stays beside it as ``<name>.bak``
(then ``.bak.1``, ``.bak.2``...: a backup is never overwritten).

Every problem with the output path (a file where a folder is wanted, a file on the way, no permission, a
read-only or full file system) is a :class:`~flytekit_deploy.errors.UserInputError`, never a traceback.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import OutputConflictError, Problem, UserInputError

__all__ = [
    "atomic_write_text",
    "write_files",
    "write_folder",
    "write_file",
    "conflicts",
    "check_output_folder",
    "output_lock",
    "backup_name",
    "LOCK_TIMEOUT",
]

LOCK_TIMEOUT = 60.0
"""Seconds a run waits for another run writing the same place before it refuses."""

_STAGING = ".staging-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


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


# ---- output path problems ------------------------------------------------------------------------------------


def _path_problem(path: Path, message: str, fix: str) -> UserInputError:
    return UserInputError([Problem(str(path), message, fix)], source="output")


def check_output_folder(root: Path, inside: bool = False) -> None:
    """Refuse, before anything is written, an output folder that cannot be one: a file, below a file, or where
    the folder written to cannot be written (permissions, read-only file system). ``inside``: files are written
    into ``root`` itself (else beside it, as a whole folder swapped in)."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise _path_problem(root, "is a file, not a folder", "give a folder for the output (-o out/), or remove it")
    existing = root
    while not existing.exists():
        if existing.is_symlink():
            raise _path_problem(existing, "is a dangling symbolic link", "remove it or give another folder")
        existing = existing.parent
    if not existing.is_dir():
        raise _path_problem(
            existing, "is a file, so nothing can be written below it", "give a folder path that does not pass a file"
        )
    probe = existing if existing != root or inside else root.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        why = "is on a read-only file system" if _read_only(probe) else "is not writable by you"
        raise _path_problem(probe, why, "choose a folder you can write to, or fix its permissions")
    if _read_only(probe):
        raise _path_problem(probe, "is on a read-only file system", "choose a folder on a writable file system")


def _read_only(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _os_problem(error: OSError, where: Path) -> UserInputError:
    fixes = {
        errno.ENOSPC: "free some space, or choose a folder on another disk",
        errno.EDQUOT: "free some space (disk quota exceeded), or choose another folder",
        errno.EROFS: "choose a folder on a writable file system",
        errno.EACCES: "choose a folder you can write to, or fix its permissions",
        errno.EPERM: "choose a folder you can write to, or fix its permissions",
        errno.ENOTDIR: "give a folder path that does not pass a file",
        errno.EISDIR: "give a path that is not a folder",
        errno.ENAMETOOLONG: "use a shorter path",
    }
    message = f"cannot write: {error.strerror or error}"
    if error.filename and _STAGING not in os.path.basename(str(error.filename)):
        where = Path(error.filename)  # the file or folder in the way; never the kit's own staging folder
    return _path_problem(where, message, fixes.get(error.errno or 0, "check the output path"))


# ---- lock ------------------------------------------------------------------------------------------------------


@contextmanager
def output_lock(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """An exclusive ``flock`` on ``folder`` (the parent of what is written), held for the whole write. A second
    writer waits up to ``timeout`` seconds, then refuses with a clear message."""
    limit = LOCK_TIMEOUT if timeout is None else timeout
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise _os_problem(error, folder) from None
    try:
        deadline = time.monotonic() + limit
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _path_problem(
                        folder,
                        f"another flytekit-deploy run is writing here (waited {limit:g} s)",
                        "wait until it ends and run again; two runs into one folder would replace each other",
                    ) from None
                time.sleep(0.05)
            except OSError:
                break  # a file system without flock (some network mounts): write unlocked, still all-or-nothing
        yield
    finally:
        os.close(fd)  # releases the lock


# ---- conflicts and backups -------------------------------------------------------------------------------------


def _differs(target: Path, text: str) -> bool:
    try:
        return target.read_bytes() != text.encode("utf-8")
    except FileNotFoundError:
        return False
    except IsADirectoryError:
        return True


def conflicts(root: Path, files: Mapping[str, str]) -> list[str]:
    """Relative names of files under ``root`` that exist with content different from what would be written."""
    root = Path(root)
    found = [name for name, text in files.items() if (root / name).is_dir() or _differs(root / name, text)]
    return sorted(found)


def _refuse_conflicts(root: Path, clashing: list[str], force: bool) -> None:
    folders = [name for name in clashing if (root / name).is_dir()]
    if folders:
        raise OutputConflictError(
            [Problem(str(root / n), "is a folder where the plan writes a file", "move it away") for n in folders],
            source="output",
        )
    if clashing and not force:
        raise OutputConflictError(
            [
                Problem(
                    str(root / name),
                    "exists with other content",
                    "write elsewhere (another -o), or pass --force (the old file is kept as .bak)",
                )
                for name in clashing
            ],
            source="output",
        )


def backup_name(target: Path, taken: set[str] | None = None) -> Path:
    """The first free backup name beside ``target``: ``x.bak``, then ``x.bak.1``, ``x.bak.2``...; ``taken`` lists
    names already used in the folder being built."""
    taken = taken or set()
    candidate = target.with_name(target.name + ".bak")
    number = 0
    while candidate.exists() or candidate.is_symlink() or candidate.name in taken:
        number += 1
        candidate = target.with_name(f"{target.name}.bak.{number}")
    return candidate


def _write_new(path: Path, text: str, like: os.stat_result | None) -> None:
    """A fresh file with ``text``: the mode and owner of the file it replaces, else the usual mode (scripts
    executable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    if like is not None:
        os.chmod(path, stat.S_IMODE(like.st_mode))
        if (like.st_uid, like.st_gid) != (os.getuid(), os.getgid()):
            with suppress(PermissionError):  # only root may give a file away; then the owner is kept
                os.chown(path, like.st_uid, like.st_gid)
    else:
        os.chmod(path, (0o777 if text.startswith("#!") else 0o666) & ~_umask())


# ---- single file -----------------------------------------------------------------------------------------------


def write_file(path: Path, text: str, *, force: bool = False) -> Path:
    """Replace one file with one rename (a spec, a diagram, a report); with ``force`` the old one is kept as a
    numbered backup and the new one keeps its mode and owner."""
    path = Path(path)
    check_output_folder(path.parent, inside=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(path.parent):
            clashing = conflicts(path.parent, {path.name: text})
            _refuse_conflicts(path.parent, clashing, force)
            if path.exists() and not clashing:
                return path  # same content: leave it (and its mtime) alone
            like = path.stat() if path.exists() else None
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            try:
                _write_new(Path(tmp), text, like)
                if clashing:
                    os.link(path, backup_name(path))
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
    except OSError as error:
        raise _os_problem(error, path) from None
    return path


# ---- a whole folder --------------------------------------------------------------------------------------------


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _sync_dir(path: Path) -> None:
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sync_file_system(path: Path) -> None:
    """Flush every file written so far to disk before the swap makes them visible: one ``syncfs`` of the file
    system holding ``path`` instead of an fsync per file (50 data planes: one call, not 55)."""
    libc_name = ctypes.util.find_library("c")
    syncfs = getattr(ctypes.CDLL(libc_name), "syncfs", None) if libc_name else None
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _staging_prefix(root: Path) -> str:
    return f".{root.name}{_STAGING}"


def recover(root: Path) -> list[Path]:
    """Remove what a killed run left beside ``root`` (its staging folders); the caller holds the lock, so no
    other run is using them. Returns what was removed."""
    root = Path(root)
    removed = []
    places = [(root.parent, _staging_prefix(root)), (root, _STAGING)]  # beside it; inside (mount points, old runs)
    for folder, prefix in places:
        if folder.is_dir() and not folder.is_symlink():
            for leftover in folder.glob(prefix + "*"):
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover, ignore_errors=True)
                    removed.append(leftover)
    return removed


def _link_tree(source: Path, target: Path, skip: set[str]) -> None:
    """Mirror ``source`` into ``target`` with hard links (files keep inode, mode, owner and mtime); folders are
    recreated with their mode; names in ``skip`` (relative) are left out."""
    for entry in os.scandir(source):
        rel = Path(entry.path).relative_to(source).as_posix()
        if rel in skip:
            continue
        dest = target / entry.name
        if entry.is_dir(follow_symlinks=False):
            dest.mkdir()
            _link_tree(Path(entry.path), dest, {s.split("/", 1)[1] for s in skip if s.startswith(rel + "/")})
            info = entry.stat(follow_symlinks=False)
            os.chmod(dest, stat.S_IMODE(info.st_mode))
            os.utime(dest, ns=(info.st_atime_ns, info.st_mtime_ns))
        elif entry.is_symlink():
            os.symlink(os.readlink(entry.path), dest)
        else:
            try:
                os.link(entry.path, dest, follow_symlinks=False)
            except OSError:
                shutil.copy2(entry.path, dest, follow_symlinks=False)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def write_folder(root: Path, files: Mapping[str, str], *, force: bool = False) -> list[Path]:
    """Publish ``files`` (relative name -> text) as the folder ``root``, all or nothing (see the module text).

    Raises :class:`OutputConflictError` (nothing written) when a file would change and ``force`` is false.
    Returns the paths written, in name order.
    """
    given = Path(root)
    root = Path(os.path.realpath(root))  # a symbolic link to the folder: publish where it points
    check_output_folder(root)
    if _inside(Path.cwd().resolve(), root.resolve()) and root.exists():
        raise _path_problem(
            root,
            "is the current folder (or holds it): a plan replaces its output folder as a whole",
            "write the plan to a sub-folder, e.g. -o out/",
        )
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(root.parent):
            recover(root)
            clashing = conflicts(root, files)
            _refuse_conflicts(root, clashing, force)
            if root.is_dir() and all((root / n).is_file() for n in files) and not clashing:
                return [given / name for name in sorted(files)]  # nothing changes: leave every file as it is
            if root.exists() and os.stat(root).st_dev != os.stat(root.parent).st_dev:
                _write_in_place(root, files, clashing)  # a mount point cannot be swapped
            else:
                _publish(root, files, clashing)
    except OSError as error:
        raise _os_problem(error, root) from None
    return [given / name for name in sorted(files)]


def _publish(root: Path, files: Mapping[str, str], clashing: list[str]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(root), dir=root.parent))
    try:
        old = root.stat() if root.is_dir() else None
        if old is not None:
            changed = {n for n in files if not (root / n).is_file() or n in clashing}
            _link_tree(root, staging, changed)
        taken: set[str] = set()
        for name in sorted(files):
            target = staging / name
            previous = root / name
            like = previous.stat() if name in clashing and previous.is_file() else None
            if like is not None:
                backup = backup_name(previous, taken)
                taken.add(backup.name)
                os.link(previous, staging / Path(name).parent / backup.name)
            if not target.exists():
                _write_new(target, files[name], like)
        if old is not None:
            os.chmod(staging, stat.S_IMODE(old.st_mode))
            if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                with suppress(PermissionError):
                    os.chown(staging, old.st_uid, old.st_gid)
        else:
            os.chmod(staging, 0o777 & ~_umask())
        _sync_file_system(staging)
        if old is None:
            os.rename(staging, root)
        elif not _exchange(staging, root):
            aside = Path(tempfile.mkdtemp(prefix=_staging_prefix(root), dir=root.parent))
            os.rename(root, aside / "old")  # no atomic exchange here: a moment with no folder, never a mix
            os.rename(staging, root)
            staging = aside
        _sync_dir(root.parent)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _write_in_place(root: Path, files: Mapping[str, str], clashing: list[str]) -> None:
    """Fallback for an output folder that is a mount point: every file staged first, then one rename each."""
    staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=root))
    try:
        for name in sorted(files):
            previous = root / name
            _write_new(staging / name, files[name], previous.stat() if previous.is_file() else None)
        for name in sorted(files):
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if name in clashing and target.is_file():
                os.link(target, backup_name(target))
            os.replace(staging / name, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_files(root: Path, files: Mapping[str, str], *, force: bool = False) -> list[Path]:
    """Write ``files`` under ``root``: one top-level file is replaced on its own (:func:`write_file`), several
    are published as a folder (:func:`write_folder`). A file whose text starts with ``#!`` is made executable.
    Returns the paths written, in name order."""
    if len(files) == 1:
        ((name, text),) = files.items()
        if "/" not in name:
            return [write_file(Path(root) / name, text, force=force)]
    return write_folder(root, files, force=force)
