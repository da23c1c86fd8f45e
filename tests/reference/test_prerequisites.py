"""The wiki's cloud-prerequisites section and the resource-use table behind the report: every resource type a
cloud module writes says which Flyte component needs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flytekit_deploy.plan import build_plan
from flytekit_deploy.plan.infra import infra_result
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.reference import prerequisites_section, resource_types

CLOUD_PRESETS = [n for n in preset_names() if n.split("-")[0] in ("eks", "gke", "aks")]


@pytest.mark.parametrize("name", CLOUD_PRESETS)
def test_every_resource_type_names_its_component(name: str) -> None:
    plan = build_plan(get_preset(name))
    result = infra_result(plan.spec, plan.releases)
    assert result is not None
    kinds = resource_types(plan.files()["infra/main.tf"])
    assert kinds and not [k for k in kinds if k not in result.module.resource_uses]


def test_section_lists_types_and_bindings() -> None:
    text = prerequisites_section("gke-production")
    assert "`google_service_account_iam_member`" in text and "Workload Identity" in text
    assert "`flyte/flytepropeller`" in text and "`flytesnacks-production/default`" in text
    assert "terraform -chdir=infra apply" in text
    assert "no cloud prerequisites" in prerequisites_section("sandbox")


def test_runbook_offers_infra_files_as_plain_downloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wiki's download list of a cloud spec: infra/main.tf... are offered as infra-main.tf... (one file name)."""
    pytest.importorskip("IPython")
    from flytekit_deploy.reference.runbook import offer_plan_files

    monkeypatch.chdir(tmp_path)
    html = offer_plan_files(get_preset("eks-starter")).data
    assert "infra-main.tf" in html and "infra-versions.tf" in html
    assert (tmp_path / "downloads" / "infra-main.tf").read_text() == build_plan(get_preset("eks-starter")).files()[
        "infra/main.tf"
    ]
