"""Run a chapter with values of our choosing, the way papermill does it, without needing papermill.

A chapter marks the cell holding its defaults with the tag ``parameters`` (``spec = "eks-core"``). Before it runs,
a code cell tagged ``injected-parameters`` is put right after that cell, assigning the given values; an injected
cell from an earlier run is replaced. The chapter then runs top to bottom as usual: the defaults are set, then
overridden. The published ``.ipynb`` carries the injected cell too, so the reader reruns exactly that runbook.

>>> nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "spec = 'sandbox'"}]}
>>> cells = inject_parameters(nb, {"spec": "/home/me/flyte.yaml"})["cells"]
>>> print(cells[1]["source"])
# Parameters (injected by flytekit-deploy wiki build)
spec = '/home/me/flyte.yaml'
>>> cells[1]["metadata"]["tags"]
['injected-parameters']
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping
from typing import Any

__all__ = ["PARAMETERS_TAG", "INJECTED_TAG", "inject_parameters", "parameters_source"]

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
_HEADER = "# Parameters (injected by flytekit-deploy wiki build)"


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list((cell.get("metadata") or {}).get("tags") or [])


def parameters_source(values: Mapping[str, Any]) -> str:
    """Python assigning each value by its ``repr`` (strings, numbers, booleans, None, lists and dicts of them)."""
    for name, value in values.items():
        if not name.isidentifier():
            raise ValueError(f"parameter name {name!r} is not a Python identifier")
        try:
            same = ast.literal_eval(repr(value)) == value
        except (ValueError, SyntaxError):
            same = False
        if not same:
            raise ValueError(f"parameter {name} = {value!r} does not survive repr(); pass plain data")
    return "\n".join([_HEADER, *(f"{name} = {value!r}" for name, value in values.items())])


def inject_parameters(notebook: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``notebook`` (nbformat JSON as a dict) with ``values`` injected after its ``parameters`` cell
    (at the top when it has none, as papermill does); any earlier injected cell is dropped."""
    data = copy.deepcopy(dict(notebook))
    cells = [c for c in data.get("cells", []) if INJECTED_TAG not in _tags(c)]
    where = next((i + 1 for i, c in enumerate(cells) if PARAMETERS_TAG in _tags(c)), 0)
    injected: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": [INJECTED_TAG]},
        "outputs": [],
        "source": parameters_source(values),
    }
    if data.get("nbformat", 4) >= 4 and data.get("nbformat_minor", 0) >= 5:
        injected["id"] = "injected-parameters"
    data["cells"] = [*cells[:where], injected, *cells[where:]]
    return data
