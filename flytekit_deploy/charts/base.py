"""What a chart emitter returns: one release's values, plus the Secrets and steps it needs.

Emitters are the only code that knows chart keys. Each exposes ``emit(spec) -> list[ReleaseValues]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..spec import ChartName

__all__ = ["SecretSpec", "ReleaseValues", "CHART_REPOSITORY", "CHART_REPO_NAME"]

CHART_REPO_NAME = "flyteorg"
CHART_REPOSITORY = "https://flyteorg.github.io/flyte"


@dataclass
class SecretSpec:
    """A Kubernetes Secret the person creates before installing (values never appear outside the sandbox)."""

    name: str
    namespace: str
    keys: dict[str, str]
    """Key in the Secret -> what it holds, in plain words."""
    cluster: str
    purpose: str
    spec_paths: list[str] = field(default_factory=list)
    """Spec fields this Secret comes from (for findings and the configurator)."""
    values: dict[str, str] | None = None
    """Inline values: sandbox only."""
    kind: str = "generic"
    """``generic`` (kubectl create secret generic) or ``tls``."""


@dataclass
class ReleaseValues:
    """One Helm release on one cluster: chart, namespace and the values to install it with."""

    release: str
    chart: ChartName
    namespace: str
    cluster: str
    role: str
    """``all-in-one``, ``control-plane``, ``data-plane``, ``dependencies`` or ``connector``."""
    values: dict[str, Any]
    comments: dict[str, str] = field(default_factory=dict)
    """Dotted key path -> a short comment written above that key in the values file."""
    secrets: list[SecretSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Steps or caveats specific to this release, in plain words (shown in the install guide)."""
    repo: str = CHART_REPOSITORY
    repo_name: str = CHART_REPO_NAME
    version: str = "v1.16.8"
    extra_helm_args: list[str] = field(default_factory=list)
    provides_ingress_controller: bool = False
    """True when this release installs the spec's ingress controller itself (flyte-deps' Contour)."""
    client_endpoint: str | None = None
    """Where flytectl reaches FlyteAdmin on this release when the spec has no public host (sandbox ports)."""

    @property
    def filename(self) -> str:
        suffix = (
            "" if self.role == "all-in-one" else f"-{self.cluster}" if self.role == "data-plane" else f"-{self.role}"
        )
        return f"values-{self.chart.value}{suffix}.yaml"

    @property
    def chart_ref(self) -> str:
        return f"{self.repo_name}/{self.chart.value}"
