"""Chart emitters: the only code that knows Flyte chart keys. One module per chart."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from ..spec import ChartName, DeploymentSpec
from .base import CHART_REPO_NAME, CHART_REPOSITORY, ReleaseValues, SecretSpec
from .gateway_api import apply_gateway_values

__all__ = ["emit_releases", "ReleaseValues", "SecretSpec", "CHART_REPOSITORY", "CHART_REPO_NAME"]

_MAIN_EMITTER = {
    ChartName.FLYTE_BINARY: "flyte_binary",
    ChartName.FLYTE_CORE: "flyte_core",
    ChartName.FLYTE_SANDBOX: "sandbox",
}


def _emitter(module: str) -> Callable[[DeploymentSpec], list[ReleaseValues]]:
    emit: Callable[[DeploymentSpec], list[ReleaseValues]] = import_module(f"{__name__}.{module}").emit
    return emit


def emit_releases(spec: DeploymentSpec) -> list[ReleaseValues]:
    """Every Helm release the spec needs: the main chart's (one per cluster) and the connector's, in install order."""
    releases = list(_emitter(_MAIN_EMITTER[spec.chart_name])(spec))
    releases += _emitter("connector")(spec)
    apply_gateway_values(spec, releases)
    return releases
