"""The wiki's reference helpers: tables derived from the spec model, the presets, the emitters and the checks.

The chart-key mapping is asserted by its derivation: a key the mapping names must really carry the spec field's
value in the emitted values, and changing the field must really change it. Nothing here restates a table by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy import reference as ref
from flytekit_deploy.charts.common import walk_leaves
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import PRESETS, get_preset
from flytekit_deploy.spec import ChartName, DeploymentModel, DeploymentSpec, Environment, SpecModel

# ---- markdown -------------------------------------------------------------------------------------------------------


def test_markdown_renders_itself_and_stays_a_string() -> None:
    text = ref.md_table(["a", "b"], [("x|y", "line\nbreak")])
    assert isinstance(text, str)
    assert text._repr_markdown_() == str(text)
    assert "x\\|y" in text and "line<br>break" in text
    assert text.splitlines()[1] == "|---|---|"


def test_empty_table_says_so() -> None:
    assert ref.md_table(["a"], []) == "*(none)*"


def test_code_block_fence_outlives_backticks_inside() -> None:
    block = ref.code_block("a ``` b ```` c", "text")
    fence = block.splitlines()[0].removesuffix("text")
    assert set(fence) == {"`"} and len(fence) == 5
    assert block.endswith(fence)


def test_placeholders_and_angle_brackets_are_kept_visible() -> None:
    text = ref.escape_placeholders("host <FLYTE_HOST>, `<KEPT>` as is, <br> kept, <bcrypt hash> escaped")
    assert "`<FLYTE_HOST>`" in text and "`<KEPT>`" in text and "<br>" in text
    assert "&lt;bcrypt hash>" in text


# ---- field tables ---------------------------------------------------------------------------------------------------


def test_field_tables_cover_every_spec_section_and_field() -> None:
    sections = ref.spec_sections()
    assert sections[0] == ref.GENERAL_SECTION
    covered_top: set[str] = set()
    for section in sections:
        rows = ref.field_rows(section)
        assert rows, f"section {section} has no fields"
        table = ref.field_table(section)
        for row in rows:
            assert ref.inline_code(row.path) in table
            assert row.description, f"{row.path} has no description"
            covered_top.add(row.path.split(".")[0].split("[")[0])
    assert covered_top == set(DeploymentSpec.model_fields)


def test_every_top_level_model_is_its_own_section() -> None:
    general = {row.path for row in ref.field_rows(ref.GENERAL_SECTION)}
    for name in DeploymentSpec.model_fields:
        try:
            model = ref.model_at(name)
        except ValueError:
            assert name in general, f"{name} is a plain field but not in the general section"
            continue
        assert issubclass(model, SpecModel)
        assert name in ref.spec_sections(), f"{name} holds a model but has no section"


def test_leaf_paths_are_unique_and_reach_the_model() -> None:
    paths = ref.leaf_paths()
    assert len(paths) == len(set(paths))
    for path in paths:
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        model = ref.model_at(parent)
        assert path.rsplit(".", 1)[-1] in model.model_fields


def test_defaults_come_from_the_model() -> None:
    rows = {row.path: row for row in ref.all_field_rows()}
    default_spec_chart_version = DeploymentSpec.model_fields["chart_version"].default
    assert rows["chart_version"].default == ref.inline_code(default_spec_chart_version)
    # a nested secret reference inherits its parent's default (a whole SecretRef)
    auth_default = DeploymentSpec().auth.client_secret
    assert rows["auth.client_secret.name"].default == ref.inline_code(auth_default.name)
    # a required field says so
    assert rows["clusters.data_planes[].name"].default == "required"


def test_unknown_section_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown spec section"):
        ref.field_rows("storages")


# ---- chart-key mapping ----------------------------------------------------------------------------------------------


def test_changed_keys_compares_lists_as_multisets() -> None:
    before = {"a": {"items": [{"x": 1}, {"y": 2}]}, "b": 1}
    after = {"a": {"items": [{"new": 0}, {"x": 1}, {"y": 2}]}, "b": 1}
    assert ref.changed_keys(before, after) == {"a.items[].new"}
    assert ref.changed_keys({"b": 1}, {"b": 2}) == {"b"}


def test_normalise_path_hides_indices_and_probe_keys() -> None:
    assert ref.normalise_path("a.b[3].c") == "a.b[].c"
    assert ref.normalise_path("ingress.commonAnnotations.example-key") == "ingress.commonAnnotations"


def test_summarise_keys_fits_the_limit() -> None:
    keys = [f"block.part{i}.leaf" for i in range(10)] + ["other.one"]
    summary = ref.summarise_keys(keys, 3)
    assert len(summary) <= 3
    assert any(entry.startswith("block.") and "10 keys" in entry for entry in summary)
    assert ref.summarise_keys(["x", "y"], 3) == ["x", "y"]


def _values_at(values: dict[str, Any], normal_key: str) -> list[Any]:
    return [v for p, v in walk_leaves(values) if ref.normalise_path(p) == normal_key]


@pytest.mark.parametrize(
    ("chart", "preset"), [(ChartName.FLYTE_BINARY, "eks-starter"), (ChartName.FLYTE_CORE, "eks-core")]
)
def test_metadata_bucket_sets_the_keys_that_carry_it(chart: ChartName, preset: str) -> None:
    keys = ref.chart_keys_for("storage.metadata_bucket", chart)
    assert keys
    spec = ref.spec_with(preset, {"storage.metadata_bucket": "acme-meta-bucket"})
    (release,) = [r for r in build_plan(spec).releases if r.chart is chart]
    carrying = set(ref.value_locations(release.values, "acme-meta-bucket"))
    assert carrying, "the bucket name must appear in the values"
    assert carrying <= set(keys), f"keys carrying the bucket but missing from the mapping: {carrying - set(keys)}"


def test_metadata_bucket_mapping_names_each_charts_own_key() -> None:
    binary = ref.chart_keys_for("storage.metadata_bucket", "flyte-binary")
    core = ref.chart_keys_for("storage.metadata_bucket", "flyte-core")
    assert "configuration.storage.metadataContainer" in binary
    assert "storage.bucketName" in core
    assert not any(k.startswith("configuration.") for k in core)
    assert not any(k.startswith("storage.") for k in binary)


def test_database_host_is_written_where_the_mapping_says() -> None:
    for chart, preset in ((ChartName.FLYTE_BINARY, "onprem-starter"), (ChartName.FLYTE_CORE, "onprem-production")):
        keys = set(ref.chart_keys_for("database.host", chart))
        spec = ref.spec_with(preset, {"database.host": "db.acme.internal"})
        release = next(r for r in build_plan(spec).releases if r.chart is chart)
        carrying = ref.value_locations(release.values, "db.acme.internal")
        assert carrying and set(carrying) <= keys


def test_a_field_of_a_switched_off_block_is_measured_with_the_block_on() -> None:
    keys = ref.chart_keys_for("observability.service_monitor.interval", "flyte-core")
    assert keys
    spec = ref.spec_with("eks-core", {"observability.service_monitor.enabled": True})
    release = next(r for r in build_plan(spec).releases if r.chart is ChartName.FLYTE_CORE)
    for key in keys:
        assert _values_at(release.values, key) == [spec.observability.service_monitor.interval]


def test_structural_and_excluded_fields_say_why_they_have_no_keys() -> None:
    effects = {e.field: e for e in ref.field_effects("flyte-core", ref.GENERAL_SECTION)}
    assert effects["overrides"].note == ref.EXCLUDED_FIELDS["overrides"]
    assert not effects["environment"].keys and "rule" in effects["environment"].note
    assert any("switches the main chart" in o for o in effects["chart"].other)


def test_reverse_mapping_inverts_the_field_effects() -> None:
    reverse = ref.reverse_mapping("flyte-binary")
    forward = {e.field: set(e.keys) for e in ref.field_effects("flyte-binary")}
    for key, fields in reverse.items():
        for field in fields:
            assert key in forward[field]
    assert "storage.metadata_bucket" in reverse["configuration.storage.metadataContainer"]


def test_mapping_table_has_a_row_per_field_and_a_column_per_chart() -> None:
    table = ref.mapping_table("database")
    header = table.splitlines()[0]
    assert "flyte-binary" in header and "flyte-core" in header
    for row in ref.field_rows("database"):
        assert ref.inline_code(row.path) in table


def test_chart_key_kind_reads_the_chart_catalog() -> None:
    assert ref.chart_key_kind("flyte-core", "storage.bucketName") == "str"
    assert ref.chart_key_kind("flyte-core", "configmap.adminServer.auth.authorizedUris[]").startswith("inside")


def test_single_field_variants_change_one_field() -> None:
    base = dict(walk_leaves(get_preset("onprem-starter").model_dump(mode="json")))
    seen = 0
    for path, _value, variant in ref.single_field_variants(get_preset("onprem-starter")):
        after = dict(walk_leaves(variant.model_dump(mode="json")))
        changed = {ref.normalise_path(p) for p in base.keys() | after.keys() if base.get(p) != after.get(p)}
        assert changed, f"variant of {path} changed nothing"
        assert all(c == path or c.startswith(path + ".") or c.startswith(path + "[") for c in changed), (path, changed)
        seen += 1
        if seen > 40:
            break
    assert seen > 10


# ---- plans and presets ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["eks-starter", "eks-core", "eks-multicluster", "sandbox"])
def test_plan_tables_show_every_release_secret_and_step(preset: str) -> None:
    plan = ref.preset_plan(preset)
    releases = ref.release_table(preset)
    assert len(releases.splitlines()) == 2 + len(plan.releases)
    secrets = ref.secrets_table(preset)
    for secret in plan.secrets:
        assert ref.inline_code(secret.name) in secrets
    commands = ref.install_commands(preset)
    for step in plan.steps:
        assert step.command.splitlines()[0] in commands
    values = ref.values_block(preset)
    for release in plan.releases:
        assert plan.values_yaml(release).strip() in values


def test_placeholder_rows_explain_every_placeholder_from_its_spec_field() -> None:
    plan = ref.preset_plan("eks-core")
    rows = ref.placeholder_rows(plan)
    assert [r[0] for r in rows] == list(plan.placeholders)
    by_marker = {marker: (fields, meaning) for marker, fields, meaning, _ in rows}
    fields, meaning = by_marker["<RDS_HOST>"]
    assert fields == ["database.host"]
    assert meaning == DeploymentSpec.model_fields["database"].annotation.model_fields["host"].description


def test_preset_table_lists_every_preset_with_its_resolved_chart() -> None:
    table = ref.preset_table(columns=("chart",))
    for name, preset in PRESETS.items():
        line = next(line for line in table.splitlines() if line.startswith(f"| {ref.inline_code(name)} "))
        assert f"| {preset.build().chart_name.value} |" in line
    with pytest.raises(ValueError, match="unknown preset column"):
        ref.preset_table(["sandbox"], columns=("nope",))


def test_release_notes_put_commands_in_code_blocks() -> None:
    notes = ref.release_notes("eks-multicluster")
    multi = [n for r in ref.preset_plan("eks-multicluster").releases for n in r.notes if "\n" in n]
    assert multi and "```text" in notes


def test_preset_files_are_prefixed_and_offered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("IPython")
    files = ref.preset_files("eks-starter")
    assert all(name.startswith("eks-starter-") for name in files)
    plan = ref.preset_plan("eks-starter")
    assert {ref.download_name("eks-starter", r.filename) for r in plan.releases} <= set(files)
    folder = tmp_path / "05-aws"
    monkeypatch.setenv("FLYTEKIT_DEPLOY_WIKI_DOWNLOADS", str(folder))
    html = ref.offer_preset_files("eks-starter").data
    for name, text in files.items():
        assert (folder / name).read_text(encoding="utf-8") == text
        assert f"downloads/05-aws/{name}" in html


# ---- options --------------------------------------------------------------------------------------------------------


def test_combination_verdicts_come_from_the_validator() -> None:
    ok, chart = ref.combination_verdict(DeploymentModel.MULTI_CLUSTER, Environment.AWS, None)
    assert ok and chart == "flyte-core"
    ok, message = ref.combination_verdict(DeploymentModel.MULTI_CLUSTER, Environment.AWS, ChartName.FLYTE_BINARY)
    assert not ok and "flyte-core" in message
    ok, message = ref.combination_verdict(DeploymentModel.SANDBOX, Environment.GCP, None)
    assert not ok


def test_option_tables_have_a_row_per_model() -> None:
    for table in (ref.model_chart_table(), ref.model_environment_table(), ref.recommendation_table()):
        for model in DeploymentModel:
            assert f"| {model.value} |" in table


# ---- excerpts -------------------------------------------------------------------------------------------------------


def test_values_excerpt_keeps_only_the_keys_asked_for() -> None:
    values = {"a": {"b": 1, "c": 2}, "l": [{"x": 1}], "z": 3}
    assert ref.values_excerpt(values, ["a.b"]) == {"a": {"b": 1}}
    assert ref.values_excerpt(values, ["l[].x"]) == {"l": [{"x": 1}]}
    assert ref.values_excerpt(values, ["a"]) == {"a": {"b": 1, "c": 2}}


def _yaml_blocks(markdown: str) -> list[dict[str, Any]]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", markdown, re.DOTALL)]


def test_section_excerpt_shows_only_keys_the_section_sets() -> None:
    excerpt = ref.section_excerpt("eks-core", "auth")
    keys = {k for e in ref.field_effects("flyte-core", "auth") for k in e.keys}
    (values,) = _yaml_blocks(excerpt)
    release = ref.preset_plan("eks-core").releases[0]
    emitted = dict(walk_leaves(release.values))
    for path, value in walk_leaves(values):
        assert emitted[path] == value, path
        normal = ref.normalise_path(path)
        if "[]" in normal:  # a list is kept whole when one of its items' keys is wanted
            assert any(k.split("[]")[0] == normal.split("[]")[0] for k in keys), normal
        else:
            assert any(normal == k or normal.startswith(k + ".") for k in keys), normal


def test_identity_table_finds_each_identity_where_the_emitter_put_it() -> None:
    table = ref.identity_table(["eks-starter", "gke-production"])
    for name in ("eks-starter", "gke-production"):
        spec = get_preset(name)
        assert spec.identity.backend is not None and spec.identity.backend in table
        release = next(r for r in ref.preset_plan(name).releases if r.chart is spec.chart_name)
        for path in ref.value_locations(release.values, spec.identity.backend):
            assert path in table


def test_ingress_controller_table_has_every_controller() -> None:
    from flytekit_deploy.spec import IngressController

    table = ref.ingress_controller_table("onprem-starter")
    for controller in IngressController:
        assert f"| {controller.value} |" in table


def test_spec_with_changes_fields_and_validates() -> None:
    spec = ref.spec_with("eks-core", {"observability.service_monitor.enabled": True})
    assert spec.observability.service_monitor.enabled
    with pytest.raises(ValueError):
        ref.spec_with("eks-core", {"storage.metadata_bucket": "Not_A_Bucket"})


# ---- troubleshooting ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_catalogued_finding_is_reproduced_by_its_trigger() -> None:
    from flytekit_deploy.checks import static_findings

    catalogue = ref.rule_catalogue()
    assert catalogue
    for example in catalogue:
        spec = get_preset(example.preset)
        if example.field:
            variants = [
                v
                for p, value, v in ref.single_field_variants(spec)
                if p == example.field and (value if isinstance(value, str) else json.dumps(value)) == example.value
            ]
            assert variants, f"{example.finding.rule}: no variant of {example.field}"
            rules = {f.rule for v in variants for f in static_findings(v)}
        else:
            rules = {f.rule for f in static_findings(spec)}
        assert example.finding.rule in rules, example.trigger


@pytest.mark.slow
def test_findings_tables_cover_every_rule_group() -> None:
    from flytekit_deploy.checks.rules import RULES

    for group in RULES:
        table = ref.findings_table(group)
        for example in ref.rule_catalogue(group):
            assert ref.inline_code(example.finding.rule) in table
    coverage = ref.rule_coverage_table()
    for group, function, _doc in ref.rule_functions():
        assert f"| {group} | {ref.inline_code(function)} |" in coverage


def test_new_findings_are_only_those_the_change_raises() -> None:
    table = ref.new_findings("eks-starter", {"observability.service_monitor.enabled": True})
    assert "charts.service-monitor" in table
    assert "storage.bucket-placeholder" not in table


def test_chapter_link_points_at_an_existing_chapter(tmp_path: Path) -> None:
    (tmp_path / "10-monitoring.ipynb").write_text("{}", encoding="utf-8")
    assert ref.chapter_link("monitoring", tmp_path) == "[monitoring](10-monitoring.ipynb)"
    assert ref.chapter_link("nowhere", tmp_path) == "nowhere"


def test_a_url_template_is_code_not_a_broken_autolink() -> None:
    """``https://<ingress host>`` in prose became a link to ``https://%3Cingress`` on the published page."""
    from flytekit_deploy.reference.markdown import escape_placeholders, md_table

    assert escape_placeholders("Empty: https://<ingress host> and more.") == "Empty: `https://<ingress host>` and more."
    assert escape_placeholders("see https://<HOST>/login, then <VALUE>") == "see `https://<HOST>/login`, then `<VALUE>`"
    assert escape_placeholders("plain https://flyte.org stays a link") == "plain https://flyte.org stays a link"
    assert "`https://<ingress host>`" in md_table(["a"], [["https://<ingress host>"]])
