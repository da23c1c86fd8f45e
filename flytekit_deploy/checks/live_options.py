"""The live doctor's options, checked before any probe: a timeout that is a positive finite number of seconds,
a port in range, a host name, and an http(s) object-store URL without credentials. Each problem is a
:class:`~flytekit_deploy.errors.UserInputError` naming the option and the fix (exit 2 on the command line)."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..errors import Problem, UserInputError
from ..spec.validators import check_hostname

__all__ = ["check_live_options", "MAX_TIMEOUT"]

MAX_TIMEOUT = 600.0
"""Seconds: a probe that needs longer is not answering."""


def _timeout(value: Any) -> list[Problem]:
    fix = f"give seconds as a number above 0 and at most {MAX_TIMEOUT:g}, e.g. --timeout 5"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [Problem("--timeout", f"{value!r} is not a number of seconds", fix)]
    if math.isnan(value) or math.isinf(value):
        return [Problem("--timeout", f"{value} is not a number of seconds", fix)]
    if value <= 0 or value > MAX_TIMEOUT:
        return [Problem("--timeout", f"{value:g} seconds is out of range", fix)]
    return []


def _host(value: Any) -> list[Problem]:
    text = str(value)
    try:
        ipaddress.ip_address(text)
        return []
    except ValueError:
        pass
    try:
        check_hostname(text, public=False)
    except Exception:  # noqa: BLE001 - pydantic's error type; the message below says it all
        return [Problem("--db-host", f"{text!r} is not a host name or IP address", "e.g. --db-host 127.0.0.1")]
    return []


def _endpoint(value: Any) -> list[Problem]:
    text = str(value)
    fix = "give the object store's http(s) URL, e.g. --storage-endpoint http://127.0.0.1:9000"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as error:
        return [Problem("--storage-endpoint", f"{text!r} is not a URL: {error}", fix)]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [Problem("--storage-endpoint", f"{text!r} is not an http(s) URL", fix)]
    if parts.username or parts.password:
        return [
            Problem(
                "--storage-endpoint",
                "the URL carries credentials (user:password@)",
                "remove them: the keys come from the Secret's environment variables (see install.sh)",
            )
        ]
    return []


def check_live_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Every problem with the live options at once; returns them unchanged when all are fine."""
    problems: list[Problem] = []
    known = {"timeout", "db_host", "db_port", "storage_endpoint"}
    for name in sorted(set(options) - known):
        problems.append(Problem(name, "unknown live option", f"use one of {', '.join(sorted(known))}"))
    if "timeout" in options:
        problems += _timeout(options["timeout"])
    if options.get("db_host") is not None:
        problems += _host(options["db_host"])
    port = options.get("db_port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
        problems.append(Problem("--db-port", f"{port!r} is not a TCP port", "give a number from 1 to 65535"))
    if options.get("storage_endpoint") is not None:
        problems += _endpoint(options["storage_endpoint"])
    if problems:
        raise UserInputError(problems, source="doctor options")
    return dict(options)
