"""Importing existing values files: what the spec takes from them, and bad input (exit 2). The round trips are in
tests/charts/test_import_round_trip.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.cli import main
from flytekit_deploy.errors import UserInputError
from flytekit_deploy.importer import import_values, import_values_file
from flytekit_deploy.plan import build_plan
from flytekit_deploy.spec import ChartName, load_spec


@pytest.mark.needs_shared
def test_eks_starter_maps_the_essentials(shared_reference: Path) -> None:
    result = import_values_file(shared_reference / "charts" / "flyte-binary" / "eks-starter.yaml", "flyte-binary")
    spec = result.spec
    assert (spec.environment.value, spec.identity_mode.value) == ("aws", "irsa")
    assert spec.database.host == "<RDS_HOST_DNS>" and spec.database.flavour.value == "rds"
    assert spec.storage.metadata_bucket == "<BUCKET_NAME>" and spec.storage.raw_data_bucket == "<USER_DATA_BUCKET_NAME>"
    assert spec.ingress.controller.value == "alb" and spec.ingress.host == "flyte.mydomain.com"
    assert spec.identity.backend == "<FLYTE_BACKEND_IAM_ARN>" and spec.identity.tasks == "<FLYTE_USER_IAM_ARN>"
    assert [p.value for p in spec.observability.logs.providers] == ["cloudwatch"]
    for key in ("configuration.database.host", "configuration.storage.metadataContainer", "ingress.host"):
        assert key in result.mapped
    assert "configuration.database.password" in result.unmapped  # a value the spec only takes by Secret


@pytest.mark.needs_shared
def test_values_eks_resolves_user_settings(shared_reference: Path) -> None:
    result = import_values_file(shared_reference / "charts" / "flyte-core" / "values-eks.yaml", "flyte-core")
    spec = result.spec
    assert spec.database.host == "<RDS_HOST>" and spec.storage.raw_data_bucket == "<RAW_DATA_BUCKET_NAME>"
    assert (spec.components.admin.replicas, spec.components.propeller.replicas) == (2, 2)
    assert spec.components.admin.spread_across_nodes
    assert {d: q.cpu for d, q in spec.projects.quotas.items()} == {
        "production": "5",
        "staging": "2",
        "development": "4",
    }
    assert "userSettings" not in result.overrides
    assert any("userSettings" in note for note in result.notes)


def test_unknown_keys_stay_verbatim_and_are_reported() -> None:
    values = {
        "configuration": {
            "storage": {"provider": "s3", "metadataContainer": "my-meta", "userDataContainer": "my-data"}
        },
        "deployment": {"podAnnotations": {"team": "ml"}},
    }
    result = import_values(values, "flyte-binary")
    assert result.spec.storage.metadata_bucket == "my-meta" and result.spec.storage.raw_data_bucket == "my-data"
    assert "configuration.storage.metadataContainer" in result.mapped
    assert "deployment.podAnnotations.team" in result.unmapped
    assert result.spec.overrides["flyte-binary"]["deployment"] == {"podAnnotations": {"team": "ml"}}
    emitted = build_plan(result.spec).releases[0].values
    assert emitted["deployment"]["podAnnotations"] == {"team": "ml"}
    assert "podAnnotations.team" in result.summary()


@pytest.mark.parametrize("bad", [["a"], "text", 3])
def test_values_that_are_not_a_mapping(bad: Any) -> None:
    with pytest.raises(UserInputError, match="mapping"):
        import_values(bad, "flyte-binary")


def test_unknown_chart() -> None:
    with pytest.raises(UserInputError) as caught:
        import_values({}, "flyte-sandbox")
    assert "flyte-binary" in caught.value.problems[0].fix


# ---- through the CLI -----------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ("configuration:\n  storage: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "mapping of keys"),
        ("", "empty file"),
    ],
)
def test_cli_bad_values_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expect: str) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(content)
    target = tmp_path / "spec.yaml"
    code, out, err = run(capsys, "import", str(values), "--chart", "flyte-binary", "-o", str(target))
    assert code == 2
    assert expect in err and str(values) in err and "fix:" in err
    assert "Traceback" not in err + out
    assert not target.exists()


def test_cli_unknown_chart_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("configuration: {}\n")
    target = tmp_path / "spec.yaml"
    code, _, err = run(capsys, "import", str(values), "--chart", "flyte-cor", "-o", str(target))
    assert code == 2 and "flyte-cor" in err and "--chart flyte-binary" in err
    code, _, err = run(capsys, "import", str(tmp_path / "nope.yaml"), "--chart", "flyte-core", "-o", str(target))
    assert code == 2 and "nope.yaml" in err and "no such file" in err and "fix:" in err
    assert "Traceback" not in err
    assert not target.exists()


def test_cli_import_writes_a_spec_and_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump({"configuration": {"database": {"host": "db.example.com", "dbname": "flyte"}}}))
    target = tmp_path / "spec.yaml"
    code, out, _ = run(capsys, "import", str(values), "--chart", "flyte-binary", "-o", str(target))
    assert code == 0 and "mapped" in out
    spec = load_spec(target)
    assert spec.database.host == "db.example.com" and spec.chart_name is ChartName.FLYTE_BINARY
    target.write_text("mine: true\n")
    code, _, err = run(capsys, "import", str(values), "--chart", "flyte-binary", "-o", str(target))
    assert code == 2 and "--force" in err
    assert target.read_text() == "mine: true\n"


def test_cli_import_prints_the_spec_without_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump({"configuration": {"database": {"host": "db.example.com"}}}))
    code, out, err = run(capsys, "import", str(values), "--chart", "flyte-binary")
    assert code == 0
    assert yaml.safe_load(out)["database"]["host"] == "db.example.com"
    assert "mapped" in err
