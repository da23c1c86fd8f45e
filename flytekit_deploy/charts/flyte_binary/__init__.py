"""flyte-binary: all Flyte services in one process, one Deployment. Emit (:mod:`.emitter`, :mod:`.access`,
:mod:`.config`), read back for the importer (:mod:`.read`), and where the checks find its keys (:mod:`.layout`)."""

from ...spec import ChartName
from ..chart import Chart
from .emitter import emit
from .layout import LAYOUT
from .read import prepare, read

__all__ = ["CHART", "emit", "read", "prepare", "LAYOUT"]

CHART = Chart(
    name=ChartName.FLYTE_BINARY,
    emit=emit,
    main_chart=True,
    single_process=True,
    read=read,
    prepare_import=prepare,
    layout=LAYOUT,
)
