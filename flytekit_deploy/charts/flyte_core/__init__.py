"""flyte-core: one Deployment per Flyte service, and the only chart with control-plane and data-plane profiles.
Emit (:mod:`.emitter` assembling :mod:`.access`, :mod:`.clusters`, :mod:`.config`, :mod:`.data`, :mod:`.services`
through :mod:`.parts`), read back for the importer (:mod:`.read`), and where the checks find its keys
(:mod:`.layout`)."""

from ...spec import ChartName
from ..chart import Chart
from .emitter import emit
from .layout import LAYOUT
from .read import prepare, read

__all__ = ["CHART", "emit", "read", "prepare", "LAYOUT"]

CHART = Chart(
    name=ChartName.FLYTE_CORE,
    emit=emit,
    main_chart=True,
    multi_cluster_capable=True,
    read=read,
    prepare_import=prepare,
    layout=LAYOUT,
)
