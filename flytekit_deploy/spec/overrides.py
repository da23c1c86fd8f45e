"""Secrets must not enter through ``overrides``: verbatim chart values land in values files in plain text.

A key that names a credential (``password``, ``clientSecret``, ``token``, ``secretKey`` ...) with a literal text
value, or any URL that carries ``user:password@``, is refused with the field path and the Secret-based way to set
it. Placeholders (``<DB_PASSWORD>``) and empty values pass: they hold nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic_core import PydanticCustomError

from .validators import check_no_credentials_in_url, invalid, is_placeholder, secret_like_key

__all__ = ["check_overrides"]


def _walk(node: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, str(key), value
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{path}[{index}]")


def check_overrides(overrides: dict[str, dict[str, Any]], sandbox: bool) -> Iterator[PydanticCustomError]:
    """Every credential written inline in ``overrides`` (outside the sandbox), and every URL with credentials."""
    for parent, key, value in _walk(overrides, "overrides"):
        path = f"{parent}.{key}"
        if not isinstance(value, str) or not value or is_placeholder(value):
            continue
        if "://" in value:
            try:
                check_no_credentials_in_url(value, path)
            except PydanticCustomError as error:
                yield error
                continue
        if not sandbox and secret_like_key(key):
            yield invalid(
                f"'{key}' holds a credential written in plain text; overrides are copied into values files",
                "remove it and give the credential as a Secret reference in the spec (database.password, "
                "auth.client_secret, storage.access_key/secret_key, connectors[].secret), then create the Secret "
                "with the command install.sh lists",
                path,
            )
