"""The checking commands through the CLI: exit 0 clean, 1 warnings, 3 errors, 2 bad input (no traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from flytekit_deploy.cli import main
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import Hardening, dump_spec


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_importing_the_commands_is_cheap() -> None:
    """Building the whole parser (for --help, or before any command runs) loads no library package."""
    code = (
        "import sys, flytekit_deploy.cli; flytekit_deploy.cli.build_parser(); "
        "heavy = [m for m in sys.modules if m.startswith(('flytekit_deploy.plan', 'flytekit_deploy.charts', "
        "'flytekit_deploy.importer', 'flytekit_deploy.checks.rules', 'flytekit_deploy.diagrams', 'flytekit_deploy.wiki', "
        "'flytekit_deploy.presets', 'helm_python', 'kubernetes_validate', 'pydantic', 'graphviz'))]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---- doctor --------------------------------------------------------------------------------------------------


def test_doctor_clean_sandbox(capsys: pytest.CaptureFixture[str], prepared_charts, shared_reference: Path) -> None:
    code, out, _ = run(capsys, "doctor", "--preset", "sandbox", "--charts", str(shared_reference / "charts"))
    assert code == 0 and "No findings" in out


def test_doctor_without_charts_notes_how_to_get_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLYTEKIT_DEPLOY_CACHE", str(tmp_path))
    monkeypatch.delenv("FLYTEKIT_DEPLOY_CHARTS", raising=False)
    code, out, _ = run(capsys, "doctor", "--preset", "sandbox")
    assert code == 0 and "runtime checks skipped" in out and "helm pull" in out
    code, out, _ = run(capsys, "doctor", "--preset", "sandbox", "--charts", str(tmp_path / "none"))
    assert code == 3 and "(rule render.charts-missing)" in out


def test_doctor_warnings_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "doctor", "--preset", "eks-starter", "--format", "json")
    assert code == 1
    findings = json.loads(out)
    rules = {f["rule"] for f in findings}
    assert {"charts.placeholders", "database.host-placeholder", "auth.public-unauthenticated"} <= rules
    assert all(set(f) == {"severity", "path", "message", "fix", "chapter", "rule"} for f in findings)


def test_doctor_errors_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = get_preset("sandbox").model_copy(update={"chart_version": "v1.15.0"})
    path = tmp_path / "spec.yaml"
    path.write_text(dump_spec(spec))
    code, out, _ = run(capsys, "doctor", str(path))
    assert code == 3
    assert "[ERROR] chart_version" in out and "fix: set chart_version: v1.16.8" in out and "rule charts.version" in out


def test_doctor_bad_input_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "doctor", str(tmp_path / "missing.yaml"))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "doctor")
    assert code == 2 and "no spec given" in err
    code, _, err = run(capsys, "doctor", "--preset", "nope")
    assert code == 2 and "unknown preset" in err


def test_doctor_live_probes_through_a_closed_port(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("psycopg")
    pytest.importorskip("boto3")
    code, out, _ = run(
        capsys, "doctor", "--preset", "sandbox", "--live", "--db-host", "127.0.0.1", "--db-port", "1",
        "--storage-endpoint", "http://127.0.0.1:1", "--timeout", "2", "--format", "json",
    )  # fmt: skip
    findings = json.loads(out)
    live = [f for f in findings if f["rule"].startswith("live.")]
    assert live and code == 3
    assert any(f["path"].startswith("database") for f in live) and any(f["path"].startswith("storage") for f in live)


@pytest.mark.needs_shared
def test_doctor_pod_security_renders_with_the_charts_named(
    shared_reference: Path, prepared_charts: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--pod-security --charts DIR``: hardened production is clean, the same spec with hardening off names
    each violation with its fix; the check only runs when asked."""
    charts = str(shared_reference / "charts")
    code, out, _ = run(capsys, "doctor", "--preset", "eks-production", "--pod-security", "--charts", charts,
                       "--format", "json")  # fmt: skip
    assert not [f for f in json.loads(out) if f["rule"].startswith("pod-security.")], out
    spec = get_preset("eks-production").model_copy(update={"hardening": Hardening.OFF})
    path = tmp_path / "spec.yaml"
    path.write_text(dump_spec(spec))
    code, out, _ = run(capsys, "doctor", str(path), "--pod-security", "--charts", charts, "--format", "json")
    found = json.loads(out)
    violations = [f for f in found if f["rule"].startswith("pod-security.")]
    assert code == 1 and violations and all(f["fix"] and f["severity"] == "warning" for f in violations)
    assert {"pod-security.seccomp", "hardening.off-in-production"} <= {f["rule"] for f in found}
    _, out, _ = run(capsys, "doctor", str(path), "--charts", charts, "--format", "json")
    assert not any(f["rule"].startswith("pod-security.") for f in json.loads(out))


def test_doctor_pod_security_without_charts_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "doctor", "--preset", "eks-production", "--pod-security", "--charts", str(tmp_path))
    assert code == 2 and "--charts" in err and "helm pull" in err


# ---- check ---------------------------------------------------------------------------------------------------


def test_check_finds_a_typo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump({"configuration": {"storage": {"metadataContainr": "b"}}}))
    code, out, _ = run(capsys, "check", str(values), "--chart", "flyte-binary")
    assert code == 1 and "configuration.storage.metadataContainer" in out


def test_check_clean_and_type_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump({"flyteadmin": {"replicaCount": 2}}))
    assert run(capsys, "check", str(values), "--chart", "flyte-core")[0] == 0
    values.write_text(yaml.safe_dump({"flyteadmin": {"enabled": "false"}}))
    code, out, _ = run(capsys, "check", str(values), "--chart", "flyte-core", "--format", "json")
    assert code == 3 and json.loads(out)[0]["rule"] == "chart-keys.type"


def test_check_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("a: [\n")
    code, _, err = run(capsys, "check", str(values), "--chart", "flyte-core")
    assert code == 2 and "not valid YAML" in err and str(values) in err
    code, _, err = run(capsys, "check", str(values), "--chart", "flyte-cor")
    assert code == 2 and "unknown chart" in err


# ---- render --------------------------------------------------------------------------------------------------


def fake_flyte_binary(root: Path, template: str) -> Path:
    """A chart named flyte-binary whose one template reads the plan's values (the real chart is not vendored)."""
    chart = root / "flyte-binary"
    (chart / "templates").mkdir(parents=True)
    chart.joinpath("Chart.yaml").write_text("apiVersion: v2\nname: flyte-binary\nversion: v1.16.8\n")
    chart.joinpath("values.yaml").write_text("configuration: {}\n")
    chart.joinpath("templates", "cm.yaml").write_text(template)
    return chart


CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-db
  namespace: {{ .Release.Namespace }}
data:
  host: {{ .Values.configuration.database.host | quote }}
"""


def test_render_a_release_and_validate_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("helm_python")
    pytest.importorskip("kubernetes_validate")
    chart = fake_flyte_binary(tmp_path, CONFIGMAP)
    code, out, err = run(capsys, "render", "--preset", "eks-starter", "--chart", str(chart), "--engine", "sdk")
    assert code == 0, out
    assert "rendered values-flyte-binary.yaml" in err and "1 objects" in err
    bad = fake_flyte_binary(tmp_path / "bad", CONFIGMAP.replace("namespace: {{ .Release.Namespace }}", "namespcae: x"))
    code, out, _ = run(
        capsys, "render", "--preset", "eks-starter", "--chart", str(bad), "--engine", "sdk", "--format", "json"
    )
    assert code == 3 and any("namespcae" in f["message"] for f in json.loads(out))


def test_render_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("helm_python")
    failing = fake_flyte_binary(tmp_path, '{{ required "set configuration.nope" .Values.configuration.nope }}\n')
    code, _, err = run(capsys, "render", "--preset", "eks-starter", "--chart", str(failing), "--engine", "sdk")
    assert code == 2 and "set configuration.nope" in err
    code, _, err = run(capsys, "render", "--preset", "eks-starter", "--chart", str(tmp_path / "missing"))
    assert code == 2 and "--chart" in err
    other = tmp_path / "other"
    other.mkdir()
    other.joinpath("Chart.yaml").write_text("apiVersion: v2\nname: flyte-core\nversion: v1.16.8\n")
    code, _, err = run(capsys, "render", "--preset", "eks-starter", "--chart", str(other))
    assert code == 2 and "not used by this plan" in err and "flyte-binary" in err


def test_render_without_an_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flytekit_deploy.checks import render as render_module

    monkeypatch.setenv("PATH", str(tmp_path))  # no helm binary on PATH ...
    monkeypatch.setattr(render_module, "find_helm", lambda: None)  # ... nor the packaged one
    chart = fake_flyte_binary(tmp_path, CONFIGMAP)
    code, _, err = run(capsys, "render", "--preset", "eks-starter", "--chart", str(chart), "--engine", "helm")
    assert code == 2 and "no Helm engine" in err and "pip install" in err
