"""``wiki build --spec``: chapters run against a person's spec, papermill-style, without papermill.

One preset is built in full from the real chapters (every runbook chapter executed, published and checked); the
runbook chapter is executed against every other preset, each written to a spec file as ``flytekit-deploy init``
writes it, so every preset's runbook is known to run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from flytekit_deploy.errors import UserInputError
from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import dump_spec
from flytekit_deploy.wiki import build_site
from flytekit_deploy.wiki.chapters import discover_chapters
from flytekit_deploy.wiki.execute import ExecutionTask, ensure_executed, map_in_pool, notebook_key
from flytekit_deploy.wiki.parameters import INJECTED_TAG, inject_parameters

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
RUNBOOK = NOTEBOOKS / "00-your-deployment.ipynb"
FULL_PRESET = "gke-production"


def _spec_file(folder: Path, preset: str) -> Path:
    path = folder / f"{preset}.yaml"
    path.write_text(dump_spec(get_preset(preset)), encoding="utf-8")
    return path


# ---- injection ---------------------------------------------------------------------------------------------------


def test_injected_cell_follows_the_parameters_cell_and_replaces_an_earlier_one() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("spec = 'sandbox'")]
    nb.cells[1].metadata["tags"] = ["parameters"]
    nb.cells.append(nbformat.v4.new_code_cell("print(spec)"))
    once = inject_parameters(nb, {"spec": "/a.yaml"})
    twice = inject_parameters(once, {"spec": "/b.yaml", "jobs": 2})
    sources = ["".join(c["source"]) for c in twice["cells"]]
    assert sources[1] == "spec = 'sandbox'" and sources[3] == "print(spec)"
    assert sources[2].splitlines()[1:] == ["spec = '/b.yaml'", "jobs = 2"]
    assert [INJECTED_TAG in c["metadata"].get("tags", []) for c in twice["cells"]] == [False, False, True, False]
    nbformat.validate(nbformat.from_dict(twice))
    assert "".join(inject_parameters({"cells": []}, {"x": 1})["cells"][0]["source"]).endswith("x = 1")


def test_values_that_do_not_survive_repr_are_refused() -> None:
    with pytest.raises(ValueError, match="repr"):
        inject_parameters({"cells": []}, {"spec": object()})
    with pytest.raises(ValueError, match="identifier"):
        inject_parameters({"cells": []}, {"not a name": 1})


def test_the_spec_content_is_part_of_the_cache_key(tmp_path: Path) -> None:
    params = {"spec": str(tmp_path / "s.yaml")}
    plain = notebook_key(RUNBOOK, "pkg")[0]
    one = notebook_key(RUNBOOK, "pkg", params, "digest-1")[0]
    assert len({plain, one, notebook_key(RUNBOOK, "pkg", params, "digest-2")[0]}) == 3


def test_chapters_are_split_between_the_preset_wiki_and_the_runbook() -> None:
    wiki = [c.path.name for c in discover_chapters(NOTEBOOKS)]
    runbook = [c.path.name for c in discover_chapters(NOTEBOOKS, runbook=True)]
    assert "00-your-deployment.ipynb" not in wiki, "the default build documents the presets as before"
    assert runbook[0] == "00-your-deployment.ipynb"
    assert "05-aws.ipynb" in wiki and "05-aws.ipynb" not in runbook, "preset chapters stay out of a runbook"
    assert "11-troubleshooting.ipynb" in runbook
    assert [c.takes_parameters for c in discover_chapters(NOTEBOOKS, runbook=True)][0]


def test_a_bad_spec_stops_the_build_before_anything_runs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: multi-cluster\nchart: flyte-binary\nenvironment: aws\nnope: 1\n")
    with pytest.raises(UserInputError) as caught:
        build_site(NOTEBOOKS, tmp_path / "site", spec=bad, progress=None)
    assert "nope" in caught.value.render()
    with pytest.raises(UserInputError, match="neither a spec file nor a preset"):
        build_site(NOTEBOOKS, tmp_path / "site", spec=tmp_path / "missing.yaml", progress=None)
    assert not (tmp_path / "site").exists()
    result = subprocess.run(
        [sys.executable, "-m", "flytekit_deploy.cli", "wiki", "build", "--spec", str(bad), "-o", str(tmp_path / "s")],
        capture_output=True, text=True, timeout=120, cwd=NOTEBOOKS.parent,
    )  # fmt: skip
    assert result.returncode == 2 and "nope" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "s").exists()


# ---- executed against every preset -------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_runbook_chapter_runs_for_every_other_preset(tmp_path: Path) -> None:
    tasks = []
    for preset in PRESETS:
        if preset == FULL_PRESET:
            continue
        spec = _spec_file(tmp_path, preset)
        params = {"spec": str(spec)}
        key, kernel = notebook_key(RUNBOOK, "test", params, preset)
        tasks.append(
            ExecutionTask(
                notebook=RUNBOOK,
                key=key,
                kernel_name=kernel,
                entry_dir=tmp_path / "cache" / preset,
                downloads_dir=tmp_path / "downloads" / preset,
                parameters=tuple(params.items()),
            )
        )
    results = list(map_in_pool(ensure_executed, tasks, jobs=2))
    assert len(results) == len(PRESETS) - 1 and all(r.executed for r in results)
    for task in tasks:
        preset = task.entry_dir.name
        nb = nbformat.read(task.entry_dir / "executed.ipynb", as_version=4)
        text = json.dumps([c.get("outputs", []) for c in nb.cells])
        name = get_preset(preset).name
        assert f"{preset}.yaml" in "".join(nb.cells[2].source), "the injected cell names the spec file"
        assert name in text and "helm upgrade --install" in text, preset
        assert (task.downloads_dir / "spec.yaml").read_text() == dump_spec(get_preset(preset)), preset


@pytest.mark.slow
def test_a_full_runbook_site_describes_the_given_deployment(tmp_path: Path) -> None:
    spec = _spec_file(tmp_path, FULL_PRESET)
    report = build_site(NOTEBOOKS, tmp_path / "site", spec=spec, progress=None, jobs=2)
    site = report.site
    names = sorted(p.name for p in site.glob("[0-9]*.html"))
    assert names == [c.html_name for c in discover_chapters(NOTEBOOKS, runbook=True)]
    assert report.warnings == [], report.warnings
    page = BeautifulSoup((site / "00-your-deployment.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text().rstrip("¶") for h in page.find_all("h2")]
    for wanted in ("Architecture", "Prerequisites", "Secrets", "Install steps", "Values", "Doctor findings",
                   "Troubleshooting"):  # fmt: skip
        assert wanted in headings, headings
    text = page.get_text(" ")
    assert "gcp (GKE)" in text and "Cloud SQL PostgreSQL" in text and "values-flyte-core.yaml" in text
    assert len(page.select("figure.fd-mermaid > svg")) == 1
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"{get_preset(FULL_PRESET).name}: Flyte deployment runbook" in index
    published = json.loads((site / "notebooks" / "00-your-deployment.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in published["cells"] if INJECTED_TAG in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and str(spec.resolve()) in "".join(injected[0]["source"])
    again = build_site(NOTEBOOKS, site, spec=spec, progress=None)
    assert again.executed == 0, "an unchanged spec is a cached rebuild"
    spec.write_text(spec.read_text() + "namespace: flyte-prod\n", encoding="utf-8")
    changed = build_site(NOTEBOOKS, site, spec=spec, progress=None)
    assert changed.executed == sum(c.takes_parameters for c in discover_chapters(NOTEBOOKS, runbook=True))
