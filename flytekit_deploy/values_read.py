"""Reading primitives shared by every values-file reader (the importer, the chart readers, the cloud modules'
store readers): plain functions below the charts and clouds layers, so none of them imports another back."""

from __future__ import annotations

import re
from typing import Any

from .spec import is_placeholder

__all__ = ["scalar", "placeholder_or", "sslmode_of"]

_SSLMODE = re.compile(r"(?:^|\s)sslmode=(\S+)")


def sslmode_of(options: Any) -> str | None:
    """``sslmode=require`` (libpq options string) -> ``require``."""
    if not isinstance(options, str):
        return None
    match = _SSLMODE.search(options)
    return match.group(1) if match else None


def scalar(value: Any) -> str | None:
    """A quantity or name as the spec stores it: a string, or None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def placeholder_or(value: Any, fallback: str) -> str:
    """Values files spell placeholders freely (``<AWS-REGION-CODE>``); keep them when they are spec placeholders."""
    text = scalar(value)
    if text is None:
        return fallback
    return text if not text.startswith("<") or is_placeholder(text) else fallback
