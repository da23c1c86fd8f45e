"""Named starting points. Each is an ordinary DeploymentSpec with placeholders (``<LIKE_THIS>``) where only the
person knows the answer; the plan lists the placeholders still to fill.

Every cloud module lists its own presets (``flytekit_deploy/clouds/<env>.py``); this module gathers them in
registry order. Where upstream Flyte ships an overlay for the same setup, the preset is the spec that emits values
meaning the same thing (tests/charts compare them with ../shared/reference).
"""

from __future__ import annotations

from .clouds import CLOUDS, Preset
from .errors import Problem, SpecError
from .spec import DeploymentSpec

__all__ = ["Preset", "PRESETS", "get_preset", "preset_names", "all_presets"]


def all_presets() -> dict[str, Preset]:
    """Every cloud's presets by name, read from the registry now (so a cloud registered later is included)."""
    return {p.name: p for cloud in CLOUDS.values() for p in cloud.presets}


PRESETS: dict[str, Preset] = all_presets()
"""The presets of the registered clouds when the kit was imported."""


def preset_names() -> list[str]:
    return list(all_presets())


def get_preset(name: str) -> DeploymentSpec:
    """A fresh spec for a named preset; an unknown name is a SpecError naming the choices."""
    presets = all_presets()
    try:
        return presets[name].build()
    except KeyError:
        raise SpecError(
            [Problem("preset", f"unknown preset {name!r}", f"choose one of: {', '.join(presets)}")]
        ) from None
