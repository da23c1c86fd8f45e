"""Fast checks of the wiki's parts: chapter order, cache keys, SVG ids, widget snapshots, downloads, CLI, server."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import nbformat
import pytest

from flytekit_deploy.errors import UserInputError
from flytekit_deploy.wiki.chapters import discover_chapters, notebook_title
from flytekit_deploy.wiki.downloads import DOWNLOADS_ENV, offer_download
from flytekit_deploy.wiki.execute import notebook_key
from flytekit_deploy.wiki.mermaid import inline_svg
from flytekit_deploy.wiki.widget_snapshot import (
    WIDGET_STATE_MIME,
    WIDGET_VIEW_MIME,
    displayed_widget_state,
    render_widget_output,
)


def _write_nb(path: Path, *cells: nbformat.NotebookNode) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = list(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# --- chapters --------------------------------------------------------------------------------------------------
def test_chapters_sorted_by_number_with_titles(tmp_path: Path) -> None:
    md = nbformat.v4.new_markdown_cell
    _write_nb(tmp_path / "10-late.ipynb", md("# The `late` [chapter](x.ipynb)"))
    _write_nb(tmp_path / "2-early.ipynb", md("Intro first\n\n# Early **one**"))
    _write_nb(tmp_path / "03-no-heading.ipynb", md("## only a subheading"))
    _write_nb(tmp_path / "scratch.ipynb", md("# Not a chapter"))
    chapters = discover_chapters(tmp_path)
    assert [c.path.name for c in chapters] == ["2-early.ipynb", "03-no-heading.ipynb", "10-late.ipynb"]
    assert [c.title for c in chapters] == ["Early one", "No heading", "The late chapter"]
    assert chapters[0].html_name == "2-early.html"


def test_title_falls_back_when_no_markdown() -> None:
    assert notebook_title([{"cell_type": "code", "source": "# comment"}], "Fallback") == "Fallback"


def test_chapter_problems_are_user_input_errors(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="no chapter notebooks"):
        discover_chapters(tmp_path)
    (tmp_path / "01-broken.ipynb").write_text("{not json")
    with pytest.raises(UserInputError, match="not a readable notebook"):
        discover_chapters(tmp_path)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"name": "package.json", "version": "1.0"}', "no nbformat 4"),
        ("[1, 2, 3]", "top level is a list"),
        ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {}}', "no list of cells"),
        ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "x"}]}', "cell 1"),
    ],
)
def test_valid_json_that_is_no_notebook_is_named_and_exits_2(tmp_path: Path, text: str, why: str) -> None:
    """The build stops before any worker starts, naming the file; the CLI exits 2 and writes no site."""
    import subprocess
    import sys

    path = tmp_path / "nb" / "01-settings.ipynb"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(UserInputError, match=why) as caught:
        discover_chapters(path.parent)
    assert str(path) in caught.value.render()
    assert "not a Jupyter notebook" in caught.value.render() or "not a readable" in caught.value.render()
    result = subprocess.run(
        [sys.executable, "-m", "flytekit_deploy.cli", "wiki", "build", "--notebooks", str(path.parent), "-o",
         str(tmp_path / "site")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "01-settings.ipynb" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3
    assert not (tmp_path / "site").exists()


# --- cache key -------------------------------------------------------------------------------------------------
def test_cache_key_follows_sources_not_outputs(tmp_path: Path) -> None:
    path = _write_nb(tmp_path / "01-a.ipynb", nbformat.v4.new_code_cell("print(1)"))
    key, kernel = notebook_key(path, "pkg")
    assert kernel == "python3"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nb.cells[0].execution_count = 1
    nbformat.write(nb, path)
    assert notebook_key(path, "pkg")[0] == key, "saving outputs does not invalidate the cache"
    assert notebook_key(path, "pkg2")[0] != key, "a package change does"
    nb.cells[0].source = "print(2)"
    nbformat.write(nb, path)
    assert notebook_key(path, "pkg")[0] != key, "a source change does"


# --- inline SVG ------------------------------------------------------------------------------------------------
def test_inline_svg_drops_prolog_and_renames_ids() -> None:
    svg = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        "<!-- Generated by graphviz -->\n"
        '<svg id="my-svg" xmlns="http://www.w3.org/2000/svg"><style>#my-svg .node{fill:red}</style>'
        '<marker id="my-svg_arrow"/><path marker-end="url(#my-svg_arrow)"/><text>not-my-svg-text</text></svg>'
    )
    out = inline_svg(svg, "fd-1")
    assert out.startswith("<svg") and "DOCTYPE" not in out and "<?xml" not in out
    assert 'id="fd-1"' in out and "#fd-1 .node" in out and 'id="fd-1_arrow"' in out and "url(#fd-1_arrow)" in out
    assert "not-my-svg-text" in out, "ids inside other words are left alone"
    assert inline_svg("<svg><g/></svg>", "x") == "<svg><g/></svg>"


# --- widget snapshot -------------------------------------------------------------------------------------------
def _model(name: str, **state: object) -> dict:
    return {"model_name": f"{name}Model", "model_module": "@jupyter-widgets/controls", "state": state}


def test_widget_snapshot_renders_saved_state_as_html() -> None:
    models = {
        "box": _model("VBox", children=["IPY_MODEL_s", "IPY_MODEL_d", "IPY_MODEL_o", "IPY_MODEL_c", "IPY_MODEL_t"]),
        "s": _model("IntSlider", value=7, min=0, max=10, step=1, description="Replicas", readout_format="d"),
        "d": _model("Dropdown", _options_labels=["eks", "gke"], index=1, description="Cloud"),
        "o": {"model_name": "OutputModel", "state": {"outputs": [{"output_type": "stream", "text": "hi <there>"}]}},
        "c": _model("Checkbox", value=True, description="TLS"),
        "t": _model("Tab", children=["IPY_MODEL_x"], titles=["Advanced"], selected_index=0),
        "x": {"model_name": "MapModel", "model_module": "ipyleaflet", "state": {"value": 3}},
        "hidden": _model("Label", value="never shown"),
    }
    metadata = {"widgets": {WIDGET_STATE_MIME: {"state": models, "version_major": 2, "version_minor": 0}}}
    output = {"output_type": "display_data", "data": {WIDGET_VIEW_MIME: {"model_id": "box"}}}
    html = render_widget_output(output, metadata, lambda outs: "<pre>hi &lt;there&gt;</pre>")
    assert 'type="range"' in html and 'value="7"' in html and ">7</output>" in html
    assert "<option selected>gke</option>" in html and "Cloud" in html
    assert "hi &lt;there&gt;" in html
    assert 'type="checkbox" disabled checked' in html
    assert "<details open><summary>Advanced</summary>" in html
    assert "Map widget" in html and "interactive in JupyterLab only" in html
    assert "never shown" not in html
    assert "<script" not in html


def test_only_displayed_widget_state_is_kept() -> None:
    models = {
        "box": _model("VBox", children=["IPY_MODEL_s", "IPY_MODEL_out"], layout="IPY_MODEL_lay"),
        "s": _model("IntSlider", value=1),
        "lay": {"model_name": "LayoutModel", "state": {}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [{"data": {WIDGET_VIEW_MIME: {"model_id": "in"}}}]}},
        "in": _model("Label", value="inside an Output widget"),
        "closed": _model("Text", value="never displayed"),
    }
    metadata = {"widgets": {WIDGET_STATE_MIME: {"state": models, "version_major": 2, "version_minor": 0}}}
    cells = [{"outputs": [{"output_type": "display_data", "data": {WIDGET_VIEW_MIME: {"model_id": "box"}}}]}]
    kept = displayed_widget_state(metadata, cells)
    assert kept is not None and kept["version_major"] == 2
    assert set(kept["state"]) == {"box", "s", "lay", "out", "in"}
    assert displayed_widget_state(metadata, [{"outputs": []}]) is None


def test_widget_snapshot_falls_back_to_text_without_state() -> None:
    output = {"data": {WIDGET_VIEW_MIME: {"model_id": "gone"}, "text/plain": "IntSlider(value=1)"}}
    assert render_widget_output(output, {}, lambda outs: "") == '<pre class="fd-w-missing">IntSlider(value=1)</pre>'


# --- downloads -------------------------------------------------------------------------------------------------
def test_offer_download_writes_into_the_chapter_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DOWNLOADS_ENV, str(tmp_path / "site" / "downloads" / "04-values"))
    link = offer_download("values-eks.yaml", "a: 1\n")
    assert (tmp_path / "site/downloads/04-values/values-eks.yaml").read_text() == "a: 1\n"
    assert 'href="downloads/04-values/values-eks.yaml"' in link.data and "download=" in link.data


def test_offer_download_interactive_uses_local_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DOWNLOADS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    link = offer_download("values.yaml", "b: 2\n")
    assert (tmp_path / "downloads/values.yaml").read_text() == "b: 2\n"
    assert 'href="downloads/values.yaml"' in link.data


@pytest.mark.parametrize("name", ["", "../x.yaml", "a/b.yaml", ".hidden", ".."])
def test_offer_download_rejects_paths(name: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        offer_download(name, "x")


# --- CLI and server --------------------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    from flytekit_deploy.cli.wiki import register

    parser = argparse.ArgumentParser(prog="flytekit-deploy")
    register(parser.add_subparsers(dest="command"))
    return parser


def test_commands_parse_build_and_serve() -> None:
    args = _parser().parse_args(["wiki", "build", "-o", "out", "--notebooks", "nb", "--jobs", "3", "--force"])
    assert (args.output, args.notebooks, args.jobs, args.force, args.rerun) == (Path("out"), Path("nb"), 3, True, False)
    assert args.handler.__name__ == "build"
    defaults = _parser().parse_args(["wiki", "build"])
    assert (defaults.output, defaults.notebooks, defaults.jobs) == (Path("docs/_build/site"), Path("notebooks"), 2)
    serve = _parser().parse_args(["wiki", "serve", "-d", "site", "--port", "8123"])
    assert (serve.directory, serve.port, serve.handler.__name__) == (Path("site"), 8123, "serve")
    with pytest.raises(SystemExit):
        _parser().parse_args(["wiki", "build", "--jobs", "0"])


def test_build_handler_reports_missing_notebooks_as_user_input(tmp_path: Path) -> None:
    args = _parser().parse_args(["wiki", "build", "--notebooks", str(tmp_path / "none"), "-o", str(tmp_path / "s")])
    with pytest.raises(UserInputError) as caught:
        args.handler(args)
    assert caught.value.problems[0].fix


def test_importing_commands_does_not_import_the_jupyter_stack() -> None:
    code = (
        "import sys, json, flytekit_deploy.cli, flytekit_deploy.wiki\n"
        "heavy = {'nbconvert', 'nbclient', 'ipywidgets', 'IPython', 'nbformat', 'mermaidx', 'bs4'}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


def test_server_serves_the_site_on_loopback(tmp_path: Path) -> None:
    from flytekit_deploy.wiki.serve import make_server

    (tmp_path / "index.html").write_text("<h1>wiki</h1>")
    server = make_server(tmp_path)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5) as response:
            assert response.read() == b"<h1>wiki</h1>"
    finally:
        server.shutdown()
        server.server_close()


def test_server_refuses_a_folder_without_a_site(tmp_path: Path) -> None:
    from flytekit_deploy.wiki.serve import make_server

    with pytest.raises(UserInputError, match="not a built wiki"):
        make_server(tmp_path)


# --- prose-only builds (no kernel is started) ------------------------------------------------------------------
def test_local_files_are_copied_and_unknown_notebooks_warned(tmp_path: Path) -> None:
    from flytekit_deploy.wiki import build_site

    md = nbformat.v4.new_markdown_cell
    (tmp_path / "nb/specs").mkdir(parents=True)
    (tmp_path / "nb/specs/eks.yaml").write_text("cloud: eks\n")
    text = "# A\n\n[spec](specs/eks.yaml) and [draft](draft.ipynb) ![logo](https://example.org/logo.png)"
    _write_nb(tmp_path / "nb/01-a.ipynb", md(text))
    report = build_site(tmp_path / "nb", tmp_path / "site", progress=None)
    assert (report.executed, report.cached) == (1, 0)
    assert (tmp_path / "site/files/specs/eks.yaml").read_text() == "cloud: eks\n"
    assert 'href="files/specs/eks.yaml"' in (tmp_path / "site/01-a.html").read_text()
    assert report.warnings == [
        "01-a.ipynb links to draft.ipynb, which is not a chapter (NN-name.ipynb)",
        "01-a.ipynb: <img> loads https://example.org/logo.png from outside the site (fails offline)",
    ]


@pytest.mark.slow  # real mermaid
def test_broken_mermaid_names_the_notebook_and_diagram(tmp_path: Path) -> None:
    pytest.importorskip("mermaidx")
    from flytekit_deploy.wiki import build_site

    md = nbformat.v4.new_markdown_cell
    _write_nb(tmp_path / "nb/01-a.ipynb", md("# A\n\n```mermaid\nflowchart LR; a-->>>\n```"))
    with pytest.raises(UserInputError) as caught:
        build_site(tmp_path / "nb", tmp_path / "site", progress=None)
    problem = caught.value.problems[0]
    assert problem.path == "01-a.ipynb: mermaid diagram 1 (flowchart LR; a-->>>)"
    assert "Parse error" in problem.message
    assert not (tmp_path / "site").exists()


def test_a_kernel_that_never_answers_is_started_once_more(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from flytekit_deploy.wiki import execute

    calls: list[int] = []

    def flaky(task):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise execute._KernelNeverAnswered("")
        return "executed"

    monkeypatch.setattr(execute, "_run_once", flaky)
    task = execute.ExecutionTask(
        notebook=tmp_path / "01-x.ipynb",
        key="k",
        kernel_name="python3",
        entry_dir=tmp_path / "e",
        downloads_dir=tmp_path,
    )
    assert execute._run(task) == "executed"
    assert len(calls) == 2


def test_a_kernel_that_never_answers_twice_is_a_clear_error(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from flytekit_deploy.wiki import execute

    def silent(task):  # type: ignore[no-untyped-def]
        raise execute._KernelNeverAnswered("Address already in use")

    monkeypatch.setattr(execute, "_run_once", silent)
    task = execute.ExecutionTask(
        notebook=tmp_path / "01-x.ipynb",
        key="k",
        kernel_name="python3",
        entry_dir=tmp_path / "e",
        downloads_dir=tmp_path,
    )
    with pytest.raises(execute.NotebookError) as caught:
        execute._run(task)
    (problem,) = caught.value.problems
    assert problem.path == "01-x.ipynb"
    assert "did not answer" in problem.message and "Address already in use" in problem.message


def test_a_repeated_heading_id_is_renumbered_with_its_anchor() -> None:
    """Chapter 12's title and first section were both ``Multi-cluster-deployment``: links jumped to the title."""
    from bs4 import BeautifulSoup

    from flytekit_deploy.wiki.postprocess import _number_headings

    html = (
        '<main><h1 id="A">A<a class="anchor-link" href="#A">¶</a></h1>'
        '<h3 id="A">A<a class="anchor-link" href="#A">¶</a></h3><h3 id="A-2">A 2</h3></main>'
    )
    main = BeautifulSoup(html, "html.parser").main
    headings = _number_headings(main)
    ids = [tag["id"] for tag in main.find_all(id=True)]
    assert len(ids) == len(set(ids)) == 3
    assert headings[0][1] == "A-3" and main.find(id="A-3").a["href"] == "#A-3"
