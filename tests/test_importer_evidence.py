"""What the importer decides on its own, and says: the cloud from all the evidence, values the file did not say,
credentials it will not copy, and references resolved the way each chart's ``tpl`` does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts.flyte_binary.read import TPL_PATHS
from flytekit_deploy.importer import import_values, import_values_file
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset


def _main_values(preset: str) -> dict[str, Any]:
    plan = build_plan(get_preset(preset))
    (release,) = [r for r in plan.releases if r.role in ("all-in-one", "control-plane")]
    return release.values


def test_a_leftover_annotation_of_another_cloud_does_not_decide_the_cloud() -> None:
    values = _main_values("aks-starter")
    values["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"] = "arn:aws:iam::123456789012:role/old"
    result = import_values(values, "flyte-binary")
    assert result.spec.environment.value == "azure"
    conflict = [n for n in result.notes if n.startswith("conflicting evidence about the cloud")]
    assert conflict and "eks.amazonaws.com/role-arn" in conflict[0] and "the object store (azure)" in conflict[0]
    assert result.overrides["serviceAccount"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/old"
    }


def test_flyte_core_leftover_annotations_on_every_service_still_lose_to_the_store() -> None:
    values = _main_values("aks-production")
    for block in ("flyteadmin", "flytepropeller", "datacatalog"):
        values[block].setdefault("serviceAccount", {}).setdefault("annotations", {})["eks.amazonaws.com/role-arn"] = (
            "arn:aws:iam::123456789012:role/old"
        )
    result = import_values(values, "flyte-core")
    assert result.spec.environment.value == "azure"
    assert any(n.startswith("conflicting evidence about the cloud") for n in result.notes)


def test_agreeing_evidence_says_nothing() -> None:
    result = import_values(_main_values("eks-starter"), "flyte-binary")
    assert result.spec.environment.value == "aws"
    assert not any("conflicting evidence" in n for n in result.notes)


def test_a_plain_text_password_is_not_copied_and_the_note_says_how(tmp_path: Path) -> None:
    values = _main_values("eks-starter")
    values["configuration"]["database"]["password"] = "hunter2-real"
    result = import_values(values, "flyte-binary")
    assert "hunter2" not in yaml.safe_dump(result.spec.model_dump(mode="json"))
    for release in build_plan(result.spec).releases:
        assert "hunter2" not in yaml.safe_dump(release.values)
    (note,) = [n for n in result.notes if "plain text" in n]
    assert "configuration.database.password" in note and "Secret" in note


def test_flyte_binary_resolves_values_references_where_its_tpl_does() -> None:
    values = _main_values("eks-starter")
    values["userSettings"] = {"role": "arn:aws:iam::123456789012:role/from-settings"}
    values["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"] = "{{ .Values.userSettings.role }}"
    result = import_values(values, "flyte-binary")
    assert result.spec.identity.backend == "arn:aws:iam::123456789012:role/from-settings"
    assert any("tpl does in: serviceAccount.annotations" in n for n in result.notes)
    assert "userSettings" not in result.overrides


@pytest.mark.needs_shared
def test_tpl_paths_are_the_ones_flyte_binarys_templates_pass_through_tpl(shared_reference: Path) -> None:
    templates = shared_reference / "charts" / "flyte-binary" / "templates"
    found = {
        match
        for path in templates.rglob("*")
        if path.is_file()
        for match in re.findall(r"tpl \( *\.Values\.([A-Za-z.]+)", path.read_text())
    }
    assert set(TPL_PATHS) == found


@pytest.mark.needs_shared
@pytest.mark.parametrize("chart", ["flyte-core", "flyte-binary"])
def test_the_charts_own_default_values_import(shared_reference: Path, chart: str) -> None:
    result = import_values_file(shared_reference / "charts" / chart / "values.yaml", chart)
    assert result.spec.chart_name.value == chart
    if chart == "flyte-core":
        (note,) = [n for n in result.notes if n.startswith("storage.type sandbox")]
        assert "http://minio.flyte.svc.cluster.local:9000" in note
        assert result.spec.storage.endpoint == "http://minio.flyte.svc.cluster.local:9000"


def test_keys_the_kit_adds_under_an_empty_mapping_are_listed() -> None:
    values = _main_values("eks-core")
    values["configmap"]["task_logs"] = {"plugins": {}}
    result = import_values(values, "flyte-core")
    assert any(path.startswith("configmap.task_logs.plugins.") for path in result.added), result.added
