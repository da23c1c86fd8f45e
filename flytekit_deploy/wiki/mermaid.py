"""Mermaid diagrams rendered to inline SVG at build time, so the site never loads mermaid.js from a CDN.

``mermaidx`` runs the real mermaid in an embedded QuickJS (about 0.4-0.9 s a diagram), so results are cached by
content hash under the site's ``.cache/mermaid/``; a rebuild with unchanged diagrams renders nothing.
Inline SVG (rather than ``<img>``) keeps labels selectable and searchable, but every SVG on a page must then have
its own ids: mermaid scopes its ``<style>`` to the root id, and two diagrams sharing ``my-svg`` would restyle each
other.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem, UserInputError
from ..fileio import atomic_write_text

__all__ = ["MermaidRenderer", "MermaidSyntaxError", "inline_svg", "compact_svg", "shared_cache_dir", "SHARED_CACHE_ENV"]

CACHE_FORMAT = 2

_XML_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>\[]*(\[[^\]]*\])?\s*>\s*)?(<!--.*?-->\s*)*", re.S)
_ROOT_ID = re.compile(r"<svg\b[^>]*?\sid=\"([^\"]+)\"", re.S)
_GEOMETRY = re.compile(r'(\s(?:d|points|transform|x|y|x1|y1|x2|y2|cx|cy|r|rx|ry|width|height)=")([^"]*)(")')
_LONG_DECIMAL = re.compile(r"(\d\.\d{2})\d+")
_DATA_POINTS = re.compile(r'\sdata-points="[^"]*"')


class MermaidSyntaxError(ValueError):
    """Mermaid could not parse a diagram; the message is mermaid's own, with the line it stopped at."""


def inline_svg(svg: str, uid: str) -> str:
    """``svg`` ready to sit inside HTML: no XML prolog or doctype, and its root id (if any) renamed to ``uid``.

    Renaming is textual on purpose: mermaid derives marker and style ids from the root id, so every derived id
    (``my-svg_flowchart-pointEnd``) follows it.
    """
    text = _XML_PROLOG.sub("", svg, count=1).strip()
    match = _ROOT_ID.search(text)
    if match and len(match.group(1)) >= 3:
        old = re.escape(match.group(1))
        text = re.sub(rf"(?<![\w-]){old}(?![A-Za-z0-9])", uid, text)
    return text


def compact_svg(svg: str) -> str:
    """Mermaid's SVG without what a static page never uses: coordinates cut to 1/100 px and the base64
    ``data-points`` copies of every edge (together about a third of a large diagram)."""
    svg = _DATA_POINTS.sub("", svg)
    return _GEOMETRY.sub(lambda m: m.group(1) + _LONG_DECIMAL.sub(r"\1", m.group(2)) + m.group(3), svg)


SHARED_CACHE_ENV = "FLYTEKIT_DEPLOY_CACHE"


def shared_cache_dir() -> Path | None:
    """The diagram cache every build on this machine shares (content-addressed, so any output folder, a runbook
    build or a test build reuses a drawing): ``$FLYTEKIT_DEPLOY_CACHE/mermaid``, else the user's cache folder
    (``$XDG_CACHE_HOME`` or ``~/.cache``) under ``flytekit-deploy/mermaid``; ``FLYTEKIT_DEPLOY_CACHE=off`` turns
    it off."""
    configured = os.environ.get(SHARED_CACHE_ENV, "")
    if configured.lower() in {"off", "0", "none"}:
        return None
    if configured:
        return Path(configured) / "mermaid"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flytekit-deploy" / "mermaid"


class MermaidRenderer:
    """Renders mermaid source to SVG text, reading earlier results from ``read_dirs`` (and the machine's shared
    cache) and writing to ``cache_dir`` (and the shared cache)."""

    def __init__(self, cache_dir: Path, read_dirs: Sequence[Path] = (), shared: Path | None | bool = True) -> None:
        self.cache_dir = Path(cache_dir)
        self.shared = shared_cache_dir() if shared is True else (shared or None)
        self.read_dirs = [Path(d) for d in read_dirs] + ([self.shared] if self.shared else [])
        self.rendered = 0
        self.reused = 0

    @staticmethod
    def key(source: str) -> str:
        """Content hash of a diagram, including the renderer version so an upgrade re-renders."""
        try:
            from mermaidx import __version__ as version
        except ImportError:  # pragma: no cover - only the hash changes
            version = "?"
        return hashlib.sha256(f"mermaidx {version} format {CACHE_FORMAT}\n{source.strip()}".encode()).hexdigest()

    def svg(self, source: str) -> str:
        """The SVG of one diagram (cached); raises :class:`MermaidSyntaxError` on a syntax error."""
        key = self.key(source)
        name = f"{key}.svg"
        for folder in [self.cache_dir, *self.read_dirs]:
            cached = folder / name
            if cached.is_file():
                text = cached.read_text(encoding="utf-8")
                if folder != self.cache_dir:
                    atomic_write_text(self.cache_dir / name, text)
                self.reused += 1
                return text
        text = _render(source)
        atomic_write_text(self.cache_dir / name, text)
        if self.shared is not None:
            # a read-only home or a full disk costs a re-render next time, nothing more
            with contextlib.suppress(OSError):
                atomic_write_text(self.shared / name, text)
        self.rendered += 1
        return text


def _render(source: str) -> str:
    try:
        import mermaidx
    except ImportError as exc:
        raise UserInputError(
            [
                Problem(
                    "mermaid",
                    "the wiki has mermaid diagrams but the renderer `mermaidx` is not installed",
                    'pip install "flytekit-deploy[mermaid]"',
                )
            ],
            source="wiki",
        ) from exc
    try:
        return compact_svg(str(mermaidx.render(source.strip()).svg()))
    except RuntimeError as exc:
        message = str(exc).removeprefix("Mermaid rendering failed: ").strip()
        raise MermaidSyntaxError(message) from None
