"""Configurator fixtures: an autosave in a temporary folder, and synchronous diagram rendering."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ipywidgets", reason="the configurator needs the [jupyter] extra (ipywidgets)")

from flytekit_deploy.widgets import Configurator  # noqa: E402


@pytest.fixture
def autosave_file(tmp_path: Path) -> Path:
    return tmp_path / "flyte-spec.autosave.yaml"


@pytest.fixture
def make_configurator(autosave_file: Path) -> Iterator[Callable[..., Configurator]]:
    """Configurators autosaving into the test's folder; the diagram renders at once unless a delay is given."""
    made: list[Configurator] = []

    def make(**kwargs: Any) -> Configurator:
        kwargs.setdefault("autosave_path", autosave_file)
        kwargs.setdefault("diagram_delay", 0)
        configurator = Configurator(**kwargs)
        made.append(configurator)
        return configurator

    yield make
    for configurator in made:
        configurator.close()


@pytest.fixture
def configurator(make_configurator: Callable[..., Configurator]) -> Configurator:
    return make_configurator()


@pytest.fixture(scope="session")
def needs_plan() -> None:
    """Skip (saying why) while the chart emitters are not importable; any other failure of build_plan fails."""
    from flytekit_deploy.plan import build_plan
    from flytekit_deploy.presets import get_preset

    try:
        build_plan(get_preset("sandbox"))
    except ImportError as error:
        pytest.skip(f"chart emitters not available in this checkout: {error}")
