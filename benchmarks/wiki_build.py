"""Wiki build time: our builder vs Jupyter Book v1 vs a plain ``jupyter nbconvert --execute --to html`` loop.

Three scenarios per tool, each on its own copy of the notebooks: a cold build, a rebuild with nothing changed,
and a rebuild after one notebook changed (a markdown cell appended to the first chapter). Every tool runs as a
fresh process, as a person would run it. Targets (benchmarks/README.md): cold build <= 0.8x Jupyter Book and
<= 0.3x the loop.

Ours gets a fourth line: a cold build into another output folder once the machine's shared diagram cache (content
addressed, ``FLYTEKIT_DEPLOY_CACHE``) holds the drawings: every notebook runs again, no diagram is drawn again. The
first cold build of each round starts with that cache empty, so "cold build" is cold.

Jupyter Book (``jupyter-book<2``, ``execute_notebooks: force``) is installed only when this script runs, into a
virtual env under the work folder that sees this project's packages (so its kernel can import flytekit_deploy);
``--no-jupyter-book`` skips it. It does not render mermaid fences (that needs a CDN script), so its numbers are
for executing and converting only.

All tools import a snapshot of ``flytekit_deploy`` copied into the work folder (first on ``PYTHONPATH``): our
cache key covers the package's files, so edits made to the working tree while the benchmark runs would otherwise
turn a "nothing changed" rebuild into a full one.

    .venv/bin/python benchmarks/wiki_build.py                      # notebooks/ (or the test fixtures if empty)
    .venv/bin/python benchmarks/wiki_build.py --fixtures --no-jupyter-book
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "wiki" / "fixtures"
SCENARIOS = ["cold build", "rebuild, nothing changed", "rebuild, one notebook changed"]
SHARED_SCENARIO = "cold, other folder, diagrams cached"


def chapters(folder: Path) -> list[Path]:
    from flytekit_deploy.wiki.chapters import discover_chapters

    return [chapter.path for chapter in discover_chapters(folder)]


ENV = dict(os.environ)
#: Commands run from the work folder: ``python -c`` puts the current folder first on ``sys.path``, which from the
#: repository root would import the working tree instead of the snapshot.
CWD: Path | None = None


def snapshot_package(work: Path) -> None:
    """Copy the package into ``work`` and put it first on ``PYTHONPATH`` for every process (and kernel) we start."""
    global CWD
    target = work / "package"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT / "flytekit_deploy", target / "flytekit_deploy", ignore=shutil.ignore_patterns("__pycache__"))
    ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH", "")]))
    CWD = work


def run(argv: list[str]) -> tuple[float, str]:
    """Seconds a command took, and its standard output; exits with its output when it fails."""
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=ENV, cwd=CWD)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return time.perf_counter() - start, result.stdout


def touch_first_chapter(folder: Path) -> None:
    first = chapters(folder)[0]
    nb = nbformat.read(first, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"Benchmark edit {time.time_ns()}."))
    nbformat.write(nb, first)


# --- the three tools -------------------------------------------------------------------------------------------
def ours(notebooks: Path, out: Path, jobs: int) -> tuple[float, str]:
    """Also says how many chapters ran: the cache key covers the package, so editing it re-runs everything."""
    code = (
        "import sys; from pathlib import Path; from flytekit_deploy.wiki import build_site; "
        f"r = build_site(Path(sys.argv[1]), Path(sys.argv[2]), jobs={jobs}, progress=None); "
        "print(f'{r.executed} executed, {r.cached} cached')"
    )
    seconds, stdout = run([sys.executable, "-c", code, str(notebooks), str(out)])
    return seconds, stdout.strip()


def nbconvert_loop(notebooks: Path, out: Path) -> tuple[float, str]:
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    start = time.perf_counter()
    for notebook in chapters(notebooks):
        run([jupyter, "nbconvert", "--execute", "--to", "html", "--output-dir", str(out), str(notebook)])
    return time.perf_counter() - start, "no cache: every notebook runs"


def jupyter_book_env(work: Path) -> Path:
    """A venv with ``jupyter-book<2`` that also sees this project's site-packages (after its own)."""
    venv = work / "jb-venv"
    jb = venv / "bin" / "jupyter-book"
    if not jb.exists():
        print("installing jupyter-book<2 into", venv, "(once per work folder)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "-q", "jupyter-book<2"], check=True)
        ours_site = sysconfig.get_paths()["purelib"]
        theirs = subprocess.run(
            [str(venv / "bin/python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        Path(theirs, "zz_flytekit_deploy_parent.pth").write_text(f"import site; site.addsitedir({ours_site!r})\n")
    return jb


def jupyter_book_project(notebooks: Path) -> None:
    """Turn a notebooks copy into a Jupyter Book project: chapters in our order, always executed."""
    names = [path.stem for path in chapters(notebooks)]
    toc = {"format": "jb-book", "root": names[0], "chapters": [{"file": name} for name in names[1:]]}
    config = {
        "title": "Flyte deployment wiki",
        "execute": {"execute_notebooks": "force", "timeout": 600},
        "only_build_toc_files": True,
    }
    (notebooks / "_toc.yml").write_text(json.dumps(toc))  # JSON is YAML
    (notebooks / "_config.yml").write_text(json.dumps(config))


def jupyter_book(jb: Path, notebooks: Path, out: Path) -> tuple[float, str]:
    return run([str(jb), "build", str(notebooks), "--path-output", str(out)])[0], "execute_notebooks: force"


# --- driver ----------------------------------------------------------------------------------------------------
def measure(
    name: str, source: Path, work: Path, build: Callable[[Path, Path], tuple[float, str]], round_: int
) -> list[float]:
    """The three scenarios for one tool, on a fresh copy of the notebooks and a fresh output folder."""
    base = work / name / f"round{round_}"
    shutil.rmtree(base, ignore_errors=True)
    notebooks = base / "notebooks"
    shutil.copytree(source, notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "downloads", "_build"))
    if name == "jupyter-book v1":
        jupyter_book_project(notebooks)
    times = []
    if name == "ours":
        shutil.rmtree(work / "diagram-cache", ignore_errors=True)
        ENV["FLYTEKIT_DEPLOY_CACHE"] = str(work / "diagram-cache")
    for scenario in SCENARIOS:
        if scenario == SCENARIOS[2]:
            touch_first_chapter(notebooks)
        seconds, note = build(notebooks, base / "out")
        print(f"  {name:16s} {scenario:32s} {seconds:7.1f} s   {note}", flush=True)
        times.append(seconds)
    if name == "ours":
        seconds, note = build(notebooks, base / "out-elsewhere")
        print(f"  {name:16s} {SHARED_SCENARIO:32s} {seconds:7.1f} s   {note}", flush=True)
        times.append(seconds)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--fixtures", action="store_true", help="use tests/wiki/fixtures")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="rounds, tools alternating; medians are reported")
    parser.add_argument("--no-jupyter-book", action="store_true")
    parser.add_argument("--no-loop", action="store_true", help="skip the nbconvert loop (the slowest side)")
    parser.add_argument("--workdir", type=Path, help="kept between runs (reuses the Jupyter Book venv)")
    args = parser.parse_args()

    source = FIXTURES if args.fixtures else args.notebooks
    if not args.fixtures and not list(source.glob("[0-9]*-*.ipynb")):
        print(f"{source} has no NN-*.ipynb chapters; using the test fixtures")
        source = FIXTURES
    work = args.workdir or Path(tempfile.mkdtemp(prefix="wiki-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{len(chapters(source))} chapters from {source}; work folder {work}")
    snapshot_package(work)

    tools: dict[str, Callable[[Path, Path], tuple[float, str]]] = {"ours": lambda nb, out: ours(nb, out, args.jobs)}
    if not args.no_loop:
        tools["nbconvert loop"] = nbconvert_loop
    if not args.no_jupyter_book:
        jb = jupyter_book_env(work)
        tools["jupyter-book v1"] = lambda nb, out: jupyter_book(jb, nb, out)
    rounds: dict[str, list[list[float]]] = {name: [] for name in tools}
    for round_ in range(args.repeat):
        for name, build in tools.items():
            rounds[name].append(measure(name, source, work, build, round_))
    results = {name: [statistics.median(column) for column in zip(*runs, strict=True)] for name, runs in rounds.items()}

    names = list(results)
    print(f"\n{'seconds' + (f' (median of {args.repeat})' if args.repeat > 1 else ''):36s}", end="")
    print("".join(f"{name:>18s}" for name in names))
    for row, scenario in enumerate([*SCENARIOS, SHARED_SCENARIO]):
        cells = [f"{results[n][row]:18.1f}" if row < len(results[n]) else f"{'—':>18s}" for n in names]
        print(f"{scenario:36s}" + "".join(cells))
    cold = results["ours"][0]
    for other in names[1:]:
        print(f"ours / {other} (cold): {cold / results[other][0]:.2f}")
        print(f"ours / {other} (cold, other folder, diagrams cached): {results['ours'][3] / results[other][0]:.2f}")
    print(f"ours, rebuild with nothing changed: {results['ours'][1]:.2f} s (target <= 1 s)")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
