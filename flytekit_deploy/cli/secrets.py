"""``flytekit-deploy secrets``: secrets generated in the form Flyte reads them.

``secrets auth-client`` prints the internal auth server's client secret twice: raw (what the client presents) and as
the base64 of its bcrypt hash (what ``staticClients.<id>.client_secret`` holds), since a bare hash crash-loops
FlyteAdmin (see :mod:`flytekit_deploy.runtime.secrets`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .arguments import Subparsers

__all__ = ["register", "run_auth_client"]


def register(subparsers: Subparsers) -> None:
    """Add ``secrets`` and its kinds."""
    p = subparsers.add_parser("secrets", help="generate secrets in the form Flyte reads them")
    kinds = p.add_subparsers(dest="secret_kind", metavar="KIND")
    kinds.required = True
    q = kinds.add_parser("auth-client", help="internal auth server client secret: raw and base64(bcrypt) separately")
    q.add_argument("--raw", help="hash this secret instead of generating one")
    q.set_defaults(handler=run_auth_client)


def run_auth_client(args: argparse.Namespace) -> int:
    """Print the raw secret and the config value, each on its own line under a label."""
    from ..runtime.secrets import auth_client_secret

    made = auth_client_secret(args.raw)
    print(f"raw secret (client side: propeller's client_secret file, flytectl):\n  {made.raw}")
    print(f"staticClients.<id>.client_secret (base64 of the bcrypt hash):\n  {made.config_value}")
    return 0
