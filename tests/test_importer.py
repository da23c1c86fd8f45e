"""Importing existing values files: upstream's overlays re-emit to values that mean the same; bad input is exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts.common import deep_merge
from flytekit_deploy.charts.tree import dotted, leaves, resolve_values_refs
from flytekit_deploy.cli import main
from flytekit_deploy.errors import UserInputError
from flytekit_deploy.importer import _same, import_values, import_values_file
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import ChartName, load_spec

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CHARTS = SHARED / "reference" / "flyte-v1.16.8" / "charts"
needs_shared = pytest.mark.skipif(not CHARTS.is_dir(), reason=f"upstream reference not found at {CHARTS}")

# What may differ after import + re-emission, and why (each a deliberate choice of the kit, not a loss):
ALLOWED: dict[str, set[str]] = {
    # the kit mounts the database password from a Secret (never a value in a values file)
    "flyte-binary": {"configuration.database.passwordPath", "deployment.extraVolumes", "deployment.extraVolumeMounts"},
    "flyte-core": {
        # sslmode=prefer written out, where the file left it unset (the Go driver's default is prefer)
        "db.admin.database.options",
        "db.datacatalog.database.options",
        # the kit links map-task (k8s-array) logs to the same provider as task logs
        "configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-enabled",
        "configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-log-group",
        "configmap.task_logs.plugins.k8s-array.logs.config.cloudwatch-region",
    },
}

OVERLAYS = [
    ("flyte-binary", "eks-starter.yaml"),
    ("flyte-binary", "gke-starter.yaml"),
    ("flyte-core", "values-eks.yaml"),
    ("flyte-core", "values-gcp.yaml"),
]


def effective(defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """What Helm installs: the values over the chart's defaults, with flyte-core's tpl references expanded."""
    merged = deep_merge(defaults, values)
    resolved = dict(resolve_values_refs(merged, merged))
    resolved.pop("userSettings", None)
    return resolved


@needs_shared
@pytest.mark.needs_shared
@pytest.mark.parametrize(("chart", "overlay"), OVERLAYS)
def test_upstream_overlay_round_trips(chart: str, overlay: str) -> None:
    defaults = yaml.safe_load((CHARTS / chart / "values.yaml").read_text())
    original = yaml.safe_load((CHARTS / chart / overlay).read_text())
    result = import_values_file(CHARTS / chart / overlay, chart)
    assert result.spec.chart_name is ChartName(chart)
    assert result.spec.overrides.get(chart, {}) == result.overrides
    release = next(r for r in build_plan(result.spec).releases if r.chart.value == chart)
    want = dict(leaves(effective(defaults, original)))
    got = dict(leaves(effective(defaults, release.values)))
    missing = object()
    differ = {dotted(p) for p in set(want) | set(got) if not _same(got.get(p, missing), want.get(p, missing))}
    assert differ <= ALLOWED[chart], sorted(differ - ALLOWED[chart])
    # the spec owns the essentials, and every key of the file is accounted for exactly once
    assert result.mapped and not set(result.mapped) & set(result.unmapped)
    file_keys = {
        dotted(p) for p, v in leaves(resolve_values_refs(original, original)) if not (isinstance(v, dict) and not v)
    }
    file_keys = {k for k in file_keys if not k.startswith("userSettings")}
    assert file_keys == set(result.mapped) | set(result.unmapped)


@needs_shared
@pytest.mark.needs_shared
def test_eks_starter_maps_the_essentials() -> None:
    result = import_values_file(CHARTS / "flyte-binary" / "eks-starter.yaml", "flyte-binary")
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


@needs_shared
@pytest.mark.needs_shared
def test_values_eks_resolves_user_settings() -> None:
    result = import_values_file(CHARTS / "flyte-core" / "values-eks.yaml", "flyte-core")
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


@pytest.mark.parametrize("preset", ["eks-starter", "gke-starter", "onprem-starter", "eks-core", "gke-production"])
def test_the_kits_own_values_import_back_to_the_same_spec_fields(preset: str) -> None:
    spec = get_preset(preset)
    values = build_plan(spec).releases[0].values
    result = import_values(values, spec.chart_name)
    assert result.spec.environment is spec.environment
    assert result.spec.storage.metadata_bucket == spec.storage.metadata_bucket
    assert result.spec.database.host == spec.database.host
    assert result.spec.ingress.controller is spec.ingress.controller
    again = next(r for r in build_plan(result.spec).releases if r.chart is spec.chart_name).values
    assert _same(again, values)


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
