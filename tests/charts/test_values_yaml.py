"""Values files: the YAML means exactly the emitted values, and each comment sits above its key."""

from __future__ import annotations

import pytest
import yaml

from flytekit_deploy.charts.values_yaml import dump_with_comments
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names


def comment_line_above(text: str, key_line: str) -> str:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.rstrip() == key_line)
    return lines[index - 1].strip()


def test_comments_above_nested_keys_and_not_inside_blocks() -> None:
    values = {
        "a": {"b": {"c": 1}, "text": "x: 1\nb:\n  c: 2\n"},
        "b": [{"c": 3}],
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "001_namespace.yaml": "apiVersion: v1\nkind: Namespace\n",
        "c": {"key with: colon": "v"},
    }
    comments = {
        "a": "top",
        "a.b": "nested",
        "a.b.c": "deeper",
        "b.c": "never: inside a list",
        "alb.ingress.kubernetes.io/scheme": "dotted key",
        "001_namespace.yaml": "file",
        "c.key with: colon": "quoted key",
    }
    text = dump_with_comments(values, comments)
    assert yaml.safe_load(text) == values
    assert comment_line_above(text, "a:") == "# top"
    assert comment_line_above(text, "  b:") == "# nested"
    assert comment_line_above(text, "    c: 1") == "# deeper"
    assert comment_line_above(text, "alb.ingress.kubernetes.io/scheme: internet-facing") == "# dotted key"
    assert comment_line_above(text, "001_namespace.yaml: |") == "# file"
    assert comment_line_above(text, "  'key with: colon': v") == "# quoted key"
    assert "never" not in text
    assert text.count("# ") == 6  # block contents such as 'b:' inside a.text got no comment


def test_multiline_strings_are_literal_blocks() -> None:
    text = dump_with_comments({"t": "line one\nline two\n"}, {})
    assert text.startswith("t: |")


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_values_file_loads_back_with_all_comments(name: str) -> None:
    plan = build_plan(get_preset(name))
    for release in plan.releases:
        text = plan.values_yaml(release)
        assert text.startswith(f"# Helm values for chart {release.chart_ref} v1.16.8")
        assert yaml.safe_load(text) == release.values
        for comment in release.comments.values():
            assert f"# {comment.splitlines()[0]}" in text
