"""infra/ against the pinned providers' schemas, offline (the prebuilt CDKTF provider packages, reduced by
scripts/cdktf_schema.py into .tools/provider-schemas/ by scripts/bootstrap.sh test)."""

from __future__ import annotations

from typing import Any

import pytest

from flytekit_deploy.checks.provider_schema import load_schemas, schema_findings
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names

CLOUD_PRESETS = [n for n in preset_names() if n.split("-")[0] in ("eks", "gke", "aks")]


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict[str, Any]]:
    found = load_schemas()
    if len(found) < 4:
        pytest.skip("provider schemas absent: scripts/bootstrap.sh test writes them to .tools/provider-schemas/")
    return found


@pytest.mark.parametrize("name", CLOUD_PRESETS)
def test_every_type_and_argument_is_in_the_pinned_schema(schemas: dict[str, dict[str, Any]], name: str) -> None:
    files = build_plan(get_preset(name)).files()
    assert schema_findings(files, schemas) == []


def _files() -> dict[str, str]:
    return build_plan(get_preset("eks-core-aws-scheduler")).files()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  engine_version", "  engine_versions", "aws_db_instance.flyte: no argument or block 'engine_versions'"),
        ('status = "Enabled"', 'state = "Enabled"', "versioning_configuration: no argument or block 'state'"),
        ('resource "aws_sqs_queue"', 'resource "aws_sqs_queues"', "no resource type aws_sqs_queues"),
        (
            '"aws_iam_policy_document" "flyte_backend_trust"',
            '"aws_iam_policy_documents" "flyte_backend_trust"',
            "no data type aws_iam_policy_documents",
        ),
    ],
)
def test_a_wrong_name_is_found(schemas: dict[str, dict[str, Any]], old: str, new: str, expected: str) -> None:
    files = _files()
    assert old in files["infra/main.tf"]
    files["infra/main.tf"] = files["infra/main.tf"].replace(old, new, 1)
    messages = [f.message for f in schema_findings(files, schemas)]
    assert len(messages) == 1 and expected in messages[0], messages


def test_a_pin_without_its_schema_is_found(schemas: dict[str, dict[str, Any]]) -> None:
    files = _files()
    pinned = schemas["registry.terraform.io/hashicorp/aws"]["version"]
    files["infra/versions.tf"] = files["infra/versions.tf"].replace(f'"{pinned}"', '"5.0.0"')
    messages = [f.message for f in schema_findings(files, schemas)]
    assert any("no schema for registry.terraform.io/hashicorp/aws 5.0.0" in m for m in messages)
