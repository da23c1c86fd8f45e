"""The wiki's Gateway API controller table is generated from the kit's controller table."""

from __future__ import annotations

from flytekit_deploy.charts.gateway_api import controllers
from flytekit_deploy.presets import get_preset
from flytekit_deploy.reference.gateway import gateway_controller_table
from flytekit_deploy.reference.plans import _column


def test_one_row_per_controller_with_grpc_support_and_evidence() -> None:
    rows = [line for line in str(gateway_controller_table()).splitlines()[2:] if line.startswith("|")]
    assert len(rows) == len(controllers())
    for info, row in zip(controllers().values(), rows, strict=True):
        assert info.title in row and info.evidence[0] in row
        assert ("not confirmed" in row) is (info.grpc_route is None)


def test_the_preset_table_names_the_gateway_controller() -> None:
    cell = _column("ingress", "aks-production", get_preset("aks-production"))
    assert cell == ("gateway-api (Application Gateway for Containers (ALB Controller)), TLS cert-manager")
    assert _column("ingress", "eks-core", get_preset("eks-core")) == "alb, TLS acm"
