"""Render the tiny test chart with a real Helm engine and check it against Kubernetes schemas.

The tiny chart (fixtures/charts/tiny) has a Deployment, a Service, a CRD whose apiVersion depends on the
API versions the engine is told about, a custom resource of that CRD, and toggles for a strict-schema
error, a CRD-schema error and a render failure. Flyte's charts are not rendered here: ../shared holds
their values and rendered output, not their templates.
"""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from flytekit_deploy.checks import render as render_mod
from flytekit_deploy.checks.findings import Severity, exit_code
from flytekit_deploy.checks.kube_schema import supported_versions, validate_objects
from flytekit_deploy.checks.render import (
    HELM_INSTALL_HINT,
    RenderedObject,
    render_chart,
    split_helm_output,
    validate_manifests,
)
from flytekit_deploy.errors import UserInputError

TINY = Path(__file__).parent / "fixtures" / "charts" / "tiny"
pytest.importorskip("kubernetes_validate")


def sdk_render(values: dict, **kwargs: object):
    pytest.importorskip("helm_python")
    return render_chart(TINY, values, release="tiny-test", namespace="apps", engine="sdk", **kwargs)  # type: ignore[arg-type]


def test_render_tiny_chart_is_clean() -> None:
    result = sdk_render({})
    assert sorted(result.kinds()) == ["CustomResourceDefinition", "Deployment", "Service", "Widget"]
    assert result.api_versions_applied
    crd = next(o for o in result.objects if o.kind == "CustomResourceDefinition")
    assert crd.api_version == "apiextensions.k8s.io/v1"  # the API versions reached the template
    deployment = next(o for o in result.objects if o.kind == "Deployment")
    assert deployment.source == "tiny/templates/deployment.yaml"
    assert deployment.name == "tiny-test-web"
    assert deployment.body["metadata"]["namespace"] == "apps"
    assert not any(s.endswith("NOTES.txt") for s in (o.source for o in result.objects))
    assert validate_manifests(result) == []


def test_schema_error_names_release_template_and_field() -> None:
    findings = validate_manifests(sdk_render({"schemaError": True}))
    assert len(findings) == 1
    (finding,) = findings
    assert finding.severity is Severity.ERROR
    assert finding.rule == "render.schema"
    assert finding.path == "tiny/templates/deployment.yaml"
    assert "release tiny-test" in finding.message
    assert "Deployment tiny-test-web" in finding.message
    assert "`spec.template.spec.containers.0.imagePullPolcy`" in finding.message
    assert "Kubernetes 1.29, strict" in finding.message
    assert exit_code(findings) == 3


def test_custom_resource_checked_against_its_crd() -> None:
    findings = validate_manifests(sdk_render({"widget": {"size": "big"}}))
    assert [(f.rule, f.path) for f in findings] == [("render.crd-schema", "tiny/templates/widget.yaml")]
    assert "`spec.size`" in findings[0].message and "'big' is not of type 'integer'" in findings[0].message


def test_sdk_without_api_versions_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the C ABI's options are out of reach, the public render falls back to v1beta1 CRDs, and says so."""
    helm_python = pytest.importorskip("helm_python")
    monkeypatch.setattr(helm_python, "_native", None)  # `from helm_python import _native` now yields None
    result = sdk_render({"widget": {"size": 0}})
    assert not result.api_versions_applied
    crd = next(o for o in result.objects if o.kind == "CustomResourceDefinition")
    assert crd.api_version == "apiextensions.k8s.io/v1beta1"
    findings = validate_manifests(result)
    by_rule = {f.rule: f for f in findings}
    assert set(by_rule) == {"render.api-versions", "render.crd-schema"}
    assert by_rule["render.api-versions"].severity is Severity.INFO
    assert "takes no API versions" in " ".join(f.message for f in findings)
    # the custom resource is still checked, against the v1beta1 CRD's own schema
    assert "minimum of 1" in by_rule["render.crd-schema"].message


def test_render_failure_names_release_and_helm_message() -> None:
    with pytest.raises(UserInputError) as err:
        sdk_render({"requiredName": ""})
    problem = err.value.problems[0]
    assert problem.path == "release tiny-test"
    assert "requiredName must not be empty" in problem.message


def test_wrong_chart_version_is_bad_input() -> None:
    with pytest.raises(UserInputError, match="not the 'v9.9.9' asked for"):
        sdk_render({}, version="v9.9.9")


def test_missing_engine_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_mod, "find_helm", lambda: None)
    monkeypatch.setitem(sys.modules, "helm_python", None)
    with pytest.raises(UserInputError) as err:
        render_chart(TINY, {}, release="r", namespace="n")
    assert HELM_INSTALL_HINT == "pip install 'flytekit-deploy[helm]'"
    assert HELM_INSTALL_HINT in err.value.problems[0].fix


def test_missing_kubernetes_validate_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kubernetes_validate", None)
    monkeypatch.setitem(sys.modules, "kubernetes_validate.utils", None)
    with pytest.raises(UserInputError) as err:
        validate_objects([], release="r")
    assert err.value.problems[0].fix == HELM_INSTALL_HINT


def test_unsupported_kubernetes_version_is_bad_input() -> None:
    assert "1.29" in supported_versions()
    with pytest.raises(UserInputError, match="no Kubernetes schemas for '1.9'"):
        validate_objects([], release="r", kubernetes_version="1.9")


def obj(source: str, body: object) -> RenderedObject:
    return RenderedObject(source=source, index=0, body=body)


def test_removed_api_and_unknown_custom_resource() -> None:
    pdb = {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"}, "spec": {}}
    monitor = {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "m"}}
    findings = validate_objects(
        [obj("c/templates/pdb.yaml", pdb), obj("c/templates/sm.yaml", monitor), obj("c/templates/x.yaml", "1")],
        release="r",
    )
    by_rule = {f.rule: f for f in findings}
    assert set(by_rule) == {"render.removed-api", "render.no-schema", "render.not-an-object"}
    assert "policy/v1" in by_rule["render.removed-api"].message
    assert by_rule["render.removed-api"].severity is Severity.ERROR
    assert by_rule["render.no-schema"].severity is Severity.INFO


FAKE_HELM = """\
#!{python}
import json, os, sys
args = sys.argv[1:]
if args[:1] == ["version"]:
    print("v3.15.2+gfake")
    sys.exit(0)
with open(os.environ["FAKE_HELM_LOG"], "w") as log:
    json.dump(args, log)
if os.environ.get("FAKE_HELM_FAIL"):
    sys.stderr.write("Error: execution error at (tiny/templates/deployment.yaml:4:11): boom\\n")
    sys.exit(1)
sys.stdout.write(open(os.environ["FAKE_HELM_OUTPUT"]).read())
"""

HELM_STREAM = """\
---
# Source: tiny/crds/widgets.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.tiny.example.com
spec:
  group: tiny.example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
---
# Source: tiny/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: r-web
spec:
  ports: [{port: 80}]
---
# Source: tiny/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: r-web-headless
spec:
  clusterIP: None
  ports: [{port: 80}]
"""


@pytest.fixture()
def fake_helm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `helm` on PATH that records its arguments and prints a fixed `helm template` stream."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helm = bin_dir / "helm"
    helm.write_text(FAKE_HELM.format(python=sys.executable), encoding="utf-8")
    helm.chmod(helm.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "stream.yaml").write_text(HELM_STREAM, encoding="utf-8")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_HELM_LOG", str(tmp_path / "args.json"))
    monkeypatch.setenv("FAKE_HELM_OUTPUT", str(tmp_path / "stream.yaml"))
    return tmp_path


def test_helm_binary_gets_api_and_kube_versions(fake_helm: Path) -> None:
    import json

    result = render_chart(TINY, {"replicaCount": 2}, release="r", namespace="flyte", engine="helm")
    args = json.loads((fake_helm / "args.json").read_text())
    assert args[:3] == ["template", "r", str(TINY)]
    assert args[args.index("--namespace") + 1] == "flyte"
    assert args[args.index("--kube-version") + 1] == "v1.29.0"
    assert args[args.index("--api-versions") + 1] == "apiextensions.k8s.io/v1/CustomResourceDefinition"
    assert "--include-crds" in args
    assert "--version" not in args  # a local chart folder is its own version
    assert result.engine == "helm v3.15.2+gfake"
    assert [o.source for o in result.objects] == [
        "tiny/crds/widgets.yaml",
        "tiny/templates/service.yaml",
        "tiny/templates/service.yaml",
    ]
    assert [o.index for o in result.objects] == [0, 0, 1]
    assert validate_manifests(result) == []


def test_helm_binary_failure_names_release(fake_helm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_HELM_FAIL", "1")
    with pytest.raises(UserInputError) as err:
        render_chart(TINY, {}, release="flyte-backend", namespace="flyte", engine="helm")
    assert err.value.problems[0].path == "release flyte-backend"
    assert "boom" in err.value.problems[0].message


def test_sdk_renders_local_charts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("helm_python")
    monkeypatch.setattr(render_mod, "find_helm", lambda: None)
    with pytest.raises(UserInputError) as err:
        render_chart("flyteorg/flyte-core", {}, release="flyte", namespace="flyte", version="v1.16.8")
    assert "helm pull flyteorg/flyte-core --untar --version v1.16.8" in err.value.problems[0].fix


def test_split_helm_output_keeps_sources() -> None:
    split = split_helm_output(HELM_STREAM)
    assert list(split) == ["tiny/crds/widgets.yaml", "tiny/templates/service.yaml"]
    assert split["tiny/templates/service.yaml"].count("kind: Service") == 2


@pytest.mark.needs_shared
def test_upstream_rendered_manifests_pass(shared_reference: Path) -> None:
    """Upstream's own `helm template` outputs are valid for Kubernetes 1.29 (strict): nothing but notes."""
    files = sorted(shared_reference.glob("deployment/*/*.yaml")) + sorted(shared_reference.glob("rendered/*/*.yaml"))
    assert files, "no rendered manifests in the reference"
    checked = 0
    for path in files:
        objects = [
            RenderedObject(source, i, doc)
            for source, text in split_helm_output(path.read_text(encoding="utf-8")).items()
            for i, doc in enumerate(yaml.safe_load_all(text))
            if doc
        ]
        findings = validate_objects(objects, release=path.stem)
        assert [f for f in findings if f.severity is not Severity.INFO] == [], textwrap.shorten(str(findings), 800)
        checked += len(objects)
    assert checked > 100
