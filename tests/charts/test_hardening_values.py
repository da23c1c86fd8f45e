"""The values half of hardening: what each chart's values get, the opt-out field, and the evidence tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts.hardening import BINARY_RESOURCES, FLYTEADMIN_CHART_RESOURCES, POSTRENDER_COMMAND
from flytekit_deploy.errors import SpecError
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import DeploymentSpec, Hardening
from flytekit_deploy.spec.loading import spec_from_dict


def _with(name: str, **changes: Any) -> DeploymentSpec:
    return DeploymentSpec.model_validate({**get_preset(name).model_dump(mode="json"), **changes})


def test_default_is_restricted_for_production_and_off_otherwise() -> None:
    assert get_preset("eks-core").hardening_level is Hardening.RESTRICTED
    assert get_preset("eks-starter").hardening_level is Hardening.OFF
    assert get_preset("sandbox").hardening_level is Hardening.OFF
    assert _with("eks-starter", hardening="restricted").hardening_level is Hardening.RESTRICTED


def test_opting_out_is_one_field_and_changes_values_and_commands() -> None:
    on, off = build_plan(get_preset("eks-production")), build_plan(_with("eks-production", hardening="off"))
    assert on.releases[0].values["deployment"]["podSecurityContext"]["enabled"] is True
    assert "podSecurityContext" not in off.releases[0].values.get("deployment", {})
    assert any(f"--post-renderer {POSTRENDER_COMMAND}" in s.command for s in on.steps)
    assert not any("--post-renderer" in s.command for s in off.steps)


def test_doctor_warns_when_production_is_not_hardened() -> None:
    from flytekit_deploy.checks import static_findings

    rules = {f.rule for f in static_findings(_with("eks-core", hardening="off"))}
    assert "hardening.off-in-production" in rules
    assert "hardening.off-in-production" not in {f.rule for f in static_findings(get_preset("eks-core"))}
    assert "hardening.off-in-production" not in {f.rule for f in static_findings(get_preset("eks-starter"))}


def test_the_sandbox_cannot_be_hardened_and_says_why() -> None:
    data = get_preset("sandbox").model_dump(mode="json")
    data["hardening"] = "restricted"
    with pytest.raises(SpecError) as info:
        spec_from_dict(data)
    assert "hardening" in str(info.value) and "root" in str(info.value)


def test_the_configurator_form_shows_the_field() -> None:
    schema = DeploymentSpec.model_json_schema()
    assert "hardening" in schema["properties"]
    assert set(schema["$defs"]["Hardening"]["enum"]) == {"restricted", "off"}


def test_flyte_core_values_remove_spc_t_and_move_the_oidc_secret_to_a_file() -> None:
    values = build_plan(get_preset("eks-core")).releases[0].values
    for key in ("flyteadmin", "datacatalog", "flytescheduler", "flytepropeller", "webhook", "flyteconsole"):
        context = values[key]["securityContext"]
        assert context["seLinuxOptions"] is None and context["seccompProfile"] == {"type": "RuntimeDefault"}
        assert context["runAsNonRoot"] is True and isinstance(context["runAsUser"], int)
    admin = values["flyteadmin"]
    assert not any(e["name"] == "FLYTE_SECRET_oidc_client_secret" for e in admin.get("env") or [])
    mount = next(m for m in admin["additionalVolumeMounts"] if m["name"] == "oidc-client-secret")
    assert mount["mountPath"] == "/etc/secrets/oidc_client_secret"
    assert values["cluster_resource_manager"]["resources"] == FLYTEADMIN_CHART_RESOURCES


def test_multi_cluster_keeps_its_own_admin_volumes() -> None:
    plan = build_plan(get_preset("eks-multicluster"))
    control = next(r for r in plan.releases if r.role == "control-plane")
    names = [v["name"] for v in control.values["flyteadmin"]["additionalVolumes"]]
    assert "oidc-client-secret" in names and len(names) >= 2


def test_an_override_still_wins() -> None:
    spec = _with("eks-production", overrides={"flyte-binary": {"deployment": {"podSecurityContext": {"runAsUser": 4242}}}})
    assert build_plan(spec).releases[0].values["deployment"]["podSecurityContext"]["runAsUser"] == 4242


@pytest.mark.needs_shared
def test_evidence_tables_match_upstream_defaults(shared_reference: Path) -> None:
    core = yaml.safe_load((shared_reference / "charts/flyte-core/values.yaml").read_text())
    assert core["flyteadmin"]["resources"] == FLYTEADMIN_CHART_RESOURCES

    def milli(q: str) -> int:
        return int(q[:-1]) if q.endswith("m") else int(float(q) * 1000)

    def mebi(q: str) -> int:
        return int(q[:-2]) if q.endswith("Mi") else int(float(q[:-2]) * 1024)

    services = ("flyteadmin", "flytescheduler", "datacatalog", "flytepropeller", "flyteconsole", "webhook")
    res = [core[s]["resources"] for s in services]
    assert milli(BINARY_RESOURCES["requests"]["cpu"]) == sum(milli(r["requests"]["cpu"]) for r in res)
    assert mebi(BINARY_RESOURCES["requests"]["memory"]) == sum(mebi(r["requests"]["memory"]) for r in res)
    limits = [r.get("limits") or r["requests"] for r in res]
    assert milli(BINARY_RESOURCES["limits"]["cpu"]) == sum(milli(r["cpu"]) for r in limits)
    assert mebi(BINARY_RESOURCES["limits"]["memory"]) == sum(mebi(r["memory"]) for r in limits)
    binary = yaml.safe_load((shared_reference / "charts/flyte-binary/values.yaml").read_text())
    assert binary["deployment"]["podSecurityContext"]["runAsUser"] == 65534  # the identity the kit enables
