"""Cold start of `flytekit-deploy values` on the sandbox preset, against the floor `import pydantic, yaml`.

Both run as fresh processes, alternated, several times; the medians are compared (target: ratio <= 1.5).
A third line shows the smallest program that uses pydantic for real (one model, validated once): ``import
pydantic`` alone is lazy and loads almost nothing, so that line is the practical floor of any pydantic CLI.
A fourth line times ``flytekit-deploy --help``: the parser with every command registered, which must stay cheap
because each command imports the library it calls inside its handler.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 9


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    python = sys.executable
    cli = str(Path(python).with_name("flytekit-deploy"))
    one_model = "import yaml\nfrom pydantic import BaseModel\nclass A(BaseModel):\n    x: int = 1\nA()\n"
    floor, values, smallest, help_ = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        timed([cli, "values", "--preset", "sandbox", "-o", f"{tmp}/warm"])  # warm the file cache
        for run in range(RUNS):
            floor.append(timed([python, "-c", "import pydantic, yaml"]))
            smallest.append(timed([python, "-c", one_model]))
            values.append(timed([cli, "values", "--preset", "sandbox", "-o", f"{tmp}/run{run}"]))
            help_.append(timed([cli, "--help"]))
    f, v = statistics.median(floor), statistics.median(values)
    print(f"import pydantic, yaml      median {f * 1000:7.1f} ms  (min {min(floor) * 1000:.1f})")
    m = statistics.median(smallest)
    print(f"one pydantic model, used   median {m * 1000:7.1f} ms  ({m / f:.2f}x the floor)")
    print(f"flytekit-deploy values     median {v * 1000:7.1f} ms  (min {min(values) * 1000:.1f})")
    h = statistics.median(help_)
    print(f"flytekit-deploy --help     median {h * 1000:7.1f} ms  ({h / f:.2f}x the floor)")
    print(f"ratio {v / f:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
