"""A plan folder is published all or nothing: kill -9 at random points, two concurrent writers and a reader never
see a mix of two plans or a missing file; backups are numbered; --force keeps mode and owner; output-path
problems are clear errors."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flytekit_deploy.errors import OutputConflictError, UserInputError
from flytekit_deploy.fileio import output_lock, write_files

ROOT = Path(__file__).resolve().parents[1]

WRITER = """
import json, sys
from pathlib import Path
from flytekit_deploy.errors import UserInputError
from flytekit_deploy.fileio import write_files
job = json.loads(Path(sys.argv[1]).read_text())
print("ready", flush=True)
for _ in range(job.get("repeat", 1)):
    try:
        write_files(Path(job["root"]), job["files"], force=job["force"])
    except UserInputError as error:
        print(error.render(), file=sys.stderr)
        sys.exit(2)
"""


def _plans() -> tuple[dict[str, str], dict[str, str]]:
    """Two real plans of 50 data planes that differ in every file."""
    from flytekit_deploy.plan import build_plan
    from flytekit_deploy.presets import get_preset
    from flytekit_deploy.spec import spec_from_dict

    out = []
    for name in ("flyte", "other"):
        data = get_preset("eks-multicluster").model_dump(mode="json")
        data["name"] = name
        data["clusters"]["data_planes"] = [{"name": f"dp-{i:02d}"} for i in range(50)]
        out.append(build_plan(spec_from_dict(data)).files())
    return out[0], out[1]


PLAN_A, PLAN_B = _plans()


def _job(tmp_path: Path, root: Path, files: dict[str, str], force: bool = True, repeat: int = 1) -> Path:
    job = tmp_path / f"job-{random.random()}.json"
    job.write_text(json.dumps({"root": str(root), "files": files, "force": force, "repeat": repeat}))
    return job


def _finish(child: subprocess.Popen[str], timeout: float = 30) -> tuple[int, str]:
    """Wait for a child, close its pipes; its exit code and what it wrote to stderr."""
    _, err = child.communicate(timeout=timeout)
    return child.returncode, err


def _start(job: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(job)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def _which_plan(root: Path) -> str:
    """'A' or 'B' when the folder holds every file of exactly one plan; fails on a mix or a missing file."""
    present = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}
    plan_files = {n: t for n, t in present.items() if ".bak" not in n}
    assert set(plan_files) == set(PLAN_A), set(PLAN_A) ^ set(plan_files)
    from_a = {n for n, t in plan_files.items() if t == PLAN_A[n]}
    from_b = {n for n, t in plan_files.items() if t == PLAN_B[n]}
    assert from_a | from_b == set(plan_files), "a file from neither plan"
    only_a, only_b = from_a - from_b, from_b - from_a
    assert not (only_a and only_b), f"mixed: {len(only_a)} files from A, {len(only_b)} from B"
    return "A" if only_a else "B"


@pytest.mark.slow
def test_kill_9_at_random_points_never_leaves_a_mix(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_files(root, PLAN_A)
    jobs = {"A": _job(tmp_path, root, PLAN_A), "B": _job(tmp_path, root, PLAN_B)}
    # how long one forced write takes once the child is ready: the window the kills aim at
    started = time.monotonic()
    child = _start(jobs["B"])
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    ready = time.monotonic()
    assert _finish(child)[0] == 0
    window = max(time.monotonic() - ready, 0.005)
    assert _which_plan(root) == "B"
    rng = random.Random(15)
    outcomes = {"A": 0, "B": 0}
    killed = runs = 0
    current = "B"
    while killed < 50 and runs < 400:
        want = "A" if current == "B" else "B"  # always a real change of every file, never a no-op rewrite
        runs += 1
        child = _start(jobs[want])
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0, window * 0.8))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            killed += 1
            window *= 1.05  # aim a little later next time: the kill points stay spread over the whole write
        else:
            window *= 0.7  # the write (on a loaded machine, its speed varies) ended before the kill: aim earlier
        _finish(child)
        current = _which_plan(root)
        outcomes[current] += 1
        for backup in root.rglob("*.bak*"):
            backup.unlink()
    assert killed >= 50, f"only {killed} of {runs} runs were killed mid-way"
    # the next run cleans what killed runs left beside the folder
    write_files(root, PLAN_A, force=True)
    assert _which_plan(root) == "A"
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]
    elapsed = time.monotonic() - started
    print(
        f"kill -9: {killed} kills in {runs} runs, window {window * 1000:.0f} ms, folder held {outcomes}, {elapsed:.1f} s"
    )
    assert elapsed < 60


def test_two_writers_and_a_reader_never_see_a_mix(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_files(root, PLAN_A)
    writers = [_start(_job(tmp_path, root, plan, repeat=8)) for plan in (PLAN_A, PLAN_B)]
    seen: list[str] = []
    problems: list[str] = []

    def read() -> None:
        while any(w.poll() is None for w in writers):
            try:
                seen.append(_snapshot(root))
            except FileNotFoundError:
                continue  # the folder was swapped while listed: read again
            except AssertionError as error:
                problems.append(str(error))

    reader = threading.Thread(target=read)
    reader.start()
    for writer in writers:
        code, err = _finish(writer, 60)
        assert code == 0, err
    reader.join()
    assert not problems, problems[:3]
    assert _which_plan(root) in ("A", "B") and seen


def _snapshot(root: Path) -> str:
    """Read the folder through one directory handle: a reader sees one folder, old or new."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        names = [n for n in os.listdir(fd) if n.startswith("values-") and ".bak" not in n]
        texts = {}
        for name in names:
            with open(name, encoding="utf-8", opener=lambda path, flags: os.open(path, flags, dir_fd=fd)) as f:
                texts[name] = f.read()
    finally:
        os.close(fd)
    values = {n for n in PLAN_A if n.startswith("values-")}
    assert set(texts) == values, "missing files"
    only_a = {n for n, t in texts.items() if t == PLAN_A[n] and t != PLAN_B[n]}
    only_b = {n for n, t in texts.items() if t == PLAN_B[n] and t != PLAN_A[n]}
    assert not (only_a and only_b), f"mixed: {len(only_a)} from A, {len(only_b)} from B"
    return "A" if only_a else "B"


def test_a_concurrent_run_waits_then_refuses_without_force(tmp_path: Path) -> None:
    root = tmp_path / "out"
    with output_lock(tmp_path):
        child = _start(_job(tmp_path, root, PLAN_A, force=False))
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(0.3)
        assert child.poll() is None  # waiting for the lock
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "values-flyte-core-control-plane.yaml").write_text("mine\n")
    code, err = _finish(child)
    assert code == 2
    assert "exists with other content" in err
    assert [p.name for p in root.iterdir()] == ["values-flyte-core-control-plane.yaml"]


def test_lock_timeout_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import flytekit_deploy.fileio as fileio

    monkeypatch.setattr(fileio, "LOCK_TIMEOUT", 0.2)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDONLY); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(30)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "locked\n"
        with pytest.raises(UserInputError) as caught:
            write_files(tmp_path / "out", {"a": "1", "b": "2"})
        assert "another flytekit-deploy run is writing here" in caught.value.problems[0].message
        assert not (tmp_path / "out").exists()
    finally:
        child.kill()
        child.communicate()


def test_force_keeps_mode_owner_and_numbers_backups(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_files(root, {"install.sh": "#!/bin/sh\necho 1\n", "a.yaml": "1\n"})
    script = root / "install.sh"
    script.chmod(0o750)
    if os.getuid() == 0:
        os.chown(script, 1234, 5678)
    for version in (2, 3, 4):
        write_files(root, {"install.sh": f"#!/bin/sh\necho {version}\n", "a.yaml": f"{version}\n"}, force=True)
    info = script.stat()
    assert info.st_mode & 0o777 == 0o750
    if os.getuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 5678)
    assert (root / "a.yaml.bak").read_text() == "1\n"
    assert (root / "a.yaml.bak.1").read_text() == "2\n"
    assert (root / "a.yaml.bak.2").read_text() == "3\n"
    assert (root / "a.yaml").read_text() == "4\n"
    assert (root / "install.sh.bak.2").stat().st_mode & 0o777 == 0o750


def test_single_file_force_numbers_backups_too(tmp_path: Path) -> None:
    spec = tmp_path / "flyte.yaml"
    spec.write_text("old\n")
    spec.chmod(0o600)
    write_files(tmp_path, {"flyte.yaml": "new\n"}, force=True)
    write_files(tmp_path, {"flyte.yaml": "newer\n"}, force=True)
    assert (tmp_path / "flyte.yaml.bak").read_text() == "old\n"
    assert (tmp_path / "flyte.yaml.bak.1").read_text() == "new\n"
    assert spec.stat().st_mode & 0o777 == 0o600


def test_unchanged_files_and_foreign_files_are_left_as_they_are(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_files(root, {"a.yaml": "a\n", "b.yaml": "b\n"})
    (root / "notes.txt").write_text("mine\n")
    (root / "keep").mkdir()
    (root / "keep" / "x").write_text("x\n")
    os.utime(root / "a.yaml", ns=(1, 1_000_000_000))
    before = (root / "a.yaml").stat()
    write_files(root, {"a.yaml": "a\n", "b.yaml": "B\n"}, force=True)
    after = (root / "a.yaml").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (root / "notes.txt").read_text() == "mine\n" and (root / "keep" / "x").read_text() == "x\n"
    assert (root / "b.yaml.bak").read_text() == "b\n"


def test_leftover_staging_folders_are_cleaned(tmp_path: Path) -> None:
    root = tmp_path / "out"
    (tmp_path / ".out.staging-dead").mkdir()
    (tmp_path / ".out.staging-dead" / "half.yaml").write_text("x")
    root.mkdir()
    (root / ".staging-old").mkdir()  # what the one-rename-per-file writer of old left behind
    write_files(root, {"a": "1", "b": "2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in root.iterdir()) == ["a", "b"]


@pytest.mark.parametrize("case", ["file", "below-file", "read-only", "current-folder"])
def test_output_path_problems_are_clear_errors(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "f").write_text("x")
    target = {"file": tmp_path / "f", "below-file": tmp_path / "f" / "out", "current-folder": tmp_path}.get(
        case, tmp_path / "ro" / "out"
    )
    if case == "read-only":
        import flytekit_deploy.fileio as fileio

        (tmp_path / "ro").mkdir()
        monkeypatch.setattr(fileio, "_read_only", lambda path: str(path).startswith(str(tmp_path / "ro")))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserInputError) as caught:
        write_files(target, {"a": "1", "b": "2"})
    problem = caught.value.problems[0]
    assert problem.fix and problem.path
    assert sorted(p.name for p in tmp_path.iterdir()) == (["f", "ro"] if case == "read-only" else ["f"])


def test_refusal_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_files(root, {"a": "1", "b": "2"})
    (root / "a").write_text("edited")
    with pytest.raises(OutputConflictError):
        write_files(root, {"a": "3", "b": "4"})
    assert (root / "a").read_text() == "edited" and (root / "b").read_text() == "2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_full_disk_is_a_clear_error_and_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import flytekit_deploy.fileio as fileio

    root = tmp_path / "out"
    write_files(root, {"a": "1", "b": "2"})
    calls = {"n": 0}
    real = fileio._write_new

    def fill_up(path: Path, text: str, like: os.stat_result | None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text, like)

    monkeypatch.setattr(fileio, "_write_new", fill_up)
    with pytest.raises(UserInputError) as caught:
        write_files(root, {"a": "3", "b": "4"}, force=True)
    assert "No space left" in caught.value.problems[0].message and "free some space" in caught.value.problems[0].fix
    assert (root / "a").read_text() == "1" and (root / "b").read_text() == "2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the staging folder is gone too


def test_an_unwritable_parent_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == tmp_path else real(path, mode))
    with pytest.raises(UserInputError) as caught:
        write_files(tmp_path / "out", {"a": "1", "b": "2"})
    assert "not writable" in caught.value.problems[0].message
    assert not (tmp_path / "out").exists()
