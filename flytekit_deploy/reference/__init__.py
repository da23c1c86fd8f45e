"""The wiki's tables and snippets, computed from the library so the chapters stay thin and tests call the same code.

Every helper returns data or :class:`~.markdown.Markdown` (a ``str`` that Jupyter renders), derived from the
spec model, the presets, their plans, the emitters and the checks; nothing here is typed in by hand twice.

>>> from flytekit_deploy.reference import chart_keys_for
>>> "storage.bucketName" in chart_keys_for("storage.metadata_bucket", "flyte-core")
True
"""

from __future__ import annotations

from .downloads import offer_preset_files, preset_files
from .excerpts import (
    excerpt_yaml,
    fields_excerpt,
    identity_table,
    ingress_controller_table,
    section_excerpt,
    value_locations,
    values_excerpt,
)
from .fields import (
    GENERAL_SECTION,
    FieldRow,
    all_field_rows,
    field_rows,
    field_table,
    leaf_paths,
    model_at,
    section_title,
    spec_sections,
)
from .mapping import (
    EXCLUDED_FIELDS,
    PROBE,
    FieldEffect,
    changed_keys,
    chart_key_kind,
    chart_keys_for,
    chart_presets,
    field_effects,
    fields_mapping_table,
    mapping_table,
    normalise_path,
    reverse_mapping,
    reverse_table,
    section_reference,
    single_field_variants,
    summarise_keys,
)
from .markdown import Markdown, code_block, escape_placeholders, inline_code, join_blocks, md_table
from .options import combination_verdict, model_chart_table, model_environment_table, recommendation_table
from .plans import (
    PRESET_COLUMNS,
    download_name,
    flytectl_block,
    install_commands,
    placeholder_rows,
    placeholder_table,
    preset_plan,
    preset_table,
    preset_values,
    release_notes,
    release_table,
    secrets_table,
    values_block,
)
from .troubleshooting import (
    RULE_GROUP_TITLES,
    RuleExample,
    chapter_link,
    findings_table,
    rule_catalogue,
    rule_coverage_table,
    rule_functions,
)

__all__ = [
    "EXCLUDED_FIELDS",
    "GENERAL_SECTION",
    "PRESET_COLUMNS",
    "PROBE",
    "RULE_GROUP_TITLES",
    "FieldEffect",
    "FieldRow",
    "Markdown",
    "RuleExample",
    "all_field_rows",
    "changed_keys",
    "chapter_link",
    "chart_keys_for",
    "chart_presets",
    "code_block",
    "combination_verdict",
    "download_name",
    "escape_placeholders",
    "excerpt_yaml",
    "field_effects",
    "fields_excerpt",
    "field_rows",
    "field_table",
    "fields_mapping_table",
    "findings_table",
    "flytectl_block",
    "identity_table",
    "ingress_controller_table",
    "inline_code",
    "install_commands",
    "join_blocks",
    "leaf_paths",
    "mapping_table",
    "md_table",
    "model_at",
    "model_chart_table",
    "model_environment_table",
    "normalise_path",
    "offer_preset_files",
    "placeholder_rows",
    "placeholder_table",
    "preset_files",
    "preset_plan",
    "preset_table",
    "preset_values",
    "recommendation_table",
    "release_notes",
    "release_table",
    "reverse_mapping",
    "reverse_table",
    "chart_key_kind",
    "section_reference",
    "rule_catalogue",
    "rule_coverage_table",
    "rule_functions",
    "secrets_table",
    "section_excerpt",
    "section_title",
    "single_field_variants",
    "spec_sections",
    "summarise_keys",
    "value_locations",
    "values_block",
    "values_excerpt",
]
