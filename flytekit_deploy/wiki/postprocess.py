"""Finish a converted page for the site: diagrams to SVG, links to pages, a table of contents, search text.

Runs on nbconvert's HTML (parsed with BeautifulSoup, which nbconvert itself depends on) because mermaid fences
reach the page from three places (markdown cells, ``text/markdown`` outputs, ``text/vnd.mermaid`` outputs) and
all three arrive here as the same ``<div class="jp-Mermaid"><pre class="mermaid">`` markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..errors import Problem, UserInputError
from .chapters import CHAPTER_NAME
from .mermaid import MermaidRenderer, MermaidSyntaxError, inline_svg

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

__all__ = ["FinishedPage", "Section", "finish_page", "FILES_DIR"]

#: Site folder for local files a page links to (images, example specs), mirroring their place under notebooks/.
FILES_DIR = "files"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SKIP_TEXT = {"script", "style", "svg", "template", "noscript"}
#: Elements whose end separates words; inline ones (links, code spans, highlighted tokens) do not.
_BLOCKS = {"p", "div", "li", "pre", "td", "th", "tr", "br", "h4", "h5", "h6", "blockquote", "dd", "dt", "figure"}
_BLOCKS |= {"label", "option", "output", "button", "summary"}
_MAX_SECTION_TEXT = 20_000
_VIEWBOX_WIDTH = re.compile(r'<svg\b[^>]*\sviewBox="[-\d.]+ [-\d.]+ ([\d.]+) ')


@dataclass(frozen=True)
class Section:
    """A stretch of a page under one heading: what the search index stores."""

    anchor: str
    heading: str
    text: str


@dataclass
class FinishedPage:
    html: str
    sections: list[Section]
    summary: str
    files: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def finish_page(
    page_html: str,
    *,
    notebook: Path,
    notebooks_root: Path,
    chapter_links: Mapping[str, str],
    mermaid: MermaidRenderer,
) -> FinishedPage:
    """Post-process one page; raises :class:`UserInputError` naming the notebook when a diagram does not parse."""
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(page_html, "html.parser")
    main = soup.find(id="fd-content")
    if not isinstance(main, Tag):  # pragma: no cover - the template always has it
        raise RuntimeError("the flyte_wiki template lost its #fd-content element")
    svgs = _render_mermaid(soup, main, notebook, mermaid)
    warnings: list[str] = []
    files = _rewrite_links(main, notebook, notebooks_root, chapter_links, warnings)
    warnings += _external_loads(main, notebook)
    headings = _number_headings(main)
    _fill_toc(soup, headings)
    sections = list(_sections(main))
    summary = _summary(main)
    text = str(soup)
    for marker, svg in svgs.items():
        text = text.replace(f"<!--{marker}-->", svg, 1)
    return FinishedPage(text, sections, summary, files, warnings)


def _render_mermaid(soup: BeautifulSoup, main: Tag, notebook: Path, mermaid: MermaidRenderer) -> dict[str, str]:
    """Swap each mermaid block for a placeholder; the SVG goes in after serialising so the parser never sees it."""
    from bs4 import Comment

    svgs: dict[str, str] = {}
    for number, pre in enumerate(main.select("div.jp-Mermaid > pre.mermaid"), start=1):
        # nbconvert puts the fence text in the <pre> unescaped, so a label's "<br/>" arrives as a <br> element,
        # which get_text() would drop ("Kubernetes APIEKS cluster"); put it back as text first.
        for br in pre.find_all("br"):
            br.replace_with("<br/>")
        source = pre.get_text()
        try:
            svg = mermaid.svg(source)
        except MermaidSyntaxError as exc:
            first = source.strip().splitlines()[0] if source.strip() else ""
            raise UserInputError(
                [
                    Problem(
                        f"{notebook.name}: mermaid diagram {number} ({first[:60]})",
                        str(exc),
                        "fix the diagram; JupyterLab 4.1+ previews ```mermaid fences in markdown cells",
                    )
                ],
                source="wiki",
            ) from None
        marker = f"fd-mermaid-{number}"
        svgs[marker] = inline_svg(svg, f"fd-mermaid-{MermaidRenderer.key(source)[:10]}-{number}")
        figure = soup.new_tag("figure", attrs={"class": "fd-mermaid"})
        width = _VIEWBOX_WIDTH.search(svg)
        if width:  # lets the stylesheet keep a wide diagram readable (scroll instead of shrinking to nothing)
            figure["style"] = f"--fd-diagram-width: {float(width.group(1)):.0f}px"
        figure.append(Comment(marker))
        holder = pre.parent if pre.parent is not None else pre
        holder.replace_with(figure)
    return svgs


def _split_url(url: str) -> tuple[str, str]:
    for mark in ("#", "?"):
        if mark in url:
            head, tail = url.split(mark, 1)
            return head, mark + tail
    return url, ""


def _rewrite_links(
    main: Tag, notebook: Path, root: Path, chapters: Mapping[str, str], warnings: list[str]
) -> list[tuple[Path, str]]:
    """``NN-x.ipynb`` -> ``NN-x.html``; a local file next to the notebooks -> copied under ``files/``."""
    files: dict[Path, str] = {}
    root = root.resolve()
    cells = main.select(".jp-Cell")
    links = [(a, "href") for cell in cells for a in cell.find_all("a", href=True)]
    for tag, attr in links + [(img, "src") for cell in cells for img in cell.find_all(["img", "source"], src=True)]:
        url = str(tag[attr]).strip()
        if not url or url.startswith(("#", "//", "downloads/")) or _SCHEME.match(url):
            continue
        path, rest = _split_url(url)
        name = unquote(path).rsplit("/", 1)[-1]
        if name.endswith(".ipynb"):
            if name in chapters:
                tag[attr] = chapters[name] + rest
            elif tag.name == "a" and CHAPTER_NAME.match(name) and (notebook.parent / name).is_file():
                tag.unwrap()  # a chapter this build leaves out (a runbook has no preset chapters): keep the words
            else:
                warnings.append(f"{notebook.name} links to {path}, which is not a chapter (NN-name.ipynb)")
            continue
        target = (notebook.parent / unquote(path)).resolve()
        if target.is_file() and target.is_relative_to(root):
            relative = target.relative_to(root).as_posix()
            files[target] = f"{FILES_DIR}/{relative}"
            tag[attr] = f"{FILES_DIR}/{relative}{rest}"
        else:
            warnings.append(f"{notebook.name} links to {path}, which is not a file in {root.name}/")
    return sorted(files.items())


def _external_loads(main: Tag, notebook: Path) -> list[str]:
    """Outputs that would fetch something from the internet (a CDN script, a remote image): named, not removed."""
    found = []
    for tag in main.find_all(["script", "img", "iframe", "source", "video", "audio", "embed", "link"]):
        url = str(tag.get("href" if tag.name == "link" else "src") or "")
        if url.startswith("//") or re.match(r"^https?:", url, re.I):
            found.append(f"{notebook.name}: <{tag.name}> loads {url} from outside the site (fails offline)")
    return found


def _heading_text(heading: Tag) -> str:
    parts = [
        str(s)
        for s in heading.find_all(string=True)
        if s.parent is None or "anchor-link" not in (s.parent.get("class") or [])
    ]
    return " ".join("".join(parts).split())


def _unique_ids(main: Tag) -> None:
    """Give every element a page-unique id: a chapter whose title repeats as a section heading got two
    ``Multi-cluster-deployment`` ids, so its contents and search links jumped to the title. The later one becomes
    ``...-2`` and its own anchor link follows."""
    taken = {str(tag["id"]) for tag in main.find_all(id=True)}
    seen: set[str] = set()
    for tag in main.find_all(id=True):
        ident = str(tag["id"])
        if ident not in seen:
            seen.add(ident)
            continue
        number = 2
        while f"{ident}-{number}" in taken:
            number += 1
        tag["id"] = new = f"{ident}-{number}"
        taken.add(new)
        seen.add(new)
        for anchor in tag.find_all("a", class_="anchor-link", href=f"#{ident}"):
            anchor["href"] = f"#{new}"


def _number_headings(main: Tag) -> list[tuple[str, str, str]]:
    """(level, id, text) of h2/h3; headings without an id (HTML outputs) get one so search can land on them."""
    _unique_ids(main)
    used = {str(tag["id"]) for tag in main.find_all(id=True)}
    found = []
    for number, heading in enumerate(main.find_all(["h1", "h2", "h3"]), start=1):
        if not heading.get("id"):
            slug = re.sub(r"[^\w-]+", "-", _heading_text(heading)).strip("-") or f"section-{number}"
            candidate, n = slug, 1
            while candidate in used:
                n += 1
                candidate = f"{slug}-{n}"
            heading["id"] = candidate
            used.add(candidate)
        if heading.name in {"h2", "h3"}:
            found.append((heading.name, str(heading["id"]), _heading_text(heading)))
    return found


def _fill_toc(soup: BeautifulSoup, headings: list[tuple[str, str, str]]) -> None:
    aside = soup.find("aside", class_="fd-toc")
    if aside is None:
        return
    if not headings:
        aside.decompose()
        return
    listing = soup.new_tag("ul")
    for level, anchor, text in headings:
        item = soup.new_tag("li", attrs={"class": f"fd-toc-{level}"})
        link = soup.new_tag("a", href=f"#{anchor}")
        link.string = text
        item.append(link)
        listing.append(item)
    aside.append(listing)


def _strings(node: Tag) -> Iterator[Tag | str]:
    """Text nodes and headings of ``node`` in document order, skipping code that is not prose (scripts, SVG)."""
    from bs4 import Comment, Tag
    from bs4.element import NavigableString

    for child in node.children:
        if isinstance(child, Tag):
            classes: list[str] = list(child.get("class") or [])
            if child.name in _SKIP_TEXT or "anchor-link" in classes or "fd-w-note" in classes:
                continue
            if child.name in {"h1", "h2", "h3"}:
                yield child
                continue
            if child.name == "nav" or "fd-source" in classes:
                continue
            yield from _strings(child)
            if child.name in _BLOCKS or "fd-w-label" in classes:
                yield " "
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            yield child


def _sections(main: Tag) -> Iterator[Section]:
    from bs4 import Tag

    anchor, heading = "", ""
    chunks: list[str] = []
    for item in _strings(main):
        if isinstance(item, Tag):
            if chunks or heading:
                yield Section(anchor, heading, _squash(chunks))
            anchor, heading, chunks = str(item.get("id", "")), _heading_text(item), []
        else:
            chunks.append(str(item))
    if chunks or heading:
        yield Section(anchor, heading, _squash(chunks))


def _squash(chunks: list[str]) -> str:
    return " ".join("".join(chunks).split())[:_MAX_SECTION_TEXT]


def _summary(main: Tag) -> str:
    for paragraph in main.select(".jp-MarkdownCell p"):
        text = " ".join(paragraph.get_text().split())
        if text:
            return text if len(text) <= 240 else text[:237].rsplit(" ", 1)[0] + " …"
    return ""
