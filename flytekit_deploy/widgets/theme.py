"""One stylesheet for the configurator, written in JupyterLab's own theme variables.

Inline colours were chosen for a light page and stayed light under JupyterLab Dark (a light code background under
light text). Every colour here is a ``var(--jp-...)`` with a light fallback, so the panes follow whichever theme is
active, and outside JupyterLab (the wiki's static snapshot) the fallbacks read well on white. Widgets carry
classes (``fd-ok``, ``fd-error``, ``fd-pre``...) instead of colours.
"""

from __future__ import annotations

__all__ = ["STYLESHEET", "severity_class"]

STYLESHEET = """<style>
.fd-configurator { color: var(--jp-ui-font-color1, #1f2328); }
.fd-configurator .fd-ok { color: var(--jp-success-color0, #1a7f37); }
.fd-configurator .fd-error { color: var(--jp-error-color0, #b00020); }
.fd-configurator .fd-warning { color: var(--jp-warn-color0, #8a4b00); }
body[data-jp-theme-light="true"] .fd-configurator .fd-warning { color: #8a4b00; } /* jp orange: 3.8:1 on white */
.fd-configurator .fd-info { color: var(--jp-info-color0, #1d5fa8); }
.fd-configurator .fd-muted { color: var(--jp-ui-font-color2, #57606a); }
.fd-configurator .fd-help { color: var(--jp-ui-font-color2, #57606a); font-size: 88%; line-height: 1.35;
  margin: 0 0 6px 15em; max-width: 40em; }
.fd-configurator .fd-help a { color: var(--jp-content-link-color, #0969da); }
.fd-configurator pre.fd-pre { white-space: pre; overflow: auto; max-height: 70vh; margin: 0; padding: 6px;
  font-size: 12px; line-height: 1.35; color: var(--jp-content-font-color1, #1f2328);
  background: var(--jp-layout-color2, #f6f8fa); border: 1px solid var(--jp-border-color1, #d0d7de);
  border-radius: 4px; }
.fd-configurator .fd-banner { color: var(--jp-ui-font-color1, #1f2328);
  background: var(--jp-warn-color3, #fff4e5); border: 1px solid var(--jp-warn-color1, #f0b429);
  padding: 4px 8px; border-radius: 4px; }
.fd-configurator .fd-confirm { border: 1px solid var(--jp-warn-color1, #f0b429); border-radius: 4px;
  padding: 4px 8px; background: var(--jp-layout-color1, #ffffff); }
.fd-configurator .fd-outdated a { text-decoration: line-through; }
.fd-configurator .fd-stale .fd-pane { opacity: 0.55; }
.fd-configurator .fd-svg { overflow: auto; max-height: 75vh; }
.fd-configurator .fd-svg.fd-fit svg { max-width: 100%; height: auto; }
.fd-configurator .fd-svg svg { background: #ffffff; border-radius: 4px; }
.fd-configurator .fd-columns { display: flex; flex-wrap: wrap; gap: 8px; }
.fd-configurator .fd-form-col { flex: 1 1 28em; min-width: min(28em, 100%); }
.fd-configurator .fd-pane-col { flex: 1 1 34em; min-width: min(34em, 100%); }
.fd-configurator .fd-section-header button { text-align: left; font-weight: bold; }
.fd-configurator .fd-section-header button:focus-visible { outline: 2px solid var(--jp-brand-color1, #0969da); }
</style>"""

_SEVERITY_CLASS = {"error": "fd-error", "warning": "fd-warning", "info": "fd-info", "ok": "fd-ok"}


def severity_class(severity: str) -> str:
    """The CSS class of a severity (``error``, ``warning``, ``info``, ``ok``); anything else is muted text.

    >>> severity_class("error"), severity_class("other")
    ('fd-error', 'fd-muted')
    """
    return _SEVERITY_CLASS.get(severity, "fd-muted")
