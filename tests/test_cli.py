"""The command line: every bad input is one clear message, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from flytekit_deploy.cli import main
from flytekit_deploy.presets import PRESETS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_presets_lists_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "presets")
    assert code == 0
    for name in PRESETS:
        assert name in out


def test_init_writes_a_loadable_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "spec.yaml"
    code, out, _ = run(capsys, "init", "eks-core", "-o", str(target))
    assert code == 0
    data = yaml.safe_load(target.read_text())
    assert data["environment"] == "aws" and data["chart"] == "flyte-core"


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "spec.yaml"
    target.write_text("mine: true\n")
    code, _, err = run(capsys, "init", "sandbox", "-o", str(target))
    assert code == 2
    assert "exists with other content" in err and "--force" in err
    assert target.read_text() == "mine: true\n"
    code, _, _ = run(capsys, "init", "sandbox", "-o", str(target), "--force")
    assert code == 0
    assert (tmp_path / "spec.yaml.bak").read_text() == "mine: true\n"


def test_unknown_preset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "init", "nope", "-o", str(tmp_path / "s.yaml"))
    assert code == 2
    assert "unknown preset" in err and "sandbox" in err
    assert not (tmp_path / "s.yaml").exists()


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert "DeploymentSpec" in json.loads(out)["title"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("model: [", "not valid YAML"),
        ("storag: {}\n", "did you mean 'storage'"),
        ("database: {port: x}\n", "database.port"),
        ("model: multi-cluster\nchart: flyte-binary\n", "chart"),
    ],
)
def test_bad_spec_is_exit_2_with_path_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "values", str(spec), "-o", str(out_dir))
    assert code == 2
    assert expected in err
    assert "Traceback" not in err
    assert not out_dir.exists()


def test_missing_spec_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "explain", str(tmp_path / "absent.yaml"))
    assert code == 2 and "no such file" in err


def test_no_spec_and_no_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain")
    assert code == 2 and "--preset" in err


def test_values_writes_the_whole_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = run(capsys, "values", "--preset", "eks-multicluster", "-o", str(out_dir))
    assert code == 0
    names = sorted(p.name for p in out_dir.iterdir())
    assert "install.md" in names and "install.sh" in names and "flytectl-config.yaml" in names
    values_files = [n for n in names if n.startswith("values-")]
    assert len(values_files) == 3  # control plane + two data planes
    for name in values_files:
        text = (out_dir / name).read_text()
        assert text.startswith("# Helm values for chart flyteorg/flyte-core v1.16.8")
        yaml.safe_load(text)
    # running again with the same spec is not a conflict
    assert run(capsys, "values", "--preset", "eks-multicluster", "-o", str(out_dir))[0] == 0


def test_values_refuses_to_overwrite_edited_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    assert run(capsys, "values", "--preset", "sandbox", "-o", str(out_dir))[0] == 0
    guide = out_dir / "install.md"
    guide.write_text("my notes\n")
    before = {p.name: p.read_text() for p in out_dir.iterdir()}
    code, _, err = run(capsys, "values", "--preset", "eks-starter", "-o", str(out_dir))
    assert code == 2 and "install.md" in err
    assert {p.name: p.read_text() for p in out_dir.iterdir()} == before


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--preset", "eks-core")
    assert code == 0
    assert "flyte-core" in out and "Secrets to create" in out and "<RDS_HOST>" in out


def test_values_path_does_not_import_the_jupyter_stack(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from flytekit_deploy.cli import main\n"
        f"main(['values', '--preset', 'sandbox', '-o', {str(tmp_path / 'o')!r}])\n"
        "heavy = [m for m in ('ipywidgets', 'nbconvert', 'nbclient', 'IPython', 'jupyterlab', 'graphviz') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_is_a_module_of_the_cli_package() -> None:
    """One module per command, registered from a static table (no import_module)."""
    from flytekit_deploy import cli

    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert list(sub.choices) == [
        "presets", "init", "values", "fill", "explain", "schema", "diagram", "doctor", "secrets", "check", "render",
        "import", "wiki",
    ]  # fmt: skip
    assert all(command.__name__.startswith("flytekit_deploy.cli.") for command in cli.COMMANDS)
