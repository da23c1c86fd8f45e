"""Graphviz output: every source renders with the real `dot`, labels stay text, clusters follow the groups."""

from __future__ import annotations

import re

import pytest

from flytekit_deploy.diagrams import DotNotFoundError, diagram, to_graphviz, to_svg, view_names
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.topology import Ids, build_topology

from .specs import HOSTILE, hostile_spec, many_data_planes
from .test_mermaid_text import hostile_graph

CASES = [f"view:{v}" for v in view_names() if v != "this-deployment"] + [f"preset:{p}" for p in preset_names()]


def source_of(case: str) -> str:
    kind, name = case.split(":", 1)
    d = diagram(name) if kind == "view" else diagram("this-deployment", get_preset(name))
    return d.dot


@pytest.mark.needs_dot
@pytest.mark.parametrize("case", CASES)
def test_dot_renders_every_view_and_preset(case: str) -> None:
    import graphviz

    svg = graphviz.Source(source_of(case)).pipe(format="svg", encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg


@pytest.mark.needs_dot
def test_fifty_data_planes_render_collapsed_and_expanded() -> None:
    spec = many_data_planes({"default": 30, "gpu": 15, "spot": 5})
    collapsed = to_svg(build_topology(spec))
    assert "30 data planes (label default)" in collapsed and "15 data planes (label gpu)" in collapsed
    assert "spot&#45;04 (weight 0.2)" in collapsed  # dot writes "-" as &#45;
    expanded = to_svg(build_topology(spec, expand_data_planes=True))
    assert expanded.count(">Kubernetes API</text>") == 51


@pytest.mark.needs_dot
def test_hostile_labels_stay_text_in_svg() -> None:
    for topology in (hostile_graph(), build_topology(hostile_spec())):
        svg = to_svg(topology)
        assert "<script" not in svg.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
        # a backslash is shown, not read as DOT's \N (the node's own name)
        assert "&amp; d \\N" in svg


def test_dot_source_quotes_hostile_labels_and_renames_keywords() -> None:
    source = to_graphviz(hostile_graph()).source
    assert "subgraph cluster_n_subgraph {" in source and "subgraph cluster_n_end {" in source
    assert re.search(r"^\s*end_node \[", source, re.M)
    assert '\\"' in source, "quotes are escaped"
    assert "<<script>" not in source, "never an HTML label"
    assert HOSTILE.replace("\\", "\\\\").replace('"', '\\"') in source


def test_clusters_nest_like_groups() -> None:
    source = diagram("multi-cluster", detailed=True).dot
    account = source.index("subgraph cluster_account {")
    label_group = source.index("subgraph cluster_dataplanes_default {")
    data_plane = source.index("subgraph cluster_dp_dataplane_1 {")
    assert account < label_group < data_plane
    assert 'label="dataplane-1 (weight 0.5)"' in source


def test_edges_back_up_the_flow_are_laid_out_downwards() -> None:
    """FlytePropeller reports to FlyteAdmin: drawn with the arrow at FlyteAdmin, ranked below it."""
    source = diagram("aws", detailed=True).dot
    assert re.search(rf"{Ids.ADMIN} -> {Ids.PROPELLER} \[label=\"reports events\" dir=back", source)


def test_missing_dot_is_an_input_error_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DotNotFoundError) as caught:
        to_svg(build_topology(get_preset("sandbox")))
    assert caught.value.problems[0].path == "dot"
    assert "apt-get install graphviz" in caught.value.problems[0].fix
