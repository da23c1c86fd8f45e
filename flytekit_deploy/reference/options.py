"""Which deployment model runs where, on which chart: asked of the spec's own validation and recommendation.

Rather than a compatibility table typed into the wiki (which would drift the day a rule changes), each cell here is
the answer :class:`~flytekit_deploy.spec.DeploymentSpec` gives when a spec of that combination is validated, with the
rule's own message where it says no.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from ..charts.registry import main_charts
from ..clouds import FALLBACK, cloud_for
from ..spec import ChartName, DeploymentModel, DeploymentSpec, Environment, recommend_chart
from ..spec.model import ENVIRONMENT_SECTIONS
from .markdown import Markdown, md_table

__all__ = ["combination_verdict", "model_chart_table", "model_environment_table", "recommendation_table"]

_MODEL_NEEDS: dict[DeploymentModel, dict[str, Any]] = {
    DeploymentModel.MULTI_CLUSTER: {
        "clusters": {"data_planes": [{"name": "dataplane-1", "endpoint": "<DATAPLANE_1_K8S_API_URL>"}]}
    },
    DeploymentModel.HYBRID: {"connectors": [{"kind": "aws-batch"}]},
}
"""The least each model asks for before any chart or environment question arises (a data plane, a connector)."""


def _base(environment: Environment) -> dict[str, Any]:
    """A valid non-sandbox spec of ``environment``: its first single-cluster preset; local borrows on-prem's (both
    use an S3-compatible store with keys in a Secret), the only cloud-free setup the presets hold."""
    candidates = [*cloud_for(environment).presets, *FALLBACK.presets]
    for preset in candidates:
        spec = preset.build()
        if spec.model is DeploymentModel.SINGLE_CLUSTER:
            data = spec.model_dump(mode="json", exclude_none=True)
            for section in ENVIRONMENT_SECTIONS.values():
                data.pop(section, None)
            data["environment"] = environment.value
            data["name"] = "flyte"
            return data
    raise LookupError(f"no single-cluster preset for {environment.value}")


def _message(error: ValidationError) -> str:
    first = error.errors()[0]
    return str(first.get("msg", error))


def combination_verdict(model: DeploymentModel, environment: Environment, chart: ChartName | None) -> tuple[bool, str]:
    """(valid?, the chart it resolves to or the rule's message) for one model / environment / chart."""
    data = _base(environment)
    data.update(_MODEL_NEEDS.get(model, {}))
    data["model"] = model.value
    data.pop("chart", None)
    if chart is not None:
        data["chart"] = chart.value
    if model is DeploymentModel.SANDBOX:
        data.pop("profile", None)
        data.pop("auth", None)
    try:
        spec = DeploymentSpec.model_validate(data)
    except ValidationError as error:
        return False, _message(error)
    return True, spec.chart_name.value


def model_chart_table(environment: Environment | None = None) -> Markdown:
    """Models (rows) against the main charts (columns) in one environment (default: self-managed Kubernetes):
    ✓ or why not."""
    environment = environment or FALLBACK.environment
    rows = []
    for model in DeploymentModel:
        cells = [model.value]
        for chart in main_charts():
            ok, text = combination_verdict(model, environment, chart)
            cells.append("✓" if ok else f"✗ {text}")
        rows.append(cells)
    return md_table(["model", *(c.value for c in main_charts())], rows)


def model_environment_table(models: Iterable[DeploymentModel] = tuple(DeploymentModel)) -> Markdown:
    """Models (rows) against environments (columns), chart left to the kit: the chart it picks, or why not."""
    rows = []
    for model in models:
        cells = [model.value]
        for environment in Environment:
            ok, text = combination_verdict(model, environment, None)
            cells.append(text if ok else f"✗ {text}")
        rows.append(cells)
    return md_table(["model", *(e.value for e in Environment)], rows)


def recommendation_table() -> Markdown:
    """What :func:`~flytekit_deploy.spec.recommend_chart` picks for each model, and what tips it to flyte-core."""
    rows = []
    for model in DeploymentModel:
        rows.append(
            (
                model.value,
                recommend_chart(model).value,
                recommend_chart(model, propeller_replicas=2).value,
                recommend_chart(model, aws_scheduler=True).value,
            )
        )
    return md_table(["model", "chart picked", "with FlytePropeller replicas > 1", "with the AWS scheduler"], rows)
