"""Render a chart with a real Helm engine and check every object against Kubernetes' own schemas.

Key and type checks catch what the values say; only a render shows what the cluster will receive. Two
engines, tried in this order:

* the ``helm`` binary on PATH: ``helm template`` with ``--kube-version`` and ``--api-versions``, as upstream
  renders its reference manifests;
* the ``helm-python-sdk`` package (``import helm_python``, the ``helm`` extra): Helm v4 in-process. Its
  public ``Chart.render`` takes no API versions, so a chart asking ``.Capabilities.APIVersions.Has
  "apiextensions.k8s.io/v1/CustomResourceDefinition"`` falls back to ``v1beta1``. The library's C ABI does
  take ``api_versions`` and ``kube_version``: this module passes them through it, and only when that call
  is unavailable does it fall back to the public method and say so in an info Finding.

:func:`validate_manifests` checks each object with ``kubernetes-validate`` in strict mode (unknown fields
are errors) for a pinned Kubernetes version; a custom resource is checked against the
CustomResourceDefinition found in the same render, or reported as not checked.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, UserInputError
from .chart_source import find_helm
from .findings import Finding, Severity
from .kube_schema import validate_objects

__all__ = [
    "DEFAULT_API_VERSIONS",
    "HELM_INSTALL_HINT",
    "RenderResult",
    "RenderedObject",
    "render_chart",
    "split_helm_output",
    "validate_manifests",
]

HELM_INSTALL_HINT = "pip install 'flytekit-deploy[helm]'"
DEFAULT_API_VERSIONS: tuple[str, ...] = ("apiextensions.k8s.io/v1/CustomResourceDefinition",)
CHAPTER = "helm-deployment"
HELM_TIMEOUT_S = 120
_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.MULTILINE)
_DOC_SPLIT = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class RenderedObject:
    """One YAML document of the render, with the template (``# Source:``) it came from."""

    source: str
    index: int
    body: Any

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", "")) if isinstance(self.body, Mapping) else ""

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion", "")) if isinstance(self.body, Mapping) else ""

    @property
    def name(self) -> str:
        meta = self.body.get("metadata") if isinstance(self.body, Mapping) else None
        return str(meta.get("name", "")) if isinstance(meta, Mapping) else ""


@dataclass(frozen=True)
class RenderResult:
    """What an engine rendered: manifests by template, the parsed objects, and notes on the render itself."""

    release: str
    namespace: str
    chart: str
    chart_version: str
    engine: str
    kubernetes_version: str
    api_versions: tuple[str, ...]
    manifests: Mapping[str, str]
    objects: tuple[RenderedObject, ...]
    notes: tuple[Finding, ...] = field(default=())
    api_versions_applied: bool = True

    def kinds(self) -> list[str]:
        """Kinds rendered, one per object, in template order (handy in tests and notebooks)."""
        return [obj.kind for obj in self.objects]


def _missing_engine() -> UserInputError:
    return UserInputError(
        [
            Problem(
                path="helm",
                message="no Helm engine: the `helm` binary is not on PATH and helm-python-sdk is not installed",
                fix=f"{HELM_INSTALL_HINT}  (or put the helm v3 binary on PATH)",
            )
        ],
        source="render",
    )


def _render_failed(release: str, message: str) -> UserInputError:
    return UserInputError(
        [
            Problem(
                path=f"release {release}",
                message=f"Helm could not render the chart: {message.strip()}",
                fix="fix the value the message names (a `required` value, a type or a template `fail`)",
            )
        ],
        source="render",
    )


def _local_chart_meta(path: Path) -> dict[str, Any]:
    chart_yaml = path / "Chart.yaml"
    if not chart_yaml.is_file():
        return {}
    meta = yaml.safe_load(chart_yaml.read_text(encoding="utf-8"))
    return meta if isinstance(meta, dict) else {}


def _check_version(release: str, name: str, actual: str, wanted: str | None) -> None:
    if wanted is not None and actual != wanted:
        raise UserInputError(
            [
                Problem(
                    path=f"release {release}",
                    message=f"chart {name} is version {actual!r}, not the {wanted!r} asked for",
                    fix=f"point at the chart folder of version {wanted}, or drop the version",
                )
            ],
            source="render",
        )


def split_helm_output(text: str) -> dict[str, str]:
    """Split ``helm template`` output into template source -> its documents (``---``-joined)."""
    out: dict[str, list[str]] = {}
    for chunk in _DOC_SPLIT.split(text):
        match = _SOURCE.search(chunk)
        if not chunk.strip() or match is None:
            continue
        out.setdefault(match.group(1), []).append(chunk.strip("\n") + "\n")
    return {source: "---\n".join(docs) for source, docs in out.items()}


def _render_with_binary(
    helm: str,
    chart: str,
    values: Mapping[str, Any],
    *,
    release: str,
    namespace: str,
    version: str | None,
    kube: str,
    api_versions: Sequence[str],
) -> tuple[dict[str, str], str]:
    with tempfile.TemporaryDirectory(prefix="fkd-render-") as tmp:
        values_file = Path(tmp) / "values.json"  # JSON is YAML; no quoting surprises
        values_file.write_text(json.dumps(values), encoding="utf-8")
        cmd = [helm, "template", release, chart, "--namespace", namespace, "--kube-version", kube]
        cmd += ["--include-crds", "--values", str(values_file)]
        for api in api_versions:
            cmd += ["--api-versions", api]
        if version is not None and not Path(chart).exists():
            cmd += ["--version", version]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=HELM_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise _render_failed(release, f"`helm template` did not finish in {HELM_TIMEOUT_S} s") from exc
        if proc.returncode != 0:
            raise _render_failed(release, proc.stderr or proc.stdout or f"exit status {proc.returncode}")
    return split_helm_output(proc.stdout), _helm_label(helm)


@functools.cache
def _helm_label(helm: str) -> str:
    """``helm <version>`` for the render's notes; asked once per binary, not once per release."""
    try:
        ver = subprocess.run([helm, "version", "--short"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "helm"
    return f"helm {ver.stdout.strip()}" if ver.returncode == 0 and ver.stdout.strip() else "helm"


def _render_with_sdk(
    chart_path: Path,
    values: Mapping[str, Any],
    *,
    release: str,
    namespace: str,
    kube: str,
    api_versions: Sequence[str],
) -> tuple[dict[str, str], str, bool]:
    """Render in-process; returns (manifests, engine label, whether API versions reached the engine)."""
    import helm_python as helm

    engine = f"helm-python-sdk {helm.__version__} (Helm {helm.helm_sdk_version()})"
    try:
        chart = helm.Chart.load(chart_path)
    except helm.HelmError as exc:
        raise UserInputError(
            [Problem(path=str(chart_path), message=f"not a loadable chart: {exc}", fix="point at a chart folder")],
            source="render",
        ) from exc
    with chart:
        try:
            manifests, applied = _sdk_render(chart, dict(values), release, namespace, kube, api_versions)
        except helm.HelmError as exc:
            raise _render_failed(release, str(exc)) from exc
        for crd in chart.crds:  # `helm template --include-crds` prints these too
            manifests[crd["filename"]] = crd["data"]
    return manifests, engine, applied


def _sdk_render(
    chart: Any, values: dict[str, Any], release: str, namespace: str, kube: str, api_versions: Sequence[str]
) -> tuple[dict[str, str], bool]:
    """Pass API and Kubernetes versions through the C ABI's render options when that call exists."""
    options = {"name": release, "namespace": namespace, "kube_version": kube, "api_versions": list(api_versions)}
    try:
        from helm_python import _native

        raw = _native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(options))
    except (ImportError, AttributeError, TypeError):
        rendered: dict[str, str] = chart.render(values, name=release, namespace=namespace)
        return dict(rendered), False
    decoded: dict[str, str] = json.loads(raw)
    return decoded, True


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it: the same documents, about ten times faster on a big render."""


def _parse_objects(manifests: Mapping[str, str], release: str) -> tuple[list[RenderedObject], list[Finding]]:
    objects: list[RenderedObject] = []
    notes: list[Finding] = []
    for source in sorted(manifests):
        if source.endswith("NOTES.txt"):
            continue
        try:
            docs = list(yaml.load_all(manifests[source], Loader=_SAFE_LOADER))
        except yaml.YAMLError as exc:
            notes.append(
                Finding(
                    severity=Severity.ERROR,
                    path=source,
                    message=f"release {release}: template {source} renders invalid YAML: {exc}",
                    fix="check the indentation of values inserted into this template (toYaml/nindent)",
                    chapter=CHAPTER,
                    rule="render.yaml",
                )
            )
            continue
        objects += [RenderedObject(source, i, doc) for i, doc in enumerate(docs) if doc is not None]
    return objects, notes


def render_chart(
    chart: str | Path,
    values: Mapping[str, Any],
    *,
    release: str,
    namespace: str,
    version: str | None = None,
    kubernetes_version: str = "1.29",
    api_versions: Sequence[str] = DEFAULT_API_VERSIONS,
    engine: str = "auto",
) -> RenderResult:
    """Render ``chart`` (a chart folder or ``.tgz``; a repository reference needs the ``helm`` binary).

    ``engine`` is ``"auto"`` (binary, else SDK), ``"helm"`` or ``"sdk"``. A missing engine or a chart that
    fails to render raises :class:`UserInputError` naming the release and Helm's message.
    """
    if engine not in ("auto", "helm", "sdk"):
        raise ValueError(f"engine must be 'auto', 'helm' or 'sdk', not {engine!r}")
    kube = "v" + kubernetes_version.lstrip("v") + (".0" if kubernetes_version.count(".") == 1 else "")
    local = Path(chart)
    meta = _local_chart_meta(local) if local.is_dir() else {}
    name = str(meta.get("name", local.name if local.exists() else chart))
    chart_version = str(meta.get("version", version or ""))
    if meta:
        _check_version(release, name, chart_version, version)
    helm_binary = find_helm() if engine in ("auto", "helm") else None
    notes: list[Finding] = []
    if helm_binary:
        manifests, label = _render_with_binary(
            helm_binary,
            os.fspath(chart),
            values,
            release=release,
            namespace=namespace,
            version=version,
            kube=kube,
            api_versions=api_versions,
        )
        applied = True
    else:
        if engine == "helm":
            raise _missing_engine()
        try:
            import helm_python  # noqa: F401
        except ImportError as exc:
            raise _missing_engine() from exc
        if not local.exists():
            raise UserInputError(
                [
                    Problem(
                        path=str(chart),
                        message="helm-python-sdk renders local charts only, and this is no file or folder",
                        fix=f"`helm pull {chart} --untar{' --version ' + version if version else ''}` "
                        "and pass the folder, or put the helm binary on PATH",
                    )
                ],
                source="render",
            )
        manifests, label, applied = _render_with_sdk(
            local, values, release=release, namespace=namespace, kube=kube, api_versions=api_versions
        )
    if not applied and api_versions:
        notes.append(
            Finding(
                severity=Severity.INFO,
                path=f"release {release}",
                message=(
                    f"rendered with {label}, which takes no API versions: templates that test "
                    f"`.Capabilities.APIVersions` ({', '.join(api_versions)}) took their fallback branch, "
                    "e.g. a CustomResourceDefinition as apiextensions.k8s.io/v1beta1; "
                    "those objects are reported as not checked"
                ),
                fix="put the helm v3 binary on PATH for a render with --api-versions",
                chapter=CHAPTER,
                rule="render.api-versions",
            )
        )
    objects, parse_notes = _parse_objects(manifests, release)
    return RenderResult(
        release=release,
        namespace=namespace,
        chart=name,
        chart_version=chart_version,
        engine=label,
        kubernetes_version=kube.lstrip("v"),
        api_versions=tuple(api_versions),
        manifests=manifests,
        objects=tuple(objects),
        notes=tuple(notes + parse_notes),
        api_versions_applied=applied,
    )


def validate_manifests(result: RenderResult, kubernetes_version: str = "1.29") -> list[Finding]:
    """Findings for every rendered object that Kubernetes ``kubernetes_version`` would reject (strict schemas).

    Includes the render's own notes. Custom resources are checked against a CRD of the same render, else
    reported (info) as not checked.
    """
    return list(result.notes) + validate_objects(
        result.objects,
        release=result.release,
        kubernetes_version=kubernetes_version,
        api_versions_applied=result.api_versions_applied,
    )
