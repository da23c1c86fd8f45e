"""Diagrams for one control plane and 50 data planes: topology + mermaid text, and graphviz SVG through `dot`.

Targets: topology + mermaid <= 50 ms; SVG <= 1 s (medians). The default view collapses each execution label's data
planes into one node above the threshold; the expanded graph (every cluster drawn) is timed too, for scale.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

# run as a script from benchmarks/: the same spec as the emission benchmark
from emission_scale import fifty_data_planes

from flytekit_deploy.diagrams import to_mermaid, to_svg
from flytekit_deploy.topology import build_topology

FAST_RUNS = 21
SLOW_RUNS = 5



def median_ms(work: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, max(times) * 1000


def main() -> None:
    spec = fifty_data_planes()
    for expand in (False, True):
        topology = build_topology(spec, expand_data_planes=expand)
        name = "expanded " if expand else "collapsed"
        print(f"{name}: {len(topology.nodes)} nodes, {len(topology.edges)} edges, {len(topology.groups)} groups")
        med, worst = median_ms(lambda e=expand: to_mermaid(build_topology(spec, expand_data_planes=e)), FAST_RUNS)
        target = " (target <= 50 ms)" if not expand else ""
        print(f"  topology + mermaid: median {med:6.1f} ms, max {worst:6.1f} ms{target}")
        svg_med, svg_worst = median_ms(lambda t=topology: to_svg(t), SLOW_RUNS)
        target = " (target <= 1000 ms)" if not expand else ""
        print(f"  graphviz SVG:       median {svg_med:6.1f} ms, max {svg_worst:6.1f} ms{target}")


if __name__ == "__main__":
    main()
