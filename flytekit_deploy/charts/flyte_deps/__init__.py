"""flyte-deps: MinIO, PostgreSQL, Contour and the Kubernetes dashboard a flyte-core sandbox runs beside Flyte."""

from ...spec import ChartName
from ..chart import Chart
from .emitter import deps_release, emit

__all__ = ["CHART", "emit", "deps_release"]

CHART = Chart(name=ChartName.FLYTE_DEPS, emit=emit, main_chart=False)
