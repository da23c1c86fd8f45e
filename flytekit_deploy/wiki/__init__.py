"""The deployment wiki: chapter notebooks executed and published as an offline static site.

``build_site`` and ``offer_download`` are loaded on first use, so importing the package (as the CLI does) does not
import the Jupyter stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["build_site", "offer_download", "SiteReport"]

if TYPE_CHECKING:
    from .build import SiteReport, build_site
    from .downloads import offer_download

_LAZY = {"build_site": ".build", "SiteReport": ".build", "offer_download": ".downloads"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
