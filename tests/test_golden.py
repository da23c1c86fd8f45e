"""Every preset's plan, byte for byte, against files committed under ``tests/golden/<preset>/``.

A refactor must leave these files unchanged. When a change of the emitted plan is intended, regenerate them on
purpose and commit the diff with the reason::

    FLYTEKIT_DEPLOY_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py -p no:cacheprovider

or ``python scripts/regen_golden.py``. Without that variable the test only compares and never writes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("FLYTEKIT_DEPLOY_REGENERATE_GOLDEN") == "1"


def plan_files(name: str) -> dict[str, str]:
    """The plan of one preset as files (the same call ``flytekit-deploy values`` writes from)."""
    return build_plan(get_preset(name)).files()


def write_golden(name: str) -> None:
    """Replace ``tests/golden/<name>/`` by the current plan (deliberate use only: see the module docstring)."""
    folder = GOLDEN / name
    if folder.is_dir():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for filename, text in plan_files(name).items():
        (folder / filename).parent.mkdir(parents=True, exist_ok=True)  # infra/ files sit in a subfolder
        (folder / filename).write_bytes(text.encode("utf-8"))


@pytest.mark.parametrize("name", preset_names())
def test_plan_matches_golden(name: str) -> None:
    if REGENERATE:
        write_golden(name)
    folder = GOLDEN / name
    files = plan_files(name)
    stored = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert stored == sorted(files), f"{name}: files differ from tests/golden/{name}/"
    for filename, text in files.items():
        expected = (folder / filename).read_bytes().decode("utf-8")
        assert text == expected, f"{name}/{filename} differs from tests/golden/{name}/{filename}"


def test_every_preset_has_a_golden_folder() -> None:
    """Runs after the comparisons, so a regeneration has written every folder before it looks."""
    if REGENERATE:
        for stale in GOLDEN.iterdir():
            if stale.is_dir() and stale.name not in preset_names():
                shutil.rmtree(stale)
    stored = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
    assert stored == sorted(preset_names())
