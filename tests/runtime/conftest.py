"""Runtime-truth fixtures: runtime findings of every preset, computed once from the session's renders."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def preset_runtime(preset_renders: dict[str, object]) -> dict[str, list[object]]:
    """preset name -> render failures + runtime-config + wiring findings."""
    from flytekit_deploy.runtime import runtime_findings

    out: dict[str, list[object]] = {}
    for name, (plan, rendered) in preset_renders.items():  # type: ignore[misc]
        out[name] = list(rendered.failures) + runtime_findings(plan, rendered)
    return out
