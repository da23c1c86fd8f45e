"""Specs the topology and diagram tests share: a preset with edits, many data planes, hostile free text."""

from __future__ import annotations

from typing import Any

from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import DeploymentSpec

#: Everything mermaid or DOT could read as syntax or markup, in one label.
HOSTILE = 'end" (x) [y] {z} <script>alert(1)</script> #1 | a;b %% `c` & d \\N'


def changed(preset: str, **sections: Any) -> DeploymentSpec:
    """A preset with fields replaced (``a__b=value`` sets ``a.b``), validated again as a person's edit would be."""
    data = get_preset(preset).model_dump(mode="json")
    for key, value in sections.items():
        target = data
        *path, last = key.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return DeploymentSpec.model_validate(data)


def many_data_planes(counts: dict[str, int]) -> DeploymentSpec:
    """eks-multicluster with ``counts[label]`` data planes per execution label."""
    planes = [
        {"name": f"{label}-{i:02d}", "label": label, "weight": round(1 / n, 3)}
        for label, n in counts.items()
        for i in range(n)
    ]
    return changed("eks-multicluster", clusters__data_planes=planes)


def hostile_spec() -> DeploymentSpec:
    """Free-text spec fields that end up in labels (a custom log link) set to HOSTILE; names that reach a shell
    (the cluster name) are validated at the spec level, so they can no longer carry it."""
    return changed(
        "onprem-starter",
        observability__logs__providers=["custom"],
        observability__logs__custom=[{"name": HOSTILE, "template": "https://logs.example.com/{{ .podName }}"}],
    )
