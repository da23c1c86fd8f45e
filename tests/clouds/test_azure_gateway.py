"""AKS through Application Gateway for Containers: every AGC placeholder of the plan has a spec field that fills it."""

from __future__ import annotations

import pytest

from flytekit_deploy.errors import SpecError
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import spec_from_dict

AGC = {
    "agc_controller_client_id": "0b7c2a5e-1f1d-4c3a-9a1b-2f4e5d6c7b8a",
    "agc_resource_id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-flyte/providers/"
    "Microsoft.ServiceNetworking/trafficControllers/agc-flyte",
    "agc_frontend_name": "flyte-frontend",
}


@pytest.mark.parametrize("preset", ["aks-starter", "aks-production", "aks-multicluster"])
def test_filling_azure_agc_fields_leaves_no_agc_placeholder(preset: str) -> None:
    data = get_preset(preset).model_dump(mode="json")
    unfilled = "\n".join(build_plan(get_preset(preset)).files().values())
    assert all(p in unfilled for p in ("<AGC_IDENTITY_CLIENT_ID>", "<AGC_RESOURCE_ID>", "<AGC_FRONTEND_NAME>"))
    data["azure"].update(AGC)
    files = build_plan(spec_from_dict(data)).files()
    text = "\n".join(files.values())
    assert "<AGC_" not in text
    assert "albController.podIdentity.clientID=0b7c2a5e-1f1d-4c3a-9a1b-2f4e5d6c7b8a" in files["install.sh"]
    assert AGC["agc_resource_id"] in files["gateway-api.yaml"] and "flyte-frontend" in files["gateway-api.yaml"]


def test_a_malformed_agc_resource_id_is_refused_at_its_field() -> None:
    data = get_preset("aks-starter").model_dump(mode="json")
    data["azure"]["agc_resource_id"] = "agc-flyte"
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    assert [p.path for p in caught.value.problems] == ["azure.agc_resource_id"]
