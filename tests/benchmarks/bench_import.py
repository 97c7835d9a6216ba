"""Cold import time of function_app (what a Functions worker pays before the first invocation)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import function_app"], cwd=ROOT, check=True)
        times.append(time.perf_counter() - started)
    baseline = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], cwd=ROOT, check=True)
        baseline.append(time.perf_counter() - started)
    print(
        f"python -c 'import function_app': median {statistics.median(times):.3f} s "
        f"(interpreter alone {statistics.median(baseline):.3f} s; target < 1 s)"
    )


if __name__ == "__main__":
    main()
