"""The Pod Security Standards check: each rule on a minimal pod, every workload kind, and every preset's render."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from flytekit_deploy.checks.pod_security import (
    BASELINE,
    RESTRICTED,
    as_installed,
    object_violations,
    pod_security_findings,
    pod_security_table,
)
from flytekit_deploy.presets import get_preset, preset_names

GOOD_CONTAINER: dict[str, Any] = {
    "name": "app",
    "image": "x",
    "securityContext": {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "runAsNonRoot": True,
        "seccompProfile": {"type": "RuntimeDefault"},
    },
}


def _deployment(**pod: Any) -> dict[str, Any]:
    spec = {"containers": [copy.deepcopy(GOOD_CONTAINER)], **pod}
    return {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"metadata": {}, "spec": spec}}}


def _rules(obj: dict[str, Any], level: str = RESTRICTED) -> set[str]:
    return {v.rule for v in object_violations(obj, level)}


def test_a_compliant_pod_has_no_violation() -> None:
    assert object_violations(_deployment()) == []


@pytest.mark.parametrize(
    ("change", "rule", "level"),
    [
        ({"hostNetwork": True}, "host-namespaces", BASELINE),
        ({"hostPID": True}, "host-namespaces", BASELINE),
        ({"hostIPC": True}, "host-namespaces", BASELINE),
        ({"volumes": [{"name": "h", "hostPath": {"path": "/"}}]}, "host-path", BASELINE),
        ({"securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}}, "sysctls", BASELINE),
        ({"securityContext": {"seLinuxOptions": {"type": "spc_t"}}}, "selinux", BASELINE),
        ({"securityContext": {"runAsUser": 0}}, "run-as-user", RESTRICTED),
        ({"volumes": [{"name": "n", "nfs": {"server": "s", "path": "/"}}]}, "volume-types", RESTRICTED),
    ],
)
def test_pod_level_rules(change: dict[str, Any], rule: str, level: str) -> None:
    obj = _deployment(**change)
    assert rule in _rules(obj)
    assert (rule in _rules(obj, BASELINE)) is (level == BASELINE)


@pytest.mark.parametrize(
    ("context", "extra", "rule", "level"),
    [
        ({"privileged": True}, {}, "privileged", BASELINE),
        ({"capabilities": {"drop": ["ALL"], "add": ["SYS_ADMIN"]}}, {}, "capabilities", BASELINE),
        ({"capabilities": {"drop": ["ALL"], "add": ["CHOWN"]}}, {}, "capabilities", RESTRICTED),
        ({"capabilities": {"drop": ["NET_RAW"]}}, {}, "capabilities", RESTRICTED),
        ({"procMount": "Unmasked"}, {}, "proc-mount", BASELINE),
        ({"seccompProfile": {"type": "Unconfined"}}, {}, "seccomp", BASELINE),
        ({"appArmorProfile": {"type": "Unconfined"}}, {}, "apparmor", BASELINE),
        ({"allowPrivilegeEscalation": True}, {}, "privilege-escalation", RESTRICTED),
        ({"runAsNonRoot": False}, {}, "run-as-non-root", RESTRICTED),
        ({"runAsUser": 0}, {}, "run-as-user", RESTRICTED),
        ({}, {"ports": [{"containerPort": 80, "hostPort": 80}]}, "host-ports", BASELINE),
    ],
)
def test_container_rules_apply_to_init_containers_too(
    context: dict[str, Any], extra: dict[str, Any], rule: str, level: str
) -> None:
    bad = copy.deepcopy(GOOD_CONTAINER)
    bad["name"] = "init"
    bad["securityContext"].update(context)
    bad.update(extra)
    obj = _deployment(initContainers=[bad])
    found = [v for v in object_violations(obj) if v.rule == rule]
    assert found and all(v.container == "init" for v in found)
    assert (rule in _rules(obj, BASELINE)) is (level == BASELINE)


def test_pod_level_settings_are_inherited_and_missing_ones_reported() -> None:
    bare = {
        "name": "app",
        "image": "x",
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
    }
    pod = {"containers": [bare]}
    assert _rules({"kind": "Pod", "metadata": {"name": "p"}, "spec": pod}) == {"run-as-non-root", "seccomp"}
    pod["securityContext"] = {"runAsNonRoot": True, "seccompProfile": {"type": "Localhost", "localhostProfile": "p"}}
    assert _rules({"kind": "Pod", "metadata": {"name": "p"}, "spec": pod}) == set()


def test_apparmor_annotation() -> None:
    obj = _deployment()
    obj["spec"]["template"]["metadata"]["annotations"] = {
        "container.apparmor.security.beta.kubernetes.io/app": "unconfined"
    }
    assert "apparmor" in _rules(obj, BASELINE)


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"])
def test_every_workload_kind_is_read(kind: str) -> None:
    pod = {"containers": [{"name": "c", "image": "x"}]}
    template = {"metadata": {}, "spec": pod}
    spec: dict[str, Any] = {
        "Pod": pod,
        "CronJob": {"jobTemplate": {"spec": {"template": template}}},
    }.get(kind, {"template": template})
    violations = object_violations({"kind": kind, "metadata": {"name": "w"}, "spec": spec})
    assert {v.rule for v in violations} >= {"privilege-escalation", "run-as-non-root", "seccomp", "capabilities"}


def test_a_non_workload_has_no_pod() -> None:
    assert object_violations({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}}) == []


PRODUCTION = [n for n in preset_names() if get_preset(n).profile.value == "production"]


@pytest.mark.needs_shared
@pytest.mark.parametrize("name", PRODUCTION)
def test_every_production_preset_passes_restricted_as_installed(preset_renders: dict, name: str) -> None:
    plan, rendered = preset_renders[name]
    assert not rendered.failures
    installed = as_installed(plan, rendered)
    found = pod_security_findings(plan, installed)
    assert found == [], "\n".join(f"{f.path}: {f.message}" for f in found)
    workloads = [o for r in installed.results.values() for o in r.objects if o.kind == "Deployment"]
    assert workloads, "the check must have looked at pods"


@pytest.mark.needs_shared
def test_without_the_post_renderer_findings_name_the_file_object_container_and_fix(preset_renders: dict) -> None:
    plan, rendered = preset_renders["eks-core"]
    found = pod_security_findings(plan, rendered)  # values only: flyte-core hard-codes the propeller container
    paths = {f.path for f in found}
    assert (
        "values-flyte-core.yaml: Deployment/flytepropeller container flytepropeller: "
        "securityContext.allowPrivilegeEscalation" in paths
    )
    assert all("--post-renderer flytekit-deploy-postrender" in f.fix for f in found)
    assert all(f.chapter == "security" and f.rule.startswith("pod-security.") for f in found)


@pytest.mark.needs_shared
def test_development_presets_keep_the_charts_defaults_and_are_reported(preset_renders: dict) -> None:
    plan, rendered = preset_renders["eks-starter"]
    found = pod_security_findings(plan, as_installed(plan, rendered))
    assert any(f.path.endswith("container flyte: securityContext.runAsNonRoot") for f in found)
    fixes = {f.fix for f in found if "container flyte:" in f.path}
    assert any("deployment.securityContext" in fix for fix in fixes)


@pytest.mark.needs_shared
def test_table_has_one_row_per_preset(preset_renders: dict) -> None:
    chosen = {n: preset_renders[n] for n in ("eks-production", "eks-starter")}
    rows = pod_security_table({n: (p, as_installed(p, r)) for n, (p, r) in chosen.items()})
    by_name = {row["preset"]: row for row in rows}
    assert by_name["eks-production"]["restricted violations"] == 0
    assert by_name["eks-production"]["hardening"] == "restricted"
    assert by_name["eks-starter"]["restricted violations"] > 0
    assert by_name["eks-starter"]["workloads"] == 1


@pytest.mark.needs_shared
def test_report_and_doctor_render_specs_themselves(prepared_charts: object) -> None:
    from flytekit_deploy.checks.pod_security import pod_security_doctor, pod_security_report

    specs = {"eks-production": get_preset("eks-production"), "onprem-starter": get_preset("onprem-starter")}
    rows = pod_security_report(specs, prepared_charts)  # type: ignore[arg-type]
    assert [r["preset"] for r in rows] == ["eks-production", "onprem-starter"]
    assert rows[0]["restricted violations"] == 0 and rows[1]["restricted violations"] > 0
    assert pod_security_doctor(get_preset("eks-production"), prepared_charts) == []  # type: ignore[arg-type]


@pytest.mark.needs_shared
def test_the_wiki_table_lists_every_preset(prepared_charts: object) -> None:
    from flytekit_deploy.reference.security import pod_security_table

    table = pod_security_table(prepared_charts)  # type: ignore[arg-type]
    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + len(preset_names())
    production = [line for line in lines if "| production |" in line]
    assert production and all("| restricted |" in line and "| 0 | 0 |" in line for line in production)


@pytest.mark.needs_shared
@pytest.mark.parametrize("name", ["eks-starter", "onprem-starter"])
def test_opting_in_hardens_a_development_preset_too(prepared_charts: object, name: str) -> None:
    from flytekit_deploy.checks.pod_security import pod_security_doctor
    from flytekit_deploy.spec import DeploymentSpec

    spec = DeploymentSpec.model_validate({**get_preset(name).model_dump(mode="json"), "hardening": "restricted"})
    assert pod_security_doctor(spec, prepared_charts) == []  # type: ignore[arg-type]
    assert pod_security_doctor(get_preset(name), prepared_charts)  # type: ignore[arg-type]


@pytest.mark.needs_shared
def test_doctor_runs_the_check_on_request(prepared_charts: object) -> None:
    from flytekit_deploy.checks import doctor
    from flytekit_deploy.spec import DeploymentSpec

    spec = DeploymentSpec.model_validate({**get_preset("eks-core").model_dump(mode="json"), "hardening": "off"})
    plain = {f.rule for f in doctor(spec)}
    rendered = {f.rule for f in doctor(spec, pod_security=True, charts=prepared_charts)}  # type: ignore[arg-type]
    assert not any(r.startswith("pod-security.") for r in plain)
    assert {"pod-security.seccomp", "pod-security.selinux", "hardening.off-in-production"} <= rendered


def test_hooks_are_not_post_rendered_so_their_violations_stay() -> None:
    """Helm 3 sends a post-renderer the release's manifests but not its hooks: the check must not pretend."""

    from flytekit_deploy.checks.plan_render import PlanRender
    from flytekit_deploy.checks.render import RenderedObject, RenderResult
    from flytekit_deploy.plan import build_plan

    plan = build_plan(get_preset("eks-production"))
    filename = plan.releases[0].filename
    hook = {
        "kind": "Job",
        "metadata": {"name": "migrate", "annotations": {"helm.sh/hook": "pre-install"}},
        "spec": {"template": {"spec": {"containers": [{"name": "m", "image": "x"}]}}},
    }
    plain = {**copy.deepcopy(hook), "metadata": {"name": "plain"}}
    result = RenderResult(
        "r",
        "flyte",
        "flyte-binary",
        "v1.16.8",
        "helm",
        "1.29",
        (),
        {},
        (RenderedObject("a", 0, hook), RenderedObject("b", 1, plain)),
    )
    found = pod_security_findings(plan, as_installed(plan, PlanRender(results={filename: result})))
    assert found and all("Job/migrate" in f.path for f in found)
