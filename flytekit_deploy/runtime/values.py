"""How Flyte's config decoder reads one scalar: flytestdlib's viper + mapstructure with weak typing.

Each function returns ``None`` when Flyte accepts the value, else the reason it does not. The rules follow
flytestdlib ``config/viper`` (``WeaklyTypedInput``, ``StringToSliceHookFunc(",")``, a JSON-unmarshaller hook for
``config.Duration``/``config.URL``/``resource.Quantity``) and Go's parsers (``strconv``, ``time.ParseDuration``,
``net/url``, ``encoding/base64``).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

__all__ = ["is_placeholder", "problem", "parse_duration_ns"]

_BOOL_WORDS = {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False", ""}
_DURATION = re.compile(r"^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$")
_UNIT_NS = {"ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}
_QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")
_INT = re.compile(r"^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]*|0[bB][01_]+|[1-9][0-9_]*|0)$")
_PLACEHOLDER = re.compile(r"<[A-Z0-9_]+>")


def is_placeholder(value: Any) -> bool:
    """A ``<PLACEHOLDER>`` the person still fills in: its type cannot be judged yet."""
    return isinstance(value, str) and bool(_PLACEHOLDER.search(value))


def parse_duration_ns(text: str) -> float | None:
    """``time.ParseDuration`` in nanoseconds, or ``None`` when Go would reject it."""
    if text in ("0", "+0", "-0"):
        return 0.0
    if not _DURATION.match(text):
        return None
    total = sum(
        float(n) * _UNIT_NS[u] for n, _f, _d, u in re.findall(r"((\d+(\.\d*)?|\.\d+))(ns|us|µs|ms|s|m|h)", text)
    )
    return -total if text.startswith("-") else total


def _url_problem(text: str) -> str | None:
    if any(ch.isspace() or ord(ch) < 0x20 for ch in text):
        return "has whitespace or a control character (Go's url.Parse rejects it)"
    head = text.split("/", 1)[0]
    if ":" in head and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", head):
        return "has a colon in its first path segment and no scheme (Go's url.Parse rejects it: add a scheme)"
    return None


def problem(kind: str, value: Any) -> str | None:  # noqa: PLR0911, PLR0912 - one branch per Go kind
    """Why Flyte rejects ``value`` for a field of ``kind``, or ``None``."""
    if value is None or is_placeholder(value) or kind in ("opaque", "struct", "map", "list"):
        return None
    if isinstance(value, (dict, list)):
        return f"is a {'map' if isinstance(value, dict) else 'list'}, expected a {kind}"
    if kind == "string":
        return None
    if kind == "bool":
        if isinstance(value, (bool, int, float)) or str(value) in _BOOL_WORDS:
            return None
        return f"{value!r} is not a boolean (true/false)"
    if kind in ("int", "port"):
        if isinstance(value, (bool, int)):
            return None
        if isinstance(value, float):
            return None if value.is_integer() else f"{value!r} is not a whole number"
        return None if _INT.match(str(value)) or str(value) == "" else f"{value!r} is not a whole number"
    if kind == "float":
        try:
            float(str(value))
        except ValueError:
            return f"{value!r} is not a number"
        return None
    if kind == "duration":
        if isinstance(value, bool):
            return f"{value!r} is not a duration"
        if isinstance(value, (int, float)):
            return None if value == 0 else f"{value!r} without a unit is {value} nanoseconds (write e.g. '{value}s')"
        return (
            None if parse_duration_ns(str(value)) is not None else f"{value!r} is not a Go duration (e.g. 30s, 5m, 1h)"
        )
    if kind == "quantity":
        if isinstance(value, bool):
            return f"{value!r} is not a quantity"
        return None if _QUANTITY.match(str(value)) else f"{value!r} is not a Kubernetes quantity (e.g. 500m, 1Gi)"
    if kind == "url":
        return _url_problem(str(value))
    if kind == "bytes":
        text = str(value)
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return "is not base64: Flyte decodes []byte fields as standard base64 and fails to start"
        return None
    return None
