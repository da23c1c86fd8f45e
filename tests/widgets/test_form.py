"""Form <-> spec: every preset survives a round trip, and fields that do not apply never reach the spec."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import DeploymentModel, StorageProvider, dump_spec
from flytekit_deploy.widgets import Configurator


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_round_trips_through_the_form(make_configurator: Callable[..., Configurator], name: str) -> None:
    preset = get_preset(name)
    configurator = make_configurator(spec=preset)
    assert configurator.errors == []
    assert dump_spec(configurator.spec) == dump_spec(preset)


def test_endpoint_is_dropped_when_the_store_is_not_s3_compatible(configurator: Configurator) -> None:
    assert configurator.field_visible("storage.endpoint")
    configurator.set_field("storage.endpoint", "http://minio.example:9000")
    assert configurator.spec.storage.endpoint == "http://minio.example:9000"
    configurator.set_field("storage.provider", StorageProvider.S3)
    assert not configurator.field_visible("storage.endpoint")
    # the hidden widget keeps its text, but the spec does not (the spec would reject it otherwise)
    assert configurator.field_widget("storage.endpoint").value == "http://minio.example:9000"
    assert configurator.errors == [] and configurator.spec.storage.endpoint is None
    configurator.set_field("storage.provider", "s3-compatible")
    assert configurator.spec.storage.endpoint == "http://minio.example:9000"


def test_environment_sections_follow_the_environment(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(spec=get_preset("eks-starter"))
    assert configurator.field_visible("aws.account_id") and not configurator.field_visible("gcp.project_id")
    configurator.set_field("aws.account_id", "123456789012")
    assert configurator.spec.aws is not None and configurator.spec.aws.account_id == "123456789012"
    configurator.set_fields({"environment": "on-prem", "storage.provider": "s3-compatible",
                             "storage.endpoint": "https://minio.example.com", "storage.credentials": "secret"})
    configurator.set_fields({"storage.access_key": {"name": "minio", "key": "user"},
                             "storage.secret_key": {"name": "minio", "key": "password"}})
    assert configurator.errors == [], configurator.errors
    assert configurator.spec.aws is None and configurator.spec.onprem is not None
    assert not configurator.field_visible("aws.account_id") and configurator.field_visible("onprem.cluster_name")


def test_oidc_fields_only_with_auth(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(spec=get_preset("eks-production"))
    assert configurator.spec.auth.enabled and configurator.field_visible("auth.issuer")
    issuer = configurator.spec.auth.issuer
    configurator.set_fields({"profile": "development", "auth.mode": "none"})
    assert configurator.errors == []
    assert not configurator.field_visible("auth.issuer") and not configurator.field_visible("auth.client_id")
    assert configurator.spec.auth.issuer == "<OIDC_ISSUER_URL>"  # the default, not the stale value
    configurator.set_field("auth.mode", "oidc-internal")
    assert configurator.spec.auth.issuer == issuer  # the widget kept it while hidden
    assert configurator.field_visible("auth.external_audience") is False


def test_data_planes_only_for_multi_cluster(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(spec=get_preset("eks-multicluster"))
    assert configurator.rows("clusters.data_planes") == 2
    configurator.set_fields({"model": DeploymentModel.SINGLE_CLUSTER})
    assert configurator.errors == [] and configurator.spec.clusters.data_planes == []
    assert not configurator.field_visible("clusters.data_planes")


def test_connectors_only_for_hybrid(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(spec=get_preset("eks-hybrid"))
    assert len(configurator.spec.connectors) == 2 and configurator.field_visible("connectors")
    configurator.set_field("model", "single-cluster")
    assert configurator.errors == [] and configurator.spec.connectors == []


def test_access_keys_only_with_secret_credentials(configurator: Configurator) -> None:
    assert configurator.field_visible("storage.access_key.name")
    configurator.set_fields({"storage.provider": "s3", "storage.credentials": "workload-identity",
                             "storage.region": "us-east-1"})
    # workload identity needs a cloud: the spec says so at the field, and the keys are gone from the data
    assert [p.path for p in configurator.errors] == ["storage.credentials"]
    assert "workload identity" in configurator.field_message("storage.credentials").lower() or configurator.errors
    assert not configurator.field_visible("storage.access_key.name")


def test_inline_secret_values_only_in_the_sandbox(configurator: Configurator) -> None:
    assert configurator.field_visible("database.password.value")
    assert configurator.spec.database.password.value == "postgres"
    configurator.set_fields({"model": "single-cluster", "storage.credentials": "secret"})
    assert configurator.errors == [], configurator.errors
    assert not configurator.field_visible("database.password.value")
    assert configurator.spec.database.password.value is None
    assert configurator.spec.storage.access_key is not None and configurator.spec.storage.access_key.value is None


def test_disabled_component_hides_its_settings(configurator: Configurator) -> None:
    configurator.set_field("components.console.replicas", 3)
    assert configurator.spec.components.console.replicas == 3
    configurator.set_field("components.console.enabled", False)
    assert not configurator.field_visible("components.console.replicas")
    assert configurator.spec.components.console.replicas == 1


def test_rows_add_remove_and_reindex(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(spec=get_preset("eks-multicluster"))
    new = configurator.add_row("clusters.data_planes")
    assert new == "clusters.data_planes[2]"
    configurator.set_fields({f"{new}.label": "gpu", f"{new}.weight": 0.25})
    names = [dp.name for dp in configurator.spec.clusters.data_planes]
    assert names == ["dataplane-1", "dataplane-2", "dataplane-3"]
    assert configurator.spec.clusters.data_planes[2].label == "gpu"
    configurator.remove_row("clusters.data_planes", 0)
    planes = configurator.spec.clusters.data_planes
    assert [(dp.name, dp.label, dp.weight) for dp in planes] == [("dataplane-2", "default", 0.5),
                                                                  ("dataplane-3", "gpu", 0.25)]
    # paths follow the rows: what was [2] is now [1]
    assert configurator.field_widget("clusters.data_planes[1].label").value == "gpu"
    with pytest.raises(KeyError):
        configurator.field_widget("clusters.data_planes[2].label")


def test_quota_rows_are_keyed_by_domain(configurator: Configurator) -> None:
    path = configurator.add_row("projects.quotas")
    assert path == "projects.quotas.development"
    configurator.set_field(f"{path}.cpu", "8")
    assert configurator.spec.projects.quotas["development"].cpu == "8"
    configurator.set_field(f"{path}.cpu", "eight")
    assert [p.path for p in configurator.errors] == ["projects.quotas.development.cpu"]
    assert "quantity" in configurator.field_message("projects.quotas.development.cpu")


def test_loading_a_spec_says_which_settings_do_not_apply(configurator: Configurator, tmp_path: Path) -> None:
    data = get_preset("sandbox").model_dump(mode="json", exclude_defaults=True)
    data["auth"] = {"mode": "none", "issuer": "https://login.example.com"}  # valid, but unused without OIDC
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data))
    configurator.load(path)
    assert configurator.errors == []
    assert configurator.spec.auth.issuer == "<OIDC_ISSUER_URL>"
    assert "auth.issuer" in configurator.actions.message.value


def test_the_add_button_names_a_new_data_plane() -> None:
    from flytekit_deploy.widgets.editors import ListEditor
    from flytekit_deploy.widgets.form import Form

    form = Form(lambda: None)
    form.set_value("model", "multi-cluster")
    editor = form.editor("clusters.data_planes")
    assert isinstance(editor, ListEditor)
    before = len(editor.rows)
    editor.add_button.click()
    editor.add_button.click()
    names = [row.fields["name"].raw() for row in editor.rows[before:]]
    assert names == [f"dataplane-{before + 1}", f"dataplane-{before + 2}"]
