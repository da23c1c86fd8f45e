"""Rewrite tests/golden/ from the current code: use only when a change of the emitted plans is intended, and
commit the diff with the reason (the golden test in tests/test_golden.py otherwise fails on any byte)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    env = {**os.environ, "FLYTEKIT_DEPLOY_REGENERATE_GOLDEN": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_golden.py")]
    sys.exit(subprocess.call(cmd, cwd=ROOT, env=env))
