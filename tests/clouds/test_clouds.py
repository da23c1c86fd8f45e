"""What each cloud module answers, checked against the spec and the emitted plans rather than against itself."""

from __future__ import annotations

import pytest
from pydantic_core import PydanticCustomError

from flytekit_deploy.charts.gateway_api import controller_for
from flytekit_deploy.clouds import CLOUDS, StoreFacts, cloud_of, identity_of, recognise, store_of, stores
from flytekit_deploy.errors import SpecError
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.spec import Environment, IngressController, StorageProvider

EXAMPLES = {
    "irsa": "arn:aws:iam::123456789012:role/flyte-backend",
    "gcp-workload-identity": "flyte-backend@my-project.iam.gserviceaccount.com",
    "azure-workload-identity": "00000000-0000-0000-0000-000000000000",
}


@pytest.mark.parametrize("environment", [env for env, cloud in CLOUDS.items() if cloud.identity is not None])
def test_identifier_check_takes_its_own_and_refuses_the_others(environment: Environment) -> None:
    identity = CLOUDS[environment].identity
    assert identity is not None
    assert identity.check(identity.backend_placeholder) == identity.backend_placeholder
    assert identity.check(EXAMPLES[identity.mode.value]) == EXAMPLES[identity.mode.value]
    for mode, other in EXAMPLES.items():
        if mode != identity.mode.value:
            with pytest.raises(PydanticCustomError, match="is not"):
                identity.check(other)


@pytest.mark.parametrize(
    ("facts", "environment"),
    [
        (StoreFacts("s3"), Environment.AWS),
        (StoreFacts("s3", endpoint="http://minio:9000"), Environment.ONPREM),
        (StoreFacts("gcs"), Environment.GCP),
        (StoreFacts("azure"), Environment.AZURE),
        (StoreFacts("custom", stow_kind="azure"), Environment.AZURE),
        (StoreFacts("custom", endpoint="https://s3.lab", stow_kind="s3"), Environment.ONPREM),
        (StoreFacts("sandbox"), Environment.LOCAL),
        (StoreFacts("something-else"), Environment.ONPREM),
    ],
)
def test_an_imported_store_names_its_cloud(facts: StoreFacts, environment: Environment) -> None:
    assert recognise(facts).environment is environment


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_fits_its_cloud(name: str) -> None:
    spec = get_preset(name)
    cloud = cloud_of(spec)
    if spec.ingress.gateway_api:
        assert controller_for(spec) in cloud.gateway_controllers
    else:
        assert spec.ingress.controller in cloud.ingress_controllers
    store = store_of(spec)
    plan = build_plan(spec)
    prefix = store.raw_output_prefix(spec)
    assert prefix.startswith(f"{store.scheme}://")
    assert (identity_of(spec) is None) == (spec.identity_mode.home is None)
    text = "".join(plan.files().values())
    identity = identity_of(spec)
    if identity is not None:
        assert identity.annotation in text


def test_the_starters_default_ingress_is_the_clouds_first_choice() -> None:
    for cloud in CLOUDS.values():
        starters = [p for p in cloud.presets if p.name.endswith("-starter") or p.name == "sandbox"]
        assert starters, cloud.environment
        ingress = starters[0].build().ingress
        assert ingress.kind is cloud.way_in
        if not ingress.gateway_api:
            assert ingress.controller is cloud.ingress_controllers[0]


def test_no_cloud_offers_ingress_nginx_first_and_no_preset_uses_it() -> None:
    for cloud in CLOUDS.values():
        assert cloud.ingress_controllers[0] is not IngressController.NGINX, cloud.environment
        assert cloud.gateway_controllers, cloud.environment
    for name in preset_names():
        assert get_preset(name).ingress.controller is not IngressController.NGINX, name


def test_stores_cover_every_provider_once() -> None:
    assert set(stores()) == set(StorageProvider)
    owners = {p: [c.environment for c in CLOUDS.values() if c.object_store is stores()[p]] for p in StorageProvider}
    assert all(len(envs) == 1 for envs in owners.values()), owners


def test_prerequisites_name_what_the_spec_leaves_to_create() -> None:
    spec = get_preset("eks-core")
    names = [p.name for p in cloud_of(spec).prerequisites(spec)]
    assert names == [
        "S3 buckets: <METADATA_BUCKET_NAME>",
        "S3 buckets: <RAW_DATA_BUCKET_NAME>",
        "Amazon RDS: <RDS_HOST>",
        "IAM roles (IRSA): <FLYTE_BACKEND_IAM_ROLE_ARN>",
        "IAM roles (IRSA): <FLYTE_TASKS_IAM_ROLE_ARN>",
    ]
    sandbox = get_preset("sandbox")
    assert cloud_of(sandbox).prerequisites(sandbox) == ()


def test_unknown_preset_names_the_choices() -> None:
    with pytest.raises(SpecError, match="eks-starter"):
        get_preset("oke-starter")
