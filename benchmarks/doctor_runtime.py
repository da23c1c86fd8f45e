"""doctor's runtime part (real Helm render + Flyte config contract + wiring) for 1 control plane + 50 data planes
and for a single-release preset.

Targets: <= 10 s for 1 + 50 clusters, <= 2 s for a single-release preset (charts already prepared in the cache;
the one-time preparation is printed separately).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from flytekit_deploy.checks.chart_source import locate_chart_source, prepare_charts
from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.runtime import doctor_findings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emission_scale import fifty_data_planes  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "flyte-v1.16.8" / "charts"


def _time(label: str, plan: object, charts: object, target: float, engine: str) -> None:
    start = time.perf_counter()
    found = doctor_findings(plan, charts=charts, engine=engine)  # type: ignore[arg-type]
    took = time.perf_counter() - start
    errors = sum(1 for f in found if f.severity.value == "error")
    print(
        f"{label:<34} {engine:<5} {took:6.2f} s   target <= {target:.0f} s   ({len(found)} findings, {errors} errors)"
    )


def main() -> None:
    start = time.perf_counter()
    charts = prepare_charts(locate_chart_source(REFERENCE if REFERENCE.is_dir() else None))
    print(f"{'prepare charts (once, then cached)':<40} {time.perf_counter() - start:6.2f} s")
    big = build_plan(fifty_data_planes())
    print(f"releases in the 1 + 50 plan: {len(big.releases)}")
    single = build_plan(get_preset("eks-starter"))
    for engine in ("sdk", "helm"):  # doctor's default is the SDK when installed, else the helm binary
        _time("1 control plane + 50 data planes", big, charts, 10, engine)
        _time("single release (eks-starter)", single, charts, 2, engine)


if __name__ == "__main__":
    main()
