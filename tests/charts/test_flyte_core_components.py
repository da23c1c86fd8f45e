"""flyte-core emitter: components (switched off, tuned, by profile), the scheduler, connectors and overrides."""

from __future__ import annotations

from flytekit_deploy.charts.flyte_core import emit
from flytekit_deploy.presets import get_preset

from .flyte_core_helpers import at, main, spec_of

# ---- components ------------------------------------------------------------------------------------------------


def test_disabled_components_vanish() -> None:
    spec = spec_of(
        "eks-core",
        components={
            "console": {"enabled": False, "replicas": 3},
            "datacatalog": {"enabled": False},
            "scheduler": {"enabled": False},
            "cluster_resource_manager": {"enabled": False},
            "propeller": {"webhook": False},
        },
    )
    values = main(emit(spec)).values
    assert values["flyteconsole"] == {"enabled": False}
    assert values["datacatalog"] == {"enabled": False}
    assert values["workflow_scheduler"] == {"enabled": False}
    assert "flytescheduler" not in values
    assert values["cluster_resource_manager"] == {"enabled": False}
    assert values["webhook"] == {"enabled": False}


def test_component_settings() -> None:
    spec = spec_of(
        "onprem-production",
        components={
            "admin": {"image_tag": "v1.16.7", "replicas": 3, "resources": {"cpu_request": "1", "memory_limit": "2Gi"}},
            "propeller": {"manager": True, "create_crds": False, "workers": 80, "replicas": 2},
            "copilot_image_tag": "v1.16.7",
        },
    )
    values = main(emit(spec)).values
    admin = values["flyteadmin"]
    assert admin["image"] == {"tag": "v1.16.7"}
    assert admin["replicaCount"] == 3
    assert admin["resources"] == {"limits": {"memory": "2Gi"}, "requests": {"cpu": "1"}}
    assert at(admin, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution")[0][
        "labelSelector"
    ] == {"matchLabels": {"app.kubernetes.io/name": "flyteadmin"}}
    propeller = values["flytepropeller"]
    assert (propeller["manager"], propeller["createCRDs"]) == (True, False)
    assert propeller["priorityClassName"] == "system-cluster-critical"
    assert at(values, "configmap", "core", "propeller", "workers") == 80
    assert at(values, "configmap", "core", "propeller", "gc-interval") == "12h"
    copilot = at(values, "configmap", "copilot", "plugins", "k8s", "co-pilot", "image")
    assert copilot == "cr.flyte.org/flyteorg/flytecopilot:v1.16.7"


def test_development_profile_has_no_production_tuning() -> None:
    propeller = at(main(emit(get_preset("sandbox-core"))).values, "configmap", "core", "propeller")
    assert "kube-client-config" not in propeller and "gc-interval" not in propeller


# ---- scheduler, connectors, overrides ---------------------------------------------------------------------


def test_aws_scheduler() -> None:
    values = main(emit(get_preset("eks-core-aws-scheduler"))).values
    scheduler = values["workflow_scheduler"]
    assert (scheduler["enabled"], scheduler["type"]) == (True, "aws")
    executor = scheduler["config"]["scheduler"]["workflowExecutor"]
    assert executor["scheduleQueueName"] == "flyte-executions-queue"
    assert executor["accountId"] == "<AWS_ACCOUNT_ID>"
    event = scheduler["config"]["scheduler"]["eventScheduler"]
    assert event["targetName"] == "arn:aws:sqs:<AWS_REGION>:<AWS_ACCOUNT_ID>:flyte-executions-queue"
    assert "flytescheduler" not in values


def test_hybrid_connectors_point_at_the_connector_service() -> None:
    spec = spec_of(
        "onprem-production",
        model="hybrid",
        components={"connector": {"enabled": True}},
        connectors=[{"kind": "databricks", "endpoint": "https://dbc.example.com"}],
    )
    values = main(emit(spec)).values
    plugins = at(values, "configmap", "enabled_plugins")
    assert "connector-service" in plugins["tasks"]["task-plugins"]["enabled-plugins"]
    endpoint = plugins["plugins"]["connector-service"]["defaultConnector"]["endpoint"]
    assert endpoint.endswith("flyteconnector.flyte:8000")
    assert values["flyteconnector"] == {"enabled": False}  # the connector is its own release


def test_aws_batch_uses_propellers_own_plugin() -> None:
    spec = spec_of("eks-core", model="hybrid", connectors=[{"kind": "aws-batch"}])
    release = main(emit(spec))
    task_plugins = at(release.values, "configmap", "enabled_plugins", "tasks", "task-plugins")
    assert "aws_array" in task_plugins["enabled-plugins"]
    assert task_plugins["default-for-task-types"]["aws-batch"] == "aws_array"
    assert "connector-service" not in at(release.values, "configmap", "enabled_plugins", "plugins")
    assert at(release.values, "configmap", "adminServer", "queues", "executionQueues")
    assert any("<AWS_BATCH_JOB_QUEUE>" in n for n in release.notes)


def test_overrides_are_merged_last() -> None:
    spec = spec_of("eks-core", overrides={"flyte-core": {"flyteadmin": {"replicaCount": 7}, "sparkoperator": {}}})
    release = main(emit(spec))
    assert release.values["flyteadmin"]["replicaCount"] == 7
    assert release.values["flyteadmin"]["enabled"] is True
    assert "spec.overrides" in release.comments["sparkoperator"]
