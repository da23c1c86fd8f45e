"""Atomic writes that never overwrite a person's file silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from flytekit_deploy.errors import OutputConflictError
from flytekit_deploy.fileio import atomic_write_text, write_files


def test_writes_all_files(tmp_path: Path) -> None:
    written = write_files(tmp_path / "out", {"a.yaml": "a\n", "sub/b.md": "b\n"})
    assert [p.name for p in written] == ["a.yaml", "b.md"]
    assert (tmp_path / "out" / "sub" / "b.md").read_text() == "b\n"
    assert not list((tmp_path / "out").glob(".staging-*"))


def test_same_content_is_not_a_conflict(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.yaml": "a\n"})
    write_files(tmp_path, {"a.yaml": "a\n"})
    assert not (tmp_path / "a.yaml.bak").exists()


def test_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("mine\n")
    with pytest.raises(OutputConflictError) as caught:
        write_files(tmp_path, {"a.yaml": "theirs\n", "new.yaml": "n\n"})
    assert "--force" in caught.value.problems[0].fix
    assert (tmp_path / "a.yaml").read_text() == "mine\n"
    assert not (tmp_path / "new.yaml").exists()


def test_force_keeps_a_backup(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("mine\n")
    write_files(tmp_path, {"a.yaml": "theirs\n"}, force=True)
    assert (tmp_path / "a.yaml").read_text() == "theirs\n"
    assert (tmp_path / "a.yaml.bak").read_text() == "mine\n"


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "spec.yaml"
    target.write_text("old\n")

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["spec.yaml"]


def test_new_files_get_the_usual_mode_and_existing_keep_theirs(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.yaml"
        atomic_write_text(fresh, "x\n")
        assert fresh.stat().st_mode & 0o777 == 0o644
        script = tmp_path / "install.sh"
        script.write_text("old\n")
        script.chmod(0o755)
        atomic_write_text(script, "new\n")
        assert script.stat().st_mode & 0o777 == 0o755
    finally:
        os.umask(mask)


def test_errors_survive_a_process_boundary() -> None:
    import pickle

    from flytekit_deploy.errors import Problem, SpecError

    error = SpecError([Problem("storage.metadata_bucket", "bad", "fix it")], source="spec.yaml")
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, SpecError)
    assert again.problems == error.problems and again.source == "spec.yaml"


def test_scripts_are_written_executable(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        write_files(tmp_path, {"install.sh": "#!/usr/bin/env bash\necho hi\n", "install.md": "# guide\n"})
    finally:
        os.umask(mask)
    assert (tmp_path / "install.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "install.md").stat().st_mode & 0o777 == 0o644
