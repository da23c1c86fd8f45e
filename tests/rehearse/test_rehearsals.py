"""Every preset rehearsed against real-protocol servers: storage, clients, database, connector.

The storage and client rehearsals of all presets (and of the mutated plans below) run in one flytekit process
(:func:`~flytekit_deploy.rehearse.run.rehearse_plans`); a failing preset is a strict xfail naming what it lacks
(:mod:`.expectations`), so the fix turns the xfail into a reported pass.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from typing import Any

import psycopg
import pytest

from flytekit_deploy.checks.findings import Finding
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.rehearse import rehearse_plans, run_rehearsals
from flytekit_deploy.rehearse.connector import connector_targets
from flytekit_deploy.rehearse.endpoints import Endpoints
from flytekit_deploy.rehearse.servers import PgTls

from .conftest import SKIPPED, TIMINGS
from .expectations import XFAIL

pytestmark = pytest.mark.live  # real servers on loopback

DB_PASSWORD = "rehearsal-Db-pa55"
SECRETS = {"DB_PASS_PASS_TXT": DB_PASSWORD}


def _param(rehearsal: str, name: str) -> Any:
    reason = XFAIL[rehearsal].get(name)
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason)) if reason else name


def _rules(findings: list[Finding]) -> list[str]:
    return sorted({f.rule for f in findings})


def _skip_unrehearsed(findings: list[Finding]) -> None:
    skipped = [f.message for f in findings if f.rule == "rehearse.storage.skipped"]
    if skipped:
        pytest.skip(f"{'; '.join(skipped)} ({'; '.join(SKIPPED.values())})")


def _mutate(preset_renders: dict[str, Any], name: str) -> tuple[Any, Any]:
    plan, render = preset_renders[name]
    return plan, copy.deepcopy(render)


def _configmaps(render: Any, needle: str) -> list[dict[str, Any]]:
    return [cm for _f, cm in render.of_kind("ConfigMap") if needle in cm["metadata"]["name"]]


def _drop_annotation(render: Any, annotation: str) -> None:
    for cm in _configmaps(render, "template"):
        for key, text in cm.get("data", {}).items():
            cm["data"][key] = "\n".join(line for line in text.splitlines() if annotation not in line)


def _drop_env(render: Any, var: str) -> None:
    for cm in _configmaps(render, "propeller-config"):
        for key, text in cm.get("data", {}).items():
            cm["data"][key] = "\n".join(line for line in text.splitlines() if var not in line)


def _mutations(preset_renders: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Valid plans with one thing a task pod needs taken away: each must fail the storage rehearsal."""
    out = {}
    plan, render = _mutate(preset_renders, "eks-core")
    _drop_annotation(render, "eks.amazonaws.com/role-arn")
    out["mutant-eks-core-no-irsa"] = (plan, render)
    plan, render = _mutate(preset_renders, "gke-production")
    _drop_annotation(render, "iam.gke.io/gcp-service-account")
    out["mutant-gke-production-no-workload-identity"] = (plan, render)
    plan, render = _mutate(preset_renders, "aks-production")
    _drop_env(render, "AZURE_STORAGE_ACCOUNT_NAME")
    out["mutant-aks-production-no-account"] = (plan, render)
    plan, render = _mutate(preset_renders, "aks-starter")
    _add_pod_template(render, "flyte-task-defaults", {"AZURE_STORAGE_ACCOUNT_NAME": "<AZURE_STORAGE_ACCOUNT>"})
    out["mutant-aks-starter-account-from-pod-template"] = (plan, render)
    return out


def _add_pod_template(render: Any, name: str, env: dict[str, str]) -> None:
    """Name a default PodTemplate in propeller's k8s plugin config and render it: task pods start from it."""
    from flytekit_deploy.checks.render import RenderedObject

    for cm in _configmaps(render, "flyte-binary-config"):
        cm["data"]["999-pod-template.yaml"] = f"plugins:\n  k8s:\n    default-pod-template-name: {name}\n"
    filename = next(iter(render.results))
    template = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": name, "namespace": "flyte"},
                "template": {"spec": {"containers": [{"name": "default", "image": "x",
                                                      "env": [{"name": k, "value": v} for k, v in env.items()]}]}}}  # fmt: skip
    result = render.results[filename]
    added = RenderedObject("mutation", len(result.objects), template)
    render.results[filename] = dataclasses.replace(result, objects=(*result.objects, added))


@pytest.fixture(scope="session")
def report(preset_renders: dict[str, Any], storage_endpoints: Endpoints) -> dict[str, dict[str, list[Finding]]]:
    """Storage and client rehearsals of every preset and mutant, in one flytekit process."""
    plans = dict(preset_renders) | _mutations(preset_renders)
    started = time.monotonic()
    out = rehearse_plans(plans, storage_endpoints, only=("storage", "clients"))
    TIMINGS["storage+clients rehearsals (one flytekit process)"] = time.monotonic() - started
    return out


@pytest.mark.parametrize("name", [_param("storage", n) for n in preset_names()])
def test_task_storage(report: dict[str, dict[str, list[Finding]]], name: str) -> None:
    findings = report[name]["storage"]
    assert findings, "every preset has at least one task pod (propeller)"
    _skip_unrehearsed(findings)
    failed = [f.message for f in findings if f.rule != "rehearse.storage.ok"]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize(
    ("mutant", "expected"),
    [
        ("mutant-eks-core-no-irsa", "Unable to locate credentials"),
        ("mutant-gke-production-no-workload-identity", "only anonymously"),
        ("mutant-aks-production-no-account", "account_name"),
    ],
)
def test_task_storage_fails_when_the_pod_lacks_its_identity_or_account(
    report: dict[str, dict[str, list[Finding]]], mutant: str, expected: str
) -> None:
    findings = report[mutant]["storage"]
    _skip_unrehearsed(findings)
    assert _rules(findings) == ["rehearse.storage.failed"]
    assert expected in findings[0].message


def test_pod_template_env_reaches_the_task_pod(report: dict[str, dict[str, list[Finding]]]) -> None:
    """aks-starter with the account name in a default PodTemplate: flytekit finds the account and passes."""
    assert _rules(report["mutant-aks-starter-account-from-pod-template"]["storage"]) == ["rehearse.storage.ok"]


def test_storage_rehearsal_adds_only_cloud_provided_variables(report: dict[str, dict[str, list[Finding]]]) -> None:
    """The success message lists what the rehearsal added: only endpoint/credential variables of the cloud."""
    allowed = {"FLYTE_AWS_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
               "FLYTE_AWS_ACCESS_KEY_ID", "FLYTE_AWS_SECRET_ACCESS_KEY",
               "STORAGE_EMULATOR_HOST", "GCE_METADATA_HOST", "GCE_METADATA_IP", "AZURE_STORAGE_CONNECTION_STRING"}  # fmt: skip
    for name in preset_names():
        for f in report[name]["storage"]:
            if f.rule == "rehearse.storage.ok":
                added = f.message.split("the rehearsal added only ", 1)[1].rstrip(")").split(", ")
                assert set(added) <= allowed, (name, added)


@pytest.mark.parametrize("name", [_param("clients", n) for n in preset_names()])
def test_client_config_matches_server(report: dict[str, dict[str, list[Finding]]], name: str) -> None:
    findings = report[name]["clients"]
    failed = [f.message for f in findings if f.rule != "rehearse.client.ok"]
    assert not failed, "\n".join(failed)


@pytest.fixture(scope="session")
def database_report(preset_renders: dict[str, Any], pg_tls: PgTls) -> dict[str, dict[str, list[Finding]]]:
    """First with only the flyteadmin database and a user without CREATEDB, then with datacatalog created too."""
    endpoints = Endpoints(postgres_host=pg_tls.host, postgres_port=pg_tls.port)
    with psycopg.connect(host=pg_tls.host, port=pg_tls.port, user=pg_tls.superuser, password=pg_tls.password,
                         dbname="postgres", sslmode="require", autocommit=True) as conn:  # fmt: skip
        conn.execute(f"CREATE ROLE flyteadmin LOGIN NOCREATEDB PASSWORD '{DB_PASSWORD}'")
        conn.execute("CREATE DATABASE flyteadmin OWNER flyteadmin")
        before = rehearse_plans(preset_renders, endpoints, SECRETS, only=("database",))
        conn.execute("CREATE DATABASE datacatalog OWNER flyteadmin")
    after = rehearse_plans(preset_renders, endpoints, SECRETS, only=("database",))
    return {name: {"before": before[name]["database"], "after": after[name]["database"]} for name in after}


@pytest.mark.parametrize("name", [_param("database", n) for n in preset_names()])
def test_database_logins_over_tls(database_report: dict[str, dict[str, list[Finding]]], name: str) -> None:
    findings = database_report[name]["after"]
    assert findings
    failed = [f.message for f in findings if f.rule not in ("rehearse.database.ok", "rehearse.database.skipped")]
    assert not failed, "\n".join(failed)
    skipped = [f for f in findings if f.rule == "rehearse.database.skipped"]
    assert all("in-cluster" in f.message for f in skipped), "only a chart's own database may go unrehearsed"


def test_missing_datacatalog_database_is_reported_with_the_privilege(
    database_report: dict[str, dict[str, list[Finding]]],
) -> None:
    """flyte-core's DataCatalog has its own database; without it and without CREATEDB, DataCatalog cannot start."""
    for name in ("eks-core", "aks-production", "onprem-production"):
        missing = [f for f in database_report[name]["before"] if "datacatalog" in f.message]
        assert [f.rule for f in missing] == ["rehearse.database.failed"], name
        assert "may not create it" in missing[0].message
        assert "datacatalog database" in missing[0].path


def test_plaintext_login_refused_by_tls_server(preset_renders: dict[str, Any], pg_tls: PgTls) -> None:
    """The server really requires TLS: the same login with sslmode=disable is refused."""
    with pytest.raises(psycopg.OperationalError, match="pg_hba.conf rejects"):
        psycopg.connect(host=pg_tls.host, port=pg_tls.port, user="flyteadmin", password=DB_PASSWORD,
                        dbname="flyteadmin", sslmode="disable", connect_timeout=5)  # fmt: skip


# presets that deploy a connector (a flyteconnector release): the subjects of the connector rehearsal
CONNECTOR_PRESETS = [
    n for n in preset_names() if any(r.chart.value == "flyteconnector" for r in build_plan(get_preset(n)).releases)
]


@pytest.mark.parametrize("name", [_param("connector", n) for n in CONNECTOR_PRESETS])
def test_connector_reached_as_configured(preset_renders: dict[str, Any], connector_address: str, name: str) -> None:
    plan, render = preset_renders[name]
    assert connector_targets(plan, render), "the preset configures a connector"
    findings = run_rehearsals(plan, render, Endpoints(connector=connector_address), only=("connector",))
    connector = [f for f in findings if f.rule.startswith("rehearse.connector.")]
    failed = [f.message for f in connector if f.rule != "rehearse.connector.ok"]
    assert connector and not failed, "\n".join(failed)


@pytest.fixture(scope="session")
def hybrid_with_connector_rendered(preset_renders: dict[str, Any], prepared_charts: Any) -> tuple[Any, Any]:
    """eks-hybrid with its connector release rendered from the flyteconnector chart's own defaults: the state the
    fix of the connector values reaches. Propeller's connector config is still eks-hybrid's own."""
    from flytekit_deploy.checks.render import render_chart

    plan, render = preset_renders["eks-hybrid"]
    release = next(r for r in plan.releases if r.chart.value == "flyteconnector")
    fixed = copy.deepcopy(render)
    fixed.failures = [f for f in fixed.failures if f.path != release.filename]
    fixed.results[release.filename] = render_chart(prepared_charts.path("flyteconnector"), {}, release=release.release,
                                                   namespace=release.namespace, version=release.version)  # fmt: skip
    return plan, fixed


def test_connector_reached_once_its_release_renders(hybrid_with_connector_rendered: tuple[Any, Any],
                                                    connector_address: str) -> None:  # fmt: skip
    plan, render = hybrid_with_connector_rendered
    findings = run_rehearsals(plan, render, Endpoints(connector=connector_address), only=("connector",))
    assert [f.rule for f in findings] == ["rehearse.connector.ok"]
    assert "ListAgents answered" in findings[0].message


def test_connector_tls_mismatch_fails(hybrid_with_connector_rendered: tuple[Any, Any], connector_address: str) -> None:
    """The same plan with insecure: false: propeller would attempt TLS against the plaintext connector server."""
    plan, render = copy.deepcopy(hybrid_with_connector_rendered)
    for cm in _configmaps(render, "flyte-binary-config"):
        for key, text in cm["data"].items():
            cm["data"][key] = text.replace("      insecure: true\n  k8s", "      insecure: false\n  k8s")
    (target,) = connector_targets(plan, render)
    assert target.insecure is False, "the mutation applied"
    findings = run_rehearsals(plan, render, Endpoints(connector=connector_address), only=("connector",))
    assert [f.rule for f in findings] == ["rehearse.connector.failed"]


def test_doctor_path_serves_and_rehearses_one_plan(preset_renders: dict[str, Any]) -> None:
    """What `doctor --rehearse` runs: start the servers one plan needs, rehearse it, stop them."""
    from flytekit_deploy.rehearse import serve

    plan, render = preset_renders["eks-starter"]
    with serve({"eks-starter": (plan, render)}) as running:
        if running.unavailable:
            pytest.skip("; ".join(f.message for f in running.unavailable))
        assert running.endpoints.connector is None, "no connector in eks-starter: none started"
        assert list(running.secrets) == ["DB_PASS_PASS_TXT"]
        findings = run_rehearsals(plan, render, running.endpoints, running.secrets)
    assert [f.rule for f in findings] == ["rehearse.storage.ok", "rehearse.client.ok", "rehearse.database.ok"]
