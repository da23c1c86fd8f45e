"""Let a notebook offer a file (a values file, a config) for download on the published site.

The wiki builder tells the kernel where the chapter's download folder is through ``FLYTEKIT_DEPLOY_WIKI_DOWNLOADS``
(``<site>/downloads/<chapter-stem>``); the page links to it relatively, so the link works over http and from
``file://``. Run interactively (no variable), the file lands in ``./downloads/`` next to the notebook and the link
opens it in JupyterLab.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from ..fileio import atomic_write_text

__all__ = ["offer_download", "DOWNLOADS_ENV"]

DOWNLOADS_ENV = "FLYTEKIT_DEPLOY_WIKI_DOWNLOADS"


def _check_name(filename: str) -> str:
    name = str(filename)
    if not name or name in {".", ".."} or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"offer_download needs a plain file name such as 'values.yaml', not {filename!r}")
    return name


def offer_download(filename: str, text: str) -> Any:
    """Write ``text`` as ``filename`` into the chapter's download folder and return a link to show in the cell.

    Returns an ``IPython.display.HTML`` object; its link is ``downloads/<chapter>/<file>`` in a site build.
    """
    from IPython.display import HTML

    name = _check_name(filename)
    target_dir_env = os.environ.get(DOWNLOADS_ENV)
    if target_dir_env:
        folder = Path(target_dir_env)
        href = f"downloads/{folder.name}/{name}"
    else:
        folder = Path.cwd() / "downloads"
        href = f"downloads/{name}"
    atomic_write_text(folder / name, text)
    size = len(text.encode("utf-8"))
    link = (
        f'<a class="fd-download" href="{html.escape(href)}" download="{html.escape(name)}">'
        f"Download <code>{html.escape(name)}</code></a> <small>({size:,} bytes)</small>"
    )
    return HTML(link)
