"""Serve a built site on loopback, for a look over http (the site also works opened from ``file://``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..errors import Problem, UserInputError

__all__ = ["make_server", "serve"]


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files only; request lines are not echoed (a page load is a dozen of them)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's parameter name
        return


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A bound, not yet serving, static server for ``site_dir`` (``port=0`` picks a free port)."""
    site = Path(site_dir)
    if not (site / "index.html").is_file():
        raise UserInputError(
            [Problem(str(site), "no index.html here: not a built wiki", "run `flytekit-deploy wiki build` first")],
            source="wiki",
        )
    handler = functools.partial(_QuietHandler, directory=str(site))
    return ThreadingHTTPServer((host, port), handler)


def _print_now(message: str) -> None:
    print(message, flush=True)


def serve(
    site_dir: Path, host: str = "127.0.0.1", port: int = 0, *, announce: Callable[[str], None] = _print_now
) -> None:
    """Serve ``site_dir`` until interrupted, announcing the URL first."""
    server = make_server(site_dir, host, port)
    bound_host, bound_port = server.server_address[:2]
    announce(f"serving {Path(site_dir).resolve()} at http://{bound_host!s}:{bound_port}/  (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        announce("stopped")
    finally:
        server.server_close()
