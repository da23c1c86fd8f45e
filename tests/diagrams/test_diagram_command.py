"""`flytekit-deploy diagram`: formats, files, and bad input that stops before anything is written."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from flytekit_deploy.cli import main
from flytekit_deploy.cli.diagram import register
from flytekit_deploy.diagrams import diagram
from flytekit_deploy.errors import OutputConflictError, SpecError, UserInputError
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import dump_spec


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["diagram", *argv])


def run(*argv: str) -> int:
    args = parse(*argv)
    code: int = args.handler(args)
    return code


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(dump_spec(get_preset("eks-core")))
    return path


def test_prints_mermaid_of_the_spec(spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(spec_file)) == 0
    out = capsys.readouterr().out
    assert out == diagram("this-deployment", get_preset("eks-core")).mermaid
    assert "RDS PostgreSQL" in out


def test_writes_dot_to_a_file_and_refuses_to_overwrite_other_content(
    spec_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "flyte.dot"
    assert run(str(spec_file), "--format", "dot", "-o", str(target)) == 0
    assert target.read_text() == diagram("this-deployment", get_preset("eks-core")).dot
    assert run(str(spec_file), "--format", "dot", "-o", str(target)) == 0, "same content: nothing to refuse"
    with pytest.raises(OutputConflictError):
        run("--view", "sandbox", "--format", "dot", "-o", str(target))
    assert "RDS PostgreSQL" in target.read_text()
    assert run("--view", "sandbox", "--format", "dot", "-o", str(target), "--force") == 0
    assert "MinIO" in target.read_text() and target.with_name("flyte.dot.bak").is_file()


@pytest.mark.needs_dot
def test_svg_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "aws.svg"
    assert main(["diagram", "--view", "aws", "--format", "svg", "-o", str(target)]) == 0
    text = target.read_text()
    assert text.startswith("<?xml") and "S3 buckets" in text


def test_preset_and_expand_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--preset", "gke-multicluster", "--view", "architecture", "--expand-data-planes") == 0
    out = capsys.readouterr().out
    assert "GCS buckets" in out and "gpu-1" in out


def test_invalid_spec_raises_spec_error_with_the_field_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: multi-cluster\nchart: flyte-binary\nclusters:\n  data_planes: [{name: dp-1}]\n")
    target = tmp_path / "never.mmd"
    with pytest.raises(SpecError) as caught:
        run(str(bad), "-o", str(target))
    assert [p.path for p in caught.value.problems][0] == "chart"  # and every other problem of the spec after it
    assert not target.exists()
    bad.write_text("components:\n  consle: {enabled: false}\n")
    with pytest.raises(SpecError) as caught:
        run(str(bad), "-o", str(target))
    assert caught.value.problems[0].path == "components.consle"
    assert "console" in caught.value.problems[0].fix
    assert not target.exists()


def test_cli_exits_2_on_a_bad_spec_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("environment: mars\n")
    target = tmp_path / "never.svg"
    assert main(["diagram", str(bad), "--format", "svg", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "environment" in err and "mars" in err
    assert not target.exists()


def test_unknown_view_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as caught:
        run("--view", "galaxy", "-o", str(tmp_path / "x.mmd"))
    problem = caught.value.problems[0]
    assert problem.path == "--view" and "deployment-options" in problem.fix
    assert not (tmp_path / "x.mmd").exists()


def test_this_deployment_needs_a_spec() -> None:
    with pytest.raises(UserInputError) as caught:
        run()
    assert caught.value.problems[0].path == "SPEC"
