"""The real wiki: every chapter of notebooks/ built into a site and opened in Chromium from file://.

The fixture chapters prove the pipeline; this proves the published wiki itself (issue 14's "done when"): every page
stays offline and logs no error; at 1280 px no diagram is wider than its column, no label is below 10 px at fit,
no line break is lost, and in the dark theme the diagrams go dark; every link and download (values files and the
page's notebook) resolves; ids are unique and no link points at a placeholder; search puts the AWS chapter first
for "IRSA".
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LOCAL_SCHEMES = ("data:", "blob:", "about:")
ENVIRONMENT_PAGES = ["04-sandbox.html", "05-aws.html", "06-gcp.html", "07-azure.html", "12-multi-cluster.html"]


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flytekit_deploy.wiki import build_site

    site = tmp_path_factory.mktemp("real-wiki") / "site"
    report = build_site(NOTEBOOKS, site, jobs=2, progress=None)
    from flytekit_deploy.wiki.chapters import discover_chapters

    assert len(report.pages) == len(discover_chapters(NOTEBOOKS)) + 1  # and index.html
    assert report.warnings == []
    return site


def _pages(site: Path) -> list[str]:
    return sorted(p.name for p in site.glob("*.html"))


def test_every_page_is_offline_error_free_and_draws_its_diagrams(browser, real_site: Path) -> None:  # type: ignore[no-untyped-def]
    base = real_site.as_uri() + "/"
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    diagrams = 0
    try:
        for name in _pages(real_site):
            page.goto(base + name)
            page.wait_for_load_state("load")
            assert page.locator("pre.mermaid, .jp-Mermaid").count() == 0, f"{name}: unrendered mermaid"
            figures = page.locator("figure.fd-mermaid")
            for i in range(figures.count()):
                svg = figures.nth(i).locator(".fd-diagram-frame > svg")
                assert svg.count() == 1, f"{name}: diagram {i + 1} is not an <svg>"
            diagrams += figures.count()
    finally:
        context.close()
    outside = [url for url in requests if not url.startswith(base) and not url.startswith(LOCAL_SCHEMES)]
    assert outside == [], f"requests left the site: {outside[:5]}"
    assert errors == [], errors[:5]
    assert diagrams >= 8  # architecture, options, helm process, sandbox, AWS, GCP, Azure, multi-cluster at least


def test_every_internal_link_and_download_resolves(browser, real_site: Path) -> None:  # type: ignore[no-untyped-def]
    base = real_site.as_uri() + "/"
    context = browser.new_context()
    page = context.new_page()
    try:
        downloads: dict[str, int] = {}
        for name in _pages(real_site):
            page.goto(base + name)
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
            for href in hrefs:
                if not href.startswith(base):
                    continue
                target = unquote(urlparse(urldefrag(href)[0]).path)
                assert Path(target).is_file(), f"{name} -> {href}: no such file"
                if "/downloads/" in target:
                    downloads[name] = downloads.get(name, 0) + 1
        for name in ENVIRONMENT_PAGES:
            assert downloads.get(name, 0) >= 1, f"{name} offers no values file to download"
    finally:
        context.close()


def test_search_reaches_another_chapter(browser, real_site: Path) -> None:  # type: ignore[no-untyped-def]
    base = real_site.as_uri() + "/"
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(base + "01-architecture.html")
        page.locator("#fd-search-input").click()
        page.locator("#fd-search-input").press_sequentially("abfs", delay=20)
        results = page.locator("#fd-search-results a")
        results.first.wait_for(state="visible", timeout=10_000)
        hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
        assert any(h.startswith("07-azure.html") for h in hrefs), hrefs
    finally:
        context.close()


def test_diagrams_are_legible_at_page_width_in_both_themes(browser, real_site: Path) -> None:  # type: ignore[no-untyped-def]
    from .diagram_metrics import luminance, measure

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page = context.new_page()
    report: list[str] = []
    try:
        for name in _pages(real_site):
            page.goto(real_site.as_uri() + "/" + name)
            page.wait_for_load_state("load")
            light = measure(page)
            for number, d in enumerate(light, start=1):
                where = f"{name} diagram {number}"
                report.append(f"{where}: {d['width']:.0f}/{d['column']:.0f} px, smallest label {d['smallest']:.1f} px")
                assert d["width"] <= d["column"] + 1 and not d["scrolls"], f"{where} is wider than its column: {d}"
                assert d["smallest"] >= 10, f"{where}: a label is {d['smallest']:.1f} px at fit"
                assert d["lost"] == 0 and not d["literal"], f"{where}: line breaks lost: {d}"
                assert d["filter"] == "none" and luminance(d["background"]) > 0.9, f"{where} not light: {d}"
            if name in ENVIRONMENT_PAGES:
                assert light and sum(d["breaks"] for d in light) >= 1, f"{name}: multi-line labels drawn on one line"
            if light:
                page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
                for number, d in enumerate(measure(page), start=1):
                    assert "invert" in d["filter"] and luminance(d["background"]) < 0.2, f"{name} {number}: {d}"
    finally:
        context.close()
    print("\n".join(report))


def test_ids_are_unique_and_no_link_points_at_a_placeholder(browser, real_site: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    try:
        for name in _pages(real_site):
            page.goto(real_site.as_uri() + "/" + name)
            ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
            doubled = sorted({i for i in ids if ids.count(i) > 1})
            assert doubled == [], f"{name}: duplicate ids {doubled}"
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
            broken = [h for h in hrefs if "%3C" in h.upper() or "<" in h]
            assert broken == [], f"{name}: links to placeholders {broken}"
            notebook = page.locator(".fd-source a.fd-notebook-link")
            if name != "index.html":
                assert notebook.count() == 1, f"{name}: no notebook download"
                href = notebook.get_attribute("href") or ""
                assert (real_site / href).is_file() and href.endswith(name.replace(".html", ".ipynb"))
    finally:
        context.close()
    index = (real_site / "index.html").read_text(encoding="utf-8")
    from flytekit_deploy.wiki.chapters import discover_chapters

    for chapter in discover_chapters(NOTEBOOKS):
        assert f'href="notebooks/{chapter.path.name}"' in index, f"the index offers no {chapter.path.name}"
    assert 'href="notebooks/configurator.ipynb"' in index, "chapter 14 sends readers to configurator.ipynb"


def test_search_ranks_the_aws_chapter_first_for_irsa(browser, real_site: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(real_site.as_uri() + "/01-architecture.html")
        page.locator("#fd-search-input").click()
        page.locator("#fd-search-input").press_sequentially("IRSA", delay=20)
        first = page.locator("#fd-search-results a").first
        first.wait_for(state="visible", timeout=10_000)
        assert (first.get_attribute("href") or "").startswith("05-aws.html"), first.get_attribute("href")
    finally:
        context.close()
