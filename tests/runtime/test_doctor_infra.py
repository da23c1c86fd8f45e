"""doctor's render-based checks include infra/: a Terraform binding that names a ServiceAccount the render does not
have (and so leaves the real one unbound) is reported."""

from __future__ import annotations

import pytest

from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.runtime.doctor import doctor_findings

pytestmark = pytest.mark.needs_shared


def test_a_clean_plan_has_no_infra_finding(prepared_charts) -> None:  # type: ignore[no-untyped-def]
    found = doctor_findings(build_plan(get_preset("eks-core")), charts=prepared_charts)
    assert [f for f in found if f.rule.startswith("infra.")] == []


def test_a_subject_typo_in_infra_is_reported(prepared_charts, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan(get_preset("eks-core"))
    files = plan.files()
    good, typo = "system:serviceaccount:flyte:flytepropeller", "system:serviceaccount:flyte:flytepropeler"
    assert good in files["infra/main.tf"]
    tampered = {name: text.replace(good, typo) if name == "infra/main.tf" else text for name, text in files.items()}
    monkeypatch.setattr(plan, "files", lambda: tampered)
    rules = {f.rule for f in doctor_findings(plan, charts=prepared_charts)}
    assert {"infra.subject-unbound", "infra.subject-unknown"} <= rules
