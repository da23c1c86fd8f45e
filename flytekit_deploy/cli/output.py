"""How commands print: findings as text or JSON with the exit code they imply, files written to a folder."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..checks.findings import Finding

__all__ = ["print_findings", "write_one"]


def print_findings(findings: Sequence[Finding], fmt: str) -> int:
    """Print ``findings`` in ``fmt`` and return the exit code: 0 clean, 1 warnings, 3 errors."""
    from ..checks.findings import exit_code, render_json, render_text

    print(render_json(findings) if fmt == "json" else render_text(findings))
    return exit_code(findings)


def write_one(output: str | None, text: str, *, force: bool) -> Path | None:
    """Write ``text`` to ``output`` (atomically; an existing different file only with ``force``), else stdout."""
    from ..fileio import write_files

    if not output:
        sys.stdout.write(text)
        return None
    target = Path(output)
    write_files(target.parent, {target.name: text}, force=force)
    return target
