"""Reading an existing values file: a chart Ingress switched off may mean a Gateway fronts Flyte. The importer (the
charts' ``*_import`` readers) calls :func:`recognise_gateway`; it answers with the spec fragment to take when the
file carries the kit's h2c port (written for Gateway API routes), and a note to show either way."""

from __future__ import annotations

from typing import Any

from ...spec import ChartName
from .routes import H2C_APP_PROTOCOL

__all__ = ["recognise_gateway"]


def _ports(values: dict[str, Any], *path: str) -> list[dict[str, Any]]:
    node: Any = values
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return [p for p in node if isinstance(p, dict)] if isinstance(node, list) else []


def recognise_gateway(chart: ChartName, values: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """``(ingress fragment, note)`` for a values file of ``chart``; ``(None, None)`` when its Ingress is on."""
    if chart is ChartName.FLYTE_BINARY:
        off = not (values.get("ingress") or {}).get("create")
        ports = _ports(values, "service", "extraPorts")
    elif chart is ChartName.FLYTE_CORE:
        off = (values.get("common") or {}).get("ingress", {}).get("enabled") is False
        ports = _ports(values, "flyteadmin", "service", "additionalPorts")
    else:
        return None, None
    if not off:
        return None, None
    if any(p.get("appProtocol") == H2C_APP_PROTOCOL for p in ports):
        return (
            {"kind": "gateway-api"},
            "the chart's Ingress is off and FlyteAdmin has an HTTP/2 (h2c) Service port: imported as "
            "ingress.kind gateway-api; if the Gateway is not the kit's, name it in ingress.gateway.existing",
        )
    return (
        None,
        "the chart's Ingress is off: if a Gateway (Gateway API) fronts Flyte, set ingress.kind: gateway-api and "
        "ingress.gateway.existing {name, namespace}; the kit then emits the HTTPRoute and GRPCRoute for it",
    )
