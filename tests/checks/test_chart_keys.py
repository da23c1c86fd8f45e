"""The chart key catalog and the unknown-key / type checks."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

from flytekit_deploy.checks.chart_keys import CHARTS, catalog, check_values, check_values_file
from flytekit_deploy.checks.findings import Severity
from flytekit_deploy.errors import UserInputError

REPO = Path(__file__).resolve().parents[2]


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_chart_keys", REPO / "scripts" / "gen_chart_keys.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def committed_text() -> str:
    return resources.files("flytekit_deploy.charts").joinpath("chart_keys.json").read_text("utf-8")


@pytest.mark.needs_shared
def test_committed_catalog_is_what_the_generator_writes(shared_reference: Path) -> None:
    gen = load_generator()
    assert gen.render(gen.build_catalog(shared_reference)) == committed_text(), "run scripts/gen_chart_keys.py"


def test_catalog_ships_every_chart() -> None:
    data = json.loads(committed_text())
    assert tuple(data["charts"]) == CHARTS == load_generator().CHARTS
    assert data["flyte_version"] == "v1.16.8"
    for chart in CHARTS:
        cat = catalog(chart)
        assert cat.keys, chart
        assert set(cat.keys.values()) <= set(data["types"])
        assert cat.free_form <= set(cat.keys), chart


def test_generator_globs() -> None:
    gen = load_generator()
    assert gen.glob_match("**.annotations", "annotations")
    assert gen.glob_match("**.annotations", "flyteadmin.service.annotations")
    assert gen.glob_match("configmap.*", "configmap.adminServer")
    assert not gen.glob_match("configmap.*", "configmap.adminServer.server")
    assert gen.merge_type("null", "map") == "map"
    assert gen.merge_type("str", "map") == "any"


def only(findings: list, rule: str) -> list[tuple[str, str]]:
    return [(f.path, f.fix) for f in findings if f.rule == rule]


def test_unknown_key_suggests_the_nearest() -> None:
    findings = check_values({"storage": {"bucketname": "b", "type": "s3"}}, "flyte-core")
    assert only(findings, "chart-keys.unknown") == [("storage.bucketname", "did you mean `storage.bucketName`?")]
    assert findings[0].severity is Severity.WARNING
    assert "Helm ignores it" in findings[0].message

    typo = check_values({"configuration": {"databse": {"host": "db"}}}, "flyte-binary")
    assert only(typo, "chart-keys.unknown") == [("configuration.databse", "did you mean `configuration.database`?")]


def test_block_under_the_wrong_parent_points_to_its_home() -> None:
    # `dbname` belongs under configuration.database, not at configuration
    findings = check_values({"configuration": {"dbname": "flyte"}}, "flyte-binary")
    assert only(findings, "chart-keys.unknown") == [
        ("configuration.dbname", "did you mean `configuration.database.dbname`?")
    ]


def test_unknown_key_without_neighbour() -> None:
    (finding,) = check_values({"zzzqqq": 1}, "flyte-binary")
    assert finding.path == "zzzqqq"
    assert "values.yaml" in finding.fix


@pytest.mark.parametrize(
    ("chart", "values", "path", "words"),
    [
        ("flyte-core", {"flyteadmin": {"replicaCount": "two"}}, "flyteadmin.replicaCount", "whole number"),
        ("flyte-core", {"flyteadmin": {"enabled": "false"}}, "flyteadmin.enabled", "always true"),
        ("flyte-binary", {"configuration": {"database": {"host": {"a": 1}}}}, "configuration.database.host", "single"),
        ("flyte-binary", {"ingress": {"tls": {"hosts": []}}}, "ingress.tls", "YAML list"),
        ("flyte-binary", {"configuration": "inline"}, "configuration", "subkeys"),
        ("flyte-core", {"flyteadmin": {"readinessProbe": {"exec": {}}}}, "flyteadmin.readinessProbe", "single"),
    ],
)
def test_incompatible_type_is_an_error(chart: str, values: dict, path: str, words: str) -> None:
    (finding,) = check_values(values, chart)
    assert (finding.path, finding.rule, finding.severity) == (path, "chart-keys.type", Severity.ERROR)
    assert words in finding.message


@pytest.mark.parametrize(
    ("chart", "values"),
    [
        ("flyte-binary", {"configuration": {"database": {"port": "5432", "password": None}}}),
        ("flyte-binary", {"configuration": {"inline": {"plugins": {"k8s": {"anything": [1, 2]}}}}}),
        ("flyte-binary", {"deployment": {"resources": {"limits": {"nvidia.com/gpu": 1}}}}),
        ("flyte-binary", {"deployment": {"podAnnotations": {"a.b/c": "d"}}, "commonLabels": {"team": "ml"}}),
        ("flyte-binary", {"flyteconnector": {"enabled": True, "replicaCount": 2}}),
        ("flyte-core", {"configmap": {"adminServer": {"server": {"httpPort": 8088}}, "logger": {"level": 4}}}),
        ("flyte-core", {"userSettings": {"bucketName": "b"}, "storage": {"gcs": {"projectId": "p"}}}),
        ("flyte-core", {"common": {"ingress": {"host": "flyte.example.com", "tls": {"secretName": "tls"}}}}),
        ("flyte-core", {"db": {"admin": {"database": {"passwordPath": "/etc/db/pass.txt"}}}}),
        ("flyte-core", {"flyteadmin": {"replicaCount": 2.0}, "global": {"anything": True}}),
        ("flyte-sandbox", {"flyte-binary": {"configuration": {"database": {"host": "pg"}}}, "minio": {"x": 1}}),
        ("flyte", {"flyte": {"flyteadmin": {"replicaCount": 1}}, "contour": {"enabled": True}}),
    ],
)
def test_valid_values_pass(chart: str, values: dict) -> None:
    assert check_values(values, chart) == []


def test_subchart_keys_are_checked_under_their_alias() -> None:
    findings = check_values({"flyte-binary": {"configuration": {"databse": {}}}}, "flyte-sandbox")
    assert only(findings, "chart-keys.unknown") == [
        ("flyte-binary.configuration.databse", "did you mean `flyte-binary.configuration.database`?")
    ]


def test_unknown_chart_is_bad_input() -> None:
    with pytest.raises(UserInputError) as err:
        check_values({}, "flyte-bin")
    assert "did you mean 'flyte-binary'" in err.value.problems[0].fix


def test_values_file_problems_are_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("configuration:\n  database:\n    host: [db\n", encoding="utf-8")
    with pytest.raises(UserInputError) as err:
        check_values_file(broken, "flyte-binary")
    assert "not valid YAML at line" in err.value.problems[0].message

    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(UserInputError, match="mapping of keys at the top level"):
        check_values_file(listing, "flyte-binary")

    with pytest.raises(UserInputError, match="cannot read the values file"):
        check_values_file(tmp_path / "missing.yaml", "flyte-binary")

    with pytest.raises(UserInputError, match="unknown chart"):
        check_values_file(listing, "flyte-enterprise")

    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing set\n", encoding="utf-8")
    assert check_values_file(empty, "flyte-core") == []


def test_values_file_findings_use_dotted_paths(tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("deployment:\n  image:\n    tagg: v1\n", encoding="utf-8")
    (finding,) = check_values_file(values, "flyte-binary")
    assert finding.path == "deployment.image.tagg"
    assert finding.fix == "did you mean `deployment.image.tag`?"


@pytest.mark.needs_shared
def test_upstream_files_check_as_expected(shared_reference: Path) -> None:
    """Upstream's own values files: defaults and starters are clean; a few overlay keys are not chart keys.

    Those few are facts about upstream, checked against its rendered manifests: `cacheSizeMbs: 1024`
    appears nowhere in the gcp render, and the cluster resource manager reads `standaloneDeployment`,
    not `standalone_deploy`.
    """
    charts = shared_reference / "charts"
    expected = {
        ("flyte-core", "values-dataplane.yaml"): ["flytescheduler.enabled"],
        ("flyte-core", "values-eks.yaml"): ["cluster_resource_manager.standalone_deploy"],
        ("flyte-core", "values-gcp.yaml"): [
            "Release",
            "cluster_resource_manager.standalone_deploy",
            "flytepropeller.cacheSizeMbs",
        ],
        ("flyte-core", "values-sandbox.yaml"): ["redis"],
    }
    files = [(chart, p) for chart in CHARTS for p in sorted((charts / chart).glob("*.yaml")) if p.name != "Chart.yaml"]
    assert len(files) >= 15
    for chart, path in files:
        findings = check_values_file(path, chart)
        assert all(f.rule == "chart-keys.unknown" for f in findings), (path.name, findings)
        assert sorted(f.path for f in findings) == expected.get((chart, path.name), []), path.name
    (standalone,) = [
        f for f in check_values_file(charts / "flyte-core" / "values-eks.yaml", "flyte-core") if "standalone" in f.path
    ]
    assert standalone.fix == "did you mean `cluster_resource_manager.standaloneDeployment`?"
