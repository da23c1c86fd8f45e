"""flyte-sandbox passes flyte-binary's values through its ``flyte-binary`` subchart key."""

from __future__ import annotations

from ...spec import ChartName
from ..flyte_binary.layout import binary_layout

__all__ = ["LAYOUT"]

LAYOUT = binary_layout(ChartName.FLYTE_SANDBOX, prefix="flyte-binary")
