"""Cloud prerequisites against the real render: the Terraform module of every AWS/GCP/Azure preset binds exactly the
ServiceAccounts the charts create (namespace/name from the render), grants every bucket the config names, parses as
HCL2, and passes checkov with reasons for every skip."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from flytekit_deploy.checks.infra import (
    accounts_from_render,
    buckets_in_render,
    check_buckets,
    check_infra,
    check_subjects,
    infra_from_render,
    parse_hcl,
    parsed_subjects,
)
from flytekit_deploy.plan.infra import accounts_from_values
from flytekit_deploy.presets import preset_names

CLOUD_PRESETS = [n for n in preset_names() if n.split("-")[0] in ("eks", "gke", "aks")]
ROOT = Path(__file__).resolve().parents[2]


def _key(accounts: Any) -> set[tuple[str, str, str, str]]:
    return {(a.cluster, a.namespace, a.name, a.role) for a in accounts}


def _infra(files: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in files.items() if k.startswith("infra/")}


def test_cloud_presets_are_the_ones_with_infra(preset_renders: dict[str, Any]) -> None:
    """Every AWS/GCP/Azure preset writes infra/; sandbox and on-prem write none."""
    for name, (plan, _render) in preset_renders.items():
        written = sorted(_infra(plan.files()))
        if name in CLOUD_PRESETS:
            assert written == [
                f"infra/{f}" for f in ("README.md", "main.tf", "outputs.tf", "variables.tf", "versions.tf")
            ]
        else:
            assert written == [], name


@pytest.mark.parametrize("name", CLOUD_PRESETS)
def test_values_accounts_are_the_render_accounts(preset_renders: dict[str, Any], name: str) -> None:
    """The ServiceAccounts infra/ binds (read from the emitted values) are exactly those the render creates."""
    plan, render = preset_renders[name]
    from_render = accounts_from_render(plan, render)
    assert from_render, f"{name}: no identity-annotated ServiceAccount in the render"
    assert _key(accounts_from_values(plan.spec, plan.releases)) == _key(from_render)
    # the task ServiceAccount of every project-domain namespace is among them
    spaces = {f"{p.name}-{d}" for p in plan.spec.projects.projects for d in plan.spec.projects.domains}
    assert spaces <= {a.namespace for a in from_render if a.role == "tasks"}


@pytest.mark.parametrize("name", CLOUD_PRESETS)
def test_written_infra_passes_checks_against_render(preset_renders: dict[str, Any], name: str) -> None:
    plan, render = preset_renders[name]
    result = infra_from_render(plan, render)
    assert result is not None
    files = _infra(plan.files())
    named = buckets_in_render(render)
    assert sorted(named) == sorted(result.module.grants), "the Flyte config names exactly the buckets infra/ creates"
    assert check_infra(plan, result, files, named) == []
    # one binding per (cluster, namespace, name): exactly one identity each
    bound = parsed_subjects(files["infra/main.tf"])
    assert len(bound) == len({b[1:] for b in bound}) == len(result.accounts)


def test_multicluster_trust_per_cluster(preset_renders: dict[str, Any]) -> None:
    """eks-multicluster: each data plane's subjects sit in a statement trusting that cluster's OIDC provider."""
    plan, render = preset_renders["eks-multicluster"]
    main = parse_hcl(plan.files()["infra/main.tf"])
    trusted: dict[str, set[str]] = {}
    for data in main["data"]:
        for doc_name, doc in (data.get("aws_iam_policy_document") or {}).items():
            if doc_name.endswith("_trust"):
                for statement in doc["statement"]:
                    provider = statement["principals"][0]["identifiers"][0]
                    subjects = {v for c in statement["condition"] for v in c["values"] if v.startswith("system:")}
                    trusted.setdefault(provider, set()).update(subjects)
    for plane in ("dataplane-1", "dataplane-2"):
        mine = {a.subject for a in accounts_from_render(plan, render) if a.cluster == plane}
        key = "${data.aws_iam_openid_connect_provider." + plane.replace("-", "_") + ".arn}"
        assert trusted[key] == mine


@pytest.mark.parametrize("side", ["render-name", "render-namespace", "infra-name", "infra-namespace"])
def test_subject_mismatch_on_one_side_fails(preset_renders: dict[str, Any], side: str) -> None:
    """A ServiceAccount renamed (or moved) on one side only: both the unbound account and the stray subject show."""
    plan, render = preset_renders["eks-core"]
    accounts = accounts_from_render(plan, render)
    main = plan.files()["infra/main.tf"]
    assert check_subjects(accounts, main) == []
    target = next(a for a in accounts if a.name == "flytepropeller")
    if side == "render-name":
        accounts = [replace(a, name="flytepropeller-v2") if a == target else a for a in accounts]
    elif side == "render-namespace":
        accounts = [replace(a, namespace="flyte-system") if a == target else a for a in accounts]
    elif side == "infra-name":
        main = main.replace("system:serviceaccount:flyte:flytepropeller", "system:serviceaccount:flyte:propeller")
    else:
        main = main.replace(
            "system:serviceaccount:flyte:flytepropeller", "system:serviceaccount:flyte-x:flytepropeller"
        )
    rules = sorted(f.rule for f in check_subjects(accounts, main))
    assert rules == ["infra.subject-unbound", "infra.subject-unknown"]


def test_subject_bound_twice_fails(preset_renders: dict[str, Any]) -> None:
    """A ServiceAccount trusted by both identities is bound by two: refused."""
    plan, render = preset_renders["gke-production"]
    accounts = accounts_from_render(plan, render)
    main = plan.files()["infra/main.tf"]
    extra = (
        '\nresource "google_service_account_iam_member" "stray" {\n'
        "  service_account_id = google_service_account.flyte_tasks.name\n"
        '  role = "roles/iam.workloadIdentityUser"\n'
        '  member = "serviceAccount:${local.workload_pool[\\"x\\"]}[flyte/flyteadmin]"\n}\n'
    )
    cluster = next(a.cluster for a in accounts)
    findings = check_subjects(accounts, main + extra.replace('\\"x\\"', f'"{cluster}"'))
    assert [f.rule for f in findings] == ["infra.subject-unbound"]
    assert "2 identities" in findings[0].message


def test_bucket_not_granted_fails(preset_renders: dict[str, Any]) -> None:
    plan, render = preset_renders["aks-starter"]
    result = infra_from_render(plan, render)
    assert result is not None
    main = plan.files()["infra/main.tf"]
    assert check_buckets(plan, result.module, main) == []
    bucket = plan.spec.storage.data_bucket
    result.module.grants[bucket] = result.module.grants[bucket][:1]
    assert [f.rule for f in check_buckets(plan, result.module, main)] == ["infra.bucket-not-granted"]
    del result.module.grants[bucket]
    assert [f.rule for f in check_buckets(plan, result.module, main)] == ["infra.bucket-missing"]


def test_a_bucket_only_the_flyte_config_names_is_missing(preset_renders: dict[str, Any]) -> None:
    """The render's config names a bucket infra/ does not create (e.g. an override of the raw output prefix)."""
    plan, render = preset_renders["gke-starter"]
    result = infra_from_render(plan, render)
    assert result is not None
    main = plan.files()["infra/main.tf"]
    named = buckets_in_render(render)
    assert check_buckets(plan, result.module, main, named) == []
    findings = check_buckets(plan, result.module, main, [*named, "someone-elses-bucket"])
    assert [(f.rule, "someone-elses-bucket" in f.message) for f in findings] == [("infra.bucket-missing", True)]


def test_broken_hcl_is_a_finding(preset_renders: dict[str, Any]) -> None:
    plan, render = preset_renders["eks-starter"]
    result = infra_from_render(plan, render)
    assert result is not None
    files = _infra(plan.files())
    files["infra/main.tf"] = files["infra/main.tf"].replace("}", "", 1)
    assert [f.rule for f in check_infra(plan, result, files)] == ["infra.hcl-syntax"]


def _checkov() -> tuple[list[str], dict[str, str]] | None:
    exe = shutil.which("checkov") or str(Path(sys.executable).with_name("checkov"))
    shim = ROOT / ".tools" / "checkov-hcl2"
    if not Path(exe).exists() or not (shim / "hcl2").is_dir():
        return None
    env = dict(os.environ, PYTHONPATH=str(shim))
    return [exe], env


def test_checkov_clean_with_reasons(preset_renders: dict[str, Any], tmp_path: Path) -> None:
    """checkov over every cloud preset's infra/: no failed check; every inline skip names a check and a reason."""
    found = _checkov()
    if found is None:
        pytest.skip("checkov or its bc-python-hcl2 copy in .tools/checkov-hcl2 is absent (scripts/bootstrap.sh test)")
    command, env = found
    for name in CLOUD_PRESETS:
        plan, _ = preset_renders[name]
        for filename, text in _infra(plan.files()).items():
            (tmp_path / name / filename).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name / filename).write_text(text)
            for line in text.splitlines():
                if "checkov:skip" in line:
                    assert re.fullmatch(r"\s*#checkov:skip=CKV2?_[A-Z]+_\d+:\S.{10,}", line), line
    proc = subprocess.run(
        [
            *command,
            "-d",
            str(tmp_path),
            "--framework",
            "terraform",
            "-o",
            "json",
            "--compact",
            "--quiet",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    failed = [
        (f["check_id"], f["file_path"], f["resource"])
        for r in reports
        for f in (r.get("results") or {}).get("failed_checks") or []
    ]
    assert failed == []
    summary = reports[0]["summary"]
    assert summary["parsing_errors"] == 0 and summary["passed"] > 100


def test_propeller_and_per_domain_task_identities(prepared_charts: Any) -> None:
    """identity.propeller and identity.tasks_per_domain: the render's annotations (per-domain values come from the
    cluster resource customData) pick the identity; each gets its own role bound to exactly its ServiceAccounts."""
    from flytekit_deploy.checks.plan_render import render_plan
    from flytekit_deploy.plan import build_plan
    from flytekit_deploy.presets import get_preset
    from flytekit_deploy.spec import spec_from_dict

    data = get_preset("eks-core").model_dump(mode="json")
    data["identity"]["propeller"] = "arn:aws:iam::123456789012:role/flyte-propeller"
    data["identity"]["tasks_per_domain"] = {"production": "arn:aws:iam::123456789012:role/flyte-prod-tasks"}
    plan = build_plan(spec_from_dict(data))
    render = render_plan(plan, prepared_charts)
    assert not render.failures
    roles = {(a.namespace, a.name): a.role for a in accounts_from_render(plan, render)}
    assert roles[("flyte", "flytepropeller")] == "propeller"
    assert roles[("flyte", "flyteadmin")] == "backend"
    assert roles[("flytesnacks-production", "default")] == "tasks-production"
    assert roles[("flytesnacks-staging", "default")] == "tasks"
    assert _key(accounts_from_values(plan.spec, plan.releases)) == _key(accounts_from_render(plan, render))
    result = infra_from_render(plan, render)
    assert result is not None
    files = _infra(plan.files())
    assert check_infra(plan, result, files) == []
    identities = {b[0] for b in parsed_subjects(files["infra/main.tf"])}
    assert identities == {"flyte_backend", "flyte_propeller", "flyte_tasks", "flyte_tasks_production"}
    assert 'description = "identity.tasks_per_domain.production"' in files["infra/outputs.tf"]


def test_values_command_reads_the_render(
    shared_reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`values` with the charts at hand binds the render's ServiceAccounts and says so; --no-render says the
    ServiceAccounts come from the emitted values; both bind the same subjects."""
    from flytekit_deploy.cli import main

    monkeypatch.setenv("FLYTEKIT_DEPLOY_CHARTS", str(shared_reference / "charts"))
    assert main(["values", "--preset", "aks-multicluster", "-o", str(tmp_path / "a")]) == 0
    assert "ServiceAccounts read from the chart render" in capsys.readouterr().out
    assert main(["values", "--preset", "aks-multicluster", "-o", str(tmp_path / "b"), "--no-render"]) == 0
    rendered = (tmp_path / "a" / "infra" / "main.tf").read_text()
    own = (tmp_path / "b" / "infra" / "main.tf").read_text()
    assert "rendered releases" in rendered and "emitted values" in own
    assert sorted(parsed_subjects(rendered)) == sorted(parsed_subjects(own))


def test_infra_findings_reads_a_folder_back(preset_renders: dict[str, Any], tmp_path: Path) -> None:
    """doctor's entry: an infra/ written to disk and edited by hand (a subject's namespace) is reported."""
    from flytekit_deploy.checks.infra import infra_findings

    plan, render = preset_renders["gke-starter"]
    assert infra_findings(plan, render) == []
    files = _infra(plan.files())
    files["infra/main.tf"] = files["infra/main.tf"].replace("[flyte/", "[flyte-old/", 1)
    assert sorted(f.rule for f in infra_findings(plan, render, files)) == [
        "infra.subject-unbound",
        "infra.subject-unknown",
    ]


def test_aws_cli_trust_policy_binds_the_same_subjects(preset_renders: dict[str, Any], tmp_path: Path) -> None:
    """The aws CLI equivalent in infra/README.md: bash expands each create-role line into a JSON trust policy whose
    subjects per cluster are exactly the render's ServiceAccounts."""
    plan, render = preset_renders["eks-multicluster"]
    lines = [line for line in plan.files()["infra/README.md"].splitlines() if line.startswith("aws iam create-role")]
    assert lines
    script = tmp_path / "run.sh"
    script.write_text(
        'aws() { printf "%s\\n" "$6"; }\nAWS_ACCOUNT_ID=123456789012\n'
        "OIDC_CONTROL_PLANE=oidc.cp\nOIDC_DATAPLANE_1=oidc.dp1\nOIDC_DATAPLANE_2=oidc.dp2\n" + "\n".join(lines) + "\n"
    )
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=True)
    host = {"control-plane": "oidc.cp", "dataplane-1": "oidc.dp1", "dataplane-2": "oidc.dp2"}
    bound = set()
    for policy in map(json.loads, done.stdout.splitlines()):
        for statement in policy["Statement"]:
            for key, values in statement["Condition"]["StringEquals"].items():
                if key.endswith(":sub"):
                    assert statement["Principal"]["Federated"].endswith(key.removesuffix(":sub"))
                    bound |= {(key.removesuffix(":sub"), v) for v in values}
    assert bound == {(host[a.cluster], a.subject) for a in accounts_from_render(plan, render)}


def test_optional_parts_bring_their_permissions() -> None:
    """The AWS scheduler and the AWS Batch connector add their statements to the backend role only when used."""
    from flytekit_deploy.plan import build_plan
    from flytekit_deploy.presets import get_preset

    def main_tf(name: str) -> str:
        return build_plan(get_preset(name)).files()["infra/main.tf"]

    hybrid, starter, scheduler = main_tf("eks-hybrid"), main_tf("eks-starter"), main_tf("eks-core-aws-scheduler")
    assert "batch:SubmitJob" in hybrid and "batch:SubmitJob" not in starter
    assert "events.amazonaws.com" in scheduler and "aws_sqs_queue" not in starter
    assert "iam:PassRole" in scheduler and "iam:PassRole" not in starter
