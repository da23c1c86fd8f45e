"""End-to-end builds of the fixture chapters: cache, links, search index, offline-ness, safety of the output."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from flytekit_deploy.errors import OutputConflictError, UserInputError
from flytekit_deploy.wiki import build_site
from flytekit_deploy.wiki.build import MARKER_NAME
from flytekit_deploy.wiki.execute import NotebookError

pytestmark = pytest.mark.slow

CHAPTERS = ["01-intro.html", "02-other.html", "03-downloads.html"]


class _Refs(HTMLParser):
    """Every URL-bearing attribute, with the tag it sits on and whether it is inside rendered prose."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str, bool]] = []
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        prose = "jp-RenderedMarkdown" in classes or (bool(self._stack) and self._stack[-1])
        if tag not in {"br", "img", "input", "link", "meta", "hr", "source", "path", "rect", "circle"}:
            self._stack.append(prose)
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "action", "data", "poster"} and value:
                self.refs.append((tag, name, value, prose))

    def handle_endtag(self, tag: str) -> None:
        if self._stack and tag not in {"br", "img", "input", "link", "meta", "hr", "source"}:
            self._stack.pop()


def _refs(html: str) -> list[tuple[str, str, str, bool]]:
    parser = _Refs()
    parser.feed(html)
    return parser.refs


def _search_index(site: Path) -> dict:
    text = (site / "search-index.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"window\.FLYTE_WIKI_SEARCH = (.*);\n", text, re.S)
    assert match, "search-index.js must assign the global"
    return json.loads(match.group(1))


def test_cold_build_executes_every_chapter(built_wiki) -> None:
    _, site, report, messages = built_wiki
    assert (report.executed, report.cached) == (3, 0)
    assert [p.name for p in report.pages] == ["index.html", *CHAPTERS]
    assert all(p.is_file() for p in report.pages)
    assert (site / MARKER_NAME).is_file()
    assert messages[-1].endswith((site / "index.html").as_uri()), "progress ends with where the site is"
    assert report.warnings == []


def test_pages_have_shell_toc_and_prev_next(built_wiki) -> None:
    _, site, _, _ = built_wiki
    intro = BeautifulSoup((site / "01-intro.html").read_text(encoding="utf-8"), "html.parser")
    assert intro.title is not None and intro.title.string == "Introduction · Flyte deployment wiki"
    current = intro.select_one("#fd-sidebar a[aria-current=page]")
    assert current is not None and current.get_text() == "Introduction"
    assert [a["href"] for a in intro.select("aside.fd-toc a")] == ["#Architecture", "#Generated-diagram"]
    assert intro.select_one("a[rel=next]")["href"] == "02-other.html"
    assert intro.select_one("a[rel=prev]")["href"] == "index.html"
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    listed = [(a["href"], a.get_text()) for a in home.select(".fd-chapters > li > a:not(.fd-notebook-link)")]
    assert listed == list(zip(CHAPTERS, ["Introduction", "Other chapter", "Downloads"], strict=True))
    notebooks = [a["href"] for a in home.select(".fd-chapters > li > a.fd-notebook-link")]
    assert notebooks == [f"notebooks/{name.replace('.html', '.ipynb')}" for name in CHAPTERS]
    assert all((site / href).is_file() for href in notebooks), "the index offers every chapter's notebook"
    page_link = intro.select_one(".fd-source a.fd-notebook-link")
    assert page_link is not None and page_link["href"] == "notebooks/01-intro.ipynb"
    committed = json.loads((site / "notebooks" / "01-intro.ipynb").read_text(encoding="utf-8"))
    assert all(c.get("outputs", []) == [] for c in committed["cells"]), "the download is the notebook as written"
    assert "aurora" in home.get_text(), "the contents page shows each chapter's first paragraph"


def test_links_between_chapters_point_to_pages(built_wiki) -> None:
    _, site, _, _ = built_wiki
    hrefs = {value for page in CHAPTERS for _, name, value, _ in _refs((site / page).read_text()) if name == "href"}
    assert {"02-other.html", "02-other.html#Details", "01-intro.html", "01-intro.html#Architecture"} <= hrefs
    assert not [h for h in hrefs if ".ipynb" in h and not h.startswith("notebooks/")], "only downloads name notebooks"


def test_mermaid_fences_become_inline_svg(built_wiki) -> None:
    _, site, report, _ = built_wiki
    intro = (site / "01-intro.html").read_text(encoding="utf-8")
    assert 'class="jp-Mermaid"' not in intro and '<pre class="mermaid"' not in intro
    soup = BeautifulSoup(intro, "html.parser")
    figures = [svg["id"] for svg in soup.select("figure.fd-mermaid > svg")]
    assert len(figures) == 2, "one from the markdown cell, one from a text/markdown output"
    assert len(set(figures)) == 2 and "my-svg" not in intro, "each diagram has its own ids"
    assert "flyteadmin" in intro and "flytepropeller" in intro
    other = (site / "02-other.html").read_text(encoding="utf-8")
    raw = BeautifulSoup(other, "html.parser").select("figure.fd-mermaid > svg")
    assert len(raw) == 1 and "webhook" in str(raw[0]), "a text/vnd.mermaid output is drawn too"
    assert report.diagrams_rendered == 3
    inline = BeautifulSoup(other, "html.parser").select(".jp-RenderedSVG > svg")
    assert len(inline) == 1 and inline[0]["id"].startswith("fd-svg-"), "SVG output inline, with its own id"


def test_widget_state_is_kept_and_rendered_without_javascript(built_wiki) -> None:
    _, site, _, _ = built_wiki
    other = (site / "02-other.html").read_text(encoding="utf-8")
    slider = BeautifulSoup(other, "html.parser").select_one(".fd-widget input[type=range]")
    assert slider is not None and slider["value"] == "3" and slider.has_attr("disabled")
    assert "Replicas" in other and 'class="fd-widget"' in other
    assert 'type="application/vnd.jupyter.widget-state+json"' in other, "saved state stays embedded"
    assert "embed-amd" not in other and "require" not in other.lower().replace("required", "")


def test_download_is_offered_and_linked(built_wiki) -> None:
    _, site, _, _ = built_wiki
    assert (site / "downloads/03-downloads/values.yaml").read_text() == "replicas: 3\n"
    page = (site / "03-downloads.html").read_text(encoding="utf-8")
    assert 'href="downloads/03-downloads/values.yaml"' in page


def test_search_index_holds_terms_of_every_chapter(built_wiki) -> None:
    _, site, _, _ = built_wiki
    index = _search_index(site)
    assert [p[0] for p in index["pages"]] == CHAPTERS
    by_page: dict[str, str] = {}
    for page, _anchor, heading, text in index["sections"]:
        by_page[index["pages"][page][0]] = by_page.get(index["pages"][page][0], "") + f" {heading} {text}"
    assert "aurora" in by_page["01-intro.html"] and "aurora" not in by_page["02-other.html"]
    assert "marmalade" in by_page["02-other.html"]
    assert "quokka" in by_page["03-downloads.html"]
    assert "flytepropeller" in by_page["01-intro.html"], "code outputs are searchable"
    anchors = {anchor for _, anchor, _, _ in index["sections"]}
    assert {"Architecture", "Details"} <= anchors


def test_nothing_is_loaded_from_outside_the_site(built_wiki) -> None:
    _, site, _, _ = built_wiki
    for page in ["index.html", *CHAPTERS]:
        html = (site / page).read_text(encoding="utf-8")
        for tag, name, value, prose in _refs(html):
            external = re.match(r"^(https?:)?//", value)
            if external:
                assert tag == "a" and name == "href" and prose, f"{page}: <{tag} {name}={value}> leaves the site"
        for needle in ("require.js", "mathjax", "cdnjs", "unpkg", "jsdelivr", "mermaid.esm"):
            assert needle not in html.lower(), f"{page} mentions {needle}"
    assert "https://docs.flyte.org/" in (site / "01-intro.html").read_text(), "prose links are kept"


def test_rebuild_uses_the_cache_and_reruns_only_a_changed_chapter(
    built_wiki, fixture_copy, pinned_package, tmp_path: Path
) -> None:
    _, site, _, _ = built_wiki
    notebooks = fixture_copy(tmp_path / "notebooks")
    out = tmp_path / "site"
    shutil.copytree(site, out)

    again = build_site(notebooks, out, progress=None)
    assert (again.executed, again.cached, again.pages_reused, again.diagrams_rendered) == (0, 3, 3, 0)
    assert (out / "downloads/03-downloads/values.yaml").is_file(), "downloads come back from the cache"
    assert (out / "02-other.html").read_text() == (site / "02-other.html").read_text()

    path = notebooks / "02-other.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += " Now with kumquat."
    nbformat.write(nb, path)
    changed = build_site(notebooks, out, progress=None)
    assert (changed.executed, changed.cached, changed.pages_reused) == (1, 2, 2)
    assert "kumquat" in (out / "02-other.html").read_text()
    assert "kumquat" in (out / "search-index.js").read_text()

    nb.cells[0].source = nb.cells[0].source.replace("# Other chapter", "# Renamed chapter")
    nbformat.write(nb, path)
    renamed = build_site(notebooks, out, progress=None)
    assert (renamed.executed, renamed.cached, renamed.pages_reused) == (1, 2, 0), "navigation changed everywhere"
    assert "Renamed chapter" in (out / "01-intro.html").read_text()


def test_rerun_ignores_the_cache(built_wiki, fixture_copy, pinned_package, tmp_path: Path) -> None:
    _, site, _, _ = built_wiki
    out = tmp_path / "site"
    shutil.copytree(site, out)
    report = build_site(fixture_copy(tmp_path / "notebooks"), out, progress=None, rerun=True, jobs=2)
    assert (report.executed, report.cached, report.pages_reused) == (3, 0, 0)


def _one_chapter(folder: Path, *cells: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Only chapter\n\nText.")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, folder / "01-only.ipynb")
    return folder


def test_failing_cell_names_notebook_and_cell_and_keeps_the_old_site(pinned_package, tmp_path: Path) -> None:
    notebooks = _one_chapter(tmp_path / "nb")
    out = tmp_path / "site"
    build_site(notebooks, out, progress=None)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    _one_chapter(tmp_path / "nb", "x = 1", "y = 2\nraise ValueError('bad replica count')")
    more = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# More")])
    nbformat.write(more, notebooks / "02-more.ipynb")
    with pytest.raises(NotebookError) as caught:  # two chapters, two workers: the error crosses processes
        build_site(notebooks, out, progress=None, jobs=2)
    problem = caught.value.problems[0]
    assert problem.path == "01-only.ipynb: cell 3, line 2 (raise ValueError('bad replica count'))"
    assert problem.message == "ValueError: bad replica count"
    assert "Traceback" not in str(caught.value) and "\x1b[" not in str(caught.value)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name], "staging folder cleaned up"


def test_refuses_a_folder_that_is_not_a_wiki_build(tmp_path: Path) -> None:
    notebooks = _one_chapter(tmp_path / "nb")
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputConflictError):
        build_site(notebooks, out, progress=None)
    assert (out / "notes.txt").read_text() == "mine"
    report = build_site(notebooks, out, progress=None, force=True)
    assert report.index.is_file()
    assert (tmp_path / "docs.bak" / "notes.txt").read_text() == "mine", "forced: the old folder is kept aside"


def test_refuses_an_output_folder_holding_the_notebooks(tmp_path: Path) -> None:
    notebooks = _one_chapter(tmp_path / "project" / "notebooks")
    with pytest.raises(UserInputError, match="contains the notebooks"):
        build_site(notebooks, tmp_path / "project", progress=None, force=True)


def test_missing_notebooks_folder_is_user_input_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="notebooks folder not found"):
        build_site(tmp_path / "nope", tmp_path / "site", progress=None)


def test_ctrl_c_prints_one_line_and_keeps_the_old_site(pinned_package, tmp_path: Path) -> None:
    """SIGINT to the whole process group (what a terminal's Ctrl-C does) while a cell runs: exit 130, one line on
    stderr, no traceback from the parent or the workers, the earlier site byte for byte, no staging left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    notebooks = _one_chapter(tmp_path / "nb")
    out = tmp_path / "site"
    build_site(notebooks, out, progress=None)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    _one_chapter(tmp_path / "nb", "import time\nprint('started', flush=True)\ntime.sleep(120)")
    process = subprocess.Popen(
        [sys.executable, "-m", "flytekit_deploy.cli", "wiki", "build", "--notebooks", str(notebooks), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not list(tmp_path.glob(".site.staging-*/.cache/notebooks")):
            time.sleep(0.2)
        time.sleep(4)  # the worker has started the kernel and the sleeping cell
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines() == [f"wiki: interrupted; the site at {out} is unchanged"]
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name or ".old-" in p.name]


def test_diagrams_are_shared_across_output_folders(built_wiki, fixture_copy, pinned_package, tmp_path: Path) -> None:
    """The diagram cache is content-addressed and shared: a build into another folder renders nothing again."""
    from flytekit_deploy.wiki.mermaid import shared_cache_dir

    shared = shared_cache_dir()
    assert shared is not None and len(list(shared.glob("*.svg"))) >= 3
    notebooks = fixture_copy(tmp_path / "nb")
    report = build_site(notebooks, tmp_path / "elsewhere", progress=None)
    assert report.executed == 3 and report.diagrams_rendered == 0
