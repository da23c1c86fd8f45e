"""Publishing a plan of one control plane and 50 data planes all or nothing, beside the floor.

The anchor is the floor of any writer: each file written in place with ``open().write()`` (not atomic, no lock,
no backup). Rows: a first write, a forced rewrite where every file changed (backups kept), and a rewrite with
nothing changed (every file left as it is). Target: a forced rewrite <= 0.5 s.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from emission_scale import fifty_data_planes

from flytekit_deploy.fileio import write_files
from flytekit_deploy.plan import build_plan


def _floor(root: Path, files: dict[str, str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text)


def _median_ms(action: Callable[[], object], prepare: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        prepare()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    spec = fifty_data_planes()
    files_a = build_plan(spec).files()
    files_b = build_plan(spec.model_copy(update={"name": "other"})).files()
    base = Path(tempfile.mkdtemp(prefix="plan-write-"))
    root = base / "out"

    def clean() -> None:
        shutil.rmtree(root, ignore_errors=True)

    def seeded() -> None:
        clean()
        write_files(root, files_a)

    try:
        rows = [
            ("floor: open().write() per file", _median_ms(lambda: _floor(root, files_a), clean)),
            ("first write (folder swapped in)", _median_ms(lambda: write_files(root, files_a), clean)),
            ("--force rewrite, every file changed", _median_ms(lambda: write_files(root, files_b, force=True), seeded)),
            ("rewrite, nothing changed", _median_ms(lambda: write_files(root, files_a), seeded)),
        ]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"{len(files_a)} files, {sum(map(len, files_a.values())) / 1024:.0f} KiB")
    for label, ms in rows:
        print(f"{label:<40} {ms:7.1f} ms   ({ms / rows[0][1]:.1f}x the floor)")
    print("target: --force rewrite <= 500 ms")


if __name__ == "__main__":
    main()
