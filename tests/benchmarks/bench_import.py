"""Cold import time of function_app (what a Functions worker pays before the first invocation)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


TARGET_SECONDS = 1.0


def main() -> int:
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
    median = statistics.median(times)
    print(
        f"python -c 'import function_app': median {median:.3f} s "
        f"(interpreter alone {statistics.median(baseline):.3f} s; target < {TARGET_SECONDS:.0f} s)"
    )
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
