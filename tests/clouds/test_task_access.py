"""What flytekit in a task pod needs for each store, as the runtime wiring rules and the rehearsal read it."""

from __future__ import annotations

from flytekit_deploy.clouds import CLOUDS, aws, azure, gcp, onprem, scheme_of_config, task_access_for


def test_every_store_answers_for_its_own_scheme() -> None:
    for cloud in CLOUDS.values():
        store = cloud.object_store
        if store is None:
            continue
        assert store.scheme in store.task_access.schemes, cloud.environment
        found = task_access_for(store.scheme.upper())  # schemes compare case-insensitively
        assert found is not None and found[0].emulator == store.task_access.emulator
        for kind in store.task_access.config_kinds:
            assert scheme_of_config(kind) == store.task_access.schemes[0]


def test_identities_that_can_serve_a_scheme_are_those_of_its_clouds() -> None:
    found = task_access_for("s3")
    assert found is not None and found[1] == (aws.CLOUD.identity,)  # on-prem's S3-compatible store has none
    found = task_access_for("abfss")
    assert found is not None and found[1] == (azure.CLOUD.identity,)
    assert found[0].required_env[0] == "AZURE_STORAGE_ACCOUNT_NAME"
    assert task_access_for("hdfs") is None and scheme_of_config("hdfs") is None


def test_only_keyed_stores_name_key_variables() -> None:
    """The S3 API stores hand keys to pods as variables (AWS SDK name, flytekit name); the others cannot."""
    assert [v[0] for v in onprem.S3_COMPATIBLE.key_variables] == ["access_key", "secret_key"]
    assert onprem.S3_COMPATIBLE.key_variables == aws.CLOUD.object_store.key_variables  # type: ignore[union-attr]
    assert gcp.CLOUD.object_store.key_variables == ()  # type: ignore[union-attr]
    assert azure.CLOUD.object_store.key_variables == ()  # type: ignore[union-attr]


def test_internal_load_balancers_are_each_clouds_own() -> None:
    assert aws.CLOUD.internal_lb_annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internal"
    assert gcp.CLOUD.internal_lb_annotations == {"networking.gke.io/load-balancer-type": "Internal"}
    assert onprem.CLOUD.internal_lb_annotations == {}
