"""The bad-input corpus: every case file under ``bad_inputs/`` runs through the command line and must end with
exit 2, the field path and the fix in the message, no traceback, and every file around it unchanged byte for byte
(content, mode and mtime): nothing written, nothing touched.

Each case is one file: a header of ``# key: value`` lines (command, exit, path, fix, message, env, transform),
then the input. ``make_bad_inputs.py`` writes them. Cases run in-process through ``main()`` (a subprocess each
would cost a second); a sample also runs through the real entry point in a subprocess.
"""

from __future__ import annotations

import functools
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from flytekit_deploy.cli import main

CORPUS = Path(__file__).parent / "bad_inputs"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Case:
    name: str
    body: bytes
    command: str = ""
    exit: int = 2
    paths: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    env: list[str] = field(default_factory=list)
    transform: str = ""


def read_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("# ---\n")
    assert sep, f"{path.name}: no '# ---' line ends the header"
    case = Case(path.stem, body.encode("utf-8"))
    for line in head.splitlines():
        key, _, value = line.removeprefix("# ").partition(": ")
        if key == "command":
            case.command = value
        elif key == "exit":
            case.exit = int(value)
        elif key in ("path", "fix", "message", "env"):
            getattr(case, {"path": "paths", "fix": "fixes", "message": "messages", "env": "env"}[key]).append(value)
        elif key == "transform":
            case.transform = value
        else:
            raise AssertionError(f"{path.name}: unknown header line {line!r}")
    assert case.command and case.paths and case.fixes, f"{path.name}: command, path and fix are required"
    return case


CASES = sorted(CORPUS.glob("*.yaml"))


def _input_bytes(case: Case) -> bytes:
    text = case.body.decode("utf-8")
    if case.transform == "binary":
        return b"\x00\x01\x02\xff\xfe" + case.body + bytes(range(256))
    if case.transform == "latin1":
        return text.encode("latin-1")
    if case.transform == "utf16":
        return text.encode("utf-16")
    assert not case.transform, case.transform
    return case.body


def _snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under ``root``: kind, mode, mtime and (files) content."""
    found: dict[str, tuple[object, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = path.lstat()
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
            found[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns, info.st_size, data)
    return found


@functools.cache
def _previous_plan() -> dict[str, str]:
    from flytekit_deploy.plan import build_plan
    from flytekit_deploy.presets import get_preset

    return build_plan(get_preset("sandbox")).files()


def _setup(case: Case, tmp_path: Path) -> dict[str, str]:
    """The case's input, an output folder holding an earlier plan, a file, an empty folder."""
    spec = tmp_path / f"{case.name}.yaml"
    spec.write_bytes(_input_bytes(case))
    (tmp_path / "out").mkdir()
    for name, text in _previous_plan().items():
        (tmp_path / "out" / name).write_text(text)
    (tmp_path / "out" / "install.sh").chmod(0o755)
    (tmp_path / "a-file").write_text("a file, not a folder\n")
    (tmp_path / "adir").mkdir()
    os.utime(tmp_path / "out", ns=(1_000_000_000, 1_000_000_000))
    return {
        "spec": str(spec),
        "out": str(tmp_path / "out"),
        "file": str(tmp_path / "a-file"),
        "dir": str(tmp_path / "adir"),
        "missing": str(tmp_path / "missing.yaml"),
        "cwd": str(tmp_path),
    }


def _check_output(case: Case, code: int, err: str, places: dict[str, str]) -> None:
    assert "Traceback" not in err, err
    assert code == case.exit, f"exit {code}, expected {case.exit}:\n{err}"
    assert err.startswith("error: "), err
    for path in case.paths:
        expected = path.format(**places) if path else "(top level)"
        assert f"  {expected}" in err, f"no problem at {expected!r}:\n{err}"
    fixes = [line.strip().removeprefix("fix: ") for line in err.splitlines() if line.strip().startswith("fix: ")]
    for fix in case.fixes:
        assert any(fix.format(**places) in line for line in fixes), f"no fix with {fix!r}:\n{err}"
    for message in case.messages:
        assert message in err, f"no {message!r} in:\n{err}"


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 100


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case = read_case(path)
    places = _setup(case, tmp_path)
    for item in case.env:
        name, _, value = item.partition("=")
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    try:
        code = main(shlex.split(case.command.format(**places)))
    except SystemExit as stop:  # argparse
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    _check_output(case, code, err, places)
    assert _snapshot(tmp_path) == before, "files changed"
    assert not list(tmp_path.rglob("INJECTED"))


SAMPLE = ["chart-version-injection", "billion-laughs", "twelve-problems", "output-is-a-file", "doctor-timeout-nan"]


@pytest.mark.parametrize("name", SAMPLE)
def test_the_real_entry_point_agrees(name: str, tmp_path: Path) -> None:
    case = read_case(CORPUS / f"{name}.yaml")
    places = _setup(case, tmp_path)
    before = _snapshot(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "flytekit_deploy.cli", *shlex.split(case.command.format(**places))],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    _check_output(case, done.returncode, done.stderr, places)
    assert _snapshot(tmp_path) == before


def test_the_snapshot_sees_a_rewrite_with_the_same_content(tmp_path: Path) -> None:
    """The harness can fail: rewriting a file with its own content changes its mtime, and the snapshot sees it."""
    (tmp_path / "a").write_text("x")
    os.utime(tmp_path / "a", ns=(1, 1))
    before = _snapshot(tmp_path)
    (tmp_path / "a").write_text("x")
    assert _snapshot(tmp_path) != before
    os.utime(tmp_path / "a", ns=(1, 1))
    (tmp_path / "a").chmod(0o600)
    assert _snapshot(tmp_path) != before
