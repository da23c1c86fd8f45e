"""Cross-check: checkov's Pod-Security-related checks agree with the kit's own check on real renders.

checkov is slow (tens of seconds to start), so it runs once per session over a few files: two hardened production
presets (must pass every PSS-related checkov check) and one unhardened render (must fail some, as ours does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.checks.pod_security import as_installed, pod_security_findings

pytestmark = [pytest.mark.slow, pytest.mark.needs_shared]

PSS_CHECKS = (
    "CKV_K8S_16",  # privileged
    "CKV_K8S_17",  # hostPID
    "CKV_K8S_18",  # hostIPC
    "CKV_K8S_19",  # hostNetwork
    "CKV_K8S_20",  # allowPrivilegeEscalation
    "CKV_K8S_23",  # root containers (runAsNonRoot)
    "CKV_K8S_25",  # added capabilities
    "CKV_K8S_26",  # hostPort
    "CKV_K8S_28",  # NET_RAW
    "CKV_K8S_29",  # pod securityContext
    "CKV_K8S_30",  # container securityContext
    "CKV_K8S_31",  # seccomp RuntimeDefault
    "CKV_K8S_37",  # capabilities: drop ALL
    "CKV_K8S_39",  # SYS_ADMIN
)
HARDENED = ("eks-production", "eks-core", "gke-multicluster")
UNHARDENED = "eks-core"


@pytest.fixture(scope="session")
def checkov_results(preset_renders: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from flytekit_deploy.checks.checkov_scan import checkov_available, run_checkov

    reason = checkov_available()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("checkov")
    ours: dict[str, int] = {}
    for name in HARDENED:
        plan, rendered = preset_renders[name]
        installed = as_installed(plan, rendered)
        for filename, result in installed.results.items():
            path = root / f"hardened--{name}--{filename}"
            path.write_text(yaml.safe_dump_all([o.body for o in result.objects if o.body]))
        ours[f"hardened--{name}"] = len(pod_security_findings(plan, installed))
    plan, rendered = preset_renders[UNHARDENED]
    for filename, result in rendered.results.items():  # values only, no post-renderer: like hardening off
        (root / f"plain--{UNHARDENED}--{filename}").write_text(yaml.safe_dump_all([o.body for o in result.objects]))
    ours[f"plain--{UNHARDENED}"] = len(pod_security_findings(plan, rendered))
    failed = run_checkov(root, PSS_CHECKS)
    by_file: dict[str, list[str]] = {}
    for check in failed:
        key = "--".join(Path(check["file_path"]).name.split("--")[:2])
        by_file.setdefault(key, []).append(f"{check['check_id']} {check['resource']}")
    return {"ours": ours, "checkov": by_file}


def test_hardened_production_renders_pass_checkovs_pss_checks(checkov_results: dict[str, Any]) -> None:
    for name in HARDENED:
        key = f"hardened--{name}"
        assert checkov_results["ours"][key] == 0
        assert checkov_results["checkov"].get(key, []) == []


def test_both_checks_see_the_unhardened_render_fail(checkov_results: dict[str, Any]) -> None:
    key = f"plain--{UNHARDENED}"
    assert checkov_results["ours"][key] > 0
    assert checkov_results["checkov"].get(key), "checkov found nothing where the kit's check did"
