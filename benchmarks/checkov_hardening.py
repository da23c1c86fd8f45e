"""checkov on the production presets' renders (post-renderer applied) and on upstream's overlays, in one run.

Target (issue 12): failed checks per workload <= 0.5x upstream's example overlays, for flyte-binary and flyte-core.

Ours: every production preset rendered by the real charts (:func:`render_plan`), passed through the kit's
post-renderer where the plan's helm command uses it (:func:`as_installed`, the function Helm runs). Upstream:
flyte-core with ``values-eks.yaml`` and ``values-gcp.yaml``, flyte-binary with ``eks-production.yaml`` and
``gke-starter.yaml``, rendered by the same engine with the same flags (release ``flyte`` / ``flyte-backend``,
namespace ``flyte``). "Per workload": failed checks on pod-bearing objects divided by their number.

Run: ``.venv/bin/python benchmarks/checkov_hardening.py [--reference ../shared/reference/flyte-v1.16.8]
[--keep DIR] [--detail]``.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from flytekit_deploy.checks.chart_source import ChartSet, prepare_charts
from flytekit_deploy.checks.checkov_scan import run_checkov
from flytekit_deploy.checks.plan_render import render_plan
from flytekit_deploy.checks.pod_security import WORKLOAD_KINDS, as_installed
from flytekit_deploy.checks.render import render_chart
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.spec import DeploymentSpec

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "flyte-v1.16.8"
UPSTREAM = {
    "flyte-core": [("values-eks.yaml", "flyte"), ("values-gcp.yaml", "flyte")],
    "flyte-binary": [("eks-production.yaml", "flyte-backend"), ("gke-starter.yaml", "flyte-backend")],
}
TARGET = 0.5


def _write(folder: Path, name: str, objects: list[Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump_all([o for o in objects if o], sort_keys=False))


def write_renders(root: Path, reference: Path, charts: ChartSet, hardening: str = "") -> None:
    """``root/{ours,upstream}/<chart>/<name>.yaml``: the objects each side would install (``hardening``: force
    the spec field, e.g. ``off`` to measure the kit without it)."""
    for name in preset_names():
        spec = get_preset(name)
        if spec.profile.value != "production":
            continue
        if hardening:
            spec = DeploymentSpec.model_validate({**spec.model_dump(mode="json"), "hardening": hardening})
        plan = build_plan(spec)
        rendered = as_installed(plan, render_plan(plan, charts))
        if rendered.failures:
            raise SystemExit(f"{name} does not render: {rendered.failures[0].message}")
        for release in plan.releases:
            objects = [o.body for o in rendered.objects(release.filename)]
            _write(root / "ours" / release.chart.value, f"{name}--{release.filename}", objects)
    for chart, overlays in UPSTREAM.items():
        for overlay, release_name in overlays:
            values = yaml.safe_load((reference / "charts" / chart / overlay).read_text()) or {}
            result = render_chart(charts.path(chart), values, release=release_name, namespace="flyte")
            _write(root / "upstream" / chart, overlay, [o.body for o in result.objects])


def workloads_in(path: Path) -> list[str]:
    """``Kind.namespace.name`` of each pod-bearing object (checkov's resource spelling)."""
    out = []
    for obj in yaml.safe_load_all(path.read_text()):
        if obj and obj.get("kind") in WORKLOAD_KINDS:
            meta = obj.get("metadata") or {}
            out.append(f"{obj['kind']}.{meta.get('namespace', 'default')}.{meta.get('name')}")
    return out


def summarise(root: Path, failed: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (side, chart): workloads, failed checks on them, and the failed check ids per workload."""
    by_file: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for check in failed:
        by_file[str(Path(check["file_path"]).as_posix()).lstrip("/")].append(check)
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(root.glob("*/*/*.yaml")):
        side, chart = path.parent.parent.name, path.parent.name
        rel = path.relative_to(root).as_posix()
        kinds = {w.split(".")[0] for w in workloads_in(path)}
        checks = [c for c in by_file.get(rel, []) if str(c.get("resource", "")).split(".")[0] in kinds]
        entry = table.setdefault((side, chart), {"workloads": 0, "failed": 0, "files": {}, "checks": {}})
        workloads = workloads_in(path)
        entry["workloads"] += len(workloads)
        entry["failed"] += len(checks)
        entry["files"][path.name] = (len(workloads), len(checks))
        for check in checks:
            key = f"{path.name}: {check['resource']}"
            entry["checks"].setdefault(key, []).append(check["check_id"])
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--keep", type=Path, help="write the renders here and keep them")
    parser.add_argument("--detail", action="store_true", help="list every failed check per workload (ours)")
    parser.add_argument("--hardening", default="", help="force the presets' hardening field (off: the 'before')")
    args = parser.parse_args()
    charts = prepare_charts(args.reference / "charts")
    root = args.keep or Path(tempfile.mkdtemp(prefix="fkd-checkov-"))
    if root.exists() and args.keep:
        shutil.rmtree(root)
    start = time.perf_counter()
    write_renders(root, args.reference, charts, args.hardening)
    failed = run_checkov(root)
    seconds = time.perf_counter() - start
    table = summarise(root, failed)
    print(f"checkov on {root} ({len(failed)} failed checks in all, {seconds:.0f} s)\n")
    print(f"{'side':9} {'chart':13} {'file':58} {'workloads':>9} {'failed':>6} {'per wl':>7}")
    for (side, chart), entry in sorted(table.items()):
        for name, (workloads, count) in sorted(entry["files"].items()):
            per = count / workloads if workloads else 0.0
            print(f"{side:9} {chart:13} {name:58} {workloads:9d} {count:6d} {per:7.2f}")
    print(f"\n{'chart':13} {'ours/wl':>8} {'upstream/wl':>12} {'ratio':>6}  target <= {TARGET}")
    ok = True
    for chart in UPSTREAM:
        ours, theirs = table[("ours", chart)], table[("upstream", chart)]
        ours_per = ours["failed"] / ours["workloads"]
        theirs_per = theirs["failed"] / theirs["workloads"]
        ratio = ours_per / theirs_per
        ok &= ratio <= TARGET
        print(f"{chart:13} {ours_per:8.2f} {theirs_per:12.2f} {ratio:6.2f}  {'ok' if ratio <= TARGET else 'MISSED'}")
    remaining: collections.Counter[str] = collections.Counter()
    for (side, _), entry in table.items():
        if side == "ours":
            for ids in entry["checks"].values():
                remaining.update(ids)
    print("\nremaining failed checks in ours (check: count):", dict(sorted(remaining.items())))
    if args.detail:
        for (side, chart), entry in sorted(table.items()):
            if side != "ours":
                continue
            for workload, ids in sorted(entry["checks"].items()):
                print(f"  {chart}: {workload}: {', '.join(sorted(ids))}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
