"""``terraform output -json`` back into the spec: each output of ``infra/`` names the spec field(s) it answers in
its description, so the placeholders those fields still hold are replaced and everything else is left alone."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, UserInputError
from ..safe_yaml import read_text_limited
from ..spec import DeploymentSpec, is_placeholder
from ..spec.loading import spec_from_dict
from .infra import infra_result

__all__ = ["FillResult", "fill_from_outputs", "read_outputs"]


@dataclass
class FillResult:
    spec: DeploymentSpec
    filled: list[tuple[str, str, str]] = field(default_factory=list)
    """``(spec path, placeholder, value)`` for each field filled."""
    kept: list[tuple[str, str, str]] = field(default_factory=list)
    """``(spec path, spec value, output value)`` where the spec already had a different real value (not touched)."""
    still_open: list[str] = field(default_factory=list)
    """Placeholders left in the plan after filling (the outputs do not answer them)."""


def _refuse(message: str, fix: str, where: str) -> UserInputError:
    return UserInputError([Problem(where, message, fix)], source=where)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"duplicate keys {', '.join(twice)}")
    return dict(pairs)


def read_outputs(path: Path) -> dict[str, str]:
    """``name -> value`` of a ``terraform output -json`` file; only string outputs (all of ``infra/``'s are)."""
    where = str(path)
    try:
        text = read_text_limited(path, kind=UserInputError)
        data = json.loads(text, object_pairs_hook=_unique)
    except FileNotFoundError:
        raise _refuse("no such file", "run `terraform -chdir=infra output -json > FILE` first", where) from None
    except ValueError as error:
        raise _refuse(f"not JSON: {error}", "pass the output of `terraform output -json` unchanged", where) from None
    if not isinstance(data, Mapping):
        raise _refuse("not a JSON object", "pass the output of `terraform output -json` unchanged", where)
    out: dict[str, str] = {}
    for name, entry in data.items():
        if not isinstance(entry, Mapping) or "value" not in entry:
            raise _refuse(
                f"output {name!r} has no value", "pass the output of `terraform output -json` unchanged", where
            )
        if isinstance(entry["value"], str):
            out[str(name)] = entry["value"]
    return out


def _get(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def _set(data: dict[str, Any], path: str, value: str) -> None:
    node = data
    *parents, last = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def fill_from_outputs(spec: DeploymentSpec, outputs: Mapping[str, str]) -> FillResult:
    """The spec with every placeholder the outputs answer filled in (validated again as a whole spec)."""
    from . import build_plan

    result = infra_result(spec, build_plan(spec).releases)
    if result is None:
        raise _refuse(
            f"a {spec.environment.value} spec has no cloud prerequisites to fill from",
            "use an AWS, GCP or Azure spec",
            "SPEC",
        )
    data = spec.model_dump(mode="json")
    out = FillResult(spec)
    for block in result.module.outputs:
        name = block.labels[0]
        if name not in outputs:
            continue
        for path in str(block.attributes["description"]).split(", "):
            current = _get(data, path)
            if isinstance(current, str) and is_placeholder(current):
                _set(data, path, outputs[name])
                out.filled.append((path, current, outputs[name]))
            elif isinstance(current, str) and current != outputs[name]:
                out.kept.append((path, current, outputs[name]))
    out.spec = spec_from_dict(data, source="spec filled from terraform outputs")
    out.still_open = list(build_plan(out.spec).placeholders)
    return out
