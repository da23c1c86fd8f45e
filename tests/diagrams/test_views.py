"""Named views (every diagram of the deployment page, from the library) and the Diagram wrapper."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flytekit_deploy.charts import emit_releases
from flytekit_deploy.diagrams import Diagram, DotNotFoundError, diagram, view_names
from flytekit_deploy.errors import UserInputError
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import DeploymentModel, Environment
from flytekit_deploy.topology import Ids, NodeKind, Topology
from flytekit_deploy.topology import graph as graph_module

from .specs import many_data_planes


def test_view_names_cover_every_diagram_of_the_page() -> None:
    assert view_names() == [
        "architecture",
        "deployment-options",
        "helm-process",
        "sandbox",
        "aws",
        "gcp",
        "azure",
        "multi-cluster",
        "this-deployment",
    ]


@pytest.mark.parametrize("view", [v for v in view_names() if v != "this-deployment"])
def test_every_view_builds_without_a_spec(view: str) -> None:
    d = diagram(view)
    assert d.name == view and d.title
    assert d.topology.nodes and d.topology.edges


def test_architecture_is_the_overall_picture() -> None:
    t = diagram("architecture").topology
    assert [g.label for g in t.groups] == ["Control plane", "Data plane", "Storage & infrastructure"]
    assert {n.kind for n in t.nodes} == {NodeKind.COMPONENT, NodeKind.STORE, NodeKind.CLUSTER}
    for text in ("FlyteAdmin", "DataCatalog", "FlyteScheduler", "FlytePropeller", "CoPilot", "Kubernetes API"):
        assert t.find(text), text
    # with a spec, it is that spec's picture
    gcp = diagram("architecture", get_preset("gke-production")).topology
    assert gcp.find("GCS") and gcp.find("Cloud SQL") and not gcp.find("Ingress")


def test_deployment_options_follow_the_spec_rules() -> None:
    t = diagram("deployment-options").topology
    assert diagram("deployment-options").direction == "LR"
    runs_in: dict[str, set[str]] = {}
    for edge in t.edges:
        runs_in.setdefault(edge.source, set()).add(edge.target)
    every = {f"env-{e.value}" for e in Environment}
    assert runs_in["model-sandbox"] == {"env-local", "env-on-prem"}
    for model in (DeploymentModel.SINGLE_CLUSTER, DeploymentModel.MULTI_CLUSTER, DeploymentModel.HYBRID):
        assert every - {"env-local", "env-on-prem"} <= runs_in[f"model-{model.value}"]
    assert t.node("model-multi-cluster").label == "Multi-cluster\ncharts: flyte-core"
    assert t.node("model-sandbox").label.startswith("Sandbox\ncharts: flyte-sandbox")
    assert {g.label for g in t.groups} == {"Environments", "Development", "Production"}
    assert t.node("model-sandbox").group == "profile-development"


def test_helm_process_uses_the_releases_the_plan_writes() -> None:
    spec = get_preset("eks-hybrid")
    t = diagram("helm-process", spec).topology
    files = [n.label for n in t.of_kind(NodeKind.FILE)]
    assert files == [r.filename for r in emit_releases(spec)]
    charts = [n.label for n in t.of_kind(NodeKind.CHART)]
    assert charts == ["flyteorg/flyte-binary\nv1.16.8", "flyteorg/flyteconnector\nv1.16.8"]
    assert any(n.label.startswith("helm upgrade --install flyte-backend") for n in t.of_kind(NodeKind.TOOL))
    kinds = {n.label: n.detail for n in t.of_kind(NodeKind.RESOURCE)}
    assert {"ServiceAccount", "ConfigMap", "Secret", "Deployment", "Service", "CustomResourceDefinition"} <= set(kinds)
    assert "Ingress" in kinds, "the ALB ingress is a resource of this spec"
    assert kinds["Deployment"] == "flyte-binary, Connector service (flyteconnector)"
    assert "flyte-connector-secrets" in kinds["Secret"]
    sandbox = diagram("helm-process", get_preset("sandbox")).topology
    assert not sandbox.find("Ingress") and sandbox.find("flyte-sandbox")


def test_helm_process_collapses_many_data_plane_files() -> None:
    spec = many_data_planes({"default": 12})
    t = diagram("helm-process", spec).topology
    files = [n.label for n in t.of_kind(NodeKind.FILE)]
    assert "12 values files (data-plane)" in files and len(files) == 2
    expanded = diagram("helm-process", spec, expand_data_planes=True).topology
    assert len(expanded.of_kind(NodeKind.FILE)) == 13
    assert "13 clusters" in expanded.node(Ids.KUBERNETES).label


@pytest.mark.parametrize(
    "view, expected",
    [
        ("sandbox", ["MinIO", "PostgreSQL", "FlyteConsole"]),
        ("aws", ["S3", "RDS", "IAM roles", "EKS cluster"]),
        ("gcp", ["GCS", "Cloud SQL", "Google service accounts", "GKE cluster"]),
        ("azure", ["Blob Storage", "Azure Database for PostgreSQL", "Managed identities", "Entra ID", "AKS"]),
        ("multi-cluster", ["dataplane-1", "dataplane-2"]),
    ],
)
def test_environment_views_name_their_services(view: str, expected: list[str]) -> None:
    t = diagram(view).topology
    text = "\n".join([n.label for n in t.nodes] + [g.label for g in t.groups])
    for name in expected:
        assert name in text, name


def test_unknown_view_and_missing_spec_are_input_errors() -> None:
    with pytest.raises(UserInputError) as caught:
        diagram("nope")
    assert "architecture" in caught.value.problems[0].fix
    with pytest.raises(UserInputError):
        diagram("this-deployment")


def test_diagram_displays_in_jupyterlab() -> None:
    d = diagram("sandbox")
    markdown = d._repr_markdown_()
    assert markdown.startswith("```mermaid\n") and markdown.endswith("```\n")
    assert d.mermaid in markdown
    assert "digraph" in d.dot and "cluster_flyte_binary_pod" in d.detailed.dot
    assert repr(d).startswith("<Diagram 'sandbox': ")


@pytest.mark.parametrize("view", ["architecture", "helm-process", "sandbox", "aws", "gcp", "azure", "multi-cluster"])
def test_views_are_drawn_for_reading_and_the_whole_graph_is_one_click_away(view: str) -> None:
    """The drawn graph has no nested boxes, at most one box per top-level group, and every service of the whole
    graph still named in some label (collapsed groups list their members line by line)."""
    d = diagram(view)
    drawn, whole = d.drawn, d.topology
    assert all(g.parent is None for g in drawn.groups), "no nested subgraphs at page width"
    assert len(drawn.nodes) <= 12, [n.label for n in drawn.nodes]
    text = "\n".join(n.label for n in drawn.nodes)
    for node in whole.of_kind(NodeKind.COMPONENT):
        assert node.label.split("\n")[0] in text, f"{node.label!r} is not named in the reading view"
    assert d.detailed.drawn is whole and len(d.detailed.mermaid) > len(d.mermaid)
    assert diagram(view, detailed=True).mermaid == d.detailed.mermaid


def test_collapsed_groups_keep_their_line_breaks_in_mermaid_and_dot() -> None:
    d = diagram("aws")
    plane = d.drawn.node(Ids.CONTROL_PLANE)
    assert plane.label.startswith("Control plane\nFlyteAdmin\nDataCatalog")
    assert plane.kind is NodeKind.COMPONENT
    assert '"Control plane<br/>FlyteAdmin<br/>DataCatalog' in d.mermaid
    assert "Control plane\\nFlyteAdmin\\nDataCatalog" in d.dot


def test_many_data_planes_of_one_label_become_one_counted_box() -> None:
    t = Topology("demo")
    t.add_group("dps", "Data planes: label gpu")
    for name in ("a", "b", "c"):
        t.add_group(f"dp/{name}", f"{name} (weight 1)", "dps")
        t.add_node(f"dp/{name}/p", "FlytePropeller", NodeKind.COMPONENT, f"dp/{name}")
    t.add_node("admin", "FlyteAdmin", NodeKind.COMPONENT)
    for name in ("a", "b", "c"):
        t.connect("admin", f"dp/{name}/p", graph_module.Relation.SENDS_WORKFLOWS, f"to {name}")
    drawn = t.collapsed(["dps"])
    assert (
        drawn.node("dps").label
        == "Data planes: label gpu\na (weight 1)\nb (weight 1)\nc (weight 1)\nFlytePropeller \u00d73"
    )
    [edge] = drawn.edges
    assert (edge.source, edge.target, edge.label) == ("admin", "dps", "to a\n+2 more")


@pytest.mark.needs_dot
def test_svg_is_rendered_lazily_once() -> None:
    d = Diagram(diagram("aws").topology)
    assert d._svg is None
    svg = d._repr_svg_()
    assert svg is not None and svg.startswith("<?xml") and svg is d.svg()


def test_without_dot_the_notebook_falls_back_to_mermaid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    d = diagram("sandbox")
    assert d._repr_svg_() is None
    assert d._repr_markdown_().startswith("```mermaid")
    with pytest.raises(DotNotFoundError):
        d.svg()


def test_render_names_the_formats() -> None:
    d = Diagram(Topology())
    assert d.render("mermaid") == "flowchart TB\n"
    with pytest.raises(UserInputError) as caught:
        d.render("png")
    assert caught.value.problems[0].path == "--format"


def test_importing_stays_light() -> None:
    code = (
        "import sys\n"
        "import flytekit_deploy.cli.diagram\n"
        "assert 'graphviz' not in sys.modules and 'IPython' not in sys.modules, 'commands'\n"
        "from flytekit_deploy.diagrams import diagram\n"
        "diagram('sandbox').mermaid\n"
        "assert 'IPython' not in sys.modules and 'graphviz' not in sys.modules, 'mermaid'\n"
        "diagram('sandbox').dot\n"
        "assert 'IPython' not in sys.modules, 'dot'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_data_planes_of_several_labels_share_one_box_when_drawn() -> None:
    """gke-multicluster has a ``default`` and a ``gpu`` label: side by side they made the view 1,150 px wide."""
    d = diagram("this-deployment", get_preset("gke-multicluster"))
    planes = [n for n in d.drawn.nodes if n.label.startswith("Data planes")]
    assert len(planes) == 1, [n.label for n in d.drawn.nodes]
    assert planes[0].label.startswith(
        "Data planes: 2 clusters\nData planes: label default\ndataplane-1 (weight 1)\nData planes: label gpu\ngpu-1"
    )
    assert "FlytePropeller \u00d72" in planes[0].label
