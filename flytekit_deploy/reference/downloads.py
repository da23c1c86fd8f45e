"""Offer a preset's files for download from a chapter: the values file of every release, and the install guide.

The links come from :func:`flytekit_deploy.wiki.downloads.offer_download`, which writes each file where the site
(or, run interactively, JupyterLab) serves it.
"""

from __future__ import annotations

import html
from typing import Any

from .plans import download_name, preset_plan

__all__ = ["preset_files", "offer_preset_files"]


def preset_files(preset: str, guide: bool = True) -> dict[str, str]:
    """Download name -> text for a preset: every values file, plus ``install.md`` when ``guide``."""
    plan = preset_plan(preset)
    files = {download_name(preset, r.filename): plan.values_yaml(r) for r in plan.releases}
    if guide:
        files[download_name(preset, "install.md")] = plan.files()["install.md"]
    return files


def offer_preset_files(preset: str, guide: bool = True) -> Any:
    """One HTML block of download links for :func:`preset_files` (an ``IPython.display.HTML``)."""
    from IPython.display import HTML

    from ..wiki.downloads import offer_download

    links = [offer_download(name, text).data for name, text in preset_files(preset, guide).items()]
    head = f"<p>Files of preset <code>{html.escape(preset)}</code> (save a values file under the name its header's "
    head += "<code>helm</code> command uses, or pass its path to <code>-f</code>):</p>"
    return HTML(head + "<ul>" + "".join(f"<li>{link}</li>" for link in links) + "</ul>")
