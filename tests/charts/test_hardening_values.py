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


@pytest.mark.parametrize("name", ["eks-production", "eks-multicluster"])
def test_the_values_file_header_installs_with_the_post_renderer_when_the_commands_do(name: str) -> None:
    """A values file passed around alone still says how it must be installed: the header's install line carries
    the same helm arguments as the plan's install command."""
    for spec in (get_preset(name), _with(name, hardening="off")):
        plan = build_plan(spec)
        files = plan.files()
        installs = [s.command for s in plan.steps if s.command.startswith("helm upgrade --install")]
        for release in plan.releases:
            header = next(line for line in files[release.filename].splitlines() if line.startswith("# Install: "))
            command = next(c for c in installs if f" -f {release.filename}" in c)
            assert header.endswith(f"-f {release.filename} --post-renderer {POSTRENDER_COMMAND}") is (
                "--post-renderer" in command
            )
            assert ("--post-renderer" in header) is (spec.hardening_level is Hardening.RESTRICTED)


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
    assert mount["mountPath"] == "/etc/flyte/oidc-client-secret"  # not inside the read-only /etc/secrets/ volume
    open_id = values["configmap"]["adminServer"]["auth"]["userAuth"]["openId"]
    assert open_id["clientSecretFile"] == "/etc/flyte/oidc-client-secret/value"
    assert values["cluster_resource_manager"]["resources"] == FLYTEADMIN_CHART_RESOURCES


def test_multi_cluster_keeps_its_own_admin_volumes() -> None:
    plan = build_plan(get_preset("eks-multicluster"))
    control = next(r for r in plan.releases if r.role == "control-plane")
    names = [v["name"] for v in control.values["flyteadmin"]["additionalVolumes"]]
    assert "oidc-client-secret" in names and len(names) >= 2


def test_an_override_still_wins() -> None:
    spec = _with(
        "eks-production", overrides={"flyte-binary": {"deployment": {"podSecurityContext": {"runAsUser": 4242}}}}
    )
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


HARDENING_KEYS = {
    "flyte-binary": (
        "deployment.podSecurityContext",
        "deployment.securityContext",
        "deployment.waitForDB.securityContext",
        "deployment.genAdminAuthSecret.securityContext",
        "deployment.image.tag",
        "deployment.resources",
    ),
    "flyte-core": (
        "flyteconsole.livenessProbe",
        "flyteconsole.readinessProbe",
        *(
            f"{c}.securityContext"
            for c in ("flyteadmin", "datacatalog", "flytescheduler", "flytepropeller", "webhook", "flyteconsole")
        ),
        "flyteadmin.env",
        "flyteadmin.additionalVolumes",
        "flyteadmin.additionalVolumeMounts",
        "configmap.adminServer.auth.userAuth.openId.clientSecretFile",
        "cluster_resource_manager.resources",
    ),
}


OIDC_LISTS = {("flyteadmin", "env"), ("flyteadmin", "additionalVolumes"), ("flyteadmin", "additionalVolumeMounts")}
"""The only leaves where hardening replaces a value the unhardened release has (lists, compared whole): the OIDC
client secret leaves the environment and arrives as a volume."""


@pytest.mark.parametrize("name", ["eks-production", "eks-core", "eks-multicluster", "aks-production"])
def test_hardening_only_adds_its_own_keys(name: str) -> None:
    """The reference tests compare presets with upstream with hardening off; this is what makes that fair. Leaves
    as in tests/charts/upstream.py: every leaf hardening changes lies under one of its keys, and it only adds (the
    unhardened side is absent) except the OIDC lists, where it removes exactly the secret's variable and appends."""
    from .upstream import ABSENT, differences

    on = build_plan(get_preset(name))
    off = build_plan(_with(name, hardening="off"))
    for hardened, plain in zip(on.releases, off.releases, strict=True):
        changed = differences(hardened.values, plain.values)
        prefixes = [tuple(k.split(".")) for k in HARDENING_KEYS[hardened.chart.value]]
        assert changed, "hardening changed nothing"
        stray = sorted(".".join(p) for p in changed if not any(p[: len(k)] == k for k in prefixes))
        assert not stray, stray
        for path, (ours, theirs) in changed.items():
            if theirs is ABSENT:
                continue
            assert path in OIDC_LISTS, f"{'.'.join(path)}: hardening replaced {theirs!r} with {ours!r}"
            if path[-1] == "env":
                kept = [e for e in theirs if e["name"] != "FLYTE_SECRET_oidc_client_secret"]
                assert len(kept) == len(theirs) - 1 and ours == (kept or None)
            else:
                assert ours[: len(theirs)] == theirs and len(ours) == len(theirs) + 1


@pytest.mark.needs_shared
def test_the_render_reads_the_oidc_secret_from_the_file(preset_renders: dict) -> None:
    """In what Helm renders: no container has the secret in its environment, flyteadmin mounts it, and the admin
    config file names it (FlyteAdmin's auth.userAuth.openId.clientSecretFile)."""
    plan, rendered = preset_renders["eks-core"]
    objects = rendered.objects(plan.releases[0].filename)
    admin = next(o.body for o in objects if o.kind == "Deployment" and o.name == "flyteadmin")
    pod = admin["spec"]["template"]["spec"]
    for container in pod["initContainers"] + pod["containers"]:
        assert all(e["name"] != "FLYTE_SECRET_oidc_client_secret" for e in container.get("env") or [])
    main_container = next(c for c in pod["containers"] if c["name"] == "flyteadmin")
    assert {"name": "oidc-client-secret", "mountPath": "/etc/flyte/oidc-client-secret", "readOnly": True} in (
        main_container["volumeMounts"]
    )
    secret = next(v for v in pod["volumes"] if v["name"] == "oidc-client-secret")["secret"]
    assert secret["items"] == [{"key": "oidc_client_secret", "path": "value"}]
    configs = [o.body for o in objects if o.kind == "ConfigMap"]
    text = "\n".join(str(v) for c in configs for v in (c.get("data") or {}).values())
    assert "clientSecretFile: /etc/flyte/oidc-client-secret/value" in text
