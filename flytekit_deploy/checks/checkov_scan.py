"""Run checkov (the ``test`` extra) over a folder of rendered manifests, offline, and return its failed checks.

Two facts shape this module. checkov 3.x imports ``hcl2`` from ``bc-python-hcl2``, and ``python-hcl2`` (newer,
used for Terraform elsewhere) installs the same top-level package: whichever is installed last wins, and with
python-hcl2 8.x checkov dies at import (``cannot import name 'START_LINE' from 'hcl2'``). So checkov runs in its
own process with ``bc-python-hcl2`` first on ``PYTHONPATH`` when that copy exists (``scripts/bootstrap.sh test``
puts it in ``.tools/checkov-hcl2``). And checkov downloads its guideline links unless told
``--skip-download``; offline that is a stack trace per run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..errors import Problem, UserInputError

__all__ = ["CHECKOV_HINT", "HCL2_SHIM_ENV", "checkov_available", "run_checkov"]

HCL2_SHIM_ENV = "FLYTEKIT_DEPLOY_CHECKOV_HCL2"
CHECKOV_HINT = (
    "pip install checkov; if python-hcl2 is installed too: "
    "pip install --no-deps --target .tools/checkov-hcl2 bc-python-hcl2==0.4.3"
)
TIMEOUT_S = 900


def _executable() -> str | None:
    return shutil.which("checkov") or next(
        (str(p) for p in [Path(sys.executable).with_name("checkov")] if p.exists()), None
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    candidates = [os.environ.get(HCL2_SHIM_ENV, ""), str(Path.cwd() / ".tools" / "checkov-hcl2")]
    candidates.append(str(Path(__file__).resolve().parents[2] / ".tools" / "checkov-hcl2"))
    shim = next((c for c in candidates if c and (Path(c) / "hcl2").is_dir()), None)
    if shim:
        env["PYTHONPATH"] = shim + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def checkov_available() -> str:
    """``""`` when checkov can run here, else why not (for a test's skip reason)."""
    exe = _executable()
    if exe is None:
        return f"checkov is not installed ({CHECKOV_HINT})"
    probe = subprocess.run([exe, "--version"], capture_output=True, text=True, env=_env(), check=False, timeout=300)
    if probe.returncode != 0:
        return f"checkov does not start: {probe.stderr.strip().splitlines()[-1:]} ({CHECKOV_HINT})"
    return ""


def run_checkov(root: Path, checks: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """checkov's failed checks (its JSON entries: ``check_id``, ``resource``, ``file_path``...) for every
    manifest under ``root``, in one process; ``checks`` limits the run to those ids."""
    exe = _executable()
    reason = checkov_available() if exe else f"checkov is not installed ({CHECKOV_HINT})"
    if reason or exe is None:
        raise UserInputError([Problem(path="checkov", message=reason, fix=CHECKOV_HINT)], source="checkov")
    command = [exe, "-d", str(root), "--framework", "kubernetes", "-o", "json", "--compact", "--quiet"]
    command += ["--skip-download"]
    if checks:
        command += ["--check", ",".join(checks)]
    proc = subprocess.run(command, capture_output=True, text=True, env=_env(), check=False, timeout=TIMEOUT_S)
    if proc.returncode not in (0, 1):
        raise UserInputError(
            [Problem(path="checkov", message=f"checkov failed: {proc.stderr[-1500:]}", fix=CHECKOV_HINT)],
            source="checkov",
        )
    report = json.loads(proc.stdout or "{}")
    failed: list[dict[str, Any]] = []
    for item in report if isinstance(report, list) else [report]:
        failed += (item.get("results") or {}).get("failed_checks") or []
    return failed
