"""The configurator without a front end: set widget values, then check the spec, the panes and the autosave."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest

from flytekit_deploy.diagrams.views import diagram
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import load_spec
from flytekit_deploy.widgets import Configurator

pytestmark = pytest.mark.usefixtures("needs_plan")


def test_field_change_updates_spec_panes_and_autosave(configurator: Configurator, autosave_file: Path) -> None:
    assert not autosave_file.exists(), "constructing is not a change: nothing autosaved yet"
    configurator.field_widget("storage.metadata_bucket").value = "team-metadata"  # as the browser would
    assert configurator.errors == []
    assert configurator.spec.storage.metadata_bucket == "team-metadata"
    texts = configurator.pane_texts()
    assert "team-metadata" in texts["values"]
    (tab,) = configurator.panes.values_tabs.children
    assert "team-metadata" in tab.value
    assert "helm upgrade --install" in texts["commands"] and "--version" in texts["commands"]
    assert texts["secrets"] == "No Secrets to create."  # the sandbox chart makes its own
    assert texts["diagram"].strip() and "<svg" in configurator.diagram_svg
    assert load_spec(autosave_file).storage.metadata_bucket == "team-metadata"
    assert "autosaved" in configurator.status.value


def test_panes_follow_the_plan(configurator: Configurator) -> None:
    plan = configurator.plan
    texts = configurator.pane_texts()
    for release in plan.releases:
        assert texts[f"values:{release.filename}"] == plan.values_yaml(release)
    for step in plan.steps:
        assert step.command in texts["commands"]
    for secret in plan.secrets:
        assert secret.name in texts["secrets"]


def test_invalid_value_shows_the_message_at_the_field_and_keeps_the_last_valid_panes(
    configurator: Configurator, autosave_file: Path
) -> None:
    configurator.set_field("storage.metadata_bucket", "good-bucket")
    saved = autosave_file.read_text()
    before = {k: v for k, v in configurator.pane_texts().items() if k != "status"}

    configurator.set_field("storage.metadata_bucket", "Bad_Bucket")
    assert [p.path for p in configurator.errors] == ["storage.metadata_bucket"]
    message = configurator.field_message("storage.metadata_bucket")
    assert "not a valid" in message and "fix:" in message
    assert configurator.stale and configurator.pane_texts()["status"].startswith("STALE")
    assert {k: v for k, v in configurator.pane_texts().items() if k != "status"} == before
    assert configurator.spec.storage.metadata_bucket == "good-bucket"  # the last valid spec
    assert autosave_file.read_text() == saved, "an invalid input is never autosaved"
    assert "Stale" in configurator.panes.banner.value
    storage_title = configurator.form.accordion.titles[configurator.form.section_titles.index("Storage")]
    assert "✖ 1" in storage_title

    configurator.set_field("storage.metadata_bucket", "better-bucket")
    assert not configurator.stale and configurator.errors == []
    assert configurator.field_message("storage.metadata_bucket") == ""
    assert "better-bucket" in configurator.pane_texts()["values"]


def test_cross_section_problem_is_placed_at_its_field(configurator: Configurator) -> None:
    configurator.set_field("model", "multi-cluster")
    assert [p.path for p in configurator.errors] == ["clusters.data_planes"]
    assert "at least one data plane" in configurator.field_message("clusters.data_planes")
    configurator.add_row("clusters.data_planes")
    assert configurator.errors == [], configurator.errors
    assert configurator.spec.chart_name.value == "flyte-core"
    assert any("dataplane-1" in name for name in configurator.pane_texts() if name.startswith("values:"))


def test_unparseable_input_is_reported_at_its_field(configurator: Configurator) -> None:
    configurator.set_fields({"ingress.controller": "nginx", "ingress.annotations": "just text"})
    assert [p.path for p in configurator.errors] == ["ingress.annotations"]
    assert "key: value" in configurator.field_message("ingress.annotations")
    configurator.set_field("ingress.annotations", "a.b/c: d")
    assert configurator.spec.ingress.annotations == {"a.b/c": "d"}


def test_findings_are_shown_under_their_field(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(spec=get_preset("eks-starter"))
    paths = {f.path for f in configurator.findings}
    assert "storage.metadata_bucket" in paths
    assert "placeholder" in configurator.field_message("storage.metadata_bucket")
    assert "storage.metadata_bucket" in configurator.pane_texts()["findings"]
    configurator.set_field("storage.metadata_bucket", "acme-flyte-metadata")
    assert "storage.metadata_bucket" not in {f.path for f in configurator.findings}
    assert configurator.field_message("storage.metadata_bucket") == ""


def test_secrets_pane_lists_names_and_keys_without_values_outside_the_sandbox(
    make_configurator: Callable[..., Configurator],
) -> None:
    configurator = make_configurator(spec=get_preset("eks-core"))
    text = configurator.pane_texts()["secrets"]
    for secret in configurator.plan.secrets:
        assert secret.name in text
        for key in secret.keys:
            assert key in text


def test_ten_data_planes_give_a_values_tab_each(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(spec=get_preset("eks-multicluster"), diagram_delay=0.05)
    with configurator.batch():
        for _ in range(8):
            configurator.add_row("clusters.data_planes")
        for index in range(10):
            configurator.set_field(f"clusters.data_planes[{index}].weight", 0.1)
    assert configurator.errors == []
    assert len(configurator.spec.clusters.data_planes) == 10
    assert len(configurator.panes.values_tabs.children) == 11
    configurator.set_field("storage.metadata_bucket", "ten-planes-metadata")
    assert configurator.wait_for_panes(30)
    # hidden tabs are written by the timer once input stops: none is left behind
    for name, tab in zip(configurator.outputs.releases, configurator.panes.values_tabs.children, strict=True):
        assert html.escape(configurator.outputs.values_yaml(name)) in tab.value
    assert all("ten-planes-metadata" in tab.value for tab in configurator.panes.values_tabs.children)


def test_diagram_render_is_debounced_but_never_stale(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(diagram_delay=0.05)
    first_svg = configurator.diagram_svg
    assert "<svg" in first_svg and "FlyteConsole" in first_svg  # the first render is immediate
    for enabled in (False, True, False, True, False):
        configurator.set_field("components.console.enabled", enabled)
    assert configurator.wait_for_panes(30)
    assert configurator.spec.components.console.enabled is False
    assert configurator.diagram_svg == diagram("this-deployment", configurator.spec).svg()
    assert "FlyteConsole" not in configurator.diagram_svg
    assert configurator.panes.svg_seconds is not None


def test_doctor_runs_on_request_and_goes_stale_with_the_spec(make_configurator: Callable[..., Configurator]) -> None:
    from flytekit_deploy.checks import doctor

    configurator = make_configurator(spec=get_preset("eks-core"))
    configurator.panes.doctor_button.click()  # live probes off by default: nothing leaves this machine
    expected = doctor(configurator.spec)
    assert "Doctor" in configurator.panes.doctor_html.value
    for finding in expected:
        assert html.escape(finding.message) in configurator.panes.doctor_html.value
    configurator.set_field("namespace", "flyte-two")
    assert "earlier spec" in configurator.panes.doctor_html.value


def test_every_field_shows_its_help_under_it(configurator: Configurator) -> None:
    from flytekit_deploy.widgets.editors import ScalarEditor

    editor = configurator.field_editor("storage.metadata_bucket")
    assert isinstance(editor, ScalarEditor)
    assert editor.help in editor.container.children and "fd-help" in editor.help._dom_classes
    help_text = editor.help.value
    described = configurator.form.editor("storage.metadata_bucket").meta.description  # type: ignore[union-attr]
    assert html.escape(described) in help_text and "08-configuration.ipynb" in help_text
    environment = configurator.field_editor("environment").help.value  # type: ignore[attr-defined]
    assert "One of:" in environment and "<code>aws</code>" in environment
    scalars = [e for e in configurator.form.editors() if isinstance(e, ScalarEditor)]
    assert scalars and all(e.help.value.strip() for e in scalars)


def test_switching_sandbox_to_aws_resets_what_belongs_to_the_environment(configurator: Configurator) -> None:
    sandbox = configurator.spec
    assert sandbox.environment.value == "local"
    configurator.set_field("environment", "aws")
    assert configurator.errors == [], configurator.errors
    spec = configurator.spec
    assert spec.environment.value == "aws" and spec.storage.provider.value == "s3"
    assert spec.database != sandbox.database  # not the sandbox's in-cluster database and its Secret
    logs = spec.observability.logs
    assert [p.value for p in logs.providers] != ["kubernetes"]  # no task-log link to the sandbox's localhost
    assert "kubernetes" not in [p.value for p in logs.providers] or "localhost" not in logs.kubernetes_url
    message = configurator.actions.message.value
    assert "Environment changed local → aws" in message and "storage.provider" in message
    assert configurator.can_undo
    configurator.undo()
    assert configurator.spec == sandbox


def test_the_status_line_is_green_only_without_error_findings(configurator: Configurator) -> None:
    assert "fd-ok" in configurator.status.value or "fd-warning" in configurator.status.value
    configurator.load(get_preset("eks-production"))
    severities = {str(f.severity.value) for f in configurator.findings}
    expected = "fd-error" if "error" in severities else "fd-warning" if "warning" in severities else "fd-ok"
    assert expected in configurator.status.value
    assert "✔" not in configurator.status.value or expected == "fd-ok"
