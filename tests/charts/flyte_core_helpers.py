"""What the flyte-core emitter tests share: the presets on flyte-core, a preset with changes, the one main release,
and a value at a key path."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from flytekit_deploy.charts.base import ReleaseValues
from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import ChartName, DeploymentSpec

__all__ = ["CORE_PRESETS", "at", "main", "spec_of"]

CORE_PRESETS = [name for name in PRESETS if get_preset(name).chart_name is ChartName.FLYTE_CORE]


def spec_of(preset: str, **changes: Any) -> DeploymentSpec:
    """A preset with nested changes, validated again (as a person's edited spec would be)."""

    def update(data: dict[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
        for key, value in more.items():
            if isinstance(value, Mapping) and value and isinstance(data.get(key), dict):
                data[key] = update(data[key], value)
            else:
                data[key] = copy.deepcopy(value)
        return data

    return DeploymentSpec.model_validate(update(get_preset(preset).model_dump(mode="json"), changes))


def main(releases: list[ReleaseValues]) -> ReleaseValues:
    """The one all-in-one flyte-core release of a single-cluster plan."""
    (release,) = [r for r in releases if r.role == "all-in-one"]
    return release


def at(values: Mapping[str, Any], *path: str) -> Any:
    """The value at a key path (keys given one by one: chart keys may contain dots)."""
    node: Any = values
    for key in path:
        node = node[key]
    return node
