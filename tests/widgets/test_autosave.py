"""Nothing lost: valid changes are autosaved atomically and restored by the next configurator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from flytekit_deploy import fileio
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import dump_spec, load_spec
from flytekit_deploy.widgets import Configurator


def test_a_new_configurator_restores_the_autosave(make_configurator: Callable[..., Configurator]) -> None:
    first = make_configurator()
    first.set_fields({"storage.metadata_bucket": "kept-bucket", "namespace": "flyte-dev"})
    second = make_configurator()  # the notebook re-run, or a kernel restart
    assert dump_spec(second.spec) == dump_spec(first.spec)
    assert "Restored the autosave" in second.actions.message.value


def test_a_failed_write_leaves_the_previous_autosave(
    make_configurator: Callable[..., Configurator], autosave_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configurator = make_configurator()
    configurator.set_field("storage.metadata_bucket", "first-bucket")
    before = autosave_file.read_text()

    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", refuse)
    configurator.set_field("storage.metadata_bucket", "second-bucket")
    assert configurator.spec.storage.metadata_bucket == "second-bucket"  # the panes still follow the input
    assert "autosave" in configurator.status.value and "failed" in configurator.status.value
    assert autosave_file.read_text() == before
    assert sorted(p.name for p in autosave_file.parent.iterdir()) == [autosave_file.name]  # no temp files left

    monkeypatch.undo()
    configurator.set_field("storage.metadata_bucket", "third-bucket")
    assert load_spec(autosave_file).storage.metadata_bucket == "third-bucket"


def test_an_unreadable_autosave_is_kept_aside(
    make_configurator: Callable[..., Configurator], autosave_file: Path
) -> None:
    autosave_file.write_text("storage: {metadata_bucket: [unclosed\n")
    configurator = make_configurator()
    assert dump_spec(configurator.spec) == dump_spec(get_preset("sandbox"))
    assert "could not be loaded" in configurator.actions.message.value
    configurator.set_field("namespace", "flyte-dev")
    assert load_spec(autosave_file).namespace == "flyte-dev"
    assert autosave_file.with_name(autosave_file.name + ".bak").read_text() == "storage: {metadata_bucket: [unclosed\n"


def test_an_explicit_spec_keeps_the_older_autosave(
    make_configurator: Callable[..., Configurator], autosave_file: Path
) -> None:
    autosave_file.write_text(dump_spec(get_preset("eks-core")))
    configurator = make_configurator(spec=get_preset("sandbox"))
    assert configurator.spec.model.value == "sandbox"
    configurator.set_field("namespace", "flyte-dev")
    assert load_spec(autosave_file).namespace == "flyte-dev"
    assert load_spec(autosave_file.with_name(autosave_file.name + ".bak")).chart_name.value == "flyte-core"


def test_autosave_can_be_turned_off(make_configurator: Callable[..., Configurator], autosave_file: Path) -> None:
    configurator = make_configurator(autosave=False)
    configurator.set_field("namespace", "flyte-dev")
    assert not autosave_file.exists()


def test_default_autosave_is_beside_the_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    configurator = Configurator(diagram_delay=0)
    try:
        assert configurator.autosave.path == tmp_path / "flyte-spec.autosave.yaml"
        configurator.set_field("namespace", "flyte-dev")
        assert load_spec(tmp_path / "flyte-spec.autosave.yaml").namespace == "flyte-dev"
    finally:
        configurator.close()


def test_earlier_states_are_kept_as_numbered_history(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator()
    for index in range(25):
        configurator.set_field("storage.metadata_bucket", f"bucket-{index}")
    history = configurator.autosave.history()
    assert len(history) == configurator.autosave.history_limit == 20
    assert load_spec(history[-1]).storage.metadata_bucket == "bucket-23"  # the state before the newest
    assert load_spec(history[0]).storage.metadata_bucket == "bucket-4"
