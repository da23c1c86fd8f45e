"""spec -> Plan: releases, install steps, Secrets, client config and placeholders."""

from __future__ import annotations

import yaml

from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names


def commands(plan_name: str) -> list[str]:
    return [step.command for step in build_plan(get_preset(plan_name)).steps]


def test_every_preset_plans_with_pinned_helm_commands() -> None:
    for name in preset_names():
        plan = build_plan(get_preset(name))
        installs = [s.command for s in plan.steps if s.command.startswith("helm upgrade --install")]
        flyte = [c for c in installs if "flyteorg/" in c]
        assert len(flyte) == len(plan.releases), name
        assert all("--version v1.16.8" in c for c in flyte), name
        assert set(plan.files()) >= {"install.md", "install.sh", "flytectl-config.yaml", "spec.yaml"}


def test_ingress_prerequisites_go_to_the_cluster_serving_the_ingresses() -> None:
    plan = build_plan(get_preset("eks-multicluster"))
    alb = [s for s in plan.steps if "aws-load-balancer-controller" in s.command and "upgrade" in s.command]
    assert [s.cluster for s in alb] == ["control-plane"]
    # data planes install before the control plane: cluster-credentials is made from their tokens
    assert plan.clusters[-1] == "control-plane"


def test_a_release_that_brings_the_controller_is_not_doubled() -> None:
    assert not any("bitnami/contour" in c for c in commands("sandbox-core"))
    gke = commands("gke-starter")
    assert any("oci://docker.io/envoyproxy/gateway-helm --version v1.7.0" in c for c in gke)
    assert any("jetstack/cert-manager" in c and "config.enableGatewayAPI=true" in c for c in gke)


def test_no_preset_installs_the_retired_ingress_nginx() -> None:
    for name in preset_names():
        assert not any("ingress-nginx" in c for c in commands(name)), name


def test_secrets_never_carry_values_outside_the_sandbox() -> None:
    for name in preset_names():
        plan = build_plan(get_preset(name))
        for secret in plan.secrets:
            if not plan.spec.is_sandbox:
                assert not secret.values, (name, secret.name)
        for step in plan.steps:
            if "create secret" in step.command and not plan.spec.is_sandbox:
                assert "--from-literal" not in step.command or '="${' in step.command


def test_flytectl_config_follows_the_deployment() -> None:
    sandbox = yaml.safe_load(build_plan(get_preset("sandbox")).flytectl_config)
    assert sandbox["admin"] == {"endpoint": "dns:///localhost:30080", "insecure": True}
    core = yaml.safe_load(build_plan(get_preset("eks-core")).flytectl_config)
    assert core["admin"]["endpoint"] == "dns:///<FLYTE_HOST>"
    assert core["admin"]["insecure"] is False and core["admin"]["authType"] == "Pkce"
    onprem = build_plan(get_preset("onprem-starter")).flytectl_config
    assert "dns:///<FLYTE_HOST>" in onprem


def test_placeholders_are_listed_with_where_they_stand() -> None:
    plan = build_plan(get_preset("eks-core"))
    assert "<RDS_HOST>" in plan.placeholders
    assert all(":" in where for where in plan.placeholders["<RDS_HOST>"])
    assert build_plan(get_preset("sandbox")).placeholders == {}


def test_install_guide_lists_secrets_steps_and_placeholders() -> None:
    guide = build_plan(get_preset("eks-multicluster")).files()["install.md"]
    assert "## Secrets to create" in guide and "cluster-credentials" in guide
    assert "## Fill in first" in guide and "### Cluster `control-plane`" in guide
    script = build_plan(get_preset("eks-multicluster")).files()["install.sh"]
    assert script.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in script


def test_install_script_and_live_doctor_read_the_same_variables() -> None:
    from flytekit_deploy.checks.live_doctor import secret_env_var

    spec = get_preset("eks-core")
    script = build_plan(spec).files()["install.sh"]
    assert f'"${{{secret_env_var(spec.database.password)}}}"' in script
    assert secret_env_var(spec.database.password) == "DB_PASS_PASS_TXT"


def test_install_script_stops_while_gateway_api_yaml_has_placeholders(tmp_path) -> None:
    import os
    import re
    import subprocess

    plan = build_plan(get_preset("onprem-starter"))
    for name, text in plan.files().items():
        if name.startswith("values-"):  # the person filled the values files but not gateway-api.yaml
            text = re.sub(r"<[A-Z][A-Z0-9_-]*>", "filled", text)
        (tmp_path / name).write_text(text)
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for tool in ("kubectl", "helm"):
        (stubs / tool).write_text(f'#!/bin/sh\necho {tool} "$@" >> "{tmp_path}/calls"\n')
        (stubs / tool).chmod(0o755)
    from flytekit_deploy.spec.base import secret_env_var

    secrets = {secret_env_var(s.name, key): "x" for s in plan.secrets for key in s.keys}
    env = {**os.environ, **secrets, "PATH": f"{stubs}:/usr/bin:/bin"}
    done = subprocess.run(["bash", str(tmp_path / "install.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "placeholders" in done.stderr
    assert not (tmp_path / "calls").exists()
    # filled everywhere (and for a plan without gateway-api.yaml), the script runs its steps
    gateway = tmp_path / "gateway-api.yaml"
    gateway.write_text(re.sub(r"<[A-Z][A-Z0-9_-]*>", "filled", gateway.read_text()))
    done = subprocess.run(["bash", str(tmp_path / "install.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "kubectl apply -f gateway-api.yaml" in (tmp_path / "calls").read_text()
    gateway.unlink()
    (tmp_path / "calls").unlink()
    subprocess.run(["bash", str(tmp_path / "install.sh")], env=env, capture_output=True, text=True)
    assert (tmp_path / "calls").read_text().startswith("kubectl config current-context")
