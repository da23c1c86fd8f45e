"""``fill --from-terraform``: a recorded ``terraform output -json`` per cloud preset fills every placeholder
``infra/`` answers, ``doctor`` then names none of them, and bad outputs are refused with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from flytekit_deploy.checks import doctor
from flytekit_deploy.cli import main
from flytekit_deploy.errors import UserInputError
from flytekit_deploy.plan import build_plan
from flytekit_deploy.plan.fill import fill_from_outputs, read_outputs
from flytekit_deploy.plan.infra import infra_result
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import dump_spec, load_spec

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "terraform-outputs"
PRESETS = sorted(p.stem for p in FIXTURES.glob("*.json"))


def test_every_cloud_preset_has_a_recorded_output() -> None:
    assert len(PRESETS) == 12
    assert {p.split("-")[0] for p in PRESETS} == {"eks", "gke", "aks"}


@pytest.mark.parametrize("name", PRESETS)
def test_fill_answers_every_cloud_placeholder(name: str) -> None:
    spec = get_preset(name)
    result = infra_result(spec, build_plan(spec).releases)
    assert result is not None
    answered = set(result.module.fills)
    assert answered, name
    before = set(build_plan(spec).placeholders)
    filled = fill_from_outputs(spec, read_outputs(FIXTURES / f"{name}.json"))
    assert {marker for _path, marker, _value in filled.filled} == answered
    assert not answered & set(filled.still_open)
    assert set(filled.still_open) == before - answered  # nothing else moved
    # doctor names none of them any more
    text = " ".join(f.message for f in doctor(filled.spec))
    assert not [m for m in answered if m in text]
    # the filled spec writes infra/ whose identities still bind the same ServiceAccounts
    again = infra_result(filled.spec, build_plan(filled.spec).releases)
    assert again is not None
    assert {(b.cluster, b.namespace, b.name) for b in again.module.bindings} == {
        (b.cluster, b.namespace, b.name) for b in result.module.bindings
    }


def test_fill_keeps_real_values(tmp_path: Path) -> None:
    """A field the person already set is never overwritten; the difference is reported."""
    spec = get_preset("eks-starter")
    data = spec.model_dump(mode="json")
    data["database"]["host"] = "db.internal.example.com"
    from flytekit_deploy.spec import spec_from_dict

    filled = fill_from_outputs(spec_from_dict(data), read_outputs(FIXTURES / "eks-starter.json"))
    assert filled.spec.database.host == "db.internal.example.com"
    assert ("database.host", "db.internal.example.com", "flyte.c9akciq32.us-east-1.rds.amazonaws.com") in filled.kept


def test_cli_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(dump_spec(get_preset("gke-production")))
    assert main(["fill", str(spec_file), "--from-terraform", str(FIXTURES / "gke-production.json")]) == 0
    out = capsys.readouterr().out
    assert "identity.backend: <FLYTE_BACKEND_GSA_EMAIL> -> flyte-backend@acme-flyte.iam.gserviceaccount.com" in out
    assert "still open" in out
    filled = load_spec(spec_file)
    assert filled.database.host == "10.20.0.3" and filled.gcp is not None and filled.gcp.project_id == "acme-flyte"
    assert main(["values", str(spec_file), "-o", str(tmp_path / "plan")]) == 0
    values = (tmp_path / "plan" / "values-flyte-core.yaml").read_text()
    assert "flyte-backend@acme-flyte.iam.gserviceaccount.com" in values and "<FLYTE_BACKEND_GSA_EMAIL>" not in values


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"identity_backend": "x"}', '{"a": {"value": "1"}, "a": {"value": "2"}}'],
)
def test_bad_outputs_refused_nothing_written(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    spec_file = tmp_path / "spec.yaml"
    original = dump_spec(get_preset("aks-starter"))
    spec_file.write_text(original)
    outputs = tmp_path / "out.json"
    outputs.write_text(text)
    with pytest.raises(UserInputError):
        read_outputs(outputs)
    assert main(["fill", str(spec_file), "--from-terraform", str(outputs)]) == 2
    assert "error:" in capsys.readouterr().err
    assert spec_file.read_text() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "spec.yaml"]


def test_invalid_output_value_is_a_spec_error(tmp_path: Path) -> None:
    """An output that is not a valid identifier (a hand-edited file) is refused by the spec's own validators."""
    outputs = tmp_path / "out.json"
    outputs.write_text('{"identity_backend": {"value": "not-an-arn"}}')
    with pytest.raises(UserInputError, match="identity"):
        fill_from_outputs(get_preset("eks-starter"), read_outputs(outputs))
