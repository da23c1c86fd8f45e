"""The form is generated from the spec models' own metadata: kinds, labels, tooltips, bounds, defaults."""

from __future__ import annotations

from enum import Enum

import ipywidgets as w
from pydantic import Field

from flytekit_deploy.spec import DeploymentSpec, SpecModel, Storage
from flytekit_deploy.widgets.editors import Hooks, ListEditor, MapEditor, ModelEditor, ScalarEditor
from flytekit_deploy.widgets.fields import FieldMeta, Kind, describe_model, schema_path
from flytekit_deploy.widgets.form import Form
from flytekit_deploy.widgets.visibility import RULES


class Colour(str, Enum):
    RED = "red"
    BLUE = "blue"


class Row(SpecModel):
    name: str = Field(description="Row name.")
    size: int = Field(default=1, ge=1, le=9)


class Brand(SpecModel):
    """A model nobody wrote widget code for."""

    colour: Colour = Field(default=Colour.RED, description="Paint.")
    maybe_colour: Colour | None = None
    shiny: bool = True
    count: int = Field(default=3, ge=0, le=10, title="How many")
    ratio: float = Field(default=0.5, gt=0, le=1)
    label: str = "x"
    note: str | None = Field(default=None, description="Empty means none.")
    tags: list[str] = Field(default_factory=lambda: ["a", "b"])
    colours: list[Colour] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    rows: list[Row] = Field(default_factory=list)
    keyed: dict[str, Row] = Field(default_factory=dict)
    anything: dict[str, dict[str, int]] = Field(default_factory=dict)


def _hooks() -> Hooks:
    return Hooks(changed=lambda: None, restructured=lambda: None)


def test_kinds_come_from_annotations() -> None:
    kinds = {meta.name: meta.kind for meta in describe_model(Brand)}
    assert kinds == {
        "colour": Kind.ENUM, "maybe_colour": Kind.ENUM, "shiny": Kind.BOOL, "count": Kind.INT,
        "ratio": Kind.FLOAT, "label": Kind.TEXT, "note": Kind.TEXT, "tags": Kind.TEXT_LIST,
        "colours": Kind.ENUM_LIST, "labels": Kind.TEXT_MAP, "rows": Kind.MODEL_LIST, "keyed": Kind.MODEL_MAP,
        "anything": Kind.YAML,
    }
    meta = {m.name: m for m in describe_model(Brand)}
    assert meta["count"].label == "How many" and (meta["count"].minimum, meta["count"].maximum) == (0, 10)
    assert meta["ratio"].exclusive_minimum and meta["ratio"].maximum == 1
    assert meta["note"].optional and meta["note"].tooltip == "Empty means none."
    assert meta["maybe_colour"].label == "Maybe colour"


def test_a_new_model_gets_widgets_without_widget_code() -> None:
    editor = ModelEditor(Brand, None, "brand", _hooks())
    widgets = {name: e.widget for name, e in editor.fields.items() if isinstance(e, ScalarEditor)}
    assert isinstance(widgets["colour"], w.Dropdown) and widgets["colour"].tooltip == "Paint."
    assert isinstance(widgets["shiny"], w.Checkbox)
    assert isinstance(widgets["count"], w.BoundedIntText) and (widgets["count"].min, widgets["count"].max) == (0, 10)
    assert isinstance(widgets["ratio"], w.BoundedFloatText)
    assert isinstance(widgets["label"], w.Text) and isinstance(widgets["note"], w.Text)
    assert isinstance(widgets["colours"], w.SelectMultiple)
    assert isinstance(widgets["labels"], w.Textarea) and isinstance(widgets["anything"], w.Textarea)
    assert isinstance(editor.fields["rows"], ListEditor) and isinstance(editor.fields["keyed"], MapEditor)
    assert ("(empty)", "") in widgets["maybe_colour"].options

    widgets["note"].value = "  "
    widgets["tags"].value = "x, y ,,z"
    widgets["labels"].value = "team: ml\n\nowner: 'me'"
    widgets["anything"].value = "a: {b: 1}"
    problems: list = []
    data = editor.get(problems)
    assert problems == []
    assert data["note"] is None and data["tags"] == ["x", "y", "z"]
    assert data["labels"] == {"team": "ml", "owner": "me"} and data["anything"] == {"a": {"b": 1}}
    assert Brand.model_validate(data).maybe_colour is None

    widgets["labels"].value = "no colon here"
    editor.get(problems)
    assert problems and problems[0].path == "brand.labels"


def test_every_spec_field_has_an_editor() -> None:
    form = Form(lambda: None)

    def walk(model: type[SpecModel], path: str) -> list[tuple[str, FieldMeta]]:
        found = []
        for meta in describe_model(model):
            here = f"{path}.{meta.name}" if path else meta.name
            found.append((here, meta))
            if meta.kind is Kind.MODEL and meta.model is not None:
                found += walk(meta.model, here)
        return found

    for path, _meta in walk(DeploymentSpec, ""):
        assert form.editor(path).path == path


def test_visibility_rules_name_real_fields() -> None:
    form = Form(lambda: None)
    schema_paths = {schema_path(p) for p in form.paths}
    # rows of lists exist only once added; their rules are written with []
    form.add_row("clusters.data_planes")
    form.add_row("connectors")
    schema_paths |= {schema_path(p) for p in form.paths}
    assert set(RULES) <= schema_paths, set(RULES) - schema_paths


def test_secret_inline_value_is_a_password() -> None:
    form = Form(lambda: None)
    widget = form.editor("storage.access_key.value")
    assert isinstance(widget, ScalarEditor) and isinstance(widget.widget, w.Password)
    assert isinstance(form.editor("storage.access_key.name"), ScalarEditor)
    assert [m.name for m in describe_model(Storage)][:2] == ["provider", "metadata_bucket"]


def test_a_new_top_level_field_lands_in_the_form() -> None:
    class Extended(DeploymentSpec):
        backup_bucket: str | None = Field(default=None, description="Where backups go.")

    form = Form(lambda: None, model=Extended)
    assert form.section_titles[-1] == "Other"
    editor = form.editor("backup_bucket")
    assert isinstance(editor, ScalarEditor) and editor.widget.tooltip == "Where backups go."
    editor.widget.value = "backups"
    form.update_visibility()
    data, problems = form.get_data()
    assert problems == [] and Extended.model_validate(data).backup_bucket == "backups"
