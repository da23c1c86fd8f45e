"""Markdown text that displays itself in Jupyter, and the table and code-block writers every helper shares.

Helpers return :class:`Markdown` (a ``str``), so a test compares plain text while a notebook cell that ends with the
call renders a table: no ``display(Markdown(...))`` boilerplate in the chapters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["Markdown", "md_table", "code_block", "inline_code", "join_blocks", "escape_placeholders"]

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_\-]*>")
#: A URL whose host or path is a placeholder (``https://<ingress host>/login``): Markdown would turn the part before
#: the ``<`` into a link to nowhere (``https://%3Cingress``), so it is shown as code instead.
_TEMPLATE_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s<]*<(?!br>)[^>\n]*>(?:[^\s|<]*[^\s|<.,;:)])?")


class Markdown(str):
    """A string Jupyter renders as Markdown (``_repr_markdown_``); everywhere else it is just the text."""

    def _repr_markdown_(self) -> str:
        return str(self)


def _escape_text(text: str) -> str:
    """Outside code: URL templates and placeholders as code, any other ``<`` (except the ``<br>`` the tables use)
    as ``&lt;``."""
    pieces = _TEMPLATE_URL.sub(lambda m: f"\x00{m.group(0)}\x00", text).split("\x00")
    text = "\x00".join(
        piece if index % 2 else _PLACEHOLDER.sub(lambda m: f"\x00{m.group(0)}\x00", piece)
        for index, piece in enumerate(pieces)
    )
    parts = text.split("\x00")
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(f"`{part}`")
        else:
            out.append(re.sub(r"<(?!br>)", "&lt;", part))
    return "".join(out)


def escape_placeholders(text: str) -> str:
    """Make text safe to show as Markdown: ``<PLACEHOLDER>`` markers outside code spans become code, and any other
    ``<`` is escaped. Raw, Markdown would take both for HTML tags and show nothing."""
    out: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_escape_text(text[last : span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_escape_text(text[last:]))
    return "".join(out)


def _cell(value: object) -> str:
    """One table cell on one line: placeholders shown, pipes escaped, newlines as <br> (a raw newline would end
    the row)."""
    text = escape_placeholders("" if value is None else str(value))
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def md_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Markdown:
    """A GitHub-flavoured Markdown table; an empty table says so rather than rendering a bare header."""
    body = [list(row) for row in rows]
    if not body:
        return Markdown("*(none)*")
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in body]
    return Markdown("\n".join(lines))


def code_block(text: str, language: str = "") -> Markdown:
    """A fenced code block whose fence is longer than any backtick run inside, so the text cannot close it."""
    longest = 0
    run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return Markdown(f"{fence}{language}\n{text.rstrip()}\n{fence}")


def inline_code(text: object) -> str:
    """``text`` as inline code, with a fence that survives backticks in the text."""
    value = str(text)
    fence = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def join_blocks(blocks: Iterable[str]) -> Markdown:
    """Blocks separated by blank lines, empty ones dropped."""
    return Markdown("\n\n".join(block for block in blocks if block))
