"""Mermaid output: every text the library can emit parses with the real mermaid; escaping; determinism."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest

from flytekit_deploy.diagrams import diagram, escape_label, to_mermaid, view_names
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.topology import NodeKind, Relation, Topology, build_topology

from .specs import HOSTILE, hostile_spec, many_data_planes

_TITLE = re.compile(r"^title: .*$", re.M)


def hostile_graph() -> Topology:
    """Ids that are mermaid and DOT keywords or clash after cleaning; labels full of syntax."""
    t = Topology(title=HOSTILE)
    t.add_group("subgraph", HOSTILE)
    t.add_group("end", "inner end", parent="subgraph")
    t.add_node("end-node", HOSTILE, NodeKind.COMPONENT, "end")
    t.add_node("graph", f"two\nlines {HOSTILE}", NodeKind.STORE, "subgraph")
    t.add_node("a-b", "a-b", NodeKind.CLUSTER)
    t.add_node("a_b", "a_b", NodeKind.EXTERNAL)
    t.add_node("1st", "starts with a digit", NodeKind.AGGREGATE)
    t.add_node("o", "o", NodeKind.ACTOR)
    t.add_node("x", "x", NodeKind.FILE)
    t.add_node("default", "default", NodeKind.TOOL)
    for source, target, relation in [
        ("o", "end-node", Relation.CALLS_API),
        ("end-node", "graph", Relation.STORES_DATA),
        ("x", "o", Relation.REPORTS_EVENTS),
        ("a-b", "a_b", Relation.LAUNCHES_PODS),
        ("1st", "default", Relation.RUNS_IN),
        ("default", "x", Relation.CONFIGURES),
    ]:
        t.connect(source, target, relation, HOSTILE)
    t.connect("graph", "1st", Relation.CREATES, "")
    return t


def emitted() -> dict[str, str]:
    """Every distinct mermaid text: each view, each preset as this-deployment, scale and hostile cases.

    Views that draw a preset differ from that preset's this-deployment only by the title (JSON-quoted, tested
    separately), so they are compared without it and parsed once. An expanded multi-cluster graph repeats the
    two-data-plane preset's statements per cluster (and takes mermaid half a minute), so only DOT renders it.
    """
    found: dict[str, str] = {}
    for view in view_names():
        if view != "this-deployment":
            found[f"view-{view}"] = diagram(view).mermaid
    for name in preset_names():
        found[f"preset-{name}"] = diagram("this-deployment", get_preset(name)).mermaid
    found["fifty-data-planes"] = to_mermaid(build_topology(many_data_planes({"default": 30, "gpu": 20})))
    found["hostile-spec"] = diagram("this-deployment", hostile_spec()).mermaid
    found["hostile-graph"] = to_mermaid(hostile_graph(), "LR")
    distinct: dict[str, str] = {}
    seen: set[str] = set()
    for key, text in found.items():
        body = _TITLE.sub("", text)
        if body not in seen:
            seen.add(body)
            distinct[key] = text
    return distinct


TEXTS = emitted()


def mermaid_svg(text: str) -> str:
    mermaidx = pytest.importorskip("mermaidx", reason="the mermaid extra (mermaidx) is not installed")
    svg: str = mermaidx.render(text).svg()  # raises RuntimeError with mermaid's parse error
    return svg


@pytest.mark.slow  # real mermaid, about a second per text
@pytest.mark.parametrize("key", list(TEXTS))
def test_real_mermaid_parses_every_emitted_text(key: str) -> None:
    svg = mermaid_svg(TEXTS[key])
    assert "<svg" in svg and "Syntax error" not in svg


def test_preset_views_are_only_retitled_presets() -> None:
    for view, preset in [("sandbox", "sandbox"), ("aws", "eks-core"), ("multi-cluster", "eks-multicluster")]:
        ours = _TITLE.sub("", diagram(view).mermaid)
        assert ours == _TITLE.sub("", diagram("this-deployment", get_preset(preset)).mermaid)


@pytest.mark.slow  # real mermaid
def test_hostile_labels_are_shown_as_text_never_as_markup() -> None:
    text = TEXTS["hostile-graph"]
    body = text.split("---\n", 2)[2]
    quoted = re.findall(r'"([^"]*)"', body)
    assert len(quoted) >= 10
    for label in quoted:
        plain = re.sub(r"#\w+;", "", label.replace("<br/>", ""))  # what is left once entities are taken out
        assert not set(plain) & set("#()[]{}<>|;`%\\"), label
    # keywords and clashing ids are renamed, the shapes stay
    for fragment in ("subgraph n_subgraph[", "subgraph n_end[", 'end_node["', 'n_graph[("', "n_default>", "n_1st[["):
        assert fragment in text, fragment
    assert 'a_b{{"' in text and 'a_b_2[["' in text, "ids that clash after cleaning stay distinct"
    svg = mermaid_svg(text)
    assert "<script" not in svg.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "(x) [y] {z}" in svg and "#1 | a;b %% `c` &amp; d \\N" in svg


def test_escape_label_writes_entities_once() -> None:
    assert escape_label('#quot; "x" (y)') == "#35;quot#59; #quot;x#quot; #40;y#41;"
    assert escape_label("a\nb<c>") == "a<br/>b#lt;c#gt;"


def test_title_is_json_quoted_front_matter() -> None:
    text = TEXTS["hostile-graph"]
    assert text.splitlines()[:3] == [
        "---",
        'title: "end\\" (x) [y] {z} <script>alert(1)</script> #1 | a;b %% `c` & d \\\\N"',
        "---",
    ]


def test_direction_is_checked() -> None:
    assert "flowchart LR" in to_mermaid(hostile_graph(), "LR")
    with pytest.raises(ValueError, match="direction"):
        to_mermaid(hostile_graph(), "sideways")


def test_same_spec_gives_identical_text() -> None:
    spec = many_data_planes({"default": 9, "gpu": 3})
    first = diagram("this-deployment", spec)
    again = diagram("this-deployment", spec.model_copy(deep=True))
    assert first.mermaid == again.mermaid
    assert first.dot == again.dot


def test_text_does_not_depend_on_hash_seed() -> None:
    """Sets and dicts must not leak their order into the output: another process, another seed, same text."""
    code = (
        "import hashlib; from flytekit_deploy.diagrams import diagram; from flytekit_deploy.presets import get_preset\n"
        "for name in ['eks-hybrid', 'gke-multicluster', 'sandbox']:\n"
        "    d = diagram('this-deployment', get_preset(name))\n"
        "    print(hashlib.sha256((d.mermaid + d.dot).encode()).hexdigest())\n"
    )
    ours = []
    for name in ["eks-hybrid", "gke-multicluster", "sandbox"]:
        d = diagram("this-deployment", get_preset(name))
        ours.append(hashlib.sha256((d.mermaid + d.dot).encode()).hexdigest())
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": seed}
        ).stdout.split()
        assert out == ours
