"""The real wiki: every chapter of notebooks/ built into a site and opened in Chromium from file://.

The fixture chapters prove the pipeline; this proves the published wiki itself: every page stays offline, logs no
error, draws every diagram as SVG, links only to pages that exist, offers its values files, and search reaches
across chapters.
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
    assert len(report.pages) == len(list(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))) + 1  # and index.html
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
                assert figures.nth(i).locator("> svg").count() == 1, f"{name}: diagram {i + 1} is not an <svg>"
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
