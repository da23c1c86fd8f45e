"""Named starting points. Each is an ordinary DeploymentSpec with placeholders (``<LIKE_THIS>``) where only the
person knows the answer; the plan lists the placeholders still to fill.

Every cloud module lists its own presets (``flytekit_deploy/clouds/<env>.py``); this module gathers them in
registry order. Where upstream Flyte ships an overlay for the same setup, the preset is the spec that emits values
meaning the same thing (tests/charts compare them with ../shared/reference).
"""

from __future__ import annotations

from pathlib import Path

from .clouds import CLOUDS, Preset
from .errors import Problem, SpecError, UserInputError
from .spec import DeploymentSpec, load_spec

__all__ = ["Preset", "PRESETS", "get_preset", "preset_names", "all_presets", "load_deployment", "SpecSource"]

SpecSource = str | Path | DeploymentSpec
"""A spec, a preset name, or a spec file."""


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


def load_deployment(source: SpecSource) -> DeploymentSpec:
    """The spec ``source`` names: itself, a preset (by name), or a YAML/JSON spec file (validated: problems come
    back as :class:`UserInputError` with field paths)."""
    if isinstance(source, DeploymentSpec):
        return source
    text = str(source)
    if text in PRESETS and not Path(text).exists():
        return get_preset(text)
    path = Path(text)
    if not path.is_file():
        raise UserInputError(
            [
                Problem(
                    "--spec",
                    f"{text!r} is neither a spec file nor a preset",
                    f"pass a spec file (flytekit-deploy init eks-core -o flyte.yaml) or one of: {', '.join(PRESETS)}",
                )
            ],
            source="wiki",
        )
    return load_spec(path)
