"""Shell text built from argument lists: every value is quoted, only fragments the kit writes itself are not.

A spec value never reaches the shell unquoted: names, versions, contexts and keys pass through :func:`shlex.quote`
(which leaves plain words such as ``flyte`` as they are, so the commands stay readable).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

__all__ = ["Raw", "join", "env_ref", "file_of", "comment"]

_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class Raw(str):
    """A fragment the kit wrote itself (a pipe, a variable reference): written as is."""


def join(words: Iterable[str]) -> str:
    """One command line: plain strings quoted, :class:`Raw` fragments verbatim."""
    return " ".join(word if isinstance(word, Raw) else shlex.quote(word) for word in words)


def env_ref(name: str) -> Raw:
    """``"${NAME}"`` for an environment variable whose name the kit made (upper case, digits, '_')."""
    if not _ENV_NAME.match(name):
        raise ValueError(f"not an environment variable name: {name!r}")
    return Raw(f'"${{{name}}}"')


def file_of(value: Raw | str) -> Raw:
    """A file that reads as ``value`` without it ever being a command-line argument of a program: bash's
    ``printf`` is a builtin, its output reaches the command through a pipe named ``/dev/fd/N``."""
    text = value if isinstance(value, Raw) else shlex.quote(value)
    return Raw(f"<(printf '%s' {text})")


def comment(text: str) -> str:
    """A ``#`` comment line: line breaks and control characters become spaces, so text cannot leave it."""
    return "# " + "".join(ch if ch.isprintable() else " " for ch in text)
