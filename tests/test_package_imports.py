"""Importing any module of the package (as ``pytest --doctest-modules flytekit_deploy`` does to find doctests) loads
no optional heavy extra: those are imported inside the functions that need them. The widgets are the exception
(ipywidgets at module level); the root conftest.py keeps them out of doctest collection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "flytekit_deploy"
HEAVY = ["ipywidgets", "nbconvert", "nbclient", "IPython", "nbformat", "mermaidx", "bs4", "helm_python"]
HEAVY += ["kubernetes_validate", "psycopg", "boto3", "playwright", "jupyterlab"]


def test_no_module_outside_widgets_imports_a_heavy_extra() -> None:
    modules = [
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted(PACKAGE.rglob("*.py"))
        if "widgets" not in path.relative_to(PACKAGE).parts and path.name != "__main__.py"
    ]
    probe = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []
