"""flyteconnector: the connector service hybrid tasks run through; emitted beside every main chart when the spec
needs it."""

from ...spec import ChartName
from ..chart import Chart
from .emitter import CONNECTOR_PORT, CONNECTOR_SERVICE, connector_endpoint, emit, needs_connector_service

__all__ = ["CHART", "emit", "connector_endpoint", "needs_connector_service", "CONNECTOR_SERVICE", "CONNECTOR_PORT"]

CHART = Chart(name=ChartName.FLYTECONNECTOR, emit=emit, main_chart=False, beside_every_main=True)
