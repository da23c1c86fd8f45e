"""The rehearsal library's derivations from rendered objects, without servers (fast)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from flytekit_deploy.clouds import gcp
from flytekit_deploy.rehearse.clients import AdminSide, Route, admin_side, client_findings
from flytekit_deploy.rehearse.connector import connector_targets, go_duration
from flytekit_deploy.rehearse.database import db_logins
from flytekit_deploy.rehearse.endpoints import Endpoints
from flytekit_deploy.rehearse.flyte_config import fill_placeholders, placeholder_value
from flytekit_deploy.rehearse.storage import cloud_env
from flytekit_deploy.rehearse.task_env import task_pods

ENDPOINTS = Endpoints(s3="http://127.0.0.1:1", azurite_blob="http://127.0.0.1:2", gcs="http://127.0.0.1:3",
                      gce_metadata="127.0.0.1:4", closed_port=5)  # fmt: skip


def test_placeholders_become_valid_names() -> None:
    assert placeholder_value("RAW_DATA_BUCKET_NAME") == "rawdatabucketname"
    assert fill_placeholders({"a": ["s3://<METADATA_BUCKET_NAME>/x"]}) == {"a": ["s3://metadatabucketname/x"]}


def test_go_durations() -> None:
    assert go_duration("10s") == 10.0
    assert go_duration("1m30s") == 90.0
    assert go_duration("250ms") == 0.25
    assert go_duration("") == 10.0
    with pytest.raises(ValueError, match="not a Go duration"):
        go_duration("10 seconds")


def test_task_pod_of_aks_starter_names_its_account(preset_renders: dict[str, Any]) -> None:
    """Issue 10 item 3, fixed: aks-starter's task pods name the storage account; without it the rehearsal may not
    invent one (it adds nothing, so flytekit fails as it would in the cluster)."""
    (pod,) = task_pods(preset_renders["aks-starter"][1])
    assert pod.scheme == "abfs"
    assert pod.env["AZURE_STORAGE_ACCOUNT_NAME"]
    added, _why, blocked = cloud_env(pod, ENDPOINTS)
    assert blocked is None and set(added) == {"AZURE_STORAGE_CONNECTION_STRING"}
    env = {k: v for k, v in pod.env.items() if k != "AZURE_STORAGE_ACCOUNT_NAME"}
    added, _why, blocked = cloud_env(dataclasses.replace(pod, env=env), ENDPOINTS)
    assert blocked is None and added == {}


def test_task_pods_of_each_propeller(preset_renders: dict[str, Any]) -> None:
    pods = task_pods(preset_renders["gke-multicluster"][1])
    assert sorted(p.filename for p in pods) == ["values-flyte-core-dataplane-1.yaml", "values-flyte-core-gpu-1.yaml"]
    assert all(p.metadata_prefix == "gs://metadatabucketname/metadata/propeller" for p in pods)
    assert all(p.identity is gcp.CLOUD.identity for p in pods)


def test_default_env_vars_list_and_map_forms(preset_renders: dict[str, Any]) -> None:
    """Flyte decodes default-env-vars weakly (a map, or a list of one-entry maps): both give the same env."""
    (pod,) = task_pods(preset_renders["sandbox"][1])
    assert pod.env["FLYTE_AWS_ACCESS_KEY_ID"] == "minio"
    assert pod.env["FLYTE_PLATFORM_INSECURE"] == "true"


@pytest.mark.parametrize(
    ("preset", "allowed"),
    [
        ("eks-core", {"FLYTE_AWS_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}),
        ("sandbox", {"FLYTE_AWS_ENDPOINT"}),
        ("onprem-starter", {"FLYTE_AWS_ENDPOINT", "FLYTE_AWS_ACCESS_KEY_ID", "FLYTE_AWS_SECRET_ACCESS_KEY"}),
        ("gke-production", {"STORAGE_EMULATOR_HOST", "GCE_METADATA_HOST", "GCE_METADATA_IP"}),
        ("aks-production", {"AZURE_STORAGE_CONNECTION_STRING"}),
    ],
)
def test_rehearsal_adds_exactly_the_cloud_provided_variables(
    preset_renders: dict[str, Any], preset: str, allowed: set[str]
) -> None:
    for pod in task_pods(preset_renders[preset][1]):
        added, why, blocked = cloud_env(pod, ENDPOINTS)
        assert blocked is None
        assert set(added) == allowed == set(why)
        assert all(why.values())


def test_sandbox_endpoint_replaced_not_added(preset_renders: dict[str, Any]) -> None:
    (pod,) = task_pods(preset_renders["sandbox"][1])
    _added, why, _blocked = cloud_env(pod, ENDPOINTS)
    assert "replaces the plan's in-cluster" in why["FLYTE_AWS_ENDPOINT"]


def test_custom_s3_endpoint_without_pod_endpoint_is_blocked(preset_renders: dict[str, Any]) -> None:
    """A store at a custom endpoint whose task pods get no FLYTE_AWS_ENDPOINT would send data to AWS."""
    (pod,) = task_pods(preset_renders["onprem-starter"][1])
    env = dict(pod.env)
    del env["FLYTE_AWS_ENDPOINT"]
    pod = dataclasses.replace(pod, env=env)
    _added, _why, blocked = cloud_env(pod, ENDPOINTS)
    assert blocked is not None and "FLYTE_AWS_ENDPOINT" in blocked


def _server(**kwargs: Any) -> AdminSide:
    base = dict(filename="values.yaml", use_auth=True, auth_server="Self", static_clients=("flyte-cli", "flytectl",
                "flytepropeller"), flyte_client_id="flytectl", grpc_routes=(Route("grpc", "nginx", ("h",), True),),
                has_ingress=True)  # fmt: skip
    return AdminSide(**{**base, **kwargs})


CLIENT = {"ok": True, "endpoint": "h", "insecure": False, "auth_mode": "Pkce", "client_id": "flytectl"}


def test_client_matches_a_good_server() -> None:
    assert [f.rule for f in client_findings("c.yaml", _server(), CLIENT)] == ["rehearse.client.ok"]


@pytest.mark.parametrize(
    ("server", "client", "needle"),
    [
        (_server(auth_server="External"), CLIENT, "external IdP"),  # issue 10 item 7
        (_server(static_clients=("flytepropeller",)), CLIENT, "staticClients are only"),  # item 1
        (_server(grpc_routes=(Route("grpc", "nginx", ("h",), False),)), {**CLIENT, "insecure": True}, "HTTP/2"),
        (_server(), {**CLIENT, "insecure": True}, "terminates TLS"),
        (_server(grpc_routes=(Route("grpc", "alb", ("h",), False),)), CLIENT, "without TLS"),
        (_server(), {**CLIENT, "endpoint": "other-host"}, "no Ingress of the plan routes"),
        (_server(), {**CLIENT, "client_id": "mine"}, "logs in as 'mine'"),
        (_server(authorized_uris=("https://elsewhere",)), CLIENT, "authorizedUris"),
        (_server(), {"ok": False, "error": "boom"}, "cannot load"),
    ],
)
def test_client_mismatches_are_errors(server: AdminSide, client: dict[str, Any], needle: str) -> None:
    findings = client_findings("c.yaml", server, client)
    assert [f.rule for f in findings] == ["rehearse.client.failed"]
    assert needle in findings[0].message


def test_admin_side_defaults_when_static_clients_unset(preset_renders: dict[str, Any]) -> None:
    """Without a configured map Flyte's built-in clients stand; a configured one replaces them, so flyte-core's
    lists the CLI clients beside the service client (issue 10 item 1)."""
    side = admin_side(preset_renders["eks-production"][1])
    assert side is not None and side.flyte_client_id in side.static_clients
    plan, render = preset_renders["gke-production"]
    core = admin_side(render, plan)
    assert core is not None and set(core.static_clients) == {"flyte-cli", "flytectl", "flytepropeller"}
    assert core.flyte_client_id in core.static_clients
    # gke-production comes in through Gateway API: its GRPCRoute attaches to the Gateway's https listener
    assert [(r.name, r.controller, r.tls) for r in core.grpc_routes] == [("flyte-grpc", "envoy-gateway", True)]
    assert core.has_ingress


def test_db_logins_trace_password_to_mounted_secret(preset_renders: dict[str, Any]) -> None:
    logins = db_logins(preset_renders["eks-core"][1])
    assert {(lg.component, lg.dbname) for lg in logins} == {("admin", "flyteadmin"), ("datacatalog", "datacatalog")}
    assert all(lg.secret == ("db-pass", "pass.txt") and lg.sslmode == "require" for lg in logins)
    assert all(not lg.in_cluster for lg in logins), "a placeholder host is the operator's database"
    (sandbox,) = db_logins(preset_renders["sandbox"][1])
    assert sandbox.in_cluster


def test_connector_target_of_eks_hybrid(preset_renders: dict[str, Any]) -> None:
    plan, render = preset_renders["eks-hybrid"]
    (target,) = connector_targets(plan, render)
    assert (target.endpoint, target.insecure, target.timeout_s) == ("k8s://flyteconnector.flyte:8000", True, 10.0)
    assert target.service == ("flyteconnector", "flyte", 8000)


def test_doctest_examples() -> None:
    import doctest

    from flytekit_deploy.rehearse import connector, flyte_config

    for module in (connector, flyte_config):
        failed, attempted = doctest.testmod(module)
        assert attempted and not failed, module.__name__


def test_defaults_agree_with_flyte_reference(shared_reference: Any) -> None:
    """The Flyte defaults the rehearsals rely on, read from the v1.16.8 generated config reference."""
    import re

    from flytekit_deploy.rehearse.clients import DEFAULT_FLYTE_CLIENT_ID, DEFAULT_STATIC_CLIENTS
    from flytekit_deploy.rehearse.connector import DEFAULT_TIMEOUT_S
    from flytekit_deploy.rehearse.task_env import DEFAULT_METADATA_PREFIX

    generated = shared_reference / "docs" / "deployment" / "configuration" / "generated"
    propeller = (generated / "flytepropeller_config.rst").read_text(encoding="utf-8")
    admin = (generated / "flyteadmin_config.rst").read_text(encoding="utf-8")
    section = propeller[propeller.index("metadata-prefix (string)") :]
    assert section.split(".. code-block:: yaml", 1)[1].split()[0] == DEFAULT_METADATA_PREFIX
    connector = propeller[propeller.index("connector-service (`connector.Config`_)") :]
    assert go_duration(re.search(r"defaultTimeout: (\S+)", connector).group(1)) == DEFAULT_TIMEOUT_S  # type: ignore[union-attr]
    clients = admin[admin.index("  staticClients:") : admin.index("thirdPartyConfig:")]
    assert tuple(sorted(re.findall(r"^      ([a-z-]+):$", clients, re.MULTILINE))) == DEFAULT_STATIC_CLIENTS
    flyte_client = admin[admin.index("flyteClient:") :]
    assert re.search(r"clientId: (\S+)", flyte_client).group(1) == DEFAULT_FLYTE_CLIENT_ID  # type: ignore[union-attr]
