"""Actions: presets, load and save, write the plan with the CLI's overwrite protection, download a zip."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from flytekit_deploy.errors import OutputConflictError, SpecError
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import dump_spec, load_spec
from flytekit_deploy.widgets import Configurator

pytestmark = pytest.mark.usefixtures("needs_plan")


def test_write_plan_refuses_to_overwrite_without_force(configurator: Configurator, tmp_path: Path) -> None:
    out = tmp_path / "out"
    written = configurator.write_plan(out)
    assert sorted(p.name for p in written) == sorted(configurator.plan.files())
    (out / "install.md").write_text("my notes\n")

    with pytest.raises(OutputConflictError):
        configurator.write_plan(out)
    assert (out / "install.md").read_text() == "my notes\n"

    bar = configurator.actions
    bar.out_dir.value = str(out)
    bar.write_button.click()
    message = bar.message.value
    assert "exists with other content" in message and 'class="fd-error"' in message
    # the refusal shows what an overwrite would replace, line by line
    assert "install.md (on disk)" in message and "-my notes" in message
    assert str(out.resolve()) in message  # absolute paths
    assert (out / "install.md").read_text() == "my notes\n"

    bar.force.value = True
    bar.write_button.click()
    assert "Wrote" in bar.message.value
    assert (out / "install.md").read_text() == configurator.plan.files()["install.md"]
    assert (out / "install.md.bak").read_text() == "my notes\n"


def test_write_plan_is_refused_while_the_input_is_invalid(configurator: Configurator, tmp_path: Path) -> None:
    configurator.set_field("namespace", "Not A Namespace")
    with pytest.raises(SpecError):
        configurator.write_plan(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_save_then_load_a_spec_file(make_configurator: Callable[..., Configurator], tmp_path: Path) -> None:
    first = make_configurator(spec=get_preset("eks-core"))
    target = tmp_path / "flyte.yaml"
    bar = first.actions
    bar.spec_path.value = str(target)
    bar.save_button.click()
    assert "Saved" in bar.message.value
    assert dump_spec(load_spec(target)) == dump_spec(first.spec)
    bar.save_button.click()  # same content: no conflict
    assert "Saved" in bar.message.value
    first.set_field("namespace", "other")
    bar.save_button.click()
    assert "exists with other content" in bar.message.value

    second = make_configurator(spec=get_preset("sandbox"))
    second.actions.spec_path.value = str(target)
    second.actions.load_button.click()
    assert dump_spec(second.spec) == dump_spec(get_preset("sandbox"))  # asks first
    second.actions.confirm_yes.click()
    assert dump_spec(second.spec) == dump_spec(get_preset("eks-core"))


def test_a_bad_spec_file_leaves_the_form_as_it_was(configurator: Configurator, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("storage:\n  metadata_buckt: x\n")
    before = dump_spec(configurator.spec)
    configurator.actions.spec_path.value = str(bad)
    configurator.actions.load_button.click()
    configurator.actions.confirm_yes.click()
    assert "metadata_buckt" in configurator.actions.message.value
    assert "did you mean" in configurator.actions.message.value
    assert dump_spec(configurator.spec) == before and configurator.errors == []


def test_upload_a_spec(configurator: Configurator) -> None:
    text = dump_spec(get_preset("gke-starter")).encode()
    configurator.actions.upload.value = (
        {
            "name": "gke.yaml",
            "type": "application/x-yaml",
            "size": len(text),
            "content": memoryview(text),
            "last_modified": datetime.now(timezone.utc),
        },
    )
    assert configurator.spec.environment.value == "local"
    configurator.actions.confirm_yes.click()
    assert configurator.spec.environment.value == "gcp"
    assert "gke.yaml" in configurator.actions.message.value


def test_start_from_a_preset(configurator: Configurator) -> None:
    bar = configurator.actions
    bar.preset.value = "eks-multicluster"
    bar.preset_button.click()
    assert configurator.spec.name == get_preset("sandbox").name and "Replace" in bar.confirm_text.value
    bar.confirm_yes.click()
    assert dump_spec(configurator.spec) == dump_spec(get_preset("eks-multicluster"))
    assert configurator.rows("clusters.data_planes") == 2
    assert len(configurator.panes.values_tabs.children) == len(configurator.plan.releases)


def test_download_zip_holds_the_plan(configurator: Configurator) -> None:
    data = configurator.zip_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == sorted(configurator.plan.files())
        for name, text in configurator.plan.files().items():
            assert archive.read(name).decode() == text
    assert configurator.zip_bytes() == data  # reproducible
    configurator.actions.zip_button.click()
    link = configurator.actions.link.value
    payload = re.search(r'href="data:application/zip;base64,([^"]+)"', link)
    assert payload and base64.b64decode(payload.group(1)) == data
    assert 'download="flyte-plan.zip"' in link


def test_import_values(configurator: Configurator, tmp_path: Path) -> None:
    from flytekit_deploy.widgets.actions import importer_available

    if not importer_available():
        assert configurator.actions.import_button.disabled
        pytest.skip("flytekit_deploy.importer is not in this checkout")
    plan = configurator.plan
    eks = Configurator(spec=get_preset("eks-starter"), autosave=False, diagram_delay=0)
    try:
        (release,) = [r for r in eks.plan.releases if r.role == "all-in-one"]
        values = tmp_path / "values.yaml"
        values.write_text(eks.plan.values_yaml(release))
    finally:
        eks.close()
    configurator.actions.values_path.value = str(values)
    configurator.actions.import_chart.value = "flyte-binary"
    configurator.actions.import_button.click()
    configurator.actions.confirm_yes.click()
    assert "Imported" in configurator.actions.message.value, configurator.actions.message.value
    assert configurator.errors == []
    assert configurator.spec.chart_name.value == "flyte-binary"
    assert configurator.spec.storage.provider.value == "s3"
    assert configurator.plan is not plan

    configurator.actions.values_path.value = str(tmp_path / "missing.yaml")
    configurator.actions.import_button.click()
    configurator.actions.confirm_yes.click()
    assert "no such file" in configurator.actions.message.value


def test_fill_from_terraform_button(configurator: Configurator) -> None:
    """The configurator's action for `fill --from-terraform`: the recorded outputs of a preset fill the form."""
    fixture = Path(__file__).resolve().parents[1] / "plan" / "fixtures" / "terraform-outputs" / "aks-starter.json"
    configurator.apply_preset("aks-starter")
    bar = configurator.actions
    bar.tf_outputs.value = str(fixture)
    bar.fill_button.click()
    message = bar.message.value
    assert "identity.backend: &lt;FLYTE_BACKEND_CLIENT_ID&gt; -&gt; 3f1c2a4e-8b7d-4c21-9e5f-0a1b2c3d4e5f" in message
    assert configurator.spec.identity.backend == "3f1c2a4e-8b7d-4c21-9e5f-0a1b2c3d4e5f"
    assert configurator.spec.database.host == "flyte-postgres.postgres.database.azure.com"
    bar.tf_outputs.value = str(fixture.with_name("missing.json"))
    bar.fill_button.click()
    assert "no such file" in bar.message.value


def test_replacing_the_form_can_be_cancelled_and_undone(configurator: Configurator) -> None:
    bar = configurator.actions
    before = dump_spec(configurator.spec)
    bar.preset.value = "eks-core"
    bar.preset_button.click()
    bar.confirm_no.click()
    assert dump_spec(configurator.spec) == before and "Nothing replaced" in bar.message.value
    assert bar.undo_button.disabled
    bar.preset_button.click()
    bar.confirm_yes.click()
    assert configurator.spec.environment.value == "aws" and not bar.undo_button.disabled
    bar.undo_button.click()
    assert dump_spec(configurator.spec) == before and "Undone" in bar.message.value
    assert bar.undo_button.disabled


def test_a_download_link_says_when_the_spec_changed_since(configurator: Configurator) -> None:
    bar = configurator.actions
    bar.zip_button.click()
    assert "out of date" not in bar.link.value
    configurator.set_field("namespace", "elsewhere")
    assert "out of date" in bar.link.value and "Download zip" in bar.link.value
    bar.zip_button.click()
    assert "out of date" not in bar.link.value


def test_a_written_plan_says_when_the_spec_changed_since(configurator: Configurator, tmp_path: Path) -> None:
    bar = configurator.actions
    bar.out_dir.value = str(tmp_path / "out")
    bar.write_button.click()
    assert "Wrote" in bar.message.value and "Out of date" not in bar.message.value
    configurator.set_field("namespace", "elsewhere")
    assert "Out of date" in bar.message.value


def test_the_overwrite_switch_says_what_it_does(configurator: Configurator) -> None:
    label = configurator.actions.force.description
    assert "Overwrite" in label and ".bak" in label and "--force" not in label
    assert configurator.actions.upload.tooltip and configurator.actions.upload.tooltip != "null"
