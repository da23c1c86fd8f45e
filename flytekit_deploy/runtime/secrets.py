"""The internal auth server's client secret, generated the way Flyte reads it.

FlyteAdmin compares a client's secret with bcrypt against ``staticClients.<id>.client_secret``, a ``[]byte``
config field that Flyte decodes as base64: the config needs **base64(bcrypt(secret))**, the client (propeller's
``client_secret`` file, flytectl) needs the raw secret. A bare bcrypt hash is not base64 and FlyteAdmin
crash-loops.
"""

from __future__ import annotations

import base64
import secrets as _secrets
from dataclasses import dataclass

from ..errors import Problem, UserInputError

__all__ = ["AuthClientSecret", "auth_client_secret"]


@dataclass(frozen=True)
class AuthClientSecret:
    raw: str
    """The secret the client presents (propeller's ``client_secret`` file)."""
    bcrypt_hash: str
    config_value: str
    """``base64(bcrypt hash)``: the value of ``staticClients.<id>.client_secret``."""


def auth_client_secret(raw: str | None = None, *, rounds: int = 10) -> AuthClientSecret:
    """A new (or the given) raw secret with its bcrypt hash and the base64 value Flyte's config needs."""
    try:
        import bcrypt
    except ImportError as exc:
        raise UserInputError(
            [Problem("secrets auth-client", "bcrypt is not installed", "pip install 'flytekit-deploy[secrets]'")],
            source="secrets",
        ) from exc
    raw = raw or _secrets.token_urlsafe(32)
    hashed = bcrypt.hashpw(raw.encode(), bcrypt.gensalt(rounds))
    return AuthClientSecret(raw, hashed.decode(), base64.b64encode(hashed).decode())
