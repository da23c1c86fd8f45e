"""flyte-sandbox: the chart ``flytectl demo`` installs (flyte-binary with MinIO and PostgreSQL, one process)."""

from ...spec import ChartName
from ..chart import Chart
from .emitter import emit
from .layout import LAYOUT

__all__ = ["CHART", "emit", "LAYOUT"]

CHART = Chart(name=ChartName.FLYTE_SANDBOX, emit=emit, main_chart=True, single_process=True, layout=LAYOUT)
