"""The built site in a real browser (Debian Chromium driven by Playwright), over loopback http and file://.

Checks what only a browser can: that no request leaves the site, nothing logs an error, diagrams are drawn as
SVG, every internal link lands on a page (and anchor) that exists, search finds a term from another chapter, and
the theme toggle sticks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.parse import urldefrag

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["index.html", "01-intro.html", "02-other.html", "03-downloads.html"]
LOCAL_SCHEMES = ("data:", "blob:", "about:")


@pytest.fixture(scope="module")
def http_base(built_wiki) -> Iterator[str]:
    from flytekit_deploy.wiki.serve import make_server

    _, site, _, _ = built_wiki
    server = make_server(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["http", "file"])
def base(request: pytest.FixtureRequest, built_wiki, http_base: str) -> str:
    _, site, _, _ = built_wiki
    return http_base if request.param == "http" else site.as_uri() + "/"


class _Recorder:
    """Every request and every console error or uncaught exception of one page."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "response",
            lambda response: response.status >= 400 and self.errors.append(f"{response.status} {response.url}"),
        )


def _open(browser, base: str):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    return context, page, _Recorder(page)


def test_pages_stay_offline_and_render(browser, base: str) -> None:
    context, page, recorder = _open(browser, base)
    try:
        for name in PAGES:
            page.goto(base + name)
            page.wait_for_load_state("load")
            assert page.locator("#fd-content").count() == 1
            assert page.locator("pre.mermaid, .jp-Mermaid").count() == 0, f"{name}: unrendered mermaid"
            figures = page.locator("figure.fd-mermaid")
            for i in range(figures.count()):
                svg = figures.nth(i).locator(".fd-diagram-frame > svg")
                assert svg.count() == 1, f"{name}: diagram {i + 1} is not an <svg>"
                box = svg.bounding_box()
                assert box and box["width"] > 50 and box["height"] > 20, f"{name}: diagram {i + 1} not drawn"
        page.goto(base + "01-intro.html")
        assert page.locator("figure.fd-mermaid .fd-diagram-frame > svg").count() == 2
        page.goto(base + "02-other.html")
        assert page.locator(".fd-widget input[type=range]").input_value() == "3"
    finally:
        context.close()
    outside = [url for url in recorder.requests if not url.startswith(base) and not url.startswith(LOCAL_SCHEMES)]
    assert outside == [], f"requests left the site: {outside}"
    assert recorder.errors == []


def test_every_internal_link_resolves(browser, base: str, built_wiki) -> None:
    _, site, _, _ = built_wiki
    context, page, recorder = _open(browser, base)
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    try:
        for name in PAGES:
            page.goto(base + name)
            ids[name] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
            links += [(name, href) for href in hrefs if href.startswith(base)]
        assert len(links) > 20
        for source, href in links:
            target, fragment = urldefrag(href)
            relative = target[len(base) :] or "index.html"
            if base.startswith("http"):
                response = page.request.get(target)
                assert response.status == 200, f"{source} -> {href}: HTTP {response.status}"
            else:
                assert (site / relative).is_file(), f"{source} -> {href}: no such file"
            if fragment and relative.endswith(".html"):
                assert fragment in ids.get(relative, set()), f"{source} -> {href}: no #{fragment} there"
    finally:
        context.close()
    assert recorder.errors == []


def test_search_finds_a_term_from_another_chapter(browser, base: str) -> None:
    from playwright.sync_api import expect

    context, page, recorder = _open(browser, base)
    try:
        page.goto(base + "01-intro.html")
        page.locator("#fd-search-input").click()
        page.locator("#fd-search-input").press_sequentially("marmalade", delay=20)
        result = page.locator("#fd-search-results a").first
        result.wait_for(state="visible", timeout=5000)
        assert result.get_attribute("href").startswith("02-other.html")
        assert "marmalade" in result.inner_text().lower()
        assert result.locator("mark").first.inner_text().lower() == "marmalade", "the match is highlighted"
        result.click()
        page.wait_for_url("**/02-other.html*")
        page.locator("#fd-search-input").fill("")
        page.locator("#fd-search-input").press_sequentially("no-such-wordzz")
        expect(page.locator("#fd-search-results")).to_contain_text("No results")  # waits for the index
    finally:
        context.close()
    assert recorder.errors == []


def test_theme_follows_the_system_and_the_toggle_sticks(browser, base: str) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(base + "01-intro.html")
        root = page.locator("html")
        assert root.get_attribute("data-theme") == "dark"
        page.locator("#fd-theme-toggle").click()
        assert root.get_attribute("data-theme") == "light"
        page.goto(base + "02-other.html")
        assert root.get_attribute("data-theme") == "light", "the choice is remembered across pages"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background in {"rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"}
    finally:
        context.close()


def test_diagrams_fit_keep_line_breaks_zoom_and_follow_the_theme(browser, built_wiki) -> None:
    """At 1280 px: the diagram fits its column, no label below 10 px, the <br/> label is two lines; zoom in widens it
    and lets the frame scroll, Fit restores it, open-full-size opens the SVG in a page of its own; dark theme paints
    it dark."""
    from .diagram_metrics import luminance, measure

    _, site, _, _ = built_wiki
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(site.as_uri() + "/01-intro.html")
        before = measure(page)
        assert len(before) == 2
        for diagram in before:
            assert diagram["width"] <= diagram["column"] + 1 and not diagram["scrolls"], diagram
            assert diagram["smallest"] >= 10, diagram
            assert not diagram["literal"] and diagram["lost"] == 0, diagram
        assert sum(d["breaks"] for d in before) >= 1, "the 'Kubernetes API<br/>cluster flyte' label keeps its break"
        assert before[0]["filter"] == "none" and luminance(before[0]["background"]) > 0.9
        figure = page.locator("figure.fd-mermaid").first
        figure.hover()
        for _ in range(4):
            figure.get_by_role("button", name="Zoom in").click()
        zoomed = measure(page)[0]
        assert zoomed["width"] > before[0]["width"] * 1.5
        figure.get_by_role("button", name="Fit to width").click()
        assert abs(measure(page)[0]["width"] - before[0]["width"]) < 1
        with context.expect_page() as opened:
            figure.get_by_role("button", name="Open full size").click()
        full = opened.value
        full.wait_for_load_state()
        assert full.url.startswith("blob:") and full.locator("svg").count() == 1
        full.close()
        page.locator("#fd-theme-toggle").click()
        dark = measure(page)[0]
        assert "invert" in dark["filter"] and luminance(dark["background"]) < 0.2
        pre_styles = page.eval_on_selector_all("#fd-content pre", "els => els.map(e => getComputedStyle(e).whiteSpace)")
        assert pre_styles and set(pre_styles) == {"pre"}, "code scrolls sideways instead of wrapping mid-word"
    finally:
        context.close()
