"""Emission for one control plane and 50 data planes: time and peak memory of build_plan + every file's text.

Targets: <= 1 s and <= 150 MB (peak resident set size of this process, which includes the interpreter).
"""

from __future__ import annotations

import resource
import statistics
import time

from flytekit_deploy.plan import build_plan
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import DeploymentSpec


def fifty_data_planes() -> DeploymentSpec:
    data = get_preset("eks-multicluster").model_dump(mode="json")
    data["clusters"]["data_planes"] = [
        {
            "name": f"dataplane-{i:02d}",
            "endpoint": f"https://dp{i:02d}.k8s.example.com",
            "label": ["default", "gpu", "spot"][i % 3],
            "weight": 0.5,
        }
        for i in range(50)
    ]
    return DeploymentSpec.model_validate(data)


def main() -> None:
    spec = fifty_data_planes()
    times = []
    files = {}
    for _ in range(5):
        start = time.perf_counter()
        plan = build_plan(spec)
        files = plan.files()
        times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = sum(len(t) for t in files.values()) / 1024
    print(f"releases {len(plan.releases)}, files {len(files)} ({size:.0f} KiB)")
    print(f"build_plan + files: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          "(target <= 1000 ms)")
    print(f"peak RSS {peak_mb:.0f} MB (target <= 150 MB)")


if __name__ == "__main__":
    main()
